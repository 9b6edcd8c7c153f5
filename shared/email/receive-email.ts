/**
 * Use case: an email arrived at the DPO mailbox (DESIGN.md, Email). SES has stored its raw
 * MIME at `inbound/<SES message id>` in the raw-mail bucket; this reads it and
 *
 *   - quarantines virus-flagged mail (a case marked `quarantined`, attachments not extracted,
 *     no answer), ignores machine-sent mail (auto-replies, bounces, our own mail: no loops);
 *   - threads a reply that carries a known [REF] into its case (audit entry + flag
 *     `new-correspondence`), or else creates a case: channel email, rights from the text
 *     (or `unclassified`), received on the London date of arrival;
 *   - counts the sender's address as confirmed when DMARC passed, or DKIM for the From domain (the clock starts on
 *     receipt); otherwise sends the form's confirmation link (the clock starts on confirmation);
 *   - owes the acknowledgement (reference in the subject, In-Reply-To/References set) in the
 *     write that creates the case, and sends it through the outbox — at most one automatic
 *     answer per sender address a day (RFC 3834 §5.1), none when the sender asked for none
 *     (X-Auto-Response-Suppress) or the message fails SPF and DMARC (it is kept for triage);
 *   - stores the parsed message and the attachments in the files bucket, never in DynamoDB.
 *
 * Idempotent on the SES message id (SES and Lambda both retry): the first run claims
 * `ses:<id>` in the submission ledger with the case it chose, and every step after that checks
 * what is already done. Re-running an ignored message ignores it again.
 */
import type { AuditEntry, Case, Right } from '#domain/case';
import { hasEvent, recordEvent } from '#domain/audit';
import { CaseAlreadyExistsError } from '#domain/errors';
import { MAIL_FLAGS, dispositionOf, type IgnoreReason, type MailFlag, type Verdicts } from '#domain/inbound-mail';
import { askForIdentity, isComplaint, receive } from '#domain/lifecycle';
import { parseReferences } from '#domain/reference';
import { inferRights } from '#domain/triage';
import type { Nation } from '#domain/deadlines';
import { LIMITS } from '#domain/text';
import { MAIL_IDS, oweAcknowledgement, oweCorrespondenceNotice, oweTeamNotice } from '#shared/core/acknowledge';
import { deliver, type OutboxDeps } from '#shared/core/outbox';
import { startKeeper } from '#shared/core/start-keeper';
import { phoneNumbersIn } from '#domain/forwarding';
import { startIntakeSearch, type SearchDeps } from '#shared/core/start-search';
import { createHash } from 'node:crypto';
import type { BlobStore, CaseObjects, CaseStore, Clock, Keeper, RateLimiter, SubmissionLedger } from '#shared/ports';
import { attachmentKey, isSesMessageId, messageKey, rawMailKey } from './keys';
import { parseMail, type ParsedMail } from './parse-mail';

/** Longer than SES's and Lambda's retries plus the DLQ's 14-day retention (a redrive is a retry too). */
export const CLAIM_TTL_SECONDS = 30 * 24 * 3600;
/** References tried from one message; each costs a query. */
const MAX_REFERENCES = 5;
/** RFC 3834 §5.1: at most one automatic answer to one sender address in this window. */
export const AUTO_REPLY_WINDOW_SECONDS = 24 * 3600;

/** One inbound message as the receipt event describes it. */
export interface InboundEmail {
  sesMessageId: string;
  /** When SES received it (ISO instant): the request's arrival. */
  receivedAt: string;
  /** The SMTP envelope sender (SES `mail.source`); '' for a null reverse-path. */
  envelopeFrom: string;
  verdicts: Verdicts;
}

/** Structured log lines; fields carry ids, counts and reasons only. */
export interface InboundLog {
  info(message: string, fields: Record<string, string | number | boolean>): void;
  warn(message: string, fields: Record<string, string | number | boolean>): void;
}

export interface ReceiveEmailDeps {
  rawMail: BlobStore;
  files: BlobStore;
  cases: CaseStore;
  ledger: SubmissionLedger;
  /** Counts automatic answers per sender address (RFC 3834). */
  limiter: RateLimiter;
  clock: Clock;
  /** Starts the case's deadline keeper (Step Functions); a failure is left to the keeper's hourly sweep. */
  keeper: Keeper;
  /** Sends the acknowledgement and team notice a new case owes. */
  outbox: OutboxDeps;
  /** The stored objects of a case, to hold mail that arrives on a case under legal hold; absent, only the case item is held. */
  objects?: CaseObjects;
  ids: { caseId: () => string; reference: () => string };
  /** dpoAddress and senderAddress: our own addresses, never answered. */
  settings: { nation: Nation; dpoAddress: string; senderAddress: string };
  log: InboundLog;
  /** Starts the search of a likely processor request at intake (issue 15); absent, staff start it from the desk. */
  search?: SearchDeps;
}

export type ReceiveEmailResult =
  | { outcome: 'ignored'; sesMessageId: string; reason: IgnoreReason }
  | {
      outcome: 'created';
      sesMessageId: string;
      caseId: string;
      reference: string;
      rights: Right[];
      flags: string[];
      status: Case['status'];
      acknowledged: boolean;
    }
  | { outcome: 'threaded'; sesMessageId: string; caseId: string; reference: string; flags: string[] };

/** An event that cannot have come from SES (its id would not be safe in an S3 key). */
export class InvalidInboundEventError extends Error {
  override readonly name = 'InvalidInboundEventError';
}

export async function receiveEmail(mail: InboundEmail, deps: ReceiveEmailDeps): Promise<ReceiveEmailResult> {
  const id = mail.sesMessageId;
  if (!isSesMessageId(id)) throw new InvalidInboundEventError('The event carries no valid SES message id.');

  // A missing object throws: the event is retried, then dead-lettered, never dropped.
  const raw = await deps.rawMail.get(rawMailKey(id));
  const virusFree = mail.verdicts.virus === 'PASS';
  const parsed = await parseMail(raw, { keepAttachments: virusFree });
  if (parsed.problems.length) deps.log.warn('Inbound email read with problems', { sesMessageId: id, problems: parsed.problems.join(',') });

  const own = [deps.settings.senderAddress, deps.settings.dpoAddress];
  const disposition = dispositionOf(
    {
      headers: parsed.headers,
      fromAddress: parsed.from?.address,
      envelopeFrom: mail.envelopeFrom,
      verdicts: mail.verdicts,
      dkimDomains: parsed.dkimDomains,
    },
    own,
  );
  if (disposition.kind === 'ignore') return { outcome: 'ignored', sesMessageId: id, reason: disposition.reason };

  const key = `ses:${id}`;
  let claim = await deps.ledger.find(key);
  if (!claim) {
    const thread = await threadOf(parsed, deps);
    const mine = thread ? { caseId: thread.id, reference: thread.reference } : { caseId: deps.ids.caseId(), reference: deps.ids.reference() };
    claim = (await deps.ledger.claim(key, mine, CLAIM_TTL_SECONDS)) ?? mine;
  }

  const existing = await deps.cases.find(claim.caseId);
  const stored = await storeMessage(claim.caseId, mail, parsed, deps);
  const flags: MailFlag[] = [...disposition.flags];
  if (parsed.forwarded) flags.push(MAIL_FLAGS.forwarded);
  if (parsed.problems.some((p) => p === 'unparseable' || p === 'parse-timeout')) flags.push(MAIL_FLAGS.unparseable);
  if (stored.skipped > 0 && virusFree) flags.push(MAIL_FLAGS.attachmentsSkipped);
  const emailDetail = {
    sesMessageId: id,
    rawMailKey: rawMailKey(id),
    messageKey: stored.messageKey,
    attachmentsStored: stored.stored,
    attachmentsSkipped: stored.skipped,
    spamVerdict: mail.verdicts.spam,
    virusVerdict: mail.verdicts.virus,
    dkimVerdict: mail.verdicts.dkim,
    dmarcVerdict: mail.verdicts.dmarc,
  };

  if (existing && !existing.audit.some((e) => e.action === 'EmailReceived' && e.detail?.sesMessageId === id)) {
    // A reply to a known case (or a retry of one: `thread` records it once).
    // The team hears of it (owed in the write that records it); a retry sends what is still owed.
    const threaded = await thread(existing.id, mail, parsed, flags, emailDetail, deps);
    await holdIfHeld(threaded, deps);
    const c = await deliver(threaded, [MAIL_IDS.correspondenceNotice(id)], deps.outbox);
    return { outcome: 'threaded', sesMessageId: id, caseId: c.id, reference: c.reference, flags: c.flags };
  }

  let c =
    existing ??
    (await createCase(claim, mail, parsed, { ...disposition, autoReply: await mayAutoReply(disposition, parsed, id, deps) }, flags, emailDetail, deps));
  // The case is saved first, so a keeper that fails to start loses nothing (the sweep starts it).
  c = (await startKeeper(c, deps, 'intake')) ?? c;
  // Only the run that created the case owes its mail; any run (an SES retry) sends what is still pending.
  c = await deliver(c, [MAIL_IDS.acknowledgement(c.id), MAIL_IDS.teamNotice(c.id)], deps.outbox);
  // A phone number in the text makes it a likely processor request: searched now when verified on arrival (R20), else on confirmation.
  c = await startIntakeSearch(c, deps.search);
  const acknowledged = hasEvent(c, 'AcknowledgementSent');
  return {
    outcome: 'created',
    sesMessageId: id,
    caseId: c.id,
    reference: c.reference,
    rights: c.rights,
    flags: c.flags,
    status: c.status,
    acknowledged,
  };
}

/**
 * RFC 3834 §5.1: a new request by email gets at most one automatic answer per sender address a
 * day. Counted per message, so SES retrying this message is not a second answer.
 */
async function mayAutoReply(disposition: { autoReply: boolean }, parsed: ParsedMail, sesMessageId: string, deps: ReceiveEmailDeps): Promise<boolean> {
  if (!disposition.autoReply || !parsed.from) return false;
  const sender = createHash('sha256').update(parsed.from.address.trim().toLowerCase()).digest('hex');
  return deps.limiter.hit(`autoreply:${sender}`, 1, AUTO_REPLY_WINDOW_SECONDS, sesMessageId);
}

/** The first live case a reference in the subject, then the body, points at. */
async function threadOf(parsed: ParsedMail, deps: ReceiveEmailDeps): Promise<Case | undefined> {
  const refs = [...new Set([...parseReferences(parsed.subject), ...parseReferences(parsed.text)])].slice(0, MAX_REFERENCES);
  for (const ref of refs) {
    const found = await deps.cases.findByReference(ref);
    if (found) return found;
  }
  return undefined;
}

interface StoredMessage {
  messageKey: string;
  stored: number;
  skipped: number;
}

/** The parsed message and its attachments, under the case's prefix. Same keys, same bytes on a retry. */
async function storeMessage(caseId: string, mail: InboundEmail, parsed: ParsedMail, deps: ReceiveEmailDeps): Promise<StoredMessage> {
  const id = mail.sesMessageId;
  const attachments = [];
  for (const a of parsed.attachments) {
    const key = a.content ? attachmentKey(caseId, id, a.n) : null;
    if (key && a.content) await deps.files.put(key, a.content, { contentType: a.contentType });
    attachments.push({ n: a.n, filename: a.filename, contentType: a.contentType, size: a.size, key, skipped: a.skipped ?? null });
  }
  const record = {
    sesMessageId: id,
    receivedAt: mail.receivedAt,
    rawMailKey: rawMailKey(id),
    from: parsed.from ?? null,
    subject: parsed.subject,
    messageId: parsed.messageId ?? null,
    inReplyTo: parsed.inReplyTo ?? null,
    references: parsed.references,
    date: parsed.date ?? null,
    recipients: parsed.recipients,
    text: parsed.text,
    htmlOnly: parsed.htmlOnly,
    forwarded: parsed.forwarded,
    attachments,
    verdicts: mail.verdicts,
    problems: parsed.problems,
  };
  const key = messageKey(caseId, id);
  await deps.files.put(key, JSON.stringify(record, null, 2), { contentType: 'application/json; charset=utf-8' });
  const stored = attachments.filter((a) => a.key).length;
  return { messageKey: key, stored, skipped: attachments.length - stored };
}

/** Appends the reply to the case's trail once, and flags it for the DPO team. */
async function thread(
  caseId: string,
  mail: InboundEmail,
  parsed: ParsedMail,
  flags: MailFlag[],
  detail: Record<string, string | number>,
  deps: ReceiveEmailDeps,
): Promise<Case> {
  let current: Case | undefined;
  try {
    return await deps.cases.update(caseId, (cur) => {
      current = cur;
      if (cur.audit.some((e) => e.action === 'CorrespondenceReceived' && e.detail?.sesMessageId === mail.sesMessageId)) throw new AlreadyRecorded();
      const fromRequester = Boolean(parsed.from) && parsed.from!.address.toLowerCase() === cur.requester.email.toLowerCase();
      const change = recordEvent(cur, deps.clock.now().toISOString(), fromRequester ? 'requester' : 'system', 'CorrespondenceReceived', {
        ...detail,
        fromRequester,
      });
      // A reply never re-opens anything by itself: the flag puts it in front of a person.
      const forwardedOrList = new Set<string>([MAIL_FLAGS.forwarded, MAIL_FLAGS.mailingList, MAIL_FLAGS.noSender]);
      const added = [MAIL_FLAGS.newCorrespondence, ...flags.filter((f) => !forwardedOrList.has(f))];
      const owed = oweCorrespondenceNotice(change.case, change.entry.at, { sesMessageId: mail.sesMessageId, fromRequester });
      return { ...change, case: { ...owed, flags: [...new Set([...cur.flags, ...added])] } };
    });
  } catch (err) {
    if (err instanceof AlreadyRecorded) return current!;
    throw err;
  }
}

/**
 * Mail that arrives on a case under legal hold is held like the rest of the case (issue 13): its
 * raw MIME, parsed message and attachments get the S3 legal hold the case's objects already have,
 * so no lifecycle backstop can delete them while the hold is on. Placing a hold is idempotent, so
 * the whole case is (re)held; a failure throws, and SES's retry of the invocation holds them then
 * (the threading itself is recorded once). A hold placed after this write lists these objects itself.
 */
async function holdIfHeld(c: Case, deps: ReceiveEmailDeps): Promise<void> {
  if (c.legalHold === undefined || !deps.objects) return;
  await deps.objects.setLegalHold(await deps.objects.list(c), true);
}

class AlreadyRecorded extends Error {
  override readonly name = 'AlreadyRecorded';
}

async function createCase(
  claim: { caseId: string; reference: string },
  mail: InboundEmail,
  parsed: ParsedMail,
  disposition: Extract<ReturnType<typeof dispositionOf>, { kind: 'accept' }>,
  flags: MailFlag[],
  emailDetail: Record<string, string | number>,
  deps: ReceiveEmailDeps,
): Promise<Case> {
  const at = deps.clock.now().toISOString();
  const receivedAt = validInstant(mail.receivedAt) ?? at;
  const rights = inferRights([parsed.subject, parsed.text, parsed.forwardedText].filter(Boolean).join('\n'));
  const details = [parsed.subject, parsed.text].filter(Boolean).join('\n\n');
  const received = receive({
    id: claim.caseId,
    reference: claim.reference,
    rights,
    channel: 'email',
    requester: parsed.from
      ? { fullName: parsed.from.name || parsed.from.address, email: parsed.from.address, ...phoneOf(parsed.text) }
      : { fullName: '', email: '', ...phoneOf(parsed.text) },
    ...(details ? { details: details.length > LIMITS.details ? `${details.slice(0, LIMITS.details - 1)}…` : details } : {}),
    receivedAt,
    nation: deps.settings.nation,
    actor: 'requester',
    at,
    identityConfirmed: disposition.identityConfirmed,
    flags,
  });
  const more: AuditEntry[] = [
    {
      at,
      actor: 'system',
      action: 'EmailReceived',
      detail: {
        ...emailDetail,
        identityConfirmedBy: disposition.identityConfirmed ? (mail.verdicts.dmarc === 'PASS' ? 'dmarc' : 'dkim') : null,
        autoReply: disposition.autoReply,
      },
    },
  ];
  let c = received.case;
  if (!disposition.identityConfirmed && disposition.autoReply && !isComplaint(c)) {
    // Confirming control of the address is the proportionate first identity step (docs/rules.md), as on the form.
    const asked = askForIdentity(c, { at, actor: 'system' });
    c = asked.case;
    more.push({ ...asked.entry, detail: { ...asked.entry.detail, method: 'email-link' } });
  }
  // What the case owes goes in the same write that creates it.
  if (disposition.autoReply) c = oweAcknowledgement(c, at, parsed.messageId ? { inReplyTo: parsed.messageId } : {});
  // Verified on arrival (DKIM/DMARC): the DPO team hears of it now, as for a confirmed form.
  // A complaint has no identity gate (docs/rules.md, Complaints): the team hears of it now too.
  if (disposition.identityConfirmed || isComplaint(c)) c = oweTeamNotice(c, at);
  try {
    return await deps.cases.create(c, received.entry, ...more);
  } catch (err) {
    if (err instanceof CaseAlreadyExistsError) return deps.cases.get(claim.caseId); // a concurrent retry won
    throw err;
  }
}

/** The first phone number in the email's own text, as the requester's phone (issue 15: it starts the traffic search). */
function phoneOf(text: string | undefined): { phone?: string } {
  const phone = text ? phoneNumbersIn(text)[0] : undefined;
  return phone ? { phone } : {};
}

function validInstant(value: string): string | undefined {
  const t = Date.parse(value);
  return /^\d{4}-\d{2}-\d{2}T/.test(value) && Number.isFinite(t) ? new Date(t).toISOString() : undefined;
}
