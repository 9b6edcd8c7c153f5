/**
 * The ports use cases depend on. Adapters in shared/adapters implement them against
 * AWS (and, unchanged, against the local emulators); tests may pass in fakes.
 */
import type { AuditEntry, Case } from '#domain/case';
import type { QueueView } from '#domain/queue';
import type { AccountHoldEvent, AccountHoldInForce } from '#domain/account-holds';
import type { FoundRecord, IdentifierUse } from '#domain/search';
import type { PlanAction, PlanLine } from '#domain/plan';
import type { RetentionReviewSummary } from '#domain/retention-review';
import type { Tombstone } from '#domain/tombstone';

/**
 * What a transition produces: the next case and the audit entry explaining it. Bookkeeping that
 * is not an event of the case (an outbox claim) has no entry.
 */
export interface Change {
  case: Case;
  entry?: AuditEntry;
}

export interface CaseStore {
  /** Stores a new case at version 1 with `entries` as its first audit lines. CaseAlreadyExistsError if the id exists. */
  create(c: Case, ...entries: [AuditEntry, ...AuditEntry[]]): Promise<Case>;
  /** The case, or CaseNotFoundError (also for cases whose retention TTL has passed). */
  get(id: string): Promise<Case>;
  find(id: string): Promise<Case | undefined>;
  findByReference(reference: string): Promise<Case | undefined>;
  /**
   * Writes `change.case` if the stored version still equals `change.case.version`, bumping the
   * version and appending `change.entry` to the audit trail in the same conditional write.
   * Throws VersionConflictError otherwise.
   */
  save(change: Change): Promise<Case>;
  /**
   * Read, apply `fn`, save; re-reads and re-applies on a version conflict (bounded).
   * `current`, when given, is used for the first attempt instead of a read.
   */
  update(id: string, fn: (current: Case) => Change, opts?: { maxAttempts?: number; current?: Case }): Promise<Case>;
  /** Open cases whose due date is on or before `date` (YYYY-MM-DD), earliest first. */
  listOpenDueBy(date: string, opts?: { limit?: number }): Promise<Case[]>;
  /** Every open case: those with a due date earliest first, then those whose clock is stopped. */
  listOpen(): Promise<Case[]>;
  /** Cases on legal hold, open or closed, whose review date is on or before `today` (YYYY-MM-DD), earliest review first; by index, never a Scan. */
  listHoldsToReview(today: string): Promise<Case[]>;
  /** Cases received in a calendar month (YYYY-MM), oldest first. */
  listReceivedInMonth(month: string): Promise<Case[]>;
  /** Cases closed between two instants (ISO, inclusive), by the closed-cases index, earliest first. */
  listClosedBetween(from: string, to: string): Promise<Case[]>;
  /** Cases from the same requester email address, oldest first. */
  listByRequesterEmail(email: string): Promise<Case[]>;
  /**
   * One page of a desk queue (shared/domain/queue.ts), read by index, never by a Scan: the
   * views by due date from the open-cases index, the others from the queue index. `today`
   * anchors due-soon and overdue.
   */
  listView(view: QueueView, opts: { today: string; limit: number; cursor?: string }): Promise<{ cases: Case[]; cursor?: string }>;
  /** Ids of cases with outbox mail claimable at or before `at` (ISO instant), longest waiting first (shared/domain/outbox.ts). */
  listMailDue(at: string, opts?: { limit?: number }): Promise<string[]>;
}

/** Time, injected so rules and tests never read the wall clock directly. */
export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

/** One outbound email. Bodies are already rendered and escaped (shared/templates). */
export interface OutboundEmail {
  to: string;
  subject: string;
  text: string;
  html: string;
  replyTo?: string;
  /** RFC 5322 Message-ID of the mail this answers, for threading in the recipient's client. */
  inReplyTo?: string;
}

export interface Mailer {
  /** Sends one email; resolves to the provider's message id. */
  send(email: OutboundEmail): Promise<string>;
}

/** One Art. 19 notice to a recipient's API (issue 15): where, with which token, under which key, and the JSON body. */
export interface RecipientApiCall {
  url: string;
  /** The Secrets Manager secret NAME holding the bearer token (under rightsdesk/recipients/). */
  tokenSecret: string;
  /** Sent as Idempotency-Key: the outbox entry's id, the same on every retry. */
  idempotencyKey: string;
  body: unknown;
}

export interface RecipientApi {
  /**
   * POSTs the notice; resolves to a receipt (recorded as the send's message id) on a 2xx. Throws
   * RecipientApiRejectedError when the recipient refuses it for good (a 4xx other than 408 and
   * 429): the outbox marks it failed; anything else thrown is retried.
   */
  post(call: RecipientApiCall): Promise<string>;
}

/** What a submission was turned into, so a retry can answer with the same case. */
export interface SubmissionClaim {
  caseId: string;
  reference: string;
}

export interface SubmissionLedger {
  /**
   * Claims `key` for `claim` for `ttlSeconds`. Resolves to undefined when this call made the
   * claim, or to the earlier live claim when the key was already taken (a retry).
   */
  claim(key: string, claim: SubmissionClaim, ttlSeconds: number): Promise<SubmissionClaim | undefined>;
  find(key: string): Promise<SubmissionClaim | undefined>;
}

export interface RateLimiter {
  /**
   * Counts one hit for `subject` in the current fixed window; false once `limit` is exceeded.
   * With `token`, hits are counted per distinct token: the same token again (a replay, a retried
   * event) is answered as the first time and never counts twice.
   */
  hit(subject: string, limit: number, windowSeconds: number, token?: string): Promise<boolean>;
}

/** The deadline keeper: one workflow per open case (DESIGN.md, Deadline keeper). */
export interface Keeper {
  /**
   * Starts the case's keeper for its `round` (0, then one more each time the case is reopened:
   * lifecycle keeperRound); starting a round that already runs (or ran) is harmless.
   */
  start(caseId: string, round?: number): Promise<void>;
}

/**
 * One bucket of objects (S3 in AWS, s3rver locally). Keys carry case ids and SES message ids,
 * never personal data; bodies are encrypted at rest by the bucket.
 */
export interface BlobStore {
  /** The object's bytes; BlobNotFoundError when there is no such key. */
  get(key: string): Promise<Buffer>;
  /** Creates or replaces the object (writes are idempotent: same key, same bytes). */
  put(key: string, body: Buffer | string, opts?: { contentType?: string }): Promise<void>;
}

export class BlobNotFoundError extends Error {
  override readonly name = 'BlobNotFoundError';
}

/** One stored object of a case (issue 13): which bucket, which key. Keys hold ids, never personal data. */
export interface CaseObject {
  bucket: 'rawMail' | 'files';
  key: string;
}

/**
 * The S3 objects that belong to a case (raw mail, parsed messages, attachments, exports) and what
 * retention does to them (issue 13): every version, since the buckets are versioned and a plain
 * delete only adds a marker. In AWS, S3 Object Lock legal holds (never a retention-mode lock,
 * which would block a lawful erasure later).
 */
export interface CaseObjects {
  /** Every object of the case, in both buckets. */
  list(c: Case): Promise<CaseObject[]>;
  /** Places (`on`) or lifts the legal hold on every version of each object. */
  setLegalHold(objects: readonly CaseObject[], on: boolean): Promise<void>;
  /** Deletes every version of each object; resolves to how many versions were deleted. */
  deleteAllVersions(objects: readonly CaseObject[]): Promise<number>;
}

/**
 * One register system Rightsdesk can search in one call (issue 14; shared/domain/register.ts):
 * the SQL account system, Rightsdesk's own records. It finds the records matching each
 * identifier, read-only, and never logs them. (Traffic is searched by the workflow's Athena task,
 * and a manual source is a desk task: neither is a SourceConnector.)
 */
export interface SourceConnector {
  find(identifiers: readonly IdentifierUse[]): Promise<FoundRecord[]>;
}

/**
 * Writes an approved plan's lines to one register system (issue 15): the SQL account system by
 * the statements its register entry names, in one transaction (all of the lines or none). A line
 * applied twice is harmless (an erased row is already gone, a rectified field already holds the
 * new value), so a retried execution is safe. Returns the lines applied, by action.
 */
export interface SourceWriter {
  apply(lines: readonly PlanLine[]): Promise<Partial<Record<PlanAction, number>>>;
}

/** One source's erasures of one executed plan (issue 15): record keys only, no other personal data. */
export interface ErasureLedgerEntry {
  /** The register system the records were erased from. */
  source: string;
  /** The London instant the erasure was committed (ISO). */
  at: string;
  caseId: string;
  reference: string;
  planId: string;
  /** What was erased: the record type and its key in the source (the key the register's erase statement takes). */
  records: Array<{ recordType: string; key: string }>;
}

/**
 * The erasure ledger (issue 15): every erasure committed in a source, so that erasures can be
 * re-applied to a source restored from a backup. Recording the same plan and source twice is
 * harmless (one entry per case, plan and source).
 */
export interface ErasureLedger {
  record(entry: ErasureLedgerEntry): Promise<void>;
  /** The source's entries committed at or after `since` (ISO instant), oldest first, a page at a time. */
  list(source: string, since: string): AsyncIterable<ErasureLedgerEntry>;
}

/** A customer account as the fulfilment work needs it (issue 14): whose it is, whether it is open, where to forward. */
export interface AccountSummary {
  accountId: string;
  name: string;
  status: 'open' | 'closed';
  /** YYYY-MM-DD; null while the account is open. */
  closedOn: string | null;
  /** The contract's privacy contact: where a request about the customer's traffic is forwarded (Icetrak is its processor). */
  privacyContact: string;
}

/** Icetrak's customer accounts (the account system; read-only). */
export interface AccountDirectory {
  /** The accounts among `accountIds` that exist, in account id order; unknown ids are left out. */
  describe(accountIds: readonly string[]): Promise<AccountSummary[]>;
  /** The accounts closed from `from` to `to` (YYYY-MM-DD, inclusive), by closing date then id: the retention review's candidates (shared/domain/retention-review.ts closingWindow). */
  closedBetween(from: string, to: string): Promise<AccountSummary[]>;
}

/**
 * The search workflow (issue 14): one Step Functions execution per search run of a case, named
 * `<caseId>-<runId>`, with `{ caseId, runId }` as its only input. Starting a run twice is harmless.
 */
export interface SearchWorkflow {
  start(caseId: string, runId: string): Promise<void>;
}

/**
 * The plan execution workflow (issue 15): one Step Functions execution per attempt at an approved
 * plan, named `<caseId>-<planId>-<attempt>`, with `{ caseId, planId }` as its only input. Starting
 * the same attempt twice is harmless; a failed plan executed again is a new attempt.
 */
export interface PlanExecution {
  start(caseId: string, planId: string, attempt: number): Promise<void>;
}

/**
 * Legal holds on Icetrak's customer accounts (issue 13; the monthly retention review), in the
 * cases table. Placing and releasing are conditional writes: a second place is
 * AccountAlreadyHeldError, a release of what is not held AccountNotHeldError (both 409).
 */
export interface AccountHolds {
  place(accountId: string, hold: { reason: string; reviewOn?: string | null; placedBy: string; since: string }): Promise<AccountHoldInForce>;
  release(accountId: string, reason: string, by: string): Promise<void>;
  /** Every hold in force, by account id (one query on a fixed partition; never a Scan). */
  list(): Promise<AccountHoldInForce[]>;
  /** An account's hold in force (or null) and its history, oldest first; undefined if never held. */
  find(accountId: string): Promise<{ hold: AccountHoldInForce | null; history: AccountHoldEvent[] } | undefined>;
}

/**
 * Tombstones of purged cases as the reports read them (issue 13): by closing instant, from the
 * queue index's `TOMBSTONES` partition (never a Scan), so a month re-reported after some of its
 * cases were deleted still counts them.
 */
export interface TombstoneReader {
  /** Tombstones of cases closed between two ISO instants (inclusive), oldest first. */
  listClosedBetween(from: string, to: string): Promise<Tombstone[]>;
}

/** The stored monthly retention review of Icetrak's accounts, as the compliance report shows it (issue 13): counts only. */
export interface RetentionReviewReader {
  /** The month's review (YYYY-MM) summarised; undefined when the month has not been reviewed. */
  summaryOf(month: string): Promise<RetentionReviewSummary | undefined>;
}
