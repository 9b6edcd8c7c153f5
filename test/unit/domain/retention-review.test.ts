import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, daysBetween, formatIsoDate } from '#domain/calendar';
import { ValidationError } from '#domain/errors';
import { ICETRAK_ACCOUNT_RETENTION_YEARS } from '#domain/retention';
import { accountKeptUntil, closingWindow, retentionReview, type AccountHold, type ReviewedAccount } from '#domain/retention-review';

const account = (accountId: string, closedOn: string | null, name = `Customer ${accountId}`): ReviewedAccount => ({ accountId, name, closedOn });

describe('how long Icetrak keeps a closed account', () => {
  it('is until the closing date’s 7th anniversary; a 29 February closure is kept until 1 March', () => {
    expect(ICETRAK_ACCOUNT_RETENTION_YEARS).toBe(7);
    expect(accountKeptUntil('2018-03-31')).toBe('2025-03-31'); // Severn Logistics
    expect(accountKeptUntil('2023-06-30')).toBe('2030-06-30'); // Worcester Taxis
    expect(accountKeptUntil('2020-02-29')).toBe('2027-03-01');
    expect(accountKeptUntil('2021-02-28')).toBe('2028-02-28');
    expect(accountKeptUntil('2019-12-31')).toBe('2026-12-31');
    expect(() => accountKeptUntil('2021-02-29')).toThrow(/real calendar date/);
  });

  it('asks the directory for the closing dates whose period ends in the month, moving 29 February to March', () => {
    expect(closingWindow('2025-03')).toMatchObject({ from: '2018-03-01', to: '2018-03-31' });
    expect(closingWindow('2027-02')).toMatchObject({ from: '2020-02-01', to: '2020-02-28' });
    expect(closingWindow('2027-03')).toMatchObject({ from: '2020-02-29', to: '2020-03-31' });
    expect(closingWindow('2028-02')).toMatchObject({ from: '2021-02-01', to: '2021-02-28', monthEnd: '2028-02-29' });
    expect(() => closingWindow('2026-13')).toThrow(ValidationError);
    expect(() => closingWindow('2026-1')).toThrow(ValidationError);
  });
});

describe('the monthly retention review', () => {
  const accounts = [
    account('ACC-1001', null, 'Malvern Dental Practice'),
    account('ACC-1002', '2023-06-30', 'Worcester Taxis'),
    account('ACC-1003', '2018-03-31', 'Severn Logistics'),
    account('ACC-2001', '2018-03-01'),
    account('ACC-2002', '2018-02-28'),
    account('ACC-2003', '2018-04-01'),
    account('ACC-2004', '2018-03-15'),
  ];

  it('lists the accounts whose 7 years end in the month as due, earliest first, and no others', () => {
    const review = retentionReview('2025-03', accounts, []);
    expect(review).toEqual({
      month: '2025-03',
      closedFrom: '2018-03-01',
      closedTo: '2018-03-31',
      due: [
        { accountId: 'ACC-2001', name: 'Customer ACC-2001', closedOn: '2018-03-01', keptUntil: '2025-03-01' },
        { accountId: 'ACC-2004', name: 'Customer ACC-2004', closedOn: '2018-03-15', keptUntil: '2025-03-15' },
        { accountId: 'ACC-1003', name: 'Severn Logistics', closedOn: '2018-03-31', keptUntil: '2025-03-31' },
      ],
      held: [],
    });
    expect(retentionReview('2030-06', accounts, []).due.map((a) => a.accountId)).toEqual(['ACC-1002']);
    expect(retentionReview('2026-11', accounts, [])).toMatchObject({ due: [], held: [] });
  });

  it('lists held accounts apart, with every hold’s reason, and never as due', () => {
    const holds: AccountHold[] = [
      { accountId: 'ACC-1003', reason: 'HMRC enquiry into the 2017/18 accounts', since: '2024-11-02', reviewOn: '2025-06-30' },
      { accountId: 'ACC-1003', reason: 'Claim by a former driver', since: '2023-01-09' },
      { accountId: 'ACC-1002', reason: 'Not in this month', since: '2024-01-01' },
    ];
    const review = retentionReview('2025-03', accounts, holds);
    expect(review.due.map((a) => a.accountId)).toEqual(['ACC-2001', 'ACC-2004']);
    expect(review.held).toEqual([
      {
        accountId: 'ACC-1003',
        name: 'Severn Logistics',
        closedOn: '2018-03-31',
        keptUntil: '2025-03-31',
        holds: [holds[1], holds[0]],
      },
    ]);
  });

  it('puts a 29 February closure in March’s review, not February’s, and 28 February in February’s', () => {
    const leap = [account('ACC-3001', '2020-02-29'), account('ACC-3002', '2020-02-28'), account('ACC-3003', '2020-03-01')];
    expect(retentionReview('2027-02', leap, []).due.map((a) => [a.accountId, a.keptUntil])).toEqual([['ACC-3002', '2027-02-28']]);
    expect(retentionReview('2027-03', leap, []).due.map((a) => [a.accountId, a.keptUntil])).toEqual([
      ['ACC-3001', '2027-03-01'],
      ['ACC-3003', '2027-03-01'],
    ]);
  });

  it('lists an account once even if the directory returned it twice', () => {
    expect(retentionReview('2025-03', [account('ACC-1003', '2018-03-31'), account('ACC-1003', '2018-03-31')], []).due).toHaveLength(1);
  });

  it('for every closing date: kept at least 7 years, in exactly one month’s review, inside that month’s closing window', () => {
    const closingDate = fc.integer({ min: 0, max: 365 * 80 }).map((n) => addDays('1990-01-01', n));
    fc.assert(
      fc.property(closingDate, (closedOn) => {
        const keptUntil = accountKeptUntil(closedOn);
        expect(daysBetween(closedOn, keptUntil)).toBeGreaterThanOrEqual(7 * 365 + 1);
        expect(daysBetween(closedOn, keptUntil)).toBeLessThanOrEqual(7 * 365 + 3);
        const month = keptUntil.slice(0, 7);
        const { from, to } = closingWindow(month);
        expect(closedOn >= from && closedOn <= to).toBe(true);
        const [y, m] = month.split('-').map(Number) as [number, number];
        const before = m === 1 ? `${String(y - 1)}-12` : `${String(y)}-${String(m - 1).padStart(2, '0')}`;
        const after = formatIsoDate({ year: m === 12 ? y + 1 : y, month: m === 12 ? 1 : m + 1, day: 1 }).slice(0, 7);
        const only = [account('ACC-9000', closedOn)];
        expect(retentionReview(month, only, []).due).toHaveLength(1);
        expect(retentionReview(before, only, []).due).toHaveLength(0);
        expect(retentionReview(after, only, []).due).toHaveLength(0);
      }),
      { numRuns: 300 },
    );
  });
});
