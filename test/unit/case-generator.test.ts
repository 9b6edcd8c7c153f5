import { describe, expect, it } from 'vitest';
import { isReference } from '#domain/reference';
import { caseRow } from '#domain/report-figures';
import { monthPeriod } from '#domain/report-period';
import { isCaseId } from '#shared/core/ids';
import { generateCases, outcomeSummary, type GeneratedCase } from '#infra/tools/case-generator';

const month = '2026-11';
const asOf = '2027-06-01T00:00:00.000Z'; // long after: every case had time to close
const thousand = generateCases({ month, count: 1000, seed: 7, asOf });

const share = (cases: readonly GeneratedCase[], test: (g: GeneratedCase) => boolean) => cases.filter(test).length / cases.length;

function expectConsistent(generated: readonly GeneratedCase[], until: string): void {
  for (const { case: c, entries } of generated) {
    const where = c.reference;
    expect(entries[0].action, where).toBe('RequestReceived');
    expect(c.audit, where).toEqual(entries);
    expect(c.receivedOn.slice(0, 7), where).toBe(month);
    const times = entries.map((e) => Date.parse(e.at));
    expect(times, where).toEqual([...times].sort((a, b) => a - b));
    expect(Math.max(...times), where).toBeLessThanOrEqual(Date.parse(until));
    expect(c.updatedAt, where).toBe(entries.at(-1)!.at);
    // The stored dates are the ones the last transition computed.
    expect(entries.at(-1)!.detail?.dueOn, where).toBe(c.dueOn);
    expect(c.status === 'closed', where).toBe(c.outcome !== undefined);
    if (c.closedAt) expect(c.closedAt, where).toBe(entries.at(-1)!.at);
    expect(isReference(c.reference) && isCaseId(c.id), where).toBe(true);
    expect(c.requester.email, where).toMatch(/^person-\d+@example\.org$/);
  }
}

describe('generateCases', () => {
  it('is deterministic for a seed, and case n does not depend on how many are made', () => {
    const opts = { month, count: 60, seed: 3, asOf };
    const a = generateCases(opts);
    expect(generateCases(opts)).toEqual(a);
    expect(generateCases({ ...opts, count: 30 })).toEqual(a.slice(0, 30));
    const other = generateCases({ ...opts, seed: 4 });
    expect(other.map((g) => g.case.reference)).not.toEqual(a.map((g) => g.case.reference));
    // Ids and references come from (month, seed, n) alone, so a later run finds the same cases.
    const later = generateCases({ ...opts, asOf: '2026-11-20T12:00:00.000Z' });
    expect(later.map((g) => [g.case.id, g.case.reference])).toEqual(a.map((g) => [g.case.id, g.case.reference]));
  });

  it('builds every case through the lifecycle: audit starts RequestReceived, in time order, nothing after asOf, all received in the month', () => {
    expectConsistent(thousand, asOf);
    expect(new Set(thousand.map((g) => g.case.id)).size).toBe(1000);
    expect(new Set(thousand.map((g) => g.case.reference)).size).toBe(1000);
  });

  it('gives the mix asked for over 1,000 cases', () => {
    const first = (right: string) => share(thousand, (g) => g.case.rights[0] === right);
    expect(first('access')).toBeGreaterThan(0.5);
    expect(first('access')).toBeLessThan(0.6);
    expect(first('erasure')).toBeGreaterThan(0.16);
    expect(first('erasure')).toBeLessThan(0.24);
    expect(first('complaint')).toBeGreaterThan(0.03);
    expect(first('complaint')).toBeLessThan(0.08);
    expect(share(thousand, (g) => g.case.rights.length > 1)).toBeGreaterThan(0.02);
    expect(share(thousand, (g) => g.case.channel === 'form')).toBeGreaterThan(0.45);
    expect(share(thousand, (g) => g.case.channel === 'form')).toBeLessThan(0.55);
    expect(share(thousand, (g) => g.case.channel === 'email')).toBeGreaterThan(0.3);
    expect(share(thousand, (g) => g.case.channel === 'email')).toBeLessThan(0.4);
    for (const channel of ['phone', 'post', 'in-person'])
      expect(
        share(thousand, (g) => g.case.channel === channel),
        channel,
      ).toBeGreaterThan(0);

    const rows = thousand.map((g) => caseRow(g.case, monthPeriod(month), asOf.slice(0, 10)));
    const timeliness = (t: string) => rows.filter((r) => r.timeliness === t).length / rows.length;
    expect(timeliness('on-time')).toBeGreaterThan(0.8);
    expect(timeliness('on-time')).toBeLessThan(0.9);
    // Late: answered after the due date, including those that stalled for one to four months (none stays open for ever).
    expect(timeliness('late')).toBeGreaterThan(0.06);
    expect(timeliness('late')).toBeLessThan(0.14);
    // Still open months later: only clarifications never answered (paused, no due date).
    expect(timeliness('overdue')).toBe(0);
    expect(timeliness('open')).toBeLessThan(0.04);

    const outcomes = outcomeSummary(thousand);
    const within = (n: number, lo: number, hi: number) => n >= lo * 10 && n <= hi * 10;
    expect(outcomes).toMatchObject({ merged: 0 });
    expect(within(outcomes.refused, 1.5, 5), `refused ${outcomes.refused}`).toBe(true);
    expect(within(outcomes.partially_completed, 4, 8), `partial ${outcomes.partially_completed}`).toBe(true);
    expect(within(outcomes.forwarded, 1.5, 5), `forwarded ${outcomes.forwarded}`).toBe(true);
    expect(within(outcomes.closed_unverified, 1, 4), `unverified ${outcomes.closed_unverified}`).toBe(true);
    expect(within(outcomes.withdrawn, 1.5, 7), `withdrawn ${outcomes.withdrawn}`).toBe(true);
    expect(share(thousand, (g) => g.case.extended)).toBeGreaterThan(0.05);
    expect(share(thousand, (g) => g.case.extended)).toBeLessThan(0.11);
    expect(share(thousand, (g) => g.case.clarifications.length > 0)).toBeGreaterThan(0.04);
    expect(share(thousand, (g) => g.case.identityRequestedOn !== undefined && g.case.channel !== 'form')).toBeGreaterThan(0.04);
    expect(share(thousand, (g) => g.case.complaintAcknowledgedOn !== undefined)).toBeGreaterThan(0.03);
    // Partial completions say why things were kept, in the report's terms.
    const partial = thousand.filter((g) => g.case.outcome === 'partially_completed');
    expect(partial.every((g) => (g.case.closing?.keptBecause?.length ?? 0) > 0)).toBe(true);
    expect(thousand.filter((g) => g.case.extended).every((g) => g.entries.some((e) => e.action === 'DeadlineExtended'))).toBe(true);
  });

  it('lets nothing happen after asOf: mid-month, receipts stop at asOf and most cases are still open', () => {
    const midMonth = '2026-11-16T12:00:00.000Z';
    const generated = generateCases({ month, count: 300, seed: 1, asOf: midMonth });
    expectConsistent(generated, midMonth);
    expect(generated.every((g) => g.case.receivedOn <= '2026-11-16')).toBe(true);
    expect(outcomeSummary(generated).open).toBeGreaterThan(150);
    expect(outcomeSummary(generated).completed).toBeGreaterThan(0);
  });

  it('refuses a month that has not begun by asOf, and a malformed month', () => {
    expect(() => generateCases({ month: '2026-12', count: 1, asOf: '2026-11-30T23:00:00.000Z' })).toThrow(/has not begun/);
    expect(() => generateCases({ month: '2026-13', count: 1, asOf })).toThrow(/YYYY-MM/);
  });
});
