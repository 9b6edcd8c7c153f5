/**
 * A case's change plan (issue 15): what erasure, rectification, restriction and objection do to
 * each record the search found, and why. Computed by pure rules from the search's records, the
 * register and the retention schedule (never written by hand per case); reviewed and approved by
 * the DPO; executed by the execution workflow; proved by a verification search; explained in the
 * closing letter.
 *
 * Where things live (no personal data in Step Functions payloads, logs or S3 keys):
 *   - the plan's lines (one per record) are a JSON file in the files bucket,
 *     `plans/<caseId>/<planId>.json` (KMS; under the case's prefix, so retention and holds cover it):
 *     a person can have thousands of records, more than a DynamoDB item holds;
 *   - the case item holds `plan` (CasePlan): the status, who proposed and approved it, the
 *     per-source execution status and the counts by action (PlanGroup), which the desk, the API
 *     and the letter use;
 *   - the execution workflow's input is `{ caseId, planId }`.
 *
 * This file holds the model; the rules that compute a plan and the transitions that move it
 * live beside it (plan-rules.ts, plan-execution.ts).
 */
import type { Actor } from './case';
import type { FieldValue } from './search';
import type { NoticeApi } from './register';

/** What a plan line does to its record. */
export const PLAN_ACTIONS = [
  /** Delete it from its source (erasure). */
  'erase',
  /** Leave it as it is, for the reason given (a legal obligation, a legal hold, Rightsdesk's own record). */
  'keep',
  /** Change one field from the value found to the corrected one (rectification). */
  'rectify',
  /** Mark it restricted: stored, not otherwise processed (restriction). */
  'restrict',
  /** Stop processing it for one purpose (objection; direct marketing is absolute). */
  'stop',
  /** Icetrak is only processor: the request goes to the customer (the controller), who decides. */
  'forward',
  /**
   * Lift the restriction mark (Art. 18(3)): the record is used again as before. Only in a lift
   * plan (shared/domain/restriction.ts), made from a restricting plan's lines once the person
   * was told; never computed by plan-rules.ts.
   */
  'lift',
] as const;
export type PlanAction = (typeof PLAN_ACTIONS)[number];

/** Why a record is kept (action `keep`) or left to another (action `forward`). */
export const KEEP_GROUNDS = [
  /** Customer-account and billing records: 7 years after the account closes (retention schedule). */
  'legal-obligation',
  /** An account, case or person under a legal hold. */
  'legal-hold',
  /** The account is still open: its records are needed to run it, then kept 7 years after it closes. */
  'account-open',
  /** Rightsdesk's own record of requests (accountability; kept its own period). */
  'request-record',
  /** Icetrak is processor for the record: forwarded to the customer. */
  'processor',
  /** The right asked for does not apply to this record (e.g. rectification of a record not named). */
  'not-affected',
] as const;
export type KeepGround = (typeof KEEP_GROUNDS)[number];

/** One record's line in the plan. */
export interface PlanLine {
  /** The search's record id (`<source>:<recordType>:<key>`). */
  recordId: string;
  source: string;
  recordType: string;
  /** The record's key in its source (what a write statement and the erasure ledger name). */
  key: string;
  accountId?: string;
  action: PlanAction;
  /** The reason, in words the requester understands (it goes into the closing letter). */
  reason: string;
  /** keep/forward: the ground. */
  ground?: KeepGround;
  /** keep: the London date the record is kept until (YYYY-MM-DD), or null when that is not yet known (open account, hold). */
  keptUntil?: string | null;
  /** rectify: the field, the value found and the corrected value. */
  field?: string;
  from?: FieldValue;
  to?: FieldValue;
  /** stop: the purpose processing stops for. */
  purpose?: string;
  /** Register recipients the record was disclosed to (Art. 19): told of an erasure, rectification, restriction or its lifting. */
  recipients?: string[];
}

/** The lines file of a plan (`plans/<caseId>/<planId>.json`). */
export interface PlanLinesFile {
  caseId: string;
  planId: string;
  runId: string;
  lines: PlanLine[];
}

/** S3 key of a plan's lines: ids only, under the case's prefix. */
export const planKey = (caseId: string, planId: string): string => `plans/${caseId}/${planId}.json`;

/** Plan ids: lower-case letters and digits (safe in S3 keys, execution names, SQL text). */
export const PLAN_ID = /^[0-9a-z]{10,40}$/;

/** Lines with the same source, record type, action, ground and keptUntil, counted: what the case item, the desk and the letter show. */
export interface PlanGroup {
  source: string;
  recordType: string;
  action: PlanAction;
  ground?: KeepGround;
  keptUntil?: string | null;
  field?: string;
  purpose?: string;
  count: number;
}

/** Where a plan stands. */
export const PLAN_STATUSES = [
  'proposed', // computed, for the DPO to review
  'approved', // the DPO approved it; the execution is starting
  'executing', // the workflow is applying it
  'failed', // a source failed: nothing is reported done; the DPO can execute again (writes are idempotent)
  'executed', // every source applied its lines
  'verified', // the verification search found none of the erased records
  'verification-failed', // the verification search still found records that were to be erased
] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];

/** One source's execution. A manual source is a desk task confirmed by a member of staff. */
export interface SourceExecution {
  source: string;
  status: 'pending' | 'running' | 'done' | 'failed' | 'awaiting-staff' | 'nothing-to-do';
  startedAt?: string;
  finishedAt?: string;
  /** Lines applied, by action. */
  applied?: Partial<Record<PlanAction, number>>;
  failure?: string;
  /** Manual sources: who confirmed it was done, and when. */
  confirmedBy?: Actor;
  /** A manual source (register connector `manual`): its changes are a desk task, confirmed by staff. */
  manual?: boolean;
}

/** A recipient told of the changes (Art. 19). */
export interface RecipientNotice {
  recipient: string;
  /** The recipient's name in the register (what the letter says). */
  name?: string;
  /** Outbox entry id of the notice. */
  outboxId: string;
  at: string;
  /** Records concerned, by action. */
  records: Partial<Record<PlanAction, number>>;
}

/** The case's latest plan (`Case.plan`). */
export interface CasePlan {
  planId: string;
  /**
   * `lift`: the lifting of the case's restriction (shared/domain/restriction.ts), made from the
   * restricting plan's lines once the person was told; allowed on a closed case, which it leaves
   * closed. Absent: a plan computed from the search (plan-rules.ts).
   */
  kind?: 'lift';
  /** The search run it was computed from. */
  runId: string;
  registerVersion: string;
  status: PlanStatus;
  proposedAt: string;
  proposedBy: Actor;
  approvedAt?: string;
  approvedBy?: Actor;
  executedAt?: string;
  /** S3 key of the lines file. */
  linesKey: string;
  groups: PlanGroup[];
  sources: SourceExecution[];
  notices?: RecipientNotice[];
  verification?: { runId: string; startedAt: string; finishedAt?: string; remaining?: number; unsearched?: string[] };
  /** Executions approved so far (1 at approval, one more each time a failed plan is executed again): names the workflow execution. */
  attempt?: number;
  /** The Art. 19 notices the plan implies, worked out when it is proposed; owed when it is executed. */
  recipients?: PlannedNotice[];
}

/** A recipient to tell of the changes once the plan is executed (Art. 19), worked out when the plan is proposed. */
export interface PlannedNotice {
  recipient: string;
  name: string;
  /** Where the notice goes (the register's noticeEmail); absent with no noticeApi: no channel, the DPO team tells it by hand. */
  noticeEmail?: string;
  /** The recipient's API (the register's noticeApi): the notice is POSTed there instead of emailed. */
  noticeApi?: NoticeApi;
  /** For an API notice: what to do, record by record (the first MAX_NOTICE_INSTRUCTIONS), ids and corrected values only. */
  changes?: NoticeChange[];
  records: Partial<Record<PlanAction, number>>;
  /** What to do, one line per record (bounded), counted beyond that in `more`. */
  instructions: string[];
  more: number;
}

/** One record an API notice names: its id, the action and, for a correction, the field and its new value (never the old one, never erased data). */
export interface NoticeChange {
  action: 'erase' | 'rectify' | 'restrict' | 'lift';
  recordType: string;
  key: string;
  accountId?: string;
  field?: string;
  to?: FieldValue;
}
