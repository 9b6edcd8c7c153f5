/**
 * Calendar arithmetic on plain London calendar dates (`YYYY-MM-DD`), working days and
 * UK bank holidays.
 *
 * Dates are never `Date` objects in local time: every calculation runs on whole day
 * numbers (days since 1970-01-01, proleptic Gregorian), so the host's time zone and
 * daylight saving can never move a date (docs/rules.md, The deadline: "All dates are calendar
 * dates in Europe/London").
 */
import Holidays from 'date-holidays-parser';
import { InvalidDateError, InvalidNationError } from './errors';
// The GB rules of the maintained date-holidays data set (npm run holidays:gb), not a
// hand-written list: the parser computes each year's dates from them.
import GB_RULES from './gb-holiday-rules.json';

/** A calendar date, `YYYY-MM-DD`. An alias for documentation: it is still a string. */
export type IsoDate = string;

/** The office's nation decides which bank holidays apply (docs/rules.md, The deadline, 5). */
export const NATIONS = ['england-and-wales', 'scotland', 'northern-ireland'] as const;
export type Nation = (typeof NATIONS)[number];
export const DEFAULT_NATION: Nation = 'england-and-wales';

export function isNation(value: unknown): value is Nation {
  return typeof value === 'string' && (NATIONS as readonly string[]).includes(value);
}

export function assertNation(value: unknown): Nation {
  if (!isNation(value)) throw new InvalidNationError(`Unknown nation; expected one of ${NATIONS.join(', ')}.`);
  return value;
}

// ---------------------------------------------------------------------------------------
// Plain dates
// ---------------------------------------------------------------------------------------

export interface CalendarDate {
  year: number;
  month: number; // 1–12
  day: number; // 1–31
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * Parses a real calendar date; `2026-02-30`, `2026-2-3` and `yesterday` throw
 * InvalidDateError. `field` names the input in the message (the value itself is never
 * echoed: it may be anything a person typed).
 */
export function parseIsoDate(value: unknown, field = 'date'): CalendarDate {
  const match = typeof value === 'string' ? ISO_DATE.exec(value) : null;
  if (!match) throw new InvalidDateError(`The ${field} is not a date in the form YYYY-MM-DD.`);
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    throw new InvalidDateError(`The ${field} is not a real calendar date.`);
  }
  return { year, month, day };
}

export function isIsoDate(value: unknown): value is IsoDate {
  try {
    parseIsoDate(value);
    return true;
  } catch {
    return false;
  }
}

/** Throws InvalidDateError unless `value` is a real `YYYY-MM-DD` date; returns it typed. */
export function assertIsoDate(value: unknown, field = 'date'): IsoDate {
  parseIsoDate(value, field);
  return value as IsoDate;
}

export function formatIsoDate({ year, month, day }: CalendarDate): IsoDate {
  return `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}`;
}

/**
 * Day number of a date: days since 1970-01-01 (negative before). Integer-only
 * (H. Hinnant, "chrono-compatible low-level date algorithms", days_from_civil).
 */
export function toDayNumber(date: IsoDate): number {
  const { year, month, day } = parseIsoDate(date);
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12; // March = 0
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Inverse of toDayNumber (civil_from_days). */
export function fromDayNumber(dayNumber: number): IsoDate {
  if (!Number.isSafeInteger(dayNumber)) throw new InvalidDateError('A day number must be a whole number.');
  const z = dayNumber + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  if (year < 1 || year > 9999) throw new InvalidDateError('Date out of range (years 0001–9999).');
  return formatIsoDate({ year, month, day });
}

export function addDays(date: IsoDate, days: number): IsoDate {
  return fromDayNumber(toDayNumber(date) + days);
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return toDayNumber(to) - toDayNumber(from);
}

/** Validated `YYYY-MM-DD` strings order lexicographically, so plain comparison is exact. */
export function compareDates(a: IsoDate, b: IsoDate): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function latestDate(first: IsoDate, ...rest: IsoDate[]): IsoDate {
  return rest.reduce((latest, d) => (d > latest ? d : latest), first);
}

/**
 * The same day-of-month `months` later, or that month's last day where it has no such
 * day (docs/rules.md, The deadline, 2 and 3): 31 Jan + 1 → 28/29 Feb, 31 Jan + 3 → 30 Apr.
 * Always computed from the given date, never chained month by month.
 */
export function addMonthsClamped(date: IsoDate, months: number): IsoDate {
  if (!Number.isInteger(months)) throw new InvalidDateError('Months to add must be a whole number.');
  const { year, month, day } = parseIsoDate(date);
  const monthIndex = year * 12 + (month - 1) + months;
  const targetYear = Math.floor(monthIndex / 12);
  const targetMonth = (monthIndex % 12) + 1;
  if (targetYear < 1 || targetYear > 9999) throw new InvalidDateError('Date out of range (years 0001–9999).');
  return formatIsoDate({ year: targetYear, month: targetMonth, day: Math.min(day, daysInMonth(targetYear, targetMonth)) });
}

/** 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export function dayOfWeek(date: IsoDate): number {
  return (((toDayNumber(date) + 4) % 7) + 7) % 7;
}

export function isWeekend(date: IsoDate): boolean {
  const dow = dayOfWeek(date);
  return dow === 0 || dow === 6;
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'] as const;

/** `2026-12-28` → `Monday 28 December 2026` (the form used in letters and notices). */
export function formatLongDate(date: IsoDate): string {
  const { year, month, day } = parseIsoDate(date);
  return `${WEEKDAYS[dayOfWeek(date)] ?? ''} ${day} ${MONTHS[month - 1] ?? ''} ${year}`;
}

// ---------------------------------------------------------------------------------------
// Instants → London dates
// ---------------------------------------------------------------------------------------

// An instant must name its offset: `new Date('2026-03-31T23:30:00')` would be read in the
// host's local time, which is exactly the ambiguity we are removing.
// V8 also rolls impossible dates over (`2026-02-30T10:00Z` becomes 2 March), so each field
// is checked here rather than trusted to `new Date`.
const ISO_INSTANT = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;

function isValidInstantString(value: string): boolean {
  const [, date, hour, minute, second = '0', offsetHour = '0', offsetMinute = '0'] = ISO_INSTANT.exec(value) ?? [];
  return isIsoDate(date) && Number(hour) <= 23 && Number(minute) <= 59 && Number(second) <= 59 && Number(offsetHour) <= 23 && Number(offsetMinute) <= 59;
}

const londonFormatter = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  calendar: 'gregory',
  numberingSystem: 'latn',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/**
 * The Europe/London calendar date on which an instant happened (docs/rules.md, The deadline:
 * 23:30 UTC on 31 March 2026, in British Summer Time, is 1 April). Accepts a Date or an
 * ISO 8601 instant with `Z` or an explicit offset; anything else throws InvalidDateError.
 */
export function londonDateOf(instant: Date | string, field = 'instant'): IsoDate {
  let when: Date;
  if (instant instanceof Date) {
    when = instant;
  } else if (typeof instant === 'string' && isValidInstantString(instant)) {
    when = new Date(instant);
  } else {
    throw new InvalidDateError(`The ${field} is not an ISO 8601 instant with a time zone (Z or ±hh:mm).`);
  }
  if (Number.isNaN(when.getTime())) throw new InvalidDateError(`The ${field} is not a valid instant.`);

  const parts = londonFormatter.formatToParts(when);
  const part = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value);
  const year = part('year');
  const month = part('month');
  const day = part('day');
  if (!Number.isInteger(year) || year < 1 || year > 9999 || !Number.isInteger(month) || !Number.isInteger(day)) {
    throw new InvalidDateError('Instant out of range (years 0001–9999).');
  }
  return formatIsoDate({ year, month, day });
}

// ---------------------------------------------------------------------------------------
// Bank holidays and working days
// ---------------------------------------------------------------------------------------

// date-holidays regions (ISO 3166-2:GB subdivision codes). England and Wales share one
// list; ENG is used and a test checks that WLS agrees.
const REGION: Record<Nation, string> = {
  'england-and-wales': 'ENG',
  scotland: 'SCT',
  'northern-ireland': 'NIR',
};

// date-holidays lists Mother's Day, Father's Day and Easter Sunday as type 'observance';
// only 'public' and 'bank' days close the office.
const CLOSING_TYPES = ['public', 'bank'] as const;

const calendars = new Map<Nation, Holidays>();
const holidayCache = new Map<string, ReadonlySet<IsoDate>>();

function holidaysFor(nation: Nation): Holidays {
  let calendar = calendars.get(nation);
  if (!calendar) {
    calendar = new Holidays(GB_RULES, 'GB', REGION[nation], { types: [...CLOSING_TYPES] });
    // Dates only, no time zone: only `date` is read below, and without a zone date-holidays never
    // calls moment-timezone (left out of Lambda bundles: infra/bundling.ts).
    calendar.setTimezone(undefined as unknown as string);
    calendars.set(nation, calendar);
  }
  return calendar;
}

function bankHolidaySet(year: number, nation: Nation): ReadonlySet<IsoDate> {
  const key = `${nation}:${year}`;
  let set = holidayCache.get(key);
  if (!set) {
    const dates = holidaysFor(nation)
      .getHolidays(year)
      .filter((h) => (CLOSING_TYPES as readonly string[]).includes(h.type))
      // `date` is the local date in the holiday's own zone ("YYYY-MM-DD hh:mm:ss"),
      // unlike `start`, which is a UTC instant and a day early in summer.
      .map((h) => h.date.slice(0, 10))
      .filter((d) => d.startsWith(`${String(year).padStart(4, '0')}-`))
      // date-holidays also lists the nominal date when it falls at a weekend (Boxing Day,
      // Sat 26 Dec 2026) next to its weekday substitute (Mon 28 Dec). gov.uk lists only
      // the day actually taken; weekends are not working days anyway.
      .filter((d) => !isWeekend(d));
    set = new Set(dates);
    holidayCache.set(key, set);
  }
  return set;
}

/** The nation's bank holidays in a year as gov.uk lists them: the weekdays actually taken, sorted. */
export function bankHolidays(year: number, nation: Nation = DEFAULT_NATION): IsoDate[] {
  if (!Number.isInteger(year) || year < 1 || year > 9999) throw new InvalidDateError('Year out of range (0001–9999).');
  return [...bankHolidaySet(year, assertNation(nation))].sort();
}

export function isBankHoliday(date: IsoDate, nation: Nation = DEFAULT_NATION): boolean {
  return bankHolidaySet(parseIsoDate(date).year, assertNation(nation)).has(date);
}

/** Not a Saturday, Sunday or bank holiday of the nation (docs/rules.md, The deadline, 5). */
export function isWorkingDay(date: IsoDate, nation: Nation = DEFAULT_NATION): boolean {
  return !isWeekend(date) && !isBankHoliday(date, nation);
}

/** The date itself if it is a working day, else the next working day. */
export function nextWorkingDayOnOrAfter(date: IsoDate, nation: Nation = DEFAULT_NATION): IsoDate {
  let d = assertIsoDate(date);
  while (!isWorkingDay(d, nation)) d = addDays(d, 1);
  return d;
}

/** The date itself if it is a working day, else the previous working day. */
export function previousWorkingDayOnOrBefore(date: IsoDate, nation: Nation = DEFAULT_NATION): IsoDate {
  let d = assertIsoDate(date);
  while (!isWorkingDay(d, nation)) d = addDays(d, -1);
  return d;
}

/**
 * Moves `n` working days from `date`: n = 2 is the second working day after it, n = -1 the
 * last working day before it; the start date itself is never counted. n = 0 returns the
 * date unchanged, working day or not.
 */
export function addWorkingDays(date: IsoDate, n: number, nation: Nation = DEFAULT_NATION): IsoDate {
  if (!Number.isInteger(n)) throw new InvalidDateError('Working days to add must be a whole number.');
  let d = assertIsoDate(date);
  const step = n < 0 ? -1 : 1;
  for (let left = Math.abs(n); left > 0;) {
    d = addDays(d, step);
    if (isWorkingDay(d, nation)) left -= 1;
  }
  return d;
}

/** Working days after `from` up to and including `to` (negative when `to` is earlier). */
export function workingDaysBetween(from: IsoDate, to: IsoDate, nation: Nation = DEFAULT_NATION): number {
  assertIsoDate(from);
  assertIsoDate(to);
  const forward = from <= to;
  const [start, end] = forward ? [from, to] : [to, from];
  let count = 0;
  for (let d = addDays(start, 1); d <= end; d = addDays(d, 1)) if (isWorkingDay(d, nation)) count += 1;
  return forward ? count : -count;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}
