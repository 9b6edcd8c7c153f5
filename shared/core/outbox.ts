/**
 * The outbox dispatcher: sends what cases owe (shared/domain/outbox.ts), each entry exactly
 * once. Every handler that owes mail calls `deliver` right after its write (the fast path, so
 * nobody waits in the normal case); the mail sweep (lambdas/mail/sweep-outbox.ts, every minute)
 * sends whatever the fast path could not: SES down, a crash after the write, a timeout.
 *
 * One entry: claim (a conditional write: only one dispatcher wins it) → render from the case as
 * it is now → check it still applies and the recipient's daily limit → send → record the send
 * (a conditional write appending the audit entry the send always recorded: AcknowledgementSent,
 * ConfirmationSent, DpoNotified, KeeperNoticeSent).
 *
 * An Art. 19 notice to a recipient with an API (issue 15) goes the same way, POSTed instead of
 * emailed (deps.recipientApi) with the entry's id as its Idempotency-Key, so a notice sent again
 * after a lost answer is the same notice to the recipient: a 2xx records it sent, a refusal (4xx)
 * fails it for the DPO team to see, anything else is retried like a failed email. Only the sweep
 * may read the recipients' tokens: the fast path leaves API notices to it.
 *
 * At most twice, never never: a dispatcher that dies between SES accepting a message and the
 * record leaves its claim to run out (LEASE_MS), and the next claim sends again. The trail
 * shows it: that send's entry carries `mayRepeat: true`.
 */
import { createHash } from 'node:crypto';
import type { Case } from '#domain/case';
import { recordEvent, type AuditAction } from '#domain/audit';
import { MAIL_FLAGS } from '#domain/inbound-mail';
import { STUCK_AFTER_FAILURES, claimable, lease, mailEntry, markFailed, markSent, markWithheld, mayRepeat, type OutboxEntry } from '#domain/outbox';
import type { CaseStore, Change, Clock, Mailer, OutboundEmail, RateLimiter, RecipientApiCall, RecipientApi } from '#shared/ports';
import {
  acknowledgementEmail,
  closedUnverifiedEmail,
  confirmedEmail,
  correspondenceNotice,
  deadlineNoticeEmail,
  emailReceivedEmail,
  newRequestNotice,
  verifyReminderEmail,
  type RenderedEmail,
} from '#shared/templates/emails';
import { isLetterKind, letter } from '#shared/templates/letters';
import { forwardsOf } from '#domain/forwarding';
import { customerForwardEmail } from '#shared/templates/forward-emails';
import { recipientNoticeBody, recipientNoticeEmail } from '#shared/templates/recipient-notice';
import { isApiNotice, noticeFromParams } from '#domain/plan-execution';
import { exportLink } from '#shared/fulfilment/export/link';
import { confirmationLink, deskCaseUrl } from './acknowledge';
import { errorFields, logger } from './log';
import { VERIFY_TOKEN_TTL_SECONDS } from './tokens';

export interface OutboxDeps {
  cases: CaseStore;
  mailer: Mailer;
  clock: Clock;
  /** Counts automatic mail per recipient address (hashed) per day. */
  limiter: RateLimiter;
  signingKey: () => Promise<Buffer>;
  /**
   * dpoAddress: named to requesters and their Reply-To; teamAddress: the DPO team's inbox;
   * publicBaseUrl: confirmation links; mailDailyLimit: automatic mails one address may get a day.
   */
  settings: { dpoAddress: string; teamAddress: string; publicBaseUrl: string; mailDailyLimit: number };
  /** Jitter source for retry backoff (tests pin it). */
  random?: () => number;
  /** Recipients' APIs for Art. 19 notices: only the sweep has it; without it, API notices wait for the sweep. */
  recipientApi?: RecipientApi;
}

export type DispatchOutcome = 'sent' | 'withheld' | 'failed' | 'retrying' | 'skipped';

/** One dispatch of one entry, for the sweep's figures. */
export interface DispatchReport {
  mail: string;
  outcome: DispatchOutcome;
  /** Failures so far, when it failed or will retry. */
  failures?: number;
}

/** SES errors that fail the same way on every retry: the address is refused for good. So is a notice a recipient's API refuses (a 4xx). */
const PERMANENT_SEND_ERRORS = new Set([
  'MessageRejected',
  'BadRequestException',
  'InvalidParameterValue',
  'InvalidParameterValueException',
  'RecipientApiRejected',
]);

/** How long the fast path holds up the answer to a requester before leaving the rest to the sweep. */
export const FAST_PATH_BUDGET_MS = 3_000;
const DAY_SECONDS = 86_400;

class NotClaimable extends Error {}

const sha256 = (s: string) => createHash('sha256').update(s.trim().toLowerCase()).digest('hex');

/**
 * The fast path: dispatches `ids` (the mail the caller's write just owed) and never throws. A
 * send still running when the budget runs out finishes on its own, or its claim runs out and
 * the sweep takes it: either way once. Answers the case as last written (`c` if nothing was).
 */
export async function deliver(c: Case, ids: readonly string[], deps: OutboxDeps, budgetMs = FAST_PATH_BUDGET_MS): Promise<Case> {
  if (!ids.length) return c;
  let timer: NodeJS.Timeout | undefined;
  const work = dispatchCase(c.id, deps, { only: ids, current: c }).then(
    (r) => r.case ?? c,
    (err: unknown) => {
      logger.warn('Mail left to the outbox sweep', { caseId: c.id, ...errorFields(err) });
      return c;
    },
  );
  const out = await Promise.race([work, new Promise<Case>((resolve) => (timer = setTimeout(() => resolve(c), budgetMs)))]);
  clearTimeout(timer);
  return out;
}

/** Dispatches every claimable entry of the case (or only `only`), one after the other; answers the case as last written. */
export async function dispatchCase(
  caseId: string,
  deps: OutboxDeps,
  opts: { only?: readonly string[]; current?: Case } = {},
): Promise<{ reports: DispatchReport[]; case: Case | undefined }> {
  const now = deps.clock.now();
  const start = opts.current?.id === caseId ? opts.current : await deps.cases.find(caseId);
  if (!start) return { reports: [], case: undefined };
  const ids = claimable(start, now)
    .filter((e) => deps.recipientApi !== undefined || !isApiNotice(e))
    .map((e) => e.id)
    .filter((id) => !opts.only || opts.only.includes(id));
  const reports: DispatchReport[] = [];
  let current: Case | undefined = start;
  let last: Case = start;
  for (const id of ids) {
    const { report, after } = await dispatchOne(caseId, id, deps, current);
    current = after;
    if (after) last = after;
    reports.push(report);
  }
  return { reports, case: last };
}

async function dispatchOne(caseId: string, id: string, deps: OutboxDeps, current: Case | undefined): Promise<{ report: DispatchReport; after?: Case }> {
  const now = deps.clock.now();
  let claimed: Case;
  try {
    claimed = await deps.cases.update(
      caseId,
      (cur) => {
        if (!claimable(cur, now).some((e) => e.id === id)) throw new NotClaimable();
        return { case: lease(cur, id, now) };
      },
      current ? { current } : {},
    );
  } catch (err) {
    if (err instanceof NotClaimable) return { report: { mail: id, outcome: 'skipped' } };
    throw err;
  }
  const entry = mailEntry(claimed, id)!;

  const stale = noLongerApplies(claimed, entry, now);
  if (stale) return withhold(claimed, entry, stale, deps);

  if (isApiNotice(entry)) {
    let receipt: string;
    try {
      if (!deps.recipientApi) throw new Error('No recipient API client: the notice is left to the outbox sweep.');
      receipt = await deps.recipientApi.post(apiCall(claimed, entry, deps));
    } catch (err) {
      return fail(claimed, entry, err, deps);
    }
    return sent(claimed, entry.id, receipt, deps);
  }

  let message: OutboundEmail;
  try {
    message = await compose(claimed, entry, deps);
  } catch (err) {
    return fail(claimed, entry, err, deps);
  }
  // A letter is a person's act from the desk, not an automatic mail: the daily limit is for what strangers can trigger.
  if (entry.to === 'requester' && entry.kind !== 'letter' && !(await withinDailyLimit(claimed, entry, message.to, deps))) {
    return withhold(claimed, entry, 'recipient-limit', deps);
  }

  let messageId: string;
  try {
    messageId = await deps.mailer.send(message);
  } catch (err) {
    return fail(claimed, entry, err, deps);
  }
  return sent(claimed, id, messageId, deps);
}

/** Records a send: the entry sent, with the audit entry its kind has always recorded. */
async function sent(claimed: Case, id: string, messageId: string, deps: OutboxDeps): Promise<{ report: DispatchReport; after?: Case }> {
  const after = await record(claimed, id, deps, (cur, e) => {
    const done = markSent(cur, id, deps.clock.now(), messageId);
    const event = sentEvent(e, cur, messageId);
    return recordEvent(done, deps.clock.now().toISOString(), 'system', event.action, event.detail);
  });
  return { report: { mail: id, outcome: 'sent' }, after };
}

/** The POST of an API notice, rendered from what the entry kept when it was owed; its id is the Idempotency-Key. */
function apiCall(c: Case, e: OutboxEntry, deps: OutboxDeps): RecipientApiCall {
  const notice = noticeFromParams(e.params ?? {});
  if (!notice.noticeApi) throw new Error(`Outbox entry ${e.id} names no recipient API.`);
  return {
    url: notice.noticeApi.url,
    tokenSecret: notice.noticeApi.tokenSecret,
    idempotencyKey: e.id,
    body: recipientNoticeBody(c, notice, { planId: String(e.params?.planId ?? ''), dpoAddress: deps.settings.dpoAddress }),
  };
}

/** Appends the outcome to the entry still claimed by this dispatch; a concurrent record (a lost lease) wins and this one is dropped. */
async function record(claimed: Case, id: string, deps: OutboxDeps, fn: (cur: Case, e: OutboxEntry) => Change): Promise<Case | undefined> {
  try {
    // The claim was this dispatch's own write, so the claimed case is usually still current: no read.
    return await deps.cases.update(
      claimed.id,
      (cur) => {
        const e = mailEntry(cur, id);
        if (e?.state !== 'pending') throw new NotClaimable();
        return fn(cur, e);
      },
      { current: claimed },
    );
  } catch (err) {
    if (err instanceof NotClaimable) return undefined;
    throw err;
  }
}

/** The audit event a send has always recorded, so the trail and every reader of it stay the same. */
function sentEvent(e: OutboxEntry, c: Case, messageId: string): { action: AuditAction; detail: Record<string, string | number | boolean | null> } {
  const common = { messageId, mail: e.id, ...(mayRepeat(e) ? { mayRepeat: true } : {}) };
  switch (e.kind) {
    case 'acknowledgement':
      return {
        action: 'AcknowledgementSent',
        detail: { ...common, ...(c.status === 'awaiting_identity' ? { linkExpiresInDays: VERIFY_TOKEN_TTL_SECONDS / DAY_SECONDS } : { dueOn: c.dueOn }) },
      };
    case 'confirmation':
      return { action: 'ConfirmationSent', detail: { ...common, dueOn: c.dueOn } };
    case 'team-notice':
      return { action: 'DpoNotified', detail: common };
    case 'letter':
      return { action: 'LetterSent', detail: { ...common, letter: e.params?.letter ?? null } };
    case 'customer-forward':
      return { action: 'ForwardSent', detail: { ...common, accountId: e.params?.accountId ?? null } };
    case 'recipient-notice':
      return { action: 'RecipientNotified', detail: { ...common, planId: e.params?.planId ?? null, recipient: e.params?.recipient ?? null } };
    case 'keeper-notice': {
      const p = e.params ?? {};
      return {
        action: 'KeeperNoticeSent',
        detail: {
          checkpoint: p.checkpoint ?? null,
          kind: p.checkpointKind ?? null,
          to: e.to === 'requester' ? 'requester' : 'dpo',
          ...common,
          ...(p.anchor !== undefined ? { anchor: p.anchor } : {}),
          ...(p.level !== undefined ? { level: p.level } : {}),
        },
      };
    }
  }
}

async function withhold(claimed: Case, entry: OutboxEntry, reason: string, deps: OutboxDeps): Promise<{ report: DispatchReport; after?: Case }> {
  const after = await record(claimed, entry.id, deps, (cur) => {
    const change = recordEvent(markWithheld(cur, entry.id, reason), deps.clock.now().toISOString(), 'system', 'MailWithheld', {
      mail: entry.id,
      kind: entry.kind,
      reason,
    });
    // Withheld for the limit is worth a person's look (a mail cannon, or a requester in a hurry); a notice overtaken by events is not.
    const flags = reason === 'recipient-limit' ? [...new Set([...cur.flags, OUTBOX_FLAGS.withheld])] : cur.flags;
    return { ...change, case: { ...change.case, flags } };
  });
  logger.info('Mail withheld', { caseId: claimed.id, mailKind: entry.kind, reason });
  return { report: { mail: entry.id, outcome: 'withheld' }, after };
}

async function fail(claimed: Case, entry: OutboxEntry, err: unknown, deps: OutboxDeps): Promise<{ report: DispatchReport; after?: Case }> {
  const errorName = (err as { name?: unknown } | undefined)?.name;
  const name = typeof errorName === 'string' ? errorName : 'Error';
  const permanent = PERMANENT_SEND_ERRORS.has(name);
  const failures = entry.failures + 1;
  const stuck = !permanent && failures === STUCK_AFTER_FAILURES;
  const after = await record(claimed, entry.id, deps, (cur) => {
    const next = markFailed(cur, entry.id, deps.clock.now(), { errorName: name, permanent }, deps.random);
    if (!permanent && !stuck) return { case: next };
    const at = deps.clock.now().toISOString();
    const action = !permanent ? 'MailDelayed' : entry.kind === 'acknowledgement' ? 'AcknowledgementFailed' : 'MailFailed';
    const change = recordEvent(next, at, 'system', action, {
      mail: entry.id,
      kind: entry.kind,
      errorName: name,
      failures,
    });
    const added =
      permanent && entry.kind === 'acknowledgement' ? [MAIL_FLAGS.acknowledgementFailed, OUTBOX_FLAGS.undelivered] : [OUTBOX_FLAGS.undelivered];
    return { ...change, case: { ...change.case, flags: [...new Set([...cur.flags, ...added])] } };
  });
  if (permanent) logger.warn('Mail refused by the provider', { caseId: claimed.id, mailKind: entry.kind, errorName: name });
  else if (failures >= STUCK_AFTER_FAILURES) logger.error('Outbox mail stuck', { caseId: claimed.id, mailKind: entry.kind, errorName: name, failures });
  else logger.warn('Mail send failed; will retry', { caseId: claimed.id, mailKind: entry.kind, errorName: name, failures });
  return { report: { mail: entry.id, outcome: permanent ? 'failed' : 'retrying', failures }, after };
}

/** Flags the outbox puts on a case for the DPO team. */
export const OUTBOX_FLAGS = {
  /** Mail to the requester was held back by the daily per-address limit. */
  withheld: 'mail-withheld',
  /** Mail was refused for good, or has failed STUCK_AFTER_FAILURES times and is still being retried. */
  undelivered: 'mail-undelivered',
} as const;

/**
 * Why an owed notice should no longer go, if it should not: a reminder to confirm an address
 * that has since been confirmed, a deadline notice for a case since closed.
 */
function noLongerApplies(c: Case, e: OutboxEntry, now: Date): string | undefined {
  // An export's link for an export since replaced (its link is revoked) or expired: the newer release owes its own letter.
  if (e.kind === 'letter' && e.params?.letter === 'export-ready') {
    const x = c.export;
    return x && x.id === e.params.exportId && x.linkExpiresAt && x.linkExpiresAt > now.toISOString() ? undefined : 'no-longer-applies';
  }
  if (e.kind !== 'keeper-notice') return undefined;
  const kind = e.params?.checkpointKind;
  if (kind === 'verify-reminder' && c.status !== 'awaiting_identity') return 'no-longer-applies';
  if (e.to === 'team' && c.status === 'closed') return 'no-longer-applies';
  return undefined;
}

/** Automatic mail to one address: at most mailDailyLimit a day, each entry counted once however often it is retried. */
function withinDailyLimit(c: Case, e: OutboxEntry, address: string, deps: OutboxDeps): Promise<boolean> {
  return deps.limiter.hit(`mailto:${sha256(address)}`, deps.settings.mailDailyLimit, DAY_SECONDS, `${c.id}/${e.id}`);
}

/** The message for `e`, rendered from the case as it is now. */
async function compose(c: Case, e: OutboxEntry, deps: OutboxDeps): Promise<OutboundEmail> {
  const { dpoAddress, teamAddress } = deps.settings;
  const inReplyTo = typeof e.params?.inReplyTo === 'string' ? { inReplyTo: e.params.inReplyTo } : {};
  if (e.to === 'team') return { to: teamAddress, ...(await render(c, e, deps)) };
  // A forward goes to the customer's privacy contact recorded with it (issue 15); replies come to the DPO.
  if (e.to === 'customer') return { to: forwardOf(c, e).contact, ...(await render(c, e, deps)), replyTo: dpoAddress };
  if (e.to === 'organisation') {
    if (typeof e.params?.address !== 'string') throw new Error('An organisation’s mail needs its address.');
    return { to: e.params.address, ...(await render(c, e, deps)), replyTo: dpoAddress };
  }
  return { to: c.requester.email, ...(await render(c, e, deps)), replyTo: dpoAddress, ...inReplyTo };
}

async function render(c: Case, e: OutboxEntry, deps: OutboxDeps): Promise<RenderedEmail> {
  const { dpoAddress } = deps.settings;
  const p = e.params ?? {};
  switch (e.kind) {
    case 'acknowledgement':
      return c.status === 'awaiting_identity'
        ? acknowledgementEmail(c, { confirmUrl: await confirmationLink(c.id, deps), dpoAddress })
        : emailReceivedEmail(c, { dpoAddress });
    case 'confirmation':
      return confirmedEmail(c, { dpoAddress });
    case 'team-notice':
      return typeof p.reply === 'string'
        ? correspondenceNotice(c, { deskUrl: deskCaseUrl(deps.settings.publicBaseUrl, c.reference), fromRequester: p.fromRequester === true })
        : newRequestNotice(c, { deskUrl: deskCaseUrl(deps.settings.publicBaseUrl, c.reference) });
    case 'letter':
      if (!isLetterKind(p.letter)) throw new Error(`No letter of kind ${String(p.letter)}.`);
      // The export's download link is signed as the mail goes out, never stored (noLongerApplies checks it is still the case's).
      if (p.letter === 'export-ready') return letter(c, p.letter, p, { dpoAddress, downloadUrl: await exportLink(c, deps) });
      return letter(c, p.letter, p, { dpoAddress });
    case 'customer-forward':
      return customerForwardEmail(c, forwardOf(c, e), { dpoAddress });
    case 'recipient-notice': {
      return recipientNoticeEmail(c, noticeFromParams(p), { dpoAddress });
    }
    case 'keeper-notice': {
      const desk = { deskUrl: deskCaseUrl(deps.settings.publicBaseUrl, c.reference) };
      switch (p.checkpointKind) {
        case 'verify-reminder':
          return verifyReminderEmail(c, {
            // A fresh link, valid until the case would be closed unverified (at least the usual 7 days).
            confirmUrl: typeof p.linkNotBefore === 'number' ? await confirmationLink(c.id, deps, p.linkNotBefore) : undefined,
            closesOn: String(p.closesOn),
            dpoAddress,
          });
        case 'close-unverified':
          return closedUnverifiedEmail(c, { dpoAddress });
        case 'dpo-reminder':
          return deadlineNoticeEmail(c, { kind: 'dpo-reminder', workingDaysLeft: Number(p.level) }, desk);
        case 'extension-warning':
          return deadlineNoticeEmail(c, { kind: 'extension-warning', extensionNoticeBy: String(p.anchor) }, desk);
        case 'due-today':
          return deadlineNoticeEmail(c, { kind: 'due-today' }, desk);
        case 'overdue':
          return deadlineNoticeEmail(c, { kind: 'overdue', workingDaysOverdue: Number(p.workingDaysOverdue) }, desk);
        case 'complaint-ack-reminder':
          return deadlineNoticeEmail(c, { kind: 'complaint-ack-reminder', acknowledgeBy: String(p.anchor), workingDaysLeft: Number(p.level) }, desk);
        default:
          throw new Error(`No notice for checkpoint kind ${String(p.checkpointKind)}.`);
      }
    }
  }
}

/** The forward (Case.forwards) an email to a customer is for; an entry without one cannot be sent (a defect, retried and flagged). */
function forwardOf(c: Case, e: OutboxEntry) {
  const f = forwardsOf(c).find((x) => x.accountId === e.params?.accountId);
  if (!f) throw new Error(`No forward on the case for outbox entry ${e.id}.`);
  return f;
}

/** The outbox sweep: dispatches every case with claimable mail, a few at a time. */
export async function sweepOutbox(
  deps: OutboxDeps,
  opts: { limit?: number; concurrency?: number } = {},
): Promise<{ cases: number; reports: DispatchReport[] }> {
  const ids = await deps.cases.listMailDue(deps.clock.now().toISOString(), { limit: opts.limit ?? 500 });
  const reports: DispatchReport[] = [];
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next++]!;
      try {
        reports.push(...(await dispatchCase(id, deps)).reports);
      } catch (err) {
        // One case's trouble (a throttled write) leaves it for the next sweep; the rest go on.
        logger.warn('Outbox sweep skipped a case', { caseId: id, ...errorFields(err) });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 8, ids.length) }, worker));
  return { cases: ids.length, reports };
}
