import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  addDays,
  addMonthsClamped,
  addWorkingDays,
  assertNation,
  dayOfWeek,
  daysBetween,
  formatLongDate,
  fromDayNumber,
  isIsoDate,
  londonDateOf,
  nextWorkingDayOnOrAfter,
  parseIsoDate,
  previousWorkingDayOnOrBefore,
  toDayNumber,
  workingDaysBetween,
} from '#domain/calendar';
import { InvalidDateError, InvalidNationError } from '#domain/errors';

describe('plain dates', () => {
  it('parses real dates only', () => {
    expect(parseIsoDate('2028-02-29')).toEqual({ year: 2028, month: 2, day: 29 });
    for (const bad of [
      '2026-02-30',
      '2027-02-29',
      '2026-04-31',
      '2026-13-01',
      '2026-00-10',
      '2026-01-00',
      'yesterday',
      '2026-2-3',
      '2026-02-03T00:00:00Z',
      '',
      ' 2026-02-03',
    ]) {
      expect(() => parseIsoDate(bad), bad).toThrow(InvalidDateError);
    }
    expect(() => parseIsoDate(20260203)).toThrow(InvalidDateError);
    expect(() => parseIsoDate(undefined)).toThrow(InvalidDateError);
  });

  it('never echoes the rejected value (it may be personal data typed into a date field)', () => {
    expect(() => parseIsoDate('Jane Smith', 'received date')).toThrow(/^The received date is not a date in the form YYYY-MM-DD\.$/);
  });

  it('converts to and from day numbers', () => {
    expect(toDayNumber('1970-01-01')).toBe(0);
    expect(toDayNumber('2000-03-01')).toBe(11017);
    expect(fromDayNumber(-1)).toBe('1969-12-31');
    fc.assert(
      fc.property(fc.integer({ min: toDayNumber('1900-01-01'), max: toDayNumber('2200-12-31') }), (n) => {
        const date = fromDayNumber(n);
        expect(isIsoDate(date)).toBe(true);
        expect(toDayNumber(date)).toBe(n);
        // Cross-check against the platform's UTC calendar.
        expect(date).toBe(new Date(n * 86_400_000).toISOString().slice(0, 10));
      }),
    );
  });

  it('adds days across month, year and leap-day boundaries', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2027-02-28', 1)).toBe('2027-03-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(daysBetween('2026-09-03', '2026-10-03')).toBe(30);
  });

  it('is unaffected by daylight saving (29 Mar and 25 Oct 2026 are 24-hour days here)', () => {
    expect(addDays('2026-03-28', 2)).toBe('2026-03-30');
    expect(addDays('2026-10-24', 2)).toBe('2026-10-26');
  });

  it('adds months keeping the day, clamped to the month’s last day', () => {
    expect(addMonthsClamped('2026-09-03', 1)).toBe('2026-10-03');
    expect(addMonthsClamped('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonthsClamped('2028-01-31', 1)).toBe('2028-02-29');
    expect(addMonthsClamped('2026-03-31', 1)).toBe('2026-04-30');
    expect(addMonthsClamped('2026-01-31', 3)).toBe('2026-04-30');
    expect(addMonthsClamped('2026-11-30', 3)).toBe('2027-02-28');
    expect(addMonthsClamped('2026-12-15', 1)).toBe('2027-01-15');
    expect(addMonthsClamped('2026-03-31', -1)).toBe('2026-02-28');
  });

  it('knows the day of the week', () => {
    expect(dayOfWeek('2026-09-03')).toBe(4); // Thursday
    expect(dayOfWeek('2026-01-31')).toBe(6); // Saturday
    expect(dayOfWeek('1969-12-28')).toBe(0); // Sunday, before day 0
  });

  it('formats long dates for letters', () => {
    expect(formatLongDate('2026-12-28')).toBe('Monday 28 December 2026');
    expect(formatLongDate('2026-10-05')).toBe('Monday 5 October 2026');
    expect(formatLongDate('2028-02-29')).toBe('Tuesday 29 February 2028');
    expect(() => formatLongDate('2026-02-30')).toThrow(InvalidDateError);
  });
});

describe('londonDateOf', () => {
  it('gives the London date: 23:30 UTC on 31 March 2026 (BST) is 1 April (docs/rules.md)', () => {
    expect(londonDateOf('2026-03-31T23:30:00Z')).toBe('2026-04-01');
    expect(londonDateOf(new Date('2026-03-31T23:30:00Z'))).toBe('2026-04-01');
  });

  it('in winter London is on UTC', () => {
    expect(londonDateOf('2026-01-31T23:30:00Z')).toBe('2026-01-31');
    expect(londonDateOf('2026-12-31T23:59:59.999Z')).toBe('2026-12-31');
  });

  it('follows the clock changes (BST 29 Mar – 25 Oct 2026, changing at 01:00 UTC)', () => {
    expect(londonDateOf('2026-03-28T23:30:00Z')).toBe('2026-03-28'); // GMT still
    expect(londonDateOf('2026-03-29T23:30:00Z')).toBe('2026-03-30'); // BST
    expect(londonDateOf('2026-10-24T22:59:59Z')).toBe('2026-10-24'); // 23:59:59 BST
    expect(londonDateOf('2026-10-24T23:00:00Z')).toBe('2026-10-25'); // 00:00 BST
    expect(londonDateOf('2026-10-25T23:30:00Z')).toBe('2026-10-25'); // GMT again
  });

  it('honours explicit offsets', () => {
    expect(londonDateOf('2026-04-01T00:30:00+01:00')).toBe('2026-04-01'); // 23:30 UTC on 31 Mar
    expect(londonDateOf('2026-04-01T07:00:00+09:00')).toBe('2026-03-31'); // 23:00 BST on 31 Mar
    expect(londonDateOf('2026-03-31T20:00:00-05:00')).toBe('2026-04-01'); // 02:00 BST on 1 Apr
  });

  it('rejects anything that is not an unambiguous instant', () => {
    for (const bad of [
      'yesterday',
      '2026-03-31', // a date, not an instant
      '2026-03-31T23:30:00', // no zone: would be read in the host's local time
      '2026-02-30T10:00:00Z', // V8 would roll this into March
      '2026-13-01T00:00:00Z',
      '2026-03-31T24:00:00Z',
      '2026-03-31T23:60:00Z',
      '2026-03-31T23:30:00+25:00',
    ]) {
      expect(() => londonDateOf(bad), bad).toThrow(InvalidDateError);
    }
    expect(() => londonDateOf(new Date('nonsense'))).toThrow(InvalidDateError);
    expect(() => londonDateOf(42 as unknown as string)).toThrow(InvalidDateError);
  });

  it('agrees with a hand-computed offset for any instant in 2025–2029', () => {
    // BST runs from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of October.
    const lastSunday = (year: number, month: number) => {
      const last = Date.UTC(year, month, 0); // last day of `month` (1-based)
      return last - new Date(last).getUTCDay() * 86_400_000;
    };
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2029, 11, 31) }), (ms) => {
        const year = new Date(ms).getUTCFullYear();
        const bst = ms >= lastSunday(year, 3) + 3_600_000 && ms < lastSunday(year, 10) + 3_600_000;
        const expected = new Date(ms + (bst ? 3_600_000 : 0)).toISOString().slice(0, 10);
        expect(londonDateOf(new Date(ms))).toBe(expected);
      }),
    );
  });
});

describe('working days', () => {
  it('rolls forward to the next working day', () => {
    expect(nextWorkingDayOnOrAfter('2026-10-05')).toBe('2026-10-05'); // Monday
    expect(nextWorkingDayOnOrAfter('2026-10-03')).toBe('2026-10-05'); // Saturday
    expect(nextWorkingDayOnOrAfter('2026-12-25')).toBe('2026-12-29');
    expect(nextWorkingDayOnOrAfter('2027-12-25', 'scotland')).toBe('2027-12-29');
    expect(nextWorkingDayOnOrAfter('2028-01-01', 'scotland')).toBe('2028-01-05');
    expect(nextWorkingDayOnOrAfter('2028-01-01', 'england-and-wales')).toBe('2028-01-04');
  });

  it('rolls back to the previous working day', () => {
    expect(previousWorkingDayOnOrBefore('2026-12-28')).toBe('2026-12-24');
    expect(previousWorkingDayOnOrBefore('2026-12-24')).toBe('2026-12-24');
  });

  it('adds and subtracts working days', () => {
    expect(addWorkingDays('2026-12-23', 1)).toBe('2026-12-24');
    expect(addWorkingDays('2026-12-24', 1)).toBe('2026-12-29');
    expect(addWorkingDays('2026-12-24', 3)).toBe('2026-12-31');
    expect(addWorkingDays('2026-12-29', -1)).toBe('2026-12-24');
    expect(addWorkingDays('2026-10-05', -5)).toBe('2026-09-28');
    expect(addWorkingDays('2026-10-03', 0)).toBe('2026-10-03'); // n = 0 leaves the date alone
    expect(addWorkingDays('2026-11-27', 1, 'scotland')).toBe('2026-12-01');
    expect(addWorkingDays('2026-11-27', 1, 'england-and-wales')).toBe('2026-11-30');
    expect(() => addWorkingDays('2026-11-27', 1.5)).toThrow(InvalidDateError);
  });

  it('counts working days between dates', () => {
    expect(workingDaysBetween('2026-12-24', '2026-12-29')).toBe(1);
    expect(workingDaysBetween('2026-12-29', '2026-12-24')).toBe(-1);
    expect(workingDaysBetween('2026-09-28', '2026-10-05')).toBe(5);
  });

  it('addWorkingDays and workingDaysBetween agree, forwards and back', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: toDayNumber('2025-01-01'), max: toDayNumber('2028-10-31') }),
        fc.integer({ min: -40, max: 40 }),
        fc.constantFrom('england-and-wales', 'scotland', 'northern-ireland' as const),
        (day, n, nation) => {
          const start = nextWorkingDayOnOrAfter(fromDayNumber(day), nation);
          const moved = addWorkingDays(start, n, nation);
          expect(workingDaysBetween(start, moved, nation)).toBe(n);
          expect(addWorkingDays(moved, -n, nation)).toBe(start);
        },
      ),
    );
  });

  it('rejects unknown nations', () => {
    expect(() => assertNation('wales')).toThrow(InvalidNationError);
    expect(() => nextWorkingDayOnOrAfter('2026-10-03', 'wales' as never)).toThrow(InvalidNationError);
  });
});
