import { describe, expect, it } from 'vitest';
import Holidays from 'date-holidays';
import { NATIONS, bankHolidays, dayOfWeek, isBankHoliday, isWorkingDay, type Nation } from '#domain/calendar';

/**
 * The bank holidays gov.uk publishes (https://www.gov.uk/bank-holidays), written out by
 * hand so the date-holidays package is checked against an independent source. gov.uk lists
 * the day a holiday is taken: Boxing Day 2026 is Mon 28 Dec (substitute), not Sat 26 Dec.
 * gov.uk publishes about two years ahead; the 2028 rows follow the standing schedule
 * (Banking and Financial Dealings Act 1971 and the usual substitute days) and must be
 * re-checked when gov.uk lists 2028 (a royal proclamation can add or move a day).
 */
const GOV_UK: Record<Nation, Record<number, string[]>> = {
  'england-and-wales': {
    2025: ['01-01', '04-18', '04-21', '05-05', '05-26', '08-25', '12-25', '12-26'],
    2026: ['01-01', '04-03', '04-06', '05-04', '05-25', '08-31', '12-25', '12-28'],
    2027: ['01-01', '03-26', '03-29', '05-03', '05-31', '08-30', '12-27', '12-28'],
    2028: ['01-03', '04-14', '04-17', '05-01', '05-29', '08-28', '12-25', '12-26'],
  },
  scotland: {
    // 2 January is a bank holiday; Easter Monday is not; summer is the first Monday of
    // August; St Andrew's Day (30 Nov) moves to Monday 1 Dec in 2025.
    2025: ['01-01', '01-02', '04-18', '05-05', '05-26', '08-04', '12-01', '12-25', '12-26'],
    2026: ['01-01', '01-02', '04-03', '05-04', '05-25', '08-03', '11-30', '12-25', '12-28'],
    2027: ['01-01', '01-04', '03-26', '05-03', '05-31', '08-02', '11-30', '12-27', '12-28'],
    2028: ['01-03', '01-04', '04-14', '05-01', '05-29', '08-07', '11-30', '12-25', '12-26'],
  },
  'northern-ireland': {
    // St Patrick's Day (17 Mar) and the Battle of the Boyne (12 Jul, moved to Mon 14 Jul
    // in 2025 and Mon 13 Jul in 2026).
    2025: ['01-01', '03-17', '04-18', '04-21', '05-05', '05-26', '07-14', '08-25', '12-25', '12-26'],
    2026: ['01-01', '03-17', '04-03', '04-06', '05-04', '05-25', '07-13', '08-31', '12-25', '12-28'],
    2027: ['01-01', '03-17', '03-26', '03-29', '05-03', '05-31', '07-12', '08-30', '12-27', '12-28'],
    2028: ['01-03', '03-17', '04-14', '04-17', '05-01', '05-29', '07-12', '08-28', '12-25', '12-26'],
  },
};

const cases = NATIONS.flatMap((nation) =>
  Object.entries(GOV_UK[nation]).map(([year, days]) => ({
    nation,
    year: Number(year),
    expected: days.map((md) => `${year}-${md}`),
  })),
);

describe('bank holidays match gov.uk', () => {
  it.each(cases)('$nation $year', ({ nation, year, expected }) => {
    expect(bankHolidays(year, nation)).toEqual(expected);
  });

  it.each(cases)('$nation $year: each listed day is a weekday, a bank holiday and not a working day', ({ nation, expected }) => {
    for (const date of expected) {
      expect(dayOfWeek(date)).toBeGreaterThanOrEqual(1);
      expect(dayOfWeek(date)).toBeLessThanOrEqual(5);
      expect(isBankHoliday(date, nation)).toBe(true);
      expect(isWorkingDay(date, nation)).toBe(false);
    }
  });

  it('England and Wales: date-holidays has identical public holidays for ENG and WLS', () => {
    // rightsdesk reads ENG for "england-and-wales"; this fails if the two ever diverge
    // (e.g. a St David's Day bank holiday in Wales) so the mapping gets revisited.
    const publicDays = (state: string, year: number) =>
      new Holidays('GB', state)
        .getHolidays(year)
        .filter((h) => h.type === 'public' || h.type === 'bank')
        .map((h) => h.date);
    for (const year of [2025, 2026, 2027, 2028]) expect(publicDays('WLS', year)).toEqual(publicDays('ENG', year));
  });

  it('observances are not bank holidays (Mother’s Day, Easter Sunday, Father’s Day)', () => {
    // date-holidays lists these for GB with type "observance".
    for (const date of ['2026-03-15', '2026-04-05', '2026-06-21']) {
      expect(isBankHoliday(date, 'england-and-wales')).toBe(false);
    }
    expect(isWorkingDay('2026-03-16', 'england-and-wales')).toBe(true); // Monday after Mother's Day
  });

  it('a nominal holiday at a weekend is not listed; its weekday substitute is', () => {
    expect(isBankHoliday('2026-12-26', 'england-and-wales')).toBe(false); // Saturday
    expect(isBankHoliday('2026-12-28', 'england-and-wales')).toBe(true);
    expect(isWorkingDay('2026-12-26', 'england-and-wales')).toBe(false); // still a weekend
  });

  it('nation differences', () => {
    expect(isWorkingDay('2026-11-30', 'england-and-wales')).toBe(true);
    expect(isWorkingDay('2026-11-30', 'scotland')).toBe(false); // St Andrew's Day
    expect(isWorkingDay('2026-04-06', 'scotland')).toBe(true); // Easter Monday
    expect(isWorkingDay('2026-04-06', 'england-and-wales')).toBe(false);
    expect(isWorkingDay('2026-03-17', 'northern-ireland')).toBe(false); // St Patrick's Day
    expect(isWorkingDay('2026-03-17', 'england-and-wales')).toBe(true);
    expect(isWorkingDay('2026-08-03', 'scotland')).toBe(false);
    expect(isWorkingDay('2026-08-31', 'scotland')).toBe(true);
  });

  it('defaults to England and Wales', () => {
    expect(bankHolidays(2026)).toEqual(bankHolidays(2026, 'england-and-wales'));
    expect(isWorkingDay('2026-08-31')).toBe(false);
  });

  it('returns a fresh array each time (the cache cannot be mutated by a caller)', () => {
    const first = bankHolidays(2026, 'scotland');
    first.push('2026-06-01');
    expect(bankHolidays(2026, 'scotland')).not.toContain('2026-06-01');
  });
});
