/**
 * The compliance reports' figures (issue 12), computed by pure functions from the cases the
 * store reads by index (received in the period, closed in the period, open now): the monthly
 * report and the weekly digest. Each figure's definition is in REPORT_DEFINITIONS, which the
 * report prints under its tables, so what is counted and how is never a matter of guesswork.
 *
 * Nothing here holds a name, an address or free text from a requester: rows carry references,
 * rights, channels, dates and outcomes. (Extension reasons are the DPO team's own words.)
 */
import {
  isComplaint,
  KEPT_REASONS,
  REFUSAL_GROUNDS,
  RIGHTS,
  CHANNELS,
  type Case,
  type Channel,
  type KeptReason,
  type Outcome,
  type RefusalGround,
  type Right,
} from './case';
import { addDays, daysBetween, londonDateOf, workingDaysBetween, type IsoDate } from './calendar';
import { COMPLAINT_ACKNOWLEDGE_DAYS } from './deadlines';
import type { Nation } from './calendar';
import type { ReportPeriod } from './report-period';
import type { RetentionReviewSummary } from './retention-review';
import type { Tombstone } from './tombstone';

/**
 * What the figures read of a case: a stored case is one, and so is a purged case rebuilt from its
 * tombstone (tombstoneAsReportCase). Nothing personal: no requester, no details, no notes.
 */
export type ReportCase = Pick<
  Case,
  | 'id'
  | 'reference'
  | 'rights'
  | 'channel'
  | 'status'
  | 'outcome'
  | 'nation'
  | 'receivedOn'
  | 'clockStartsOn'
  | 'dueOn'
  | 'respondedOn'
  | 'closedAt'
  | 'extended'
  | 'extensionGround'
  | 'extensionReason'
  | 'clarifications'
  | 'identityRequestedOn'
  | 'identityReceivedOn'
  | 'refusalGround'
  | 'complaintAcknowledgedOn'
  | 'audit'
> & { closing?: { keptBecause?: KeptReason[] } };

/**
 * A purged case as the figures count it, from its tombstone: closed, with its outcome, dates and
 * closing facts. What a tombstone does not keep (clarification and identity pauses, the forwarding
 * date, the extension's reason) is absent, so a purged case adds nothing to those sections.
 * `nation` stands in for tombstones written before they kept the case's own.
 */
export function tombstoneAsReportCase(t: Tombstone, nation: Nation): ReportCase {
  return {
    id: t.caseId,
    reference: t.reference,
    rights: [...t.rights],
    channel: t.channel,
    status: 'closed',
    ...(t.outcome ? { outcome: t.outcome } : {}),
    nation: t.nation ?? nation,
    receivedOn: t.receivedOn,
    clockStartsOn: t.clockStartsOn ?? t.receivedOn,
    dueOn: t.dueOn,
    ...(t.respondedOn ? { respondedOn: t.respondedOn } : {}),
    ...(t.closedAt ? { closedAt: t.closedAt } : {}),
    extended: t.extended ?? false,
    ...(t.extensionGround ? { extensionGround: t.extensionGround } : {}),
    clarifications: [],
    ...(t.refusalGround ? { refusalGround: t.refusalGround } : {}),
    ...(t.complaintAcknowledgedOn ? { complaintAcknowledgedOn: t.complaintAcknowledgedOn } : {}),
    closing: { keptBecause: [...(t.keptBecause ?? [])] },
    audit: [],
  };
}

/**
 * The closed cases of a period with the purged ones counted from their tombstones: each case once
 * (a tombstone whose case is still among `cases`, or among `alsoPresent`, is left out).
 */
export function withTombstones(
  cases: readonly ReportCase[],
  tombstones: readonly Tombstone[],
  nation: Nation,
  alsoPresent: readonly ReportCase[] = [],
): ReportCase[] {
  const present = new Set([...cases, ...alsoPresent].map((c) => c.id));
  const added = new Set<string>();
  const purged = tombstones.filter((t) => {
    if (present.has(t.caseId) || added.has(t.caseId)) return false;
    added.add(t.caseId);
    return true;
  });
  return [...cases, ...purged.map((t) => tombstoneAsReportCase(t, nation))];
}

/** The six rights a request can ask for (a complaint is reported on its own). */
export const REQUEST_RIGHTS = RIGHTS.filter((r): r is Exclude<Right, 'complaint'> => r !== 'complaint');
export type RequestRight = (typeof REQUEST_RIGHTS)[number];

/** Outcomes that answer a request: these are on time or late. Withdrawn, merged and unverified closures answer nothing. */
export const ANSWERED_OUTCOMES: readonly Outcome[] = ['completed', 'partially_completed', 'refused', 'forwarded'];

/** Days-to-respond histogram bins (calendar days, inclusive bounds; the last is open-ended). */
export const RESPONSE_BINS = [
  { label: '0–7', min: 0, max: 7 },
  { label: '8–14', min: 8, max: 14 },
  { label: '15–21', min: 15, max: 21 },
  { label: '22–28', min: 22, max: 28 },
  { label: '29–35', min: 29, max: 35 },
  { label: '36–60', min: 36, max: 60 },
  { label: '61–90', min: 61, max: 90 },
  { label: '91+', min: 91, max: Infinity },
] as const;

export type Timeliness = 'on-time' | 'late' | 'open' | 'overdue' | 'not-answered';

/** One case, as the report and its CSV see it: no names, no addresses, no requester text. */
export interface CaseRow {
  reference: string;
  rights: Right[];
  channel: Channel;
  complaint: boolean;
  receivedOn: IsoDate;
  clockStartsOn: IsoDate;
  dueOn: IsoDate | null;
  extended: boolean;
  extensionGround: 'complex' | 'several-requests' | null;
  status: Case['status'];
  outcome: Outcome | null;
  respondedOn: IsoDate | null;
  /** on-time / late (answered), open / overdue (not closed), not-answered (withdrawn, merged, unverified). */
  timeliness: Timeliness;
  /** Receipt to response; null unless answered. */
  daysToRespond: number | null;
  workingDaysToRespond: number | null;
  refusalGround: RefusalGround | null;
  keptBecause: KeptReason[];
  forwardedOn: IsoDate | null;
  complaintAcknowledgedOn: IsoDate | null;
  receivedInPeriod: boolean;
  closedInPeriod: boolean;
}

export interface Spread {
  count: number;
  median: number | null;
  p95: number | null;
}

/** One row of the table by right (or 'all': every request once). */
export interface RightFigures {
  right: RequestRight | 'all';
  received: number;
  /** Of those received in the period: answered on time, late, not answered (withdrawn, merged, unverified), still open. */
  receivedOnTime: number;
  receivedLate: number;
  receivedNotAnswered: number;
  receivedOpen: number;
  /** Of those closed in the period. */
  closed: number;
  closedOnTime: number;
  closedLate: number;
  /** closedOnTime / (closedOnTime + closedLate); null when nothing was answered. */
  onTimeRate: number | null;
  days: Spread;
  workingDays: Spread;
}

export interface TrendPoint {
  month: string; // YYYY-MM
  received: number;
  answered: number;
  onTime: number;
  onTimeRate: number | null;
}

export interface OverdueRow {
  reference: string;
  rights: Right[];
  receivedOn: IsoDate;
  dueOn: IsoDate;
  daysOverdue: number;
  ageDays: number;
  status: Case['status'];
}

export interface MonthlyFigures {
  kind: 'monthly';
  period: ReportPeriod;
  /** The London date the figures were taken (open and overdue are as of this day). */
  asOf: IsoDate;
  generatedAt: string;
  headline: {
    received: number;
    closed: number;
    answered: number;
    onTimeRate: number | null;
    medianDays: number | null;
    overdueNow: number;
    complaintsReceived: number;
  };
  byRight: RightFigures[];
  byChannel: { channel: Channel; received: number }[];
  extensions: {
    count: number;
    byGround: { ground: 'complex' | 'several-requests'; count: number }[];
    cases: { reference: string; ground: string; reason: string }[];
  };
  /** asked: pauses begun; count/median/p95: the lengths of those answered; open: still waiting. */
  pauses: { clarification: Spread & { asked: number; open: number }; identity: Spread & { asked: number; open: number } };
  refusals: { count: number; byGround: { ground: RefusalGround; count: number }[] };
  partial: { count: number; byReason: { reason: KeptReason | 'not-recorded'; count: number }[] };
  forwarded: { count: number; days: Spread };
  complaints: { received: number; acknowledgedWithin: number; acknowledgedLate: number; awaitingAcknowledgement: number; closed: number };
  unverifiedClosures: number;
  /** Of the cases closed in the period, how many were counted from their tombstones (purged since: their retention ended). */
  purgedClosed: number;
  /**
   * The month's retention review of Icetrak's customer accounts (made before the report, from the
   * first working day at 06:30): accounts due for deletion, accounts held and the holds' reasons;
   * null when no review of the month was stored when the report was made.
   */
  retentionReview: RetentionReviewSummary | null;
  histogram: { bin: string; count: number }[];
  overdue: OverdueRow[];
  trend: TrendPoint[];
  rows: CaseRow[];
}

export interface WeeklyFigures {
  kind: 'weekly';
  period: ReportPeriod;
  asOf: IsoDate;
  generatedAt: string;
  headline: { open: number; dueThisWeek: number; overdue: number; triageBacklog: number; awaitingRequester: number };
  dueThisWeek: OverdueRow[];
  overdue: OverdueRow[];
  /** Open cases waiting for triage (new, unread correspondence, spam review): count and the oldest's age in days. */
  triage: { count: number; oldestDays: number | null };
  rows: CaseRow[];
}

export type ReportFigures = MonthlyFigures | WeeklyFigures;

/** How the report's figures are defined; printed under the tables. Keys are the report's section ids. */
export const REPORT_DEFINITIONS: Record<string, string> = {
  volume:
    'Received: requests whose London receipt date is in the period. A request asking for several rights counts once under each right it asks for, and once in “All requests”. Complaints are reported in their own section.',
  timeliness:
    'A request is answered when it is closed as completed, partially completed, refused or forwarded to the controller. It is on time when the response date is on or before the due date in force when it closed (the statutory month, extended where an extension was taken, moved by identity and clarification pauses and bank holidays, docs/rules.md). Withdrawn, merged and unverified closures answer nothing and are counted apart. On-time rate: answered on time ÷ answered, of the requests closed in the period.',
  days: 'Days to respond: calendar days from receipt to the response date, of the requests answered (closed) in the period; working days skip weekends and the case’s UK nation’s bank holidays. Median and 95th percentile (nearest rank).',
  channel: 'Channel: how a request arrived (web form, email to the DPO mailbox, or entered by staff from a phone call, a letter or in person).',
  extensions:
    'Extensions: requests received or closed in the period whose deadline was extended by up to two further months (complex, or one of several requests from the same person), with the reason the DPO team recorded.',
  pauses:
    'Pauses: requests received or closed in the period on which identity or clarification was asked for. The length is the calendar days from asking to the answer; pauses still waiting for an answer are counted as open and have no length.',
  refusals: 'Refusals: requests closed in the period as refused, by the ground relied on (manifestly unfounded or manifestly excessive).',
  partial:
    'Partially completed: requests closed in the period as partially completed, by the reasons recorded for what was kept or withheld (one request may give several).',
  forwarded:
    'Forwarded: requests received or closed in the period that were forwarded to the controller because Icetrak is only its processor; days from receipt to the forwarding.',
  complaints:
    'Complaints (DPA 2018 s.164A): received in the period; acknowledged within 30 calendar days of receipt, later, or not yet; closed: complaints answered in the period.',
  overdue: 'Overdue now: open requests whose due date is before the day the report was made, with days past due and days since receipt.',
  unverified:
    'Unverified closures: requests closed in the period because the requester did not confirm who they are in the time given; nothing was disclosed.',
  purged:
    'Closed cases whose records have since been deleted at the end of their retention period are counted from their tombstones (reference, rights, channel, dates, outcome; no personal data), so a re-run report keeps its closed figures. A tombstone does not keep pauses, forwarding dates or extension reasons, so those sections leave such cases out.',
  retention:
    'Retention review: the monthly review of Icetrak’s customer accounts whose 7 years after closing ended in the month, stored by the review run (06:30 on the first working day, before this report): accounts due for deletion (not under a legal hold), and accounts held, with the reasons of their holds and how many held accounts each is given for.',
  trend: 'Trend: for each of the twelve months to the period, requests received, and the on-time rate of requests answered (closed) that month.',
  weekly:
    'Weekly digest, as of the day it ran: open requests and complaints; due this week (due date in the ISO week); overdue (due date before that day); triage backlog: open cases waiting for the DPO team to look at them (new, unread correspondence, spam review).',
};

export interface MonthlyInput {
  period: ReportPeriod;
  /** Cases whose London receipt date is in the period (the received-month index). */
  received: ReportCase[];
  /** Cases closed in the period (the closed index); may overlap `received`. */
  closed: ReportCase[];
  /**
   * Tombstones of cases closed in the period and since purged (their retention ended): counted
   * among the closed, each case once. @default none
   */
  tombstones?: readonly Tombstone[];
  /** The office's nation, for tombstones that do not keep their case's. @default 'england-and-wales' */
  nation?: Nation;
  /** The month's stored retention review of Icetrak's accounts, or null when none is stored yet. @default null */
  retentionReview?: RetentionReviewSummary | null;
  /** Open cases due before `asOf` (the open-by-due index). */
  overdue: ReportCase[];
  trend: TrendPoint[];
  asOf: IsoDate;
  generatedAt: string;
}

/** The monthly report's figures. */
export function monthlyFigures(input: MonthlyInput): MonthlyFigures {
  const { period, asOf } = input;
  const inPeriod = (d: string | null | undefined) => d != null && d >= period.from && d <= period.to;
  const received = input.received.filter((c) => inPeriod(c.receivedOn));
  const stored = input.closed.filter((c) => c.status === 'closed' && inPeriod(c.respondedOn));
  const closed = withTombstones(stored, input.tombstones ?? [], input.nation ?? 'england-and-wales', received).filter(
    (c) => c.status === 'closed' && inPeriod(c.respondedOn),
  );
  const purgedClosed = closed.length - stored.length;
  const all = unique([...received, ...closed]);
  const rows = all.map((c) => caseRow(c, period, asOf));
  const rowOf = new Map(rows.map((r) => [r.reference, r]));
  const row = (c: ReportCase) => rowOf.get(c.reference) as CaseRow;

  const requestsReceived = received.filter((c) => !isComplaint(c));
  const requestsClosed = closed.filter((c) => !isComplaint(c));
  const requestsAll = all.filter((c) => !isComplaint(c));

  const byRight = (['all', ...REQUEST_RIGHTS] as const).map((right) => {
    const has = (c: ReportCase) => right === 'all' || c.rights.includes(right);
    const rec = requestsReceived.filter(has).map(row);
    const clo = requestsClosed.filter(has).map(row);
    const answered = clo.filter((r) => r.timeliness === 'on-time' || r.timeliness === 'late');
    const onTime = answered.filter((r) => r.timeliness === 'on-time').length;
    return {
      right,
      received: rec.length,
      receivedOnTime: rec.filter((r) => r.timeliness === 'on-time').length,
      receivedLate: rec.filter((r) => r.timeliness === 'late').length,
      receivedNotAnswered: rec.filter((r) => r.timeliness === 'not-answered').length,
      receivedOpen: rec.filter((r) => r.timeliness === 'open' || r.timeliness === 'overdue').length,
      closed: clo.length,
      closedOnTime: onTime,
      closedLate: answered.length - onTime,
      onTimeRate: answered.length ? onTime / answered.length : null,
      days: spread(answered.map((r) => r.daysToRespond ?? 0)),
      workingDays: spread(answered.map((r) => r.workingDaysToRespond ?? 0)),
    } satisfies RightFigures;
  });
  const total = byRight[0] as RightFigures;

  const extendedCases = requestsAll.filter((c) => c.extended);
  const clarifications = requestsAll.flatMap((c) => c.clarifications.filter((q) => !q.late));
  const identity = requestsAll.filter((c) => c.identityRequestedOn != null);
  const refused = requestsClosed.filter((c) => c.outcome === 'refused');
  const partial = requestsClosed.filter((c) => c.outcome === 'partially_completed');
  const forwarded = requestsAll.map(row).filter((r) => r.forwardedOn != null);
  const complaintsReceived = received.filter(isComplaint);
  const answeredClosed = requestsClosed.map(row).filter((r) => r.daysToRespond != null);
  const overdue = overdueRows(input.overdue, asOf);

  return {
    kind: 'monthly',
    period,
    asOf,
    generatedAt: input.generatedAt,
    headline: {
      received: requestsReceived.length,
      closed: requestsClosed.length,
      answered: total.closedOnTime + total.closedLate,
      onTimeRate: total.onTimeRate,
      medianDays: total.days.median,
      overdueNow: overdue.length,
      complaintsReceived: complaintsReceived.length,
    },
    byRight,
    byChannel: CHANNELS.map((channel) => ({ channel, received: requestsReceived.filter((c) => c.channel === channel).length })),
    extensions: {
      count: extendedCases.length,
      byGround: (['complex', 'several-requests'] as const).map((ground) => ({
        ground,
        count: extendedCases.filter((c) => (c.extensionGround ?? 'complex') === ground).length,
      })),
      cases: extendedCases.map((c) => ({ reference: c.reference, ground: c.extensionGround ?? 'complex', reason: c.extensionReason ?? '' })),
    },
    pauses: {
      clarification: {
        ...spread(clarifications.flatMap((q) => (q.answeredOn ? [daysBetween(q.askedOn, q.answeredOn)] : []))),
        asked: clarifications.length,
        open: clarifications.filter((q) => !q.answeredOn).length,
      },
      identity: {
        ...spread(
          identity.flatMap((c) => (c.identityReceivedOn && c.identityRequestedOn ? [daysBetween(c.identityRequestedOn, c.identityReceivedOn)] : [])),
        ),
        asked: identity.length,
        open: identity.filter((c) => c.status === 'awaiting_identity').length,
      },
    },
    refusals: {
      count: refused.length,
      byGround: REFUSAL_GROUNDS.map((ground) => ({ ground, count: refused.filter((c) => c.refusalGround === ground).length })),
    },
    partial: {
      count: partial.length,
      byReason: [
        ...KEPT_REASONS.map((reason) => ({ reason, count: partial.filter((c) => c.closing?.keptBecause?.includes(reason)).length })),
        { reason: 'not-recorded' as const, count: partial.filter((c) => !c.closing?.keptBecause?.length).length },
      ],
    },
    forwarded: { count: forwarded.length, days: spread(forwarded.map((r) => daysBetween(r.receivedOn, r.forwardedOn as string))) },
    complaints: {
      received: complaintsReceived.length,
      acknowledgedWithin: complaintsReceived.filter(
        (c) => c.complaintAcknowledgedOn && daysBetween(c.receivedOn, c.complaintAcknowledgedOn) <= COMPLAINT_ACKNOWLEDGE_DAYS,
      ).length,
      acknowledgedLate: complaintsReceived.filter(
        (c) => c.complaintAcknowledgedOn && daysBetween(c.receivedOn, c.complaintAcknowledgedOn) > COMPLAINT_ACKNOWLEDGE_DAYS,
      ).length,
      awaitingAcknowledgement: complaintsReceived.filter((c) => !c.complaintAcknowledgedOn).length,
      closed: closed.filter(isComplaint).length,
    },
    unverifiedClosures: requestsClosed.filter((c) => c.outcome === 'closed_unverified').length,
    purgedClosed,
    retentionReview: input.retentionReview ?? null,
    histogram: RESPONSE_BINS.map((bin) => ({
      bin: bin.label,
      count: answeredClosed.filter((r) => (r.daysToRespond as number) >= bin.min && (r.daysToRespond as number) <= bin.max).length,
    })),
    overdue,
    trend: input.trend,
    rows: rows.sort((a, b) => a.receivedOn.localeCompare(b.receivedOn) || a.reference.localeCompare(b.reference)),
  };
}

/** One month's trend point from the cases received in it and those closed in it. */
export function trendPoint(month: string, received: readonly ReportCase[], closed: readonly ReportCase[]): TrendPoint {
  const inMonth = (d: string | null | undefined) => d != null && d.startsWith(`${month}-`);
  const answered = closed.filter(
    (c) => !isComplaint(c) && c.status === 'closed' && inMonth(c.respondedOn) && ANSWERED_OUTCOMES.includes(c.outcome as Outcome),
  );
  const onTime = answered.filter((c) => onTimeAtClose(c)).length;
  return {
    month,
    received: received.filter((c) => !isComplaint(c) && inMonth(c.receivedOn)).length,
    answered: answered.length,
    onTime,
    onTimeRate: answered.length ? onTime / answered.length : null,
  };
}

export interface WeeklyInput {
  period: ReportPeriod;
  /** Every open case (the open-by-due index). */
  open: Case[];
  /** Open cases in the triage queue. */
  triage: Case[];
  asOf: IsoDate;
  generatedAt: string;
}

/** The weekly digest: a snapshot of the open work as of `asOf`. */
export function weeklyFigures(input: WeeklyInput): WeeklyFigures {
  const { period, asOf } = input;
  const open = input.open.filter((c) => c.status !== 'closed');
  const dueThisWeek = open.filter((c) => c.dueOn != null && c.dueOn >= period.from && c.dueOn <= period.to);
  const overdue = overdueRows(open, asOf);
  const triage = input.triage.filter((c) => c.status !== 'closed');
  const oldest = triage.reduce<IsoDate | null>((min, c) => (min === null || c.receivedOn < min ? c.receivedOn : min), null);
  return {
    kind: 'weekly',
    period,
    asOf,
    generatedAt: input.generatedAt,
    headline: {
      open: open.length,
      dueThisWeek: dueThisWeek.length,
      overdue: overdue.length,
      triageBacklog: triage.length,
      awaitingRequester: open.filter((c) => c.status === 'awaiting_identity' || c.status === 'awaiting_clarification').length,
    },
    dueThisWeek: dueThisWeek
      .map((c) => ({ ...rowOfOpen(c, asOf), daysOverdue: 0 }))
      .sort((a, b) => a.dueOn.localeCompare(b.dueOn) || a.reference.localeCompare(b.reference)),
    overdue,
    triage: { count: triage.length, oldestDays: oldest === null ? null : daysBetween(oldest, asOf) },
    rows: open.map((c) => caseRow(c, period, asOf)).sort((a, b) => a.receivedOn.localeCompare(b.receivedOn) || a.reference.localeCompare(b.reference)),
  };
}

/** Whether a closed case was answered on or before its due date (a case closed with the clock stopped has none: on time). */
function onTimeAtClose(c: ReportCase): boolean {
  return c.dueOn == null || (c.respondedOn ?? '') <= c.dueOn;
}

/** A case as a report row, as of `asOf`. */
export function caseRow(c: ReportCase, period: ReportPeriod, asOf: IsoDate): CaseRow {
  const answered = c.status === 'closed' && ANSWERED_OUTCOMES.includes(c.outcome as Outcome);
  const timeliness: Timeliness =
    c.status !== 'closed' ? (c.dueOn != null && c.dueOn < asOf ? 'overdue' : 'open') : answered ? (onTimeAtClose(c) ? 'on-time' : 'late') : 'not-answered';
  const respondedOn = c.respondedOn ?? null;
  const forward = c.audit.find((e) => e.action === 'ForwardedToController');
  return {
    reference: c.reference,
    rights: [...c.rights],
    channel: c.channel,
    complaint: isComplaint(c),
    receivedOn: c.receivedOn,
    clockStartsOn: c.clockStartsOn,
    dueOn: c.dueOn,
    extended: c.extended,
    extensionGround: c.extended ? (c.extensionGround ?? 'complex') : null,
    status: c.status,
    outcome: c.outcome ?? null,
    respondedOn,
    timeliness,
    daysToRespond: answered && respondedOn ? daysBetween(c.receivedOn, respondedOn) : null,
    workingDaysToRespond: answered && respondedOn ? workingDaysBetween(c.receivedOn, respondedOn, c.nation) : null,
    refusalGround: c.refusalGround ?? null,
    keptBecause: c.closing?.keptBecause ? [...c.closing.keptBecause] : [],
    forwardedOn: forward ? londonDateOf(forward.at) : null,
    complaintAcknowledgedOn: c.complaintAcknowledgedOn ?? null,
    receivedInPeriod: c.receivedOn >= period.from && c.receivedOn <= period.to,
    closedInPeriod: respondedOn != null && respondedOn >= period.from && respondedOn <= period.to,
  };
}

function overdueRows(cases: readonly ReportCase[], asOf: IsoDate): OverdueRow[] {
  return cases
    .filter((c) => c.status !== 'closed' && c.dueOn != null && c.dueOn < asOf)
    .map((c) => rowOfOpen(c, asOf))
    .sort((a, b) => a.dueOn.localeCompare(b.dueOn) || a.reference.localeCompare(b.reference));
}

function rowOfOpen(c: ReportCase, asOf: IsoDate): OverdueRow {
  const dueOn = c.dueOn as IsoDate;
  return {
    reference: c.reference,
    rights: [...c.rights],
    receivedOn: c.receivedOn,
    dueOn,
    daysOverdue: Math.max(0, daysBetween(dueOn, asOf)),
    ageDays: daysBetween(c.receivedOn, asOf),
    status: c.status,
  };
}

/** Median (mean of the middle two) and 95th percentile (nearest rank) of `values`. */
export function spread(values: number[]): Spread {
  if (values.length === 0) return { count: 0, median: null, p95: null };
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  const p95 = sorted[Math.max(0, Math.ceil(0.95 * sorted.length) - 1)] as number;
  return { count: values.length, median, p95 };
}

function unique(cases: ReportCase[]): ReportCase[] {
  const seen = new Map<string, ReportCase>();
  for (const c of cases) seen.set(c.id, c);
  return [...seen.values()];
}

/** The window the closed-cases index is read over: London dates to the UTC instants bounding them (±1 day covers BST). */
export function closedWindow(period: ReportPeriod): { from: string; to: string } {
  return { from: `${addDays(period.from, -1)}T00:00:00.000Z`, to: `${addDays(period.to, 1)}T23:59:59.999Z` };
}
