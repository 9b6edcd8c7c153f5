/**
 * The retention schedule (issue 13; LAW.md, Retention of Rightsdesk's own records; docs/retention.md):
 * every kind of record Rightsdesk keeps, what starts its clock, how long it is kept, why, and what
 * deletes it. One place: the lifecycle takes a closed case's expiry from here, and a unit test
 * (test/unit/domain/retention.test.ts) fails when an adapter writes a key prefix no rule covers.
 *
 * The periods are deploy-time settings (RetentionSchedule): CDK context (infra/config.ts), passed to
 * the functions that compute an expiry as RETENTION_* variables (shared/core/config.ts), and handed
 * to these pure functions as a parameter (the lifecycle's TransitionContext.retention); RETENTION
 * holds the defaults, and RETENTION_BOUNDS the values a deployment may choose.
 *
 * A legal hold (Case.legalHold) suspends every deletion of a case's records: no `expiresAt` while it
 * is on, and an S3 legal hold on each of its objects.
 */
import type { Case, Outcome } from './case';
import { londonDateOf } from './deadlines';
import { MAIL_FLAGS } from './inbound-mail';

/** The retention schedule's configurable periods (docs/retention.md). */
export interface RetentionSchedule {
  /** Years a case's records are kept after it closes. */
  readonly caseYears: number;
  /** Days rejected intake is kept after it closes. */
  readonly rejectedDays: number;
  /** Years accountability records are kept. */
  readonly accountabilityYears: number;
}

/** The periods' defaults (LAW.md), used where a deployment sets none. */
export const RETENTION = {
  /** Years a case's records are kept after it closes: the limitation period for claims. */
  caseYears: 6,
  /** Days rejected intake (spam or quarantined mail closed without being answered) is kept after it closes. */
  rejectedDays: 90,
  /** Years accountability records (compliance reports, retention reviews, released account holds) are kept: the limitation period. */
  accountabilityYears: 6,
} as const satisfies RetentionSchedule;

/**
 * Days an erasure ledger entry (record keys erased from an Icetrak system) is kept: longer than any
 * backup taken before the erasure can still be restored. (default) Icetrak keeps its database
 * backups at most a year; the DPO confirms or corrects this with Icetrak's backup policy. A
 * constant, not yet a deploy-time setting: it follows Icetrak's backup policy, not Rightsdesk's.
 */
export const ERASURE_LEDGER_DAYS = 400;

/**
 * The values a deployment may choose, inclusive: whole years and days. Never less than a year for
 * case records (evidence for a complaint to the ICO), nor less than a week for rejected intake (the
 * team's look at what the filter caught); at most 20 years (longer is not retention, it is hoarding).
 */
export const RETENTION_BOUNDS: { readonly [K in keyof RetentionSchedule]: readonly [min: number, max: number] } = {
  caseYears: [1, 20],
  rejectedDays: [7, 365],
  accountabilityYears: [1, 20],
};

/** Whether `n` is a value the schedule's `field` may take (RETENTION_BOUNDS). */
export function isRetentionValue(field: keyof RetentionSchedule, n: number): boolean {
  const [min, max] = RETENTION_BOUNDS[field];
  return Number.isInteger(n) && n >= min && n <= max;
}

/** When an erasure ledger entry recorded at `at` (ISO instant) is deleted: epoch seconds, ERASURE_LEDGER_DAYS later. */
export function erasureLedgerExpiry(at: string): number {
  const t = Date.parse(at);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(at) || Number.isNaN(t)) throw new RangeError(`Not an instant: ${at}`);
  return Math.floor(t / 1000) + ERASURE_LEDGER_DAYS * 86_400;
}

/**
 * When an accountability record whose clock starts at the end of the London date `lastDay`
 * (YYYY-MM-DD: a report's or review's last day, a hold's release) is deleted: epoch seconds,
 * `schedule.accountabilityYears` after the day that follows it (29 Feb → 1 Mar).
 */
export function accountabilityExpiry(lastDay: string, schedule: RetentionSchedule = RETENTION): number {
  const d = new Date(`${assertDay(lastDay)}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  d.setUTCFullYear(d.getUTCFullYear() + schedule.accountabilityYears);
  return Math.floor(d.getTime() / 1000);
}

function assertDay(day: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`))) throw new RangeError(`Not a date: ${day}`);
  return day;
}

/** Years a closed case's record is kept before it is deleted by default (kept under this name for its callers). */
export const RECORD_RETENTION_YEARS = RETENTION.caseYears;

/**
 * Outcomes that mean nobody's request was answered: with a spam or quarantine flag still on the
 * case, the case was rejected intake. A refusal, a forward, a merge or a (partial) completion is an
 * answer to someone and is evidence for a later claim or complaint: kept the full caseYears.
 */
const REJECTED_OUTCOMES: readonly Outcome[] = ['withdrawn', 'closed_unverified'];
const REJECTED_FLAGS: readonly string[] = [MAIL_FLAGS.spamReview, MAIL_FLAGS.quarantined];

/** Whether a closed case is rejected intake (spam or quarantined mail closed unanswered): the short period. */
export function isRejectedIntake(c: Pick<Case, 'flags'>, outcome: Outcome | undefined): boolean {
  return outcome !== undefined && REJECTED_OUTCOMES.includes(outcome) && c.flags.some((f) => REJECTED_FLAGS.includes(f));
}

/** When a case closed at `closedAt` is deleted: epoch seconds, `schedule.caseYears` later (29 Feb → 1 Mar). */
export function retentionExpiry(closedAt: string, schedule: RetentionSchedule = RETENTION): number {
  londonDateOf(closedAt, 'closing time');
  const d = new Date(closedAt);
  d.setUTCFullYear(d.getUTCFullYear() + schedule.caseYears);
  return Math.floor(d.getTime() / 1000);
}

/** When rejected intake closed at `closedAt` is deleted: epoch seconds, `schedule.rejectedDays` later. */
export function rejectedExpiry(closedAt: string, schedule: RetentionSchedule = RETENTION): number {
  londonDateOf(closedAt, 'closing time');
  return Math.floor(Date.parse(closedAt) / 1000) + schedule.rejectedDays * 86_400;
}

/**
 * The expiry the schedule gives a case now: none while it is open or on legal hold; otherwise
 * from its closing time, by the rule its outcome and flags select.
 */
export function caseExpiry(
  c: Pick<Case, 'status' | 'closedAt' | 'outcome' | 'flags' | 'legalHold'>,
  schedule: RetentionSchedule = RETENTION,
): number | undefined {
  if (c.status !== 'closed' || c.closedAt === undefined || c.legalHold !== undefined) return undefined;
  return isRejectedIntake(c, c.outcome) ? rejectedExpiry(c.closedAt, schedule) : retentionExpiry(c.closedAt, schedule);
}

/** The London date a case is kept until: from its `expiresAt`; null while open or on legal hold. */
export function retainUntil(c: Pick<Case, 'expiresAt' | 'legalHold'>): string | null {
  if (c.expiresAt === undefined || c.legalHold !== undefined) return null;
  return londonDateOf(new Date(c.expiresAt * 1000).toISOString());
}

/** Where a record lives: the cases table (by pk prefix), a bucket (by key prefix), or Icetrak's own systems. */
export type RecordStore = 'table' | 'rawMail' | 'files' | 'reports' | 'icetrak';

export interface RetentionRule {
  /** What the record is. */
  record: string;
  store: RecordStore;
  /** The table's pk prefix or the bucket's key prefix (none for Icetrak's records). */
  prefix?: string;
  /** What starts the clock. */
  from: string;
  /** How long, in words (the constants above and in the adapters give the number). */
  period: string;
  /** The lawful reason for keeping it that long. */
  reason: string;
  /** What deletes it; "not enforced yet" where nothing does so today. */
  deletedBy: string;
}

const CASE_PERIOD = `caseYears (default ${String(RETENTION.caseYears)}) years after the case closes (rejectedDays, default ${String(RETENTION.rejectedDays)}, for rejected intake); never while on legal hold`;
const CASE_REASON = 'Evidence of how the request was handled, for a claim or a complaint to the ICO within the limitation period';
const WITH_THE_CASE = 'DynamoDB TTL on the case item (expiresAt), and the stream handler deleting the case’s objects, every version (issue 13)';

/** Every record type Rightsdesk keeps, and Icetrak's own rules the fulfilment work applies. */
export const RECORD_TYPES: readonly RetentionRule[] = [
  // --- the cases table ---
  {
    record: 'Case item (the case, its audit trail, notes and outbox)',
    store: 'table',
    prefix: 'CASE#',
    from: 'the case closes',
    period: CASE_PERIOD,
    reason: CASE_REASON,
    deletedBy: 'DynamoDB TTL (expiresAt)',
  },
  {
    record: 'Submission claim (idempotent intake)',
    store: 'table',
    prefix: 'SUBMISSION#',
    from: 'the submission',
    period: '24 hours with an Idempotency-Key, else 10 minutes (shared/intake/submit-request.ts)',
    reason: 'Answering a retried submission with the same case; no longer needed after the window',
    deletedBy: 'DynamoDB TTL',
  },
  {
    record: 'Rate-limiter window (hashed client or address)',
    store: 'table',
    prefix: 'RATE#',
    from: 'the start of the window',
    period: 'the end of its window (10 minutes to 1 day)',
    reason: 'Abuse protection; the count is useless once its window ends',
    deletedBy: 'DynamoDB TTL',
  },
  {
    record: 'Staff session',
    store: 'table',
    prefix: 'SESSION#',
    from: 'sign-in',
    period: '8 hours (SESSION_MAX_SECONDS; 30 minutes idle ends it sooner)',
    reason: 'Keeping a signed-in member of staff signed in',
    deletedBy: 'DynamoDB TTL',
  },
  {
    record: 'Pending staff sign-in',
    store: 'table',
    prefix: 'SIGNIN#',
    from: 'the sign-in redirect',
    period: '10 minutes (PENDING_SIGN_IN_SECONDS)',
    reason: 'Completing the OpenID sign-in it started',
    deletedBy: 'DynamoDB TTL',
  },
  {
    record: 'Compliance report record',
    store: 'table',
    prefix: 'REPORT#',
    from: 'the end of the reported period',
    period: '6 years',
    reason: 'Accountability (UK GDPR Art. 5(2)): evidence of compliance over the limitation period; holds figures, no personal data',
    deletedBy: 'DynamoDB TTL (expiresAt, accountabilityExpiry of the period’s last day), set by every save',
  },
  {
    record: 'Tombstone of a deleted case (reference, dates, outcome; no personal data)',
    store: 'table',
    prefix: 'TOMBSTONE#',
    from: 'the case’s deletion',
    period: 'kept as the accountability record',
    reason: 'Reports and audits still count a deleted case; it holds no personal data',
    deletedBy: 'nothing: kept',
  },
  {
    record: 'Legal hold on an Icetrak customer account (the hold in force and its history: account id, reason, who and when)',
    store: 'table',
    prefix: 'ACCOUNTHOLD#',
    from: 'the hold’s release',
    period: 'kept while held, then with its history 6 years after its release',
    reason: 'Accountability (UK GDPR Art. 5(2)): why an account’s records outlived their period; business data, no personal data',
    deletedBy: 'DynamoDB TTL set on release (accountabilityExpiry of the release date); none while the hold is in force',
  },
  {
    record: 'Monthly retention review of Icetrak’s accounts (account ids, names and dates; due and held)',
    store: 'table',
    prefix: 'RETENTIONREVIEW#',
    from: 'the end of the reviewed month',
    period: '6 years, as the compliance reports',
    reason: 'Accountability: the DPO’s checklist of what was due for deletion, and why held accounts were kept; business data, no personal data',
    deletedBy: 'DynamoDB TTL (expiresAt, accountabilityExpiry of the month’s last day), set by every save',
  },
  {
    record: 'Erasure ledger entry (the keys of the records an approved plan erased from an Icetrak system; case reference, plan, date)',
    store: 'table',
    prefix: 'ERASURE#',
    from: 'the erasure',
    period: `${String(ERASURE_LEDGER_DAYS)} days (ERASURE_LEDGER_DAYS): longer than any backup taken before the erasure can be restored`,
    reason:
      'UK GDPR Art. 17 and LAW.md (Backups): erasures are re-applied to a system restored from a backup (npm run erasures:reapply); record keys only, no other personal data',
    deletedBy: 'DynamoDB TTL (expiresAt, erasureLedgerExpiry of the erasure), set by every record',
  },
  // --- the raw-mail bucket ---
  {
    record: 'Raw mail (MIME as received)',
    store: 'rawMail',
    prefix: 'inbound/',
    from: 'the case closes',
    period: CASE_PERIOD,
    reason: CASE_REASON,
    deletedBy: WITH_THE_CASE,
  },
  // --- the files bucket ---
  {
    record: 'Parsed message (correspondence)',
    store: 'files',
    prefix: 'messages/',
    from: 'the case closes',
    period: CASE_PERIOD,
    reason: CASE_REASON,
    deletedBy: WITH_THE_CASE,
  },
  {
    record: 'Attachment',
    store: 'files',
    prefix: 'attachments/',
    from: 'the case closes',
    period: CASE_PERIOD,
    reason: CASE_REASON,
    deletedBy: WITH_THE_CASE,
  },
  {
    record: 'Export sent to a requester (fulfilment)',
    store: 'files',
    prefix: 'exports/',
    from: 'the case closes',
    period: CASE_PERIOD,
    reason: CASE_REASON,
    deletedBy: WITH_THE_CASE,
  },
  {
    record: 'Search results of a case (records found in Icetrak’s systems, and the identifiers a traffic search used)',
    store: 'files',
    prefix: 'searches/',
    from: 'the case closes',
    period: CASE_PERIOD,
    reason: CASE_REASON,
    deletedBy: WITH_THE_CASE,
  },
  // --- the reports bucket ---
  {
    record: 'Compliance report files (HTML, CSV, figures, trend points)',
    store: 'reports',
    prefix: 'reports/',
    from: 'the end of the reported period',
    period: '6 years',
    reason: 'As the report record: aggregate figures, no personal data',
    deletedBy:
      'S3 lifecycle: the reports bucket expires objects 7 years after they are written (infra/storage.ts), never before the 6 years after the period',
  },
  // --- Icetrak's own records (its privacy notice): what an erasure request meets in the source systems ---
  {
    record: 'Icetrak customer-account and billing records',
    store: 'icetrak',
    from: 'the customer account closes',
    period: '7 years, then deleted unless a legal hold applies',
    reason: 'Legal obligation (tax and company records); an erasure request within the 7 years is answered “kept until closure + 7 years”',
    deletedBy: 'Icetrak’s systems (the fulfilment connectors, once they exist); the monthly retention review is the DPO’s checklist until then',
  },
  {
    record: 'Icetrak message traffic (messages its business customers send)',
    store: 'icetrak',
    from: 'as the business customer decides',
    period: 'set by the business customer (the controller)',
    reason: 'Icetrak is only the processor: requests about it are forwarded to the controller',
    deletedBy: 'the business customer’s instructions',
  },
];

/** Icetrak's own period for customer-account and billing records (years after the account closes). */
export const ICETRAK_ACCOUNT_RETENTION_YEARS = 7;

/** The rule for a table pk or bucket key, by prefix; undefined when none covers it. */
export function ruleFor(store: RecordStore, key: string): RetentionRule | undefined {
  return RECORD_TYPES.find((r) => r.store === store && r.prefix !== undefined && key.startsWith(r.prefix));
}
