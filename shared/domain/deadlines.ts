/**
 * The statutory time limit for answering a request (UK GDPR Art. 12(3) and 12A, as
 * amended by the Data (Use and Access) Act 2025; docs/rules.md, "The deadline").
 *
 * Pure: dates in, dates out. All dates are London calendar dates, `YYYY-MM-DD`.
 */
import {
  DEFAULT_NATION,
  addDays,
  addMonthsClamped,
  assertIsoDate,
  assertNation,
  latestDate,
  nextWorkingDayOnOrAfter,
  toDayNumber,
  type IsoDate,
  type Nation,
} from './calendar';
import type { Case } from './case';
import { InvalidClarificationError } from './errors';

export {
  NATIONS,
  DEFAULT_NATION,
  isNation,
  londonDateOf,
  isWorkingDay,
  isBankHoliday,
  bankHolidays,
  addWorkingDays,
  nextWorkingDayOnOrAfter,
  formatLongDate,
  type IsoDate,
  type Nation,
} from './calendar';

/** A "stop the clock" period: asked for more information on one day, answered on another. */
export interface Clarification {
  askedOn: string; // YYYY-MM-DD
  answeredOn?: string; // YYYY-MM-DD; absent while the answer is outstanding
  /** Asked after the due date had passed: a question, not a pause (docs/rules.md, The deadline, 7). */
  late?: boolean;
}

export interface DeadlineInput {
  receivedOn: string; // London calendar date the request arrived
  identityReceivedOn?: string; // requested ID info arrived (restarts the clock)
  feeReceivedOn?: string; // fee arrived (restarts the clock)
  feeRequestedOn?: string; // fee asked for: while unpaid the clock does not run
  clarifications?: Clarification[];
  extended?: boolean; // +2 months, i.e. three months from clock start
  nation?: Nation; // default 'england-and-wales'
}

export interface Deadline {
  clockStartsOn: string; // latest of received / identity / fee
  dueOn: string | null; // null while a clarification is unanswered or a requested fee is unpaid
  extensionNoticeBy: string | null; // the due date without extension; null while stopped
}

/** Every step of the calculation, for explaining a due date to a DPO or an auditor. */
export interface DeadlineWorking extends Deadline {
  nation: Nation;
  /** True while a clarification is unanswered: there is no due date (docs/rules.md, 4). */
  stopped: boolean;
  /** Distinct paused days on or after the clock start, from answered clarifications. */
  pausedDays: number;
  /** One month from the clock start, plus paused days, before the working-day roll. */
  noticeLimitBeforeRoll: string | null;
  /** The due date (one or three months) plus paused days, before the working-day roll. */
  dueBeforeRoll: string | null;
}

/** Months allowed: one, or three with an extension (docs/rules.md, The deadline, 2 and 3). */
const STANDARD_MONTHS = 1;
const EXTENDED_MONTHS = 3;

/** The due date and extension-notice limit of a request (docs/rules.md, The deadline, 1–6). */
export function computeDeadline(input: DeadlineInput): Deadline {
  const { clockStartsOn, dueOn, extensionNoticeBy } = explainDeadline(input);
  return { clockStartsOn, dueOn, extensionNoticeBy };
}

/** computeDeadline, showing its working. */
export function explainDeadline(input: DeadlineInput): DeadlineWorking {
  const nation = assertNation(input.nation ?? DEFAULT_NATION);

  // 1. The clock starts on the latest of receipt, requested ID and fee.
  const starts = [assertIsoDate(input.receivedOn, 'received date')];
  if (input.identityReceivedOn != null) starts.push(assertIsoDate(input.identityReceivedOn, 'identity received date'));
  if (input.feeReceivedOn != null) starts.push(assertIsoDate(input.feeReceivedOn, 'fee received date'));
  const clockStartsOn = latestDate(starts[0] as IsoDate, ...starts.slice(1));

  // 7. A question asked after the due date neither pauses nor moves it.
  const clarifications = validateClarifications((input.clarifications ?? []).filter((c) => c.late !== true));
  const pausedDays = countPausedDays(clockStartsOn, clarifications);

  // 4 and 8. While an answer or a requested fee is outstanding there is no due date.
  if (clarifications.some((c) => c.answeredOn == null) || feeOutstanding(input)) {
    return { clockStartsOn, dueOn: null, extensionNoticeBy: null, nation, stopped: true, pausedDays, noticeLimitBeforeRoll: null, dueBeforeRoll: null };
  }

  // 2–4. Months from the clock start (never chained), then one day per paused day.
  const noticeLimitBeforeRoll = addDays(addMonthsClamped(clockStartsOn, STANDARD_MONTHS), pausedDays);
  const dueBeforeRoll = input.extended ? addDays(addMonthsClamped(clockStartsOn, EXTENDED_MONTHS), pausedDays) : noticeLimitBeforeRoll;

  // 5–6. Roll both past weekends and the nation's bank holidays.
  return {
    clockStartsOn,
    dueOn: nextWorkingDayOnOrAfter(dueBeforeRoll, nation),
    extensionNoticeBy: nextWorkingDayOnOrAfter(noticeLimitBeforeRoll, nation),
    nation,
    stopped: false,
    pausedDays,
    noticeLimitBeforeRoll,
    dueBeforeRoll,
  };
}

/** A fee was asked for and has not been paid since (docs/rules.md, The deadline, 8). */
export function feeOutstanding(input: Pick<DeadlineInput, 'feeRequestedOn' | 'feeReceivedOn'>): boolean {
  return input.feeRequestedOn != null && (input.feeReceivedOn == null || input.feeReceivedOn < input.feeRequestedOn);
}

/** Calendar days from receipt within which a complaint must be acknowledged (DPA 2018 s.164A). */
export const COMPLAINT_ACKNOWLEDGE_DAYS = 30;

/** The last day to acknowledge a complaint: 30 days after the day it was received (docs/rules.md, Complaints). */
export function complaintAcknowledgeBy(c: Pick<Case, 'receivedOn'>): IsoDate {
  return addDays(assertIsoDate(c.receivedOn, 'received date'), COMPLAINT_ACKNOWLEDGE_DAYS);
}

/** The deadline rules' view of a case. ID asked for late is not a clock start (docs/rules.md, The deadline, 7). */
export function deadlineInputOf(c: Case): DeadlineInput {
  return {
    receivedOn: c.receivedOn,
    identityReceivedOn: c.identityReceivedOn,
    feeReceivedOn: c.feeReceivedOn,
    feeRequestedOn: c.feeRequestedOn,
    clarifications: c.clarifications,
    extended: c.extended,
    nation: c.nation,
  };
}

/**
 * Distinct days, on or after the clock start, covered by answered clarifications (ask day
 * to answer day, both inclusive; overlaps counted once: docs/rules.md, The deadline, 4).
 * Intervals are merged rather than enumerated, so the result is independent of the order
 * the clarifications are listed in and cheap for any span.
 */
export function countPausedDays(clockStartsOn: IsoDate, clarifications: readonly Clarification[]): number {
  const clockStart = toDayNumber(clockStartsOn);
  const spans = clarifications
    .filter((c): c is Required<Clarification> => c.answeredOn != null)
    .map((c) => [Math.max(toDayNumber(c.askedOn), clockStart), toDayNumber(c.answeredOn)] as const)
    .filter(([from, to]) => from <= to)
    .sort((a, b) => a[0] - b[0]);

  let total = 0;
  let coveredTo = -Infinity; // last day already counted
  for (const [from, to] of spans) {
    if (to <= coveredTo) continue;
    total += to - Math.max(from, coveredTo + 1) + 1;
    coveredTo = to;
  }
  return total;
}

function validateClarifications(clarifications: readonly Clarification[]): Clarification[] {
  return clarifications.map((c, i) => {
    const askedOn = assertIsoDate(c.askedOn, `clarification ${i + 1} asked date`);
    if (c.answeredOn == null) return { askedOn };
    const answeredOn = assertIsoDate(c.answeredOn, `clarification ${i + 1} answered date`);
    if (answeredOn < askedOn) {
      throw new InvalidClarificationError(`Clarification ${i + 1} was answered before it was asked.`);
    }
    return { askedOn, answeredOn };
  });
}
