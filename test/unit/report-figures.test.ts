/**
 * The monthly report's figures against a worked example (test/support/report-cases.ts), every
 * number computed by hand below, for November 2026 as of 2 December 2026.
 *
 * Received in November (requests): B C D E G K M(L) = 7; complaint F.
 * Closed in November (requests): A B D E H J L = 7; answered (not J, unverified) = 6;
 * on time A B D E L = 5, late H (due 2 Nov, answered 16 Nov).
 * Days to respond: A 21 (20 Oct→10 Nov), B 28, D 23, E 1, H 46, L 2 → sorted 1 2 21 23 28 46:
 * median (21+23)/2 = 22, p95 (nearest rank 6 of 6) = 46.
 * Working days: A 15 (21–23 Oct, 26–30 Oct, 2–6 Nov, 9–10 Nov), B 20, D 17, E 1, H 32 (2 Oct to 16 Nov), L 2 →
 * 1 2 15 17 20 32: median 16, p95 32.
 */
import { describe, expect, it } from 'vitest';
import type { Case } from '#domain/case';
import { monthlyFigures, spread, trendPoint, weeklyFigures, caseRow, type MonthlyFigures } from '#domain/report-figures';
import { monthPeriod, weekPeriod } from '#domain/report-period';
import { novemberCases } from '#test/support/report-cases';

const NOV = monthPeriod('2026-11');
const AS_OF = '2026-12-02';

function figures(): { f: MonthlyFigures; cases: Record<string, Case> } {
  const built = novemberCases();
  const cases = Object.fromEntries(Object.entries(built).map(([k, b]) => [k, b.case]));
  const all = Object.values(cases);
  // What the indexes give: received in the month; closed in the window (the store reads ±1 day); open and due before today.
  const received = all.filter((c) => c.receivedOn.startsWith('2026-11'));
  const closed = all.filter((c) => c.status === 'closed' && (c.closedAt ?? '') >= '2026-10-31' && (c.closedAt ?? '') <= '2026-12-01T23:59:59.999Z');
  const overdue = all.filter((c) => c.status !== 'closed' && c.dueOn != null && c.dueOn < AS_OF);
  const trend = [trendPoint('2026-11', received, closed)];
  return { f: monthlyFigures({ period: NOV, received, closed, overdue, trend, asOf: AS_OF, generatedAt: '2026-12-02T07:00:00.000Z' }), cases };
}

describe('monthly figures (worked example, November 2026)', () => {
  it('counts requests received and closed, on time and late, by the case dates', () => {
    const { f } = figures();
    expect(f.headline).toEqual({ received: 7, closed: 7, answered: 6, onTimeRate: 5 / 6, medianDays: 22, overdueNow: 1, complaintsReceived: 1 });
    const all = f.byRight.find((r) => r.right === 'all');
    expect(all).toEqual({
      right: 'all',
      received: 7,
      receivedOnTime: 4, // B D E L
      receivedLate: 0,
      receivedNotAnswered: 0,
      receivedOpen: 3, // C G K
      closed: 7,
      closedOnTime: 5,
      closedLate: 1,
      onTimeRate: 5 / 6,
      days: { count: 6, median: 22, p95: 46 },
      workingDays: { count: 6, median: 16, p95: 32 },
    });
  });

  it('counts a request under each right it asks for', () => {
    const { f } = figures();
    const by = Object.fromEntries(f.byRight.map((r) => [r.right, r]));
    expect(by.access?.received).toBe(5); // C D G K L
    expect(by.portability?.received).toBe(1); // D
    expect(by.erasure?.received).toBe(1); // B
    expect(by.objection?.received).toBe(1); // E
    expect(by.rectification?.received).toBe(0);
    expect(by.rectification?.closed).toBe(1); // H, received in October
    expect(by.rectification?.closedLate).toBe(1);
    expect(by.erasure?.closed).toBe(2); // B, and J (unverified: closed, not answered)
    expect(by.erasure?.onTimeRate).toBe(1);
    expect(by.access?.days).toEqual({ count: 3, median: 21, p95: 23 }); // A 21, D 23, L 2
  });

  it('counts channels, extensions, pauses, refusals, partial completions, forwards and unverified closures', () => {
    const { f } = figures();
    expect(f.byChannel).toEqual([
      { channel: 'form', received: 3 },
      { channel: 'email', received: 3 },
      { channel: 'phone', received: 1 },
      { channel: 'post', received: 0 },
      { channel: 'in-person', received: 0 },
    ]);
    expect(f.extensions).toEqual({
      count: 1,
      byGround: [
        { ground: 'complex', count: 1 },
        { ground: 'several-requests', count: 0 },
      ],
      cases: [{ reference: 'RD-CCCCCC', ground: 'complex', reason: 'Eleven systems to search' }],
    });
    expect(f.pauses.clarification).toEqual({ asked: 1, count: 1, median: 7, p95: 7, open: 0 });
    expect(f.pauses.identity).toEqual({ asked: 2, count: 1, median: 3, p95: 3, open: 0 }); // J never answered (closed), K 3 days
    expect(f.refusals.byGround).toEqual([
      { ground: 'manifestly-unfounded', count: 1 },
      { ground: 'manifestly-excessive', count: 0 },
    ]);
    expect(f.partial.count).toBe(1);
    expect(f.partial.byReason.find((r) => r.reason === 'legal-obligation')?.count).toBe(1);
    expect(f.partial.byReason.find((r) => r.reason === 'not-recorded')?.count).toBe(0);
    expect(f.forwarded).toEqual({ count: 1, days: { count: 1, median: 2, p95: 2 } });
    expect(f.unverifiedClosures).toBe(1);
  });

  it('reports complaints apart: received, acknowledged within 30 days, closed', () => {
    const { f } = figures();
    expect(f.complaints).toEqual({ received: 1, acknowledgedWithin: 1, acknowledgedLate: 0, awaitingAcknowledgement: 0, closed: 1 });
    expect(f.byRight.find((r) => r.right === 'all')?.received).toBe(7); // not 8
  });

  it('bins days to respond and lists what is overdue now with its age', () => {
    const { f } = figures();
    expect(Object.fromEntries(f.histogram.map((b) => [b.bin, b.count]))).toEqual({
      '0–7': 2,
      '8–14': 0,
      '15–21': 1,
      '22–28': 2,
      '29–35': 0,
      '36–60': 1,
      '61–90': 0,
      '91+': 0,
    });
    // I: received 15 October, due 16 November (the 15th is a Sunday); 2 December is 16 days past due and 48 since receipt.
    expect(f.overdue).toEqual([
      { reference: 'RD-PPPPPP', rights: ['access'], receivedOn: '2026-10-15', dueOn: '2026-11-16', daysOverdue: 16, ageDays: 48, status: 'in_progress' },
    ]);
  });

  it('has one CSV row per case received or closed in the period (not the complaint twice, not the overdue October case)', () => {
    const { f } = figures();
    expect(f.rows.map((r) => r.reference).sort()).toEqual(
      [
        'RD-AAAAAA',
        'RD-BBBBBB',
        'RD-CCCCCC',
        'RD-DDDDDD',
        'RD-EEEEEE',
        'RD-FFFFFF',
        'RD-GGGGGG',
        'RD-HHHHHH',
        'RD-JJJJJJ',
        'RD-KKKKKK',
        'RD-MMMMMM',
      ].sort(),
    );
    const a = f.rows.find((r) => r.reference === 'RD-AAAAAA');
    expect(a).toMatchObject({ receivedInPeriod: false, closedInPeriod: true, timeliness: 'on-time', daysToRespond: 21, workingDaysToRespond: 15 });
    expect(f.rows.find((r) => r.reference === 'RD-GGGGGG')).toMatchObject({ dueOn: '2026-12-29', timeliness: 'open' });
    expect(f.rows.find((r) => r.reference === 'RD-HHHHHH')).toMatchObject({ timeliness: 'late', daysToRespond: 46 });
    expect(f.rows.find((r) => r.reference === 'RD-JJJJJJ')).toMatchObject({
      timeliness: 'not-answered',
      daysToRespond: null,
      outcome: 'closed_unverified',
    });
    expect(f.rows.find((r) => r.reference === 'RD-MMMMMM')).toMatchObject({ forwardedOn: '2026-11-13', outcome: 'forwarded' });
    expect(f.rows.find((r) => r.reference === 'RD-BBBBBB')).toMatchObject({ keptBecause: ['legal-obligation'] });
  });

  it('ignores index hits outside the period: a closure on the window edge in another London month', () => {
    const { cases } = figures();
    // Closed at 23:30 UTC on 31 October (GMT: still 31 October in London) — in the ±1 day window, not in November.
    const edge = { ...(cases.A as Case), id: 'edge', reference: 'RD-ZZZZZZ', closedAt: '2026-10-31T23:30:00.000Z', respondedOn: '2026-10-31' };
    const f = monthlyFigures({ period: NOV, received: [], closed: [edge], overdue: [], trend: [], asOf: AS_OF, generatedAt: '2026-12-02T07:00:00.000Z' });
    expect(f.headline.closed).toBe(0);
    expect(f.rows).toEqual([]);
  });

  it('trend point: received in the month, and the on-time rate of requests answered in it', () => {
    const { f } = figures();
    expect(f.trend).toEqual([{ month: '2026-11', received: 7, answered: 6, onTime: 5, onTimeRate: 5 / 6 }]);
  });
});

describe('weekly digest', () => {
  it('counts open work as of the day it runs: due this week, overdue, waiting on the requester, triage', () => {
    const built = novemberCases();
    const open = Object.values(built)
      .map((b) => b.case)
      .filter((c) => c.status !== 'closed');
    // Week 52 of 2026: 21 to 27 December; as of Monday 21 December. K is due 21 December, G on 29 December, C in February.
    const f = weeklyFigures({
      period: weekPeriod('2026-W52'),
      open,
      triage: [open[0] as Case],
      asOf: '2026-12-21',
      generatedAt: '2026-12-21T07:00:00.000Z',
    });
    expect(f.headline).toEqual({ open: 4, dueThisWeek: 1, overdue: 1, triageBacklog: 1, awaitingRequester: 0 });
    expect(f.dueThisWeek.map((r) => r.reference)).toEqual(['RD-KKKKKK']);
    expect(f.overdue.map((r) => [r.reference, r.daysOverdue])).toEqual([['RD-PPPPPP', 35]]);
    expect(f.triage.count).toBe(1);
  });
});

describe('spread', () => {
  it('median of an odd and an even count, and the 95th percentile by nearest rank', () => {
    expect(spread([])).toEqual({ count: 0, median: null, p95: null });
    expect(spread([5])).toEqual({ count: 1, median: 5, p95: 5 });
    expect(spread([3, 1, 2])).toEqual({ count: 3, median: 2, p95: 3 });
    const twenty = Array.from({ length: 20 }, (_, i) => i + 1);
    expect(spread(twenty)).toEqual({ count: 20, median: 10.5, p95: 19 });
  });
});

describe('case rows hold no personal data', () => {
  it('a row names no requester, address or free text', () => {
    const { cases } = figures();
    const row = JSON.stringify(caseRow(cases.B as Case, NOV, AS_OF));
    for (const secret of ['Grace', 'Hopper', '@example.org', 'Secret Lane', 'Erased marketing', 'kept until 2030']) expect(row).not.toContain(secret);
  });
});
