/** Report periods (issue 12): months and ISO weeks as London dates, ids, keys, and which period a scheduled run is for. */
import { describe, expect, it } from 'vitest';
import {
  firstWorkingDayOfMonth,
  isoWeekOf,
  monthPeriod,
  monthsEndingWith,
  periodOfId,
  reportPeriod,
  scheduledPeriod,
  weekPeriod,
} from '#domain/report-period';

describe('report periods', () => {
  it('a month: its first and last day, its id and where its files go', () => {
    expect(monthPeriod('2026-11')).toEqual({
      kind: 'monthly',
      period: '2026-11',
      id: 'monthly-2026-11',
      from: '2026-11-01',
      to: '2026-11-30',
      label: 'November 2026',
      prefix: 'reports/2026/11/monthly-2026-11/',
    });
    expect(monthPeriod('2028-02').to).toBe('2028-02-29');
  });

  it('an ISO week runs Monday to Sunday; the week’s Thursday decides its year', () => {
    expect(weekPeriod('2026-W48')).toMatchObject({
      from: '2026-11-23',
      to: '2026-11-29',
      label: 'week 48 of 2026 (23 November 2026 to 29 November 2026)',
    });
    expect(weekPeriod('2026-W01')).toMatchObject({ from: '2025-12-29', to: '2026-01-04', prefix: 'reports/2025/12/weekly-2026-W01/' });
    expect(isoWeekOf('2026-11-23')).toBe('2026-W48');
    expect(isoWeekOf('2026-11-29')).toBe('2026-W48');
    expect(isoWeekOf('2027-01-01')).toBe('2026-W53'); // 2026 has 53 ISO weeks (1 January 2026 was a Thursday)
    expect(isoWeekOf('2025-12-29')).toBe('2026-W01');
    expect(weekPeriod('2026-W53').to).toBe('2027-01-03');
  });

  it('refuses what is not a period, naming the field', () => {
    for (const [kind, period] of [
      ['monthly', '2026-13'],
      ['monthly', '2026-1'],
      ['monthly', '2026-W48'],
      ['weekly', '2026-11'],
      ['weekly', '2027-W53'], // 2027 has 52 weeks
      ['weekly', '2026-W00'],
    ] as const) {
      expect(() => reportPeriod(kind, period), `${kind} ${period}`).toThrow(
        expect.objectContaining({ name: 'ValidationError', fields: { period: expect.any(String) } }),
      );
    }
  });

  it('ids name one period, and nothing else parses as one', () => {
    expect(periodOfId('monthly-2026-11')?.from).toBe('2026-11-01');
    expect(periodOfId('weekly-2026-W48')?.to).toBe('2026-11-29');
    for (const bad of ['monthly-2026-13', 'weekly-2026-11', '../x', 'monthly-2026-11/..', '']) expect(periodOfId(bad), bad).toBeUndefined();
  });

  it('twelve months for the trend, across a year end', () => {
    expect(monthsEndingWith('2026-03', 12)).toEqual([
      '2025-04',
      '2025-05',
      '2025-06',
      '2025-07',
      '2025-08',
      '2025-09',
      '2025-10',
      '2025-11',
      '2025-12',
      '2026-01',
      '2026-02',
      '2026-03',
    ]);
  });
});

describe('scheduled periods', () => {
  it('the first working day of a month skips weekends and the nation’s bank holidays', () => {
    expect(firstWorkingDayOfMonth('2027-01-15', 'england-and-wales')).toBe('2027-01-04'); // New Year’s Day (Fri), weekend
    expect(firstWorkingDayOfMonth('2026-08-20', 'england-and-wales')).toBe('2026-08-03'); // 1 August is a Saturday
    expect(firstWorkingDayOfMonth('2026-12-01', 'england-and-wales')).toBe('2026-12-01');
    // 2 January is a bank holiday in Scotland only: in 2026 Friday 2 January.
    expect(firstWorkingDayOfMonth('2026-01-10', 'scotland')).toBe('2026-01-05');
    expect(firstWorkingDayOfMonth('2026-01-10', 'england-and-wales')).toBe('2026-01-02');
  });

  it('monthly: the month before, from its first working day on; weekly: this ISO week', () => {
    expect(scheduledPeriod('monthly', '2027-01-01', 'england-and-wales')).toBeUndefined();
    expect(scheduledPeriod('monthly', '2027-01-04', 'england-and-wales')?.id).toBe('monthly-2026-12');
    expect(scheduledPeriod('monthly', '2027-01-07', 'england-and-wales')?.id).toBe('monthly-2026-12'); // catching up
    expect(scheduledPeriod('weekly', '2026-11-23', 'england-and-wales')?.id).toBe('weekly-2026-W48');
    expect(scheduledPeriod('weekly', '2026-11-27', 'england-and-wales')?.id).toBe('weekly-2026-W48');
  });
});
