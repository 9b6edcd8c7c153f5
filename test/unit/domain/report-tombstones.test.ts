/** Reports count purged cases from their tombstones, each case once; and summarise a stored retention review (issue 13). */
import { describe, expect, it } from 'vitest';
import { monthlyFigures, withTombstones } from '#domain/report-figures';
import { monthPeriod } from '#domain/report-period';
import { reviewSummary } from '#domain/retention-review';
import { tombstoneOf } from '#domain/tombstone';
import { aCase } from '#test/support/cases';

const closed = (day: string, over = {}) =>
  aCase({ status: 'closed', outcome: 'completed', closedAt: `2026-11-${day}T10:00:00.000Z`, respondedOn: `2026-11-${day}`, ...over });
const stoneOf = (c: ReturnType<typeof closed>) =>
  tombstoneOf(c, { expiredAt: '2032-11-10T10:00:00.000Z', purgedAt: '2032-11-10T11:00:00.000Z', objectsDeleted: 3 });
const figures = (cases: ReturnType<typeof closed>[], tombstones: ReturnType<typeof stoneOf>[]) =>
  monthlyFigures({
    period: monthPeriod('2026-11'),
    received: [],
    closed: cases,
    tombstones,
    overdue: [],
    trend: [],
    asOf: '2026-12-02',
    generatedAt: '2026-12-02T07:00:00.000Z',
  });

describe('tombstones in the monthly figures', () => {
  const a = closed('10');
  const b = closed('20', { outcome: 'refused', refusalGround: 'manifestly-unfounded' });
  const c = closed('25', { rights: ['erasure'] });

  it('a purged case counts as it did when stored: closed, answered, on time, by right, by refusal ground', () => {
    const stored = figures([a, b, c], []);
    const purged = figures([a], [stoneOf(b), stoneOf(c)]);
    expect(purged.headline).toEqual(stored.headline);
    expect(purged.byRight).toEqual(stored.byRight);
    expect(purged.refusals).toEqual(stored.refusals);
    expect(purged.histogram).toEqual(stored.histogram);
    expect(purged.purgedClosed).toBe(2);
    expect(stored.purgedClosed).toBe(0);
  });

  it('a case and its tombstone, or a tombstone twice, count once', () => {
    expect(withTombstones([a, b], [stoneOf(a), stoneOf(c), stoneOf(c)], 'england-and-wales').map((x) => x.reference)).toEqual([
      a.reference,
      b.reference,
      c.reference,
    ]);
    const f = figures([a, b, c], [stoneOf(a), stoneOf(b), stoneOf(c)]);
    expect(f.headline.closed).toBe(3);
    expect(f.purgedClosed).toBe(0);
  });

  it('a tombstone of a case closed outside the period is not counted', () => {
    const october = closed('10', { closedAt: '2026-10-10T10:00:00.000Z', respondedOn: '2026-10-10' });
    expect(figures([], [stoneOf(october)]).headline.closed).toBe(0);
  });
});

describe('reviewSummary', () => {
  it('counts due and held accounts (an account held twice once) and each reason’s accounts, most first', () => {
    const item = (accountId: string) => ({ accountId, name: `Name ${accountId}`, closedOn: '2019-11-01', keptUntil: '2026-11-01' });
    const held = (accountId: string, reason: string) => ({ ...item(accountId), reason, since: '2026-01-01', reviewOn: null });
    expect(
      reviewSummary({
        month: '2026-11',
        generatedAt: '2026-12-01T06:30:00.000Z',
        due: [item('A'), item('B'), item('C')],
        held: [held('D', 'Tax enquiry'), held('E', 'Claim'), held('E', 'Tax enquiry')],
      }),
    ).toEqual({
      month: '2026-11',
      generatedAt: '2026-12-01T06:30:00.000Z',
      due: 3,
      held: 2,
      heldReasons: [
        { reason: 'Tax enquiry', accounts: 2 },
        { reason: 'Claim', accounts: 1 },
      ],
    });
  });
});
