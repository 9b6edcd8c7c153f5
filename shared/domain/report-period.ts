/**
 * The periods compliance reports cover (issue 12): a calendar month (`2026-11`) for the monthly
 * report, an ISO 8601 week (`2026-W48`, Monday to Sunday) for the weekly digest. Dates are
 * Europe/London calendar dates; a report's id (`monthly-2026-11`, `weekly-2026-W48`) names
 * exactly one period, so a re-run for the same period replaces the same report.
 */
import { addDays, dayOfWeek, daysBetween, daysInMonth, formatIsoDate, nextWorkingDayOnOrAfter, parseIsoDate, type IsoDate, type Nation } from './calendar';
import { ValidationError } from './errors';

export const REPORT_KINDS = ['monthly', 'weekly'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

export interface ReportPeriod {
  kind: ReportKind;
  /** `YYYY-MM` (monthly) or `YYYY-Www` (weekly). */
  period: string;
  /** The report's id: `${kind}-${period}`; safe in S3 keys and URLs. */
  id: string;
  /** First and last London date of the period, inclusive. */
  from: IsoDate;
  to: IsoDate;
  /** For people: "November 2026", "week 48 of 2026 (23 to 29 November 2026)". */
  label: string;
  /** Where its files live in the reports bucket: `reports/<yyyy>/<mm>/<id>/` (the month of `from`). */
  prefix: string;
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const WEEK = /^(\d{4})-W(0[1-9]|[1-4]\d|5[0-3])$/;
const ID = /^(monthly|weekly)-(\d{4}-(?:\d{2}|W\d{2}))$/;
const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** The report period of `kind` named by `period`, or ValidationError naming the field. */
export function reportPeriod(kind: ReportKind, period: string): ReportPeriod {
  return kind === 'monthly' ? monthPeriod(period) : weekPeriod(period);
}

/** The period a report id names (`monthly-2026-11`), or undefined for anything else. */
export function periodOfId(id: string): ReportPeriod | undefined {
  const m = ID.exec(id);
  if (!m) return undefined;
  try {
    return reportPeriod(m[1] as ReportKind, m[2] ?? '');
  } catch {
    return undefined;
  }
}

export function monthPeriod(period: string): ReportPeriod {
  const m = MONTH.exec(period);
  if (!m) throw new ValidationError({ period: 'A month is written YYYY-MM, e.g. 2026-11.' });
  const year = Number(m[1]);
  const month = Number(m[2]);
  const from = formatIsoDate({ year, month, day: 1 });
  const to = formatIsoDate({ year, month, day: daysInMonth(year, month) });
  return {
    kind: 'monthly',
    period,
    id: `monthly-${period}`,
    from,
    to,
    label: `${MONTH_NAMES[month - 1] ?? ''} ${year}`,
    prefix: prefixOf(from, `monthly-${period}`),
  };
}

export function weekPeriod(period: string): ReportPeriod {
  const m = WEEK.exec(period);
  if (!m) throw new ValidationError({ period: 'A week is written YYYY-Www (ISO 8601), e.g. 2026-W48.' });
  const year = Number(m[1]);
  const week = Number(m[2]);
  if (week > isoWeeksIn(year)) throw new ValidationError({ period: `${year} has ${isoWeeksIn(year)} ISO weeks.` });
  const from = addDays(mondayOfWeek1(year), (week - 1) * 7);
  const to = addDays(from, 6);
  return {
    kind: 'weekly',
    period,
    id: `weekly-${period}`,
    from,
    to,
    label: `week ${week} of ${year} (${shortDate(from)} to ${shortDate(to)})`,
    prefix: prefixOf(from, `weekly-${period}`),
  };
}

/** The ISO week (`YYYY-Www`) a date falls in: the week's Thursday decides the year. */
export function isoWeekOf(date: IsoDate): string {
  const thursday = addDays(date, 4 - isoWeekday(date));
  const year = parseIsoDate(thursday).year;
  const week = 1 + Math.floor(daysBetween(mondayOfWeek1(year), thursday) / 7);
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The month (`YYYY-MM`) before the one `date` is in. */
export function previousMonthOf(date: IsoDate): string {
  const { year, month } = parseIsoDate(date);
  return month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, '0')}`;
}

/** The `count` months ending with `month`, oldest first (`YYYY-MM`). */
export function monthsEndingWith(month: string, count: number): string[] {
  const { from } = monthPeriod(month);
  let { year, month: m } = parseIsoDate(from);
  const out: string[] = [];
  for (let i = 0; i < count; i += 1) {
    out.unshift(`${year}-${String(m).padStart(2, '0')}`);
    m -= 1;
    if (m === 0) {
      m = 12;
      year -= 1;
    }
  }
  return out;
}

/** The first working day of the month `date` is in (weekends and the nation's bank holidays skipped). */
export function firstWorkingDayOfMonth(date: IsoDate, nation: Nation): IsoDate {
  const { year, month } = parseIsoDate(date);
  return nextWorkingDayOnOrAfter(formatIsoDate({ year, month, day: 1 }), nation);
}

/**
 * The period a scheduled run on `today` is for, or undefined when none is due yet: the monthly
 * report covers the previous month from the first working day of the month on; the weekly digest
 * covers the current ISO week. Runs after those days catch a missed one up (the handler skips
 * a period already reported).
 */
export function scheduledPeriod(kind: ReportKind, today: IsoDate, nation: Nation): ReportPeriod | undefined {
  if (kind === 'weekly') return weekPeriod(isoWeekOf(today));
  if (today < firstWorkingDayOfMonth(today, nation)) return undefined;
  return monthPeriod(previousMonthOf(today));
}

/** The period a person most likely means by "run now": last month, or this week. */
export function defaultPeriod(kind: ReportKind, today: IsoDate): string {
  return kind === 'monthly' ? previousMonthOf(today) : isoWeekOf(today);
}

function prefixOf(from: IsoDate, id: string): string {
  return `reports/${from.slice(0, 4)}/${from.slice(5, 7)}/${id}/`;
}

/** 1 (Monday) to 7 (Sunday). */
function isoWeekday(date: IsoDate): number {
  const d = dayOfWeek(date);
  return d === 0 ? 7 : d;
}

function mondayOfWeek1(year: number): IsoDate {
  const jan4 = formatIsoDate({ year, month: 1, day: 4 });
  return addDays(jan4, 1 - isoWeekday(jan4));
}

function isoWeeksIn(year: number): number {
  return isoWeekOf(formatIsoDate({ year, month: 12, day: 28 })) === `${year}-W53` ? 53 : 52;
}

/** `2026-11-23` → `23 November 2026`. */
export function shortDate(date: IsoDate): string {
  const { year, month, day } = parseIsoDate(date);
  return `${day} ${MONTH_NAMES[month - 1] ?? ''} ${year}`;
}
