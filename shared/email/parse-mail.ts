/**
 * Raw MIME → what the email use case needs, with every bad input ending in a result rather
 * than a throw: malformed MIME, 8-bit or unknown-charset headers, HTML-only bodies, nested
 * forwards, huge or countless attachments, zero bytes. mailparser does the parsing; the top
 * header block is also read here directly, so the loop checks work even on a message
 * mailparser gives up on.
 *
 * Attachment bytes are kept only within ATTACHMENT_LIMITS (the raw MIME keeps everything);
 * the rest are counted, drained and noted with the reason.
 */
import { MailParser, parseAddressHeader, type AddressObject, type AttachmentStream, type MessageText } from 'mailparser';
import { attachmentSkip, dkimSigningDomains, safeMessageId, sanitiseFilename, type AttachmentSkip } from '#domain/inbound-mail';
import { normaliseLine, normaliseText } from '#domain/text';

/** Header block of one MIME node, read before mailparser; larger blocks are cut (mailsplit's own limit is 1 MB). */
const MAX_HEADER_BYTES = 1024 * 1024;
/** Most text kept from a message (case details, the stored message record). */
export const MAX_TEXT_CHARS = 200_000;
/** Forwarded messages nested deeper than this are kept as attachments but not read for triage. */
const MAX_FORWARD_DEPTH = 3;
const PARSE_TIMEOUT_MS = 20_000;
/** MIME parts in one message; a bomb of tiny parts ends as an unparseable (but stored) message. */
const MAX_MIME_PARTS = 2000;
/** HTML larger than this is not converted to text by mailparser; a crude tag strip stands in. */
const MAX_HTML_TO_TEXT = 2_000_000;

/** Headers the loop and list checks read (lower case). */
const LOOP_HEADERS = [
  'auto-submitted',
  'precedence',
  'x-autoreply',
  'x-autorespond',
  'x-auto-reply',
  'x-autoresponder',
  'x-auto-response-suppress',
  'return-path',
  'content-type',
  'list-id',
  'list-unsubscribe',
] as const;

export interface ParsedAttachment {
  /** 1-based position among the message's attachments. */
  n: number;
  /** Sanitised; personal data, so it lives only in the stored message record. */
  filename: string;
  contentType: string;
  size: number;
  /** The bytes, when within the limits. */
  content?: Buffer;
  skipped?: AttachmentSkip;
}

export interface ParsedMail {
  from?: { name: string; address: string };
  subject: string;
  messageId?: string;
  inReplyTo?: string;
  references: string[];
  /** The Date header as ISO, if it parsed (informational: the clock runs from arrival, not from this). */
  date?: string;
  /** Plain text of the body (from HTML where there is no text part), normalised. */
  text: string;
  htmlOnly: boolean;
  /** Loop-relevant header values by lower-case name. */
  headers: Record<string, string>;
  /** The signing domains of every top-level DKIM-Signature header (whose pass counts only if they are the From domain's). */
  dkimDomains: string[];
  recipients: { to: number; cc: number };
  attachments: ParsedAttachment[];
  /** Text of forwarded messages (message/rfc822 parts), for triage only. */
  forwardedText: string;
  forwarded: boolean;
  /** What went wrong while reading it (names only, never content). */
  problems: string[];
}

// ---------------------------------------------------------------------------------------
// The top header block, read directly
// ---------------------------------------------------------------------------------------

function headerBlockEnd(raw: Buffer): number {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  const ends = [crlf === -1 ? -1 : crlf + 4, lf === -1 ? -1 : lf + 2].filter((e) => e !== -1);
  return ends.length ? Math.min(...ends) : raw.length;
}

/**
 * 8-bit header bytes that are not UTF-8 (Latin-1 or Windows-1252 clients, which never heard
 * of RFC 2047) become UTF-8, so names and subjects read as written instead of as U+FFFD.
 */
export function repairHeaderCharset(raw: Buffer): { raw: Buffer; repaired: boolean } {
  const end = headerBlockEnd(raw);
  const head = raw.subarray(0, end);
  if (!head.some((b) => b >= 0x80)) return { raw, repaired: false };
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head);
    return { raw, repaired: false };
  } catch {
    return { raw: Buffer.concat([Buffer.from(decodeLoosely(head), 'utf8'), raw.subarray(end)]), repaired: true };
  }
}

/** Every value of one top-level header, unfolded, in order. */
export function readTopHeaderValues(raw: Buffer, name: string): string[] {
  const head = raw.subarray(0, Math.min(headerBlockEnd(raw), MAX_HEADER_BYTES)).toString('utf8');
  const want = name.toLowerCase();
  return head
    .replace(/\r?\n[ \t]+/g, ' ')
    .split(/\r?\n/)
    .flatMap((line) => {
      const colon = line.indexOf(':');
      return colon > 0 && line.slice(0, colon).trim().toLowerCase() === want ? [line.slice(colon + 1).trim()] : [];
    });
}

/** Top-level headers by lower-case name, unfolded, first occurrence wins. */
export function readTopHeaders(raw: Buffer): Record<string, string> {
  const head = raw.subarray(0, Math.min(headerBlockEnd(raw), MAX_HEADER_BYTES)).toString('utf8');
  const out: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!/^[\x21-\x39\x3b-\x7e]+$/.test(name) || name in out) continue;
    out[name] = line.slice(colon + 1).trim();
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------

const EMAIL = /^[^\s@<>()",;:\\[\]]+@[^\s@<>()",;:\\[\]]+\.[^\s@<>()",;:\\[\]]+$/u;

function firstAddress(from: AddressObject | undefined): { name: string; address: string } | undefined {
  const flat = (from?.value ?? []).flatMap((a) => (a.group ? a.group : [a]));
  for (const a of flat) {
    const address = (a.address ?? '').trim();
    if (EMAIL.test(address) && address.length <= 254) return { name: normaliseLine(a.name ?? '').slice(0, 200), address };
  }
  return undefined;
}

const countAddresses = (value: AddressObject | AddressObject[] | undefined) =>
  [value ?? []].flat().reduce((n, o) => n + o.value.reduce((m, a) => m + (a.group ? a.group.length : 1), 0), 0);

const FORWARD_SUBJECT = /^\s*(?:(?:re|aw|sv)\s*:\s*)*(?:fwd?|fw|wg|tr|rv)\s*:/i;
const FORWARD_BODY = /(?:-{2,}\s*(?:forwarded message|original message)\s*-{2,}|^begin forwarded message:)/im;

/** UTF-8 if it is, else Windows-1252 (which maps every byte). */
function decodeLoosely(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

/** A last resort for HTML mailparser would not convert: drop scripts and styles, then tags. */
function stripTags(html: string): string {
  return html
    .slice(0, MAX_HTML_TO_TEXT)
    .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<br\s*\/?>|<\/(p|div|li|tr|h\d)>/gi, '\n')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/gi, ' ')
    .replace(/&amp;/gi, '&')
    .replace(/&lt;/gi, '<')
    .replace(/&gt;/gi, '>')
    .replace(/&quot;/gi, '"')
    .replace(/&#39;/gi, "'");
}

interface StreamResult {
  parser: MailParser;
  text?: MessageText;
  attachments: ParsedAttachment[];
}

/** Runs mailparser over the bytes, keeping attachment bytes only within the limits. */
function stream(raw: Buffer, keepAttachments: boolean): Promise<StreamResult> {
  return new Promise((resolve, reject) => {
    const parser = new MailParser({
      skipTextToHtml: true,
      skipImageLinks: true,
      skipTextLinks: true,
      maxHtmlLengthToParse: MAX_HTML_TO_TEXT,
      maxChildNodes: MAX_MIME_PARTS,
      checksumAlgo: false,
    });
    const result: StreamResult = { parser, attachments: [] };
    let storedBytes = 0;
    const timer = setTimeout(() => {
      parser.destroy();
      reject(new Error('parse-timeout'));
    }, PARSE_TIMEOUT_MS);
    parser.on('data', (data: AttachmentStream | MessageText) => {
      if (data.type === 'text') {
        result.text = data;
        return;
      }
      const index = result.attachments.length;
      const attachment: ParsedAttachment = {
        n: index + 1,
        filename: sanitiseFilename(data.filename, `attachment-${index + 1}`),
        contentType: normaliseLine(data.contentType || 'application/octet-stream').slice(0, 100),
        size: 0,
      };
      result.attachments.push(attachment);
      const chunks: Buffer[] = [];
      let skipped: AttachmentSkip | undefined = keepAttachments ? undefined : 'quarantined';
      data.content.on('data', (chunk: Buffer) => {
        attachment.size += chunk.length;
        skipped ??= attachmentSkip(index, attachment.size, storedBytes);
        if (skipped) chunks.length = 0;
        else chunks.push(chunk);
      });
      data.content.on('end', () => {
        skipped ??= attachmentSkip(index, attachment.size, storedBytes);
        if (skipped) attachment.skipped = skipped;
        else {
          attachment.content = Buffer.concat(chunks);
          storedBytes += attachment.size;
        }
        data.release?.();
      });
    });
    parser.once('error', (err: Error) => {
      clearTimeout(timer);
      reject(err);
    });
    parser.once('end', () => {
      clearTimeout(timer);
      resolve(result);
    });
    parser.end(raw);
  });
}

/** Reads one message. Never throws: what cannot be read is listed in `problems`. */
export async function parseMail(input: Buffer, opts: { keepAttachments: boolean; depth?: number } = { keepAttachments: true }): Promise<ParsedMail> {
  const problems: string[] = [];
  if (input.length === 0) problems.push('empty');
  const { raw, repaired } = repairHeaderCharset(input);
  if (repaired) problems.push('header-charset-repaired');
  const top = readTopHeaders(raw);
  const headers: Record<string, string> = {};
  for (const name of LOOP_HEADERS) if (top[name] !== undefined) headers[name] = top[name]!;
  const dkimDomains = dkimSigningDomains(readTopHeaderValues(raw, 'dkim-signature'));

  let streamed: StreamResult;
  try {
    streamed = await stream(raw, opts.keepAttachments);
  } catch (err) {
    // Fall back to what the top headers say; the raw MIME stays in S3 for a person to read.
    problems.push(err instanceof Error && err.message === 'parse-timeout' ? 'parse-timeout' : 'unparseable');
    const from = top.from ? firstAddress(parseAddressHeader(top.from)) : undefined;
    return {
      ...(from ? { from } : {}),
      subject: normaliseLine(top.subject ?? '').slice(0, 500),
      ...optional('messageId', safeMessageId(top['message-id'])),
      references: [],
      text: '',
      htmlOnly: false,
      headers,
      dkimDomains,
      recipients: { to: 0, cc: 0 },
      attachments: [],
      forwardedText: '',
      forwarded: FORWARD_SUBJECT.test(top.subject ?? ''),
      problems,
    };
  }

  const { parser, attachments } = streamed;
  const textPart = streamed.text;
  let text = textPart?.text ?? '';
  const html = typeof textPart?.html === 'string' ? textPart.html : '';
  if (textPart?.textConversionError) problems.push('html-not-converted');
  if (!text.trim() && html) text = stripTags(html);
  if (!text.trim() && attachments.length === 0) {
    // Nothing mailparser recognised (a multipart whose boundary never appears, say): the body
    // as it stands is still what the person wrote, so a reader gets to see it.
    const body = raw.subarray(headerBlockEnd(raw));
    if (body.some((b) => b > 0x20)) {
      text = decodeLoosely(body.subarray(0, MAX_TEXT_CHARS * 4));
      problems.push('body-not-parsed');
    }
  }
  text = normaliseText(text).slice(0, MAX_TEXT_CHARS);

  const forwardedText = await readForwards(attachments, (opts.depth ?? 0) + 1, problems);
  const subject = normaliseLine(parser.subject ?? '').slice(0, 500);
  const references = [parser.references ?? []]
    .flat()
    .map(safeMessageId)
    .filter((id): id is string => Boolean(id));
  const from = firstAddress(parser.from);
  if (!from && top.from !== undefined) problems.push('unusable-from');

  return {
    ...(from ? { from } : {}),
    subject,
    ...optional('messageId', safeMessageId(parser.messageId)),
    ...optional('inReplyTo', safeMessageId(parser.inReplyTo)),
    references,
    ...optional('date', parser.date && !Number.isNaN(parser.date.getTime()) ? parser.date.toISOString() : undefined),
    text,
    htmlOnly: Boolean(html) && !(textPart?.text ?? '').trim(),
    headers,
    dkimDomains,
    recipients: { to: countAddresses(parser.to), cc: countAddresses(parser.cc) },
    attachments,
    forwardedText,
    forwarded: FORWARD_SUBJECT.test(subject) || FORWARD_BODY.test(text) || attachments.some((a) => a.contentType === 'message/rfc822'),
    problems,
  };
}

/** The text of forwarded messages attached as message/rfc822, for triage (bounded depth and size). */
async function readForwards(attachments: ParsedAttachment[], depth: number, problems: string[]): Promise<string> {
  const texts: string[] = [];
  for (const a of attachments) {
    if (a.contentType !== 'message/rfc822' || !a.content) continue;
    if (depth > MAX_FORWARD_DEPTH) {
      problems.push('forward-too-deep');
      break;
    }
    const inner = await parseMail(a.content, { keepAttachments: true, depth });
    if (inner.problems.includes('forward-too-deep') && !problems.includes('forward-too-deep')) problems.push('forward-too-deep');
    texts.push([inner.subject, inner.text, inner.forwardedText].filter(Boolean).join('\n'));
  }
  return texts.join('\n\n').slice(0, MAX_TEXT_CHARS);
}

const optional = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } =>
  (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
