/**
 * What to do with one inbound email to the DPO mailbox (DESIGN.md, Email): pure rules over
 * facts the email use case reads from the message and from SES's receipt verdicts.
 *
 *   1. Virus-flagged (or unscanned) mail is quarantined: kept, marked, never answered.
 *   2. Mail that a machine sent in answer to mail (auto-replies, out-of-office, bounces,
 *      read receipts, our own outbound mail) is ignored: answering it would start a loop
 *      (RFC 3834). The raw message stays in S3 all the same.
 *   3. Everything else becomes a case (or joins the case it replies to). Spam-flagged mail
 *      is kept for review, because a real request can look like spam, but is not answered
 *      automatically (an answer to spam is backscatter).
 *
 * An authenticated From address counts as confirmed: the clock starts on receipt. That is a
 * DMARC pass (aligned with the From domain by definition), or, where the domain publishes no
 * DMARC verdict, a DKIM pass whose every signature is by the From domain. A DKIM pass for
 * another domain (a mailing service's, an attacker's own) proves nothing about the From
 * address. Otherwise the requester confirms the address through the form's link.
 */

export const VERDICTS = ['PASS', 'FAIL', 'GRAY', 'PROCESSING_FAILED', 'DISABLED'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** SES's receipt verdicts (event.Records[0].ses.receipt.*Verdict.status). */
export interface Verdicts {
  spam: Verdict;
  virus: Verdict;
  spf: Verdict;
  dkim: Verdict;
  dmarc: Verdict;
}

export function isVerdict(value: unknown): value is Verdict {
  return typeof value === 'string' && (VERDICTS as readonly string[]).includes(value);
}

/** Flags on cases made from (or touched by) inbound mail; the DPO team works from them. */
export const MAIL_FLAGS = {
  /** A reply arrived on the case and nobody has read it yet. */
  newCorrespondence: 'new-correspondence',
  /** The spam scanner flagged it: a person decides whether it is a real request. */
  spamReview: 'spam-review',
  /** The virus scanner flagged it (or could not scan it): kept, attachments not extracted. */
  quarantined: 'quarantined',
  /** No usable From address: nobody can be answered or asked to confirm. */
  noSender: 'no-sender',
  /** Sent through a mailing list: not answered automatically (RFC 3834). */
  mailingList: 'mailing-list',
  /** A forwarded message: the requester may be someone other than the sender. */
  forwarded: 'forwarded',
  /** The message could not be parsed; only the raw MIME tells what it says. */
  unparseable: 'unparseable',
  /** Some attachments were over the limits and were not stored separately (the raw MIME keeps them). */
  attachmentsSkipped: 'attachments-skipped',
  /** The acknowledgement could not be delivered to the sender's address. */
  acknowledgementFailed: 'acknowledgement-failed',
  /** SPF and DMARC both failed: the From address is probably forged, so nobody is answered automatically. */
  unauthenticated: 'unauthenticated',
  /** The sender asked for no automatic answers (X-Auto-Response-Suppress). */
  noAutoReply: 'no-auto-reply',
} as const;
export type MailFlag = (typeof MAIL_FLAGS)[keyof typeof MAIL_FLAGS];

/** Why a message is deliberately left without a case (and without an answer). */
export type IgnoreReason =
  'auto-submitted' | 'precedence' | 'auto-reply-header' | 'null-return-path' | 'mailer-daemon' | 'delivery-report' | 'own-address';

/** What the rules need to know about a message; header names are lower case. */
export interface MailFacts {
  /** Header values by lower-case name (the first occurrence), as read from the message. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The From address, if the message has a usable one. */
  readonly fromAddress?: string;
  /** The SMTP envelope sender (SES `mail.source`); '' or '<>' for a null reverse-path. */
  readonly envelopeFrom?: string;
  readonly verdicts: Verdicts;
  /** The signing domains (d=) of every DKIM-Signature header; without them a DKIM pass alone confirms nothing. */
  readonly dkimDomains?: readonly string[];
}

export type Disposition =
  | { readonly kind: 'ignore'; readonly reason: IgnoreReason }
  | {
      readonly kind: 'accept';
      readonly quarantine: boolean;
      readonly spam: boolean;
      /** Whether an automatic answer (acknowledgement, confirmation link) may go to the sender. */
      readonly autoReply: boolean;
      /** The From address is authenticated (senderAuthenticated): it counts as confirmed. */
      readonly identityConfirmed: boolean;
      /** Flags the case starts with (or the reply adds). */
      readonly flags: MailFlag[];
    };

const header = (facts: MailFacts, name: string) => facts.headers[name]?.trim().toLowerCase();
const isNullPath = (value: string | undefined) => value !== undefined && /^<?\s*>?$/.test(value.trim());

/** Why the message is machine-sent mail that must not be answered or made a case of; undefined for a person's mail. */
export function loopReason(facts: MailFacts, ownAddresses: readonly string[]): IgnoreReason | undefined {
  const autoSubmitted = header(facts, 'auto-submitted');
  if (autoSubmitted && autoSubmitted !== 'no' && !autoSubmitted.startsWith('no;') && !autoSubmitted.startsWith('no ')) {
    return 'auto-submitted';
  }
  const precedence = header(facts, 'precedence');
  if (precedence && /^(bulk|junk|list|auto[_-]reply)\b/.test(precedence)) return 'precedence';
  // Exchange, older autoresponders and vacation programs that predate RFC 3834.
  if (['x-autoreply', 'x-autorespond', 'x-auto-reply', 'x-autoresponder'].some((h) => facts.headers[h] !== undefined)) {
    return 'auto-reply-header';
  }
  const contentType = header(facts, 'content-type') ?? '';
  if (/^multipart\/report\b/.test(contentType) || /^message\/(delivery-status|disposition-notification)\b/.test(contentType)) {
    return 'delivery-report';
  }
  if (isNullPath(facts.envelopeFrom) || isNullPath(facts.headers['return-path'])) return 'null-return-path';
  const from = facts.fromAddress?.trim().toLowerCase();
  if (from && /^(mailer-daemon|mail-daemon|mailerdaemon)@/.test(from)) return 'mailer-daemon';
  if (from && ownAddresses.some((own) => own.trim().toLowerCase() === from)) return 'own-address';
  return undefined;
}

/**
 * Whether the sender asked not to be answered automatically: Microsoft's X-Auto-Response-Suppress
 * with All, AutoReply or OOF (values are a comma-separated list, case-insensitive).
 */
export function suppressesAutoReply(facts: MailFacts): boolean {
  const values = (header(facts, 'x-auto-response-suppress') ?? '').split(',').map((v) => v.trim());
  return values.some((v) => v === 'all' || v === 'autoreply' || v === 'oof');
}

/**
 * SPF and DMARC both failed: the From domain's owner says this message is not theirs.
 * Answering it would send our mail to whoever was impersonated (backscatter).
 */
export function isUnauthenticated(verdicts: Verdicts): boolean {
  return verdicts.spf === 'FAIL' && verdicts.dmarc === 'FAIL';
}

/** The d= domains of DKIM-Signature header values, lower case. */
export function dkimSigningDomains(values: readonly string[]): string[] {
  return values.flatMap((v) => {
    const m = /(?:^|;)\s*d\s*=\s*([^;\s]+)/i.exec(v);
    return m?.[1] ? [m[1].toLowerCase().replace(/\.$/, '')] : [];
  });
}

/** DKIM's domain and the From domain align (relaxed: the same, or one a subdomain of the other's). */
function aligned(signer: string, fromDomain: string): boolean {
  return signer === fromDomain || fromDomain.endsWith(`.${signer}`) || signer.endsWith(`.${fromDomain}`);
}

/**
 * Whether the From address is authenticated: DMARC passed (it checks alignment), or DMARC gave
 * no verdict (no policy published) and DKIM passed with every signature by the From domain.
 * A DMARC failure outweighs a DKIM pass: that pass was for some other domain.
 */
export function senderAuthenticated(facts: Pick<MailFacts, 'fromAddress' | 'verdicts' | 'dkimDomains'>): boolean {
  if (facts.verdicts.dmarc === 'PASS') return true;
  if (facts.verdicts.dmarc === 'FAIL' || facts.verdicts.dkim !== 'PASS') return false;
  const fromDomain = facts.fromAddress?.split('@').pop()?.trim().toLowerCase().replace(/\.$/, '');
  const signers = facts.dkimDomains ?? [];
  return Boolean(fromDomain) && signers.length > 0 && signers.every((d) => aligned(d, fromDomain!));
}

/** Quarantine, ignore or accept, with the flags and answers an accepted message gets. */
export function dispositionOf(facts: MailFacts, ownAddresses: readonly string[]): Disposition {
  // Unscanned mail is treated like infected mail: its attachments are not handed to anyone.
  const quarantine = facts.verdicts.virus !== 'PASS';
  if (!quarantine) {
    const reason = loopReason(facts, ownAddresses);
    if (reason) return { kind: 'ignore', reason };
  }
  const spam = facts.verdicts.spam === 'FAIL';
  const hasSender = Boolean(facts.fromAddress);
  const mailingList = facts.headers['list-id'] !== undefined || facts.headers['list-unsubscribe'] !== undefined;
  const flags: MailFlag[] = [];
  if (quarantine) flags.push(MAIL_FLAGS.quarantined);
  if (spam) flags.push(MAIL_FLAGS.spamReview);
  if (!hasSender) flags.push(MAIL_FLAGS.noSender);
  if (mailingList) flags.push(MAIL_FLAGS.mailingList);
  const forged = isUnauthenticated(facts.verdicts);
  if (forged) flags.push(MAIL_FLAGS.unauthenticated);
  const suppressed = suppressesAutoReply(facts);
  if (suppressed && hasSender) flags.push(MAIL_FLAGS.noAutoReply);
  return {
    kind: 'accept',
    quarantine,
    spam,
    autoReply: hasSender && !quarantine && !spam && !mailingList && !forged && !suppressed && loopReason(facts, ownAddresses) === undefined,
    identityConfirmed: hasSender && !forged && senderAuthenticated(facts),
    flags,
  };
}

// ---------------------------------------------------------------------------------------
// Attachments
// ---------------------------------------------------------------------------------------

/** What is stored of one message's attachments; the raw MIME in S3 keeps everything regardless. */
export const ATTACHMENT_LIMITS = {
  count: 20,
  bytesEach: 10 * 1024 * 1024,
  bytesTotal: 40 * 1024 * 1024,
} as const;

export type AttachmentSkip = 'too-many' | 'too-large' | 'total-too-large' | 'quarantined';

/**
 * Whether the `index`-th attachment (0-based) of `size` bytes is stored, given the bytes
 * stored so far; undefined means store it.
 */
export function attachmentSkip(index: number, size: number, storedBytes: number): AttachmentSkip | undefined {
  if (index >= ATTACHMENT_LIMITS.count) return 'too-many';
  if (size > ATTACHMENT_LIMITS.bytesEach) return 'too-large';
  if (storedBytes + size > ATTACHMENT_LIMITS.bytesTotal) return 'total-too-large';
  return undefined;
}

const FILENAME_MAX = 120;
// Control and format characters, path separators and characters Windows refuses in names.
// eslint-disable-next-line no-control-regex -- stripping control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff/\\:*?"<>|]/g;

/**
 * A file name safe to show and to offer as a download name: Unicode NFC, no path, no
 * control or bidi characters, no leading dots, at most 120 characters (keeping the
 * extension). It is still personal data ("passport-ada-lovelace.jpg"), so it never goes
 * into an S3 key or a log.
 */
export function sanitiseFilename(name: string | undefined, fallback: string): string {
  const base = (name ?? '').normalize('NFC').split(/[/\\]/).pop() ?? '';
  let clean = base
    .replace(UNSAFE, '_')
    .replace(/\s+/g, ' ')
    .replace(/^[.\s]+/, '')
    .trim();
  if (clean === '' || /^_+$/.test(clean)) return fallback;
  if (clean.length > FILENAME_MAX) {
    const dot = clean.lastIndexOf('.');
    const ext = dot > 0 && clean.length - dot <= 10 ? clean.slice(dot) : '';
    clean = clean.slice(0, FILENAME_MAX - ext.length) + ext;
  }
  return clean;
}

// ---------------------------------------------------------------------------------------
// Threading
// ---------------------------------------------------------------------------------------

/**
 * A Message-ID fit to quote in In-Reply-To/References: one `<id-left@id-right>` with no
 * whitespace or header-breaking characters. Anything else is dropped rather than repaired.
 */
export function safeMessageId(value: string | undefined): string | undefined {
  const id = value?.trim();
  return id && /^<[^<>\s"\\]{1,250}@[^<>\s"\\]{1,250}>$/.test(id) ? id : undefined;
}
