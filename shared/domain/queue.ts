/**
 * The DPO desk's work queues (issue 11): which view a case shows in, and what its row says.
 * Pure: the store indexes cases by these rules (shared/adapters/dynamo-case-store.ts) and the
 * desk renders the rows.
 *
 * Views by due date read the open-cases index: `open` (all, earliest due first, clock-stopped
 * last), `due-soon` (due within DUE_SOON_WORKING_DAYS working days), `overdue`. The others read
 * the `queue` index, where an open case sits in at most one queue, the first that applies:
 *   complaints          a complaint (DPA 2018 s.164A) has its own track, whatever else is on it;
 *   triage              something a person must look at first: rights not yet named, spam
 *                       review, quarantine, an unread reply, mail that could not be delivered;
 *   awaiting-requester  waiting for the requester: identity, a clarification, a fee.
 * Closed cases sit in `closed`, newest first. A row shows every flag, so nothing is hidden by
 * the one-queue rule.
 */
import type { Case, Channel, CaseStatus, Right } from './case';
import { daysBetween, workingDaysBetween, type IsoDate } from './calendar';
import { UNCLASSIFIED } from './lifecycle';
import { MAIL_FLAGS } from './inbound-mail';

export const QUEUE_VIEWS = ['open', 'due-soon', 'overdue', 'triage', 'awaiting-requester', 'complaints', 'closed'] as const;
export type QueueView = (typeof QUEUE_VIEWS)[number];

export const VIEW_LABELS: Record<QueueView, string> = {
  open: 'Open',
  'due-soon': 'Due soon',
  overdue: 'Overdue',
  triage: 'Triage',
  'awaiting-requester': 'Awaiting requester',
  complaints: 'Complaints',
  closed: 'Closed',
};

/** "Due soon": due today or within this many working days. */
export const DUE_SOON_WORKING_DAYS = 5;

/** Flags that put an open case in front of a person before anything else (the triage queue). */
export const TRIAGE_FLAGS: readonly string[] = [
  UNCLASSIFIED,
  MAIL_FLAGS.spamReview,
  MAIL_FLAGS.quarantined,
  MAIL_FLAGS.newCorrespondence,
  MAIL_FLAGS.acknowledgementFailed,
  'mail-undelivered',
];

/** The queue-index partitions. */
export type QueueKey = 'COMPLAINTS' | 'TRIAGE' | 'AWAITING' | 'CLOSED';

export const QUEUE_KEY_OF_VIEW: Partial<Record<QueueView, QueueKey>> = {
  complaints: 'COMPLAINTS',
  triage: 'TRIAGE',
  'awaiting-requester': 'AWAITING',
  closed: 'CLOSED',
};

export const isComplaint = (c: Pick<Case, 'rights'>): boolean => c.rights.length > 0 && c.rights.every((r) => r === 'complaint');

/** Waiting for the requester: identity, a clarification, or a fee asked for and not paid. */
export function awaitsRequester(c: Case): boolean {
  if (c.status === 'awaiting_identity' || c.status === 'awaiting_clarification') return true;
  return c.feeRequestedOn != null && (c.feeReceivedOn == null || c.feeReceivedOn < c.feeRequestedOn);
}

/** The one queue an open case sits in (undefined: only in the views by due date), or CLOSED. */
export function queueOf(c: Case): QueueKey | undefined {
  if (c.status === 'closed') return 'CLOSED';
  if (isComplaint(c)) return 'COMPLAINTS';
  if (c.flags.some((f) => TRIAGE_FLAGS.includes(f))) return 'TRIAGE';
  if (awaitsRequester(c)) return 'AWAITING';
  return undefined;
}

/** One line of a queue. */
export interface QueueRow {
  reference: string;
  status: CaseStatus;
  rights: Right[];
  channel: Channel;
  receivedOn: IsoDate;
  dueOn: IsoDate | null;
  /** Working days from today to the due date (0: due today; negative: overdue); null while the clock is stopped or once closed. */
  workingDaysLeft: number | null;
  flags: string[];
  closedAt?: string;
  outcome?: string;
}

export function rowOf(c: Case, today: IsoDate): QueueRow {
  return {
    reference: c.reference,
    status: c.status,
    rights: c.rights,
    channel: c.channel,
    receivedOn: c.receivedOn,
    dueOn: c.dueOn,
    workingDaysLeft: c.status === 'closed' || c.dueOn == null ? null : workingDaysLeft(today, c.dueOn, c),
    flags: c.flags,
    ...(c.closedAt ? { closedAt: c.closedAt } : {}),
    ...(c.outcome ? { outcome: c.outcome } : {}),
  };
}

/** Working days from `today` to `dueOn`: 0 on the day, -n when n working days late. */
export function workingDaysLeft(today: IsoDate, dueOn: IsoDate, c: Pick<Case, 'nation'>): number {
  return workingDaysBetween(today, dueOn, c.nation);
}

/** "3 working days left", "due today", "2 days overdue" (calendar days late, as a requester would count them). */
export function timeLeftText(row: Pick<QueueRow, 'workingDaysLeft' | 'dueOn' | 'status'>, today: IsoDate): string {
  if (row.status === 'closed') return 'closed';
  if (row.dueOn == null) return 'clock stopped';
  const n = row.workingDaysLeft ?? 0;
  if (n === 0 && row.dueOn === today) return 'due today';
  if (row.dueOn < today) {
    const late = daysBetween(row.dueOn, today);
    return `${late} day${late === 1 ? '' : 's'} overdue`;
  }
  return `${n} working day${n === 1 ? '' : 's'} left`;
}
