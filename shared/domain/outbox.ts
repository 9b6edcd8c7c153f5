/**
 * The outbox: every email a change to a case owes is an entry on the case itself, written in
 * the same conditional write as the change. The one writer that wins the version check is the
 * only one that owes the mail, so twenty racing confirmations owe one confirmation email, and a
 * crash after the write loses nothing: the entry waits, pending, for a dispatcher.
 *
 * An entry's id is stable and names what it is for (`ack:<caseId>`, `confirmed:<caseId>`,
 * `notice:new:<caseId>`, `notice:<checkpointId>`): owing the same mail twice is a no-op.
 *
 * Dispatch (shared/core/outbox.ts) is claim, send, record, each claim and record one
 * conditional write:
 *   - claim (`lease`): attempts + 1 and `nextAttemptAt` pushed a lease ahead, so no other
 *     dispatcher picks it up while this one sends; a dispatcher that dies mid-send leaves the
 *     entry to be claimed again when the lease runs out;
 *   - `sent`: done, with the provider's message id (the audit trail records it too);
 *   - `failed`: retried with exponential backoff and full jitter, or given up at once when the
 *     provider refuses the address for good. After STUCK_AFTER_FAILURES failures the case is
 *     flagged for the DPO team and the alarm fires; the entry keeps being retried, never dropped.
 *
 * Pure functions over the case; only `claimable` and friends read the clock they are given.
 */
import type { Case } from './case';

/**
 * 'letter': a staff member's letter from the desk (shared/templates/letters.ts), `params.letter` its kind.
 * 'customer-forward': the request forwarded to a customer's privacy contact (issue 15; `params.accountId`, its Case.forwards entry).
 * 'recipient-notice': an Art. 19 notice to a register recipient (issue 15), `params.address` its notice address.
 */
export const MAIL_KINDS = ['acknowledgement', 'confirmation', 'team-notice', 'keeper-notice', 'letter', 'customer-forward', 'recipient-notice'] as const;
export type MailKind = (typeof MAIL_KINDS)[number];

/**
 * pending: owed, not yet sent (claimed or not); sent; failed: refused for good by the provider;
 * withheld: deliberately not sent (recipient limit, no longer applies); post: the requester has
 * no email address, so the letter goes by post (the DPO team sends it).
 */
export type MailState = 'pending' | 'sent' | 'failed' | 'withheld' | 'post';

/**
 * Who an entry goes to: the requester's address on the case, the DPO team's inbox, a customer's
 * privacy contact (Case.forwards), or an organisation's address in `params.address` (an Art. 19
 * recipient's notice address).
 */
export type MailRecipient = 'requester' | 'team' | 'customer' | 'organisation';

export type MailParams = Record<string, string | number | boolean | null>;

export interface OutboxEntry {
  id: string;
  kind: MailKind;
  to: MailRecipient;
  state: MailState;
  createdAt: string;
  /** Claims taken (each a send attempt, or a dispatcher that died mid-send). */
  attempts: number;
  /** Attempts that ended in a recorded send failure. */
  failures: number;
  /** When a dispatcher may claim it next (a claim pushes it one lease ahead). */
  nextAttemptAt: string;
  /** The last failure's error class, never its message. */
  lastError?: string;
  sentAt?: string;
  messageId?: string;
  /** Why it was withheld or failed. */
  reason?: string;
  /**
   * What rendering needs besides the case (a checkpoint's numbers, the Message-ID answered). No free text from a
   * requester; a letter's text written by the DPO team (the question, the reasons) is kept here, as sent.
   */
  params?: MailParams;
}

/** What a change owes. */
export interface OwedMail {
  id: string;
  kind: MailKind;
  to: MailRecipient;
  params?: MailParams;
}

/** A dispatcher owns a claimed entry this long; a send and its record take well under a second. */
export const LEASE_MS = 60_000;
/** Failures after which the case is flagged and the stuck-mail alarm fires (retries go on). */
export const STUCK_AFTER_FAILURES = 5;
const BACKOFF_BASE_MS = 30_000;
const BACKOFF_CAP_MS = 3_600_000;

export const outboxOf = (c: Case): OutboxEntry[] => c.outbox ?? [];

export function mailEntry(c: Case, id: string): OutboxEntry | undefined {
  return outboxOf(c).find((e) => e.id === id);
}

/** Whether the case owes (or has sent) mail `id`. */
export function owes(c: Case, id: string): boolean {
  return mailEntry(c, id) !== undefined;
}

/**
 * The case with `mail` owed: a pending entry, due at once. Owing an id the case already has is
 * a no-op (the same case comes back). Mail to a requester without an email address goes by post.
 */
export function owe(c: Case, mail: OwedMail, at: string): Case {
  if (owes(c, mail.id)) return c;
  const byPost = mail.to === 'requester' && !c.requester.email;
  const entry: OutboxEntry = {
    id: mail.id,
    kind: mail.kind,
    to: mail.to,
    state: byPost ? 'post' : 'pending',
    createdAt: at,
    attempts: 0,
    failures: 0,
    nextAttemptAt: at,
    ...(mail.params ? { params: mail.params } : {}),
  };
  return { ...c, outbox: [...outboxOf(c), entry] };
}

/** The earliest time any pending entry may be claimed: the case's key in the mail-due index (absent when nothing is owed). */
export function mailDueAt(c: Case): string | undefined {
  let due: string | undefined;
  for (const e of outboxOf(c)) if (e.state === 'pending' && (due === undefined || e.nextAttemptAt < due)) due = e.nextAttemptAt;
  return due;
}

/** Pending entries a dispatcher may claim at `now`, oldest first. */
export function claimable(c: Case, now: Date): OutboxEntry[] {
  const at = now.toISOString();
  return outboxOf(c).filter((e) => e.state === 'pending' && e.nextAttemptAt <= at);
}

function replace(c: Case, id: string, fn: (e: OutboxEntry) => OutboxEntry): Case {
  return { ...c, outbox: outboxOf(c).map((e) => (e.id === id ? fn(e) : e)) };
}

/** Claims entry `id` for one send: no other dispatcher claims it until the lease runs out. */
export function lease(c: Case, id: string, now: Date, leaseMs = LEASE_MS): Case {
  return replace(c, id, (e) => ({ ...e, attempts: e.attempts + 1, nextAttemptAt: new Date(now.getTime() + leaseMs).toISOString() }));
}

/**
 * Whether the attempt now sending may repeat an earlier one: a previous claim ended without a
 * recorded outcome (its dispatcher died after taking it, possibly after the provider accepted).
 */
export function mayRepeat(e: OutboxEntry): boolean {
  return e.attempts - e.failures > 1;
}

export function markSent(c: Case, id: string, now: Date, messageId: string): Case {
  return replace(c, id, (e) => {
    const { lastError: _lastError, ...rest } = e;
    return { ...rest, state: 'sent', sentAt: now.toISOString(), messageId };
  });
}

/** Delay before retry `failures` (1, 2, …): 30 s doubling to an hour, full jitter on the upper half. */
export function backoffMs(failures: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, failures - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** A failed send: retried after a backoff, or (permanent) given up and left for the DPO team. */
export function markFailed(c: Case, id: string, now: Date, failure: { errorName: string; permanent: boolean }, random: () => number = Math.random): Case {
  return replace(c, id, (e) => {
    const failures = e.failures + 1;
    return failure.permanent
      ? { ...e, failures, state: 'failed', lastError: failure.errorName, reason: 'refused-by-provider' }
      : { ...e, failures, lastError: failure.errorName, nextAttemptAt: new Date(now.getTime() + backoffMs(failures, random)).toISOString() };
  });
}

/** A letter to a requester without an email address, printed and posted by the DPO team (recorded from the desk). */
export function markPosted(c: Case, id: string, now: Date, by: string): Case {
  return replace(c, id, (e) => (e.state === 'post' ? { ...e, state: 'sent', sentAt: now.toISOString(), messageId: `post:${by}` } : e));
}

/** Deliberately not sent (e.g. the recipient's daily limit, or the notice no longer applies). */
export function markWithheld(c: Case, id: string, reason: string): Case {
  return replace(c, id, (e) => ({ ...e, state: 'withheld', reason }));
}
