import { describe, expect, it } from 'vitest';
import { DynamoCaseStore } from '#adapters/dynamo-case-store';
import { systemClock } from '#shared/ports';
import { generateCases, writeCases } from '#infra/tools/case-generator';
import { useDynamo } from '#test/support/emulators';

const db = useDynamo();
const store = () => new DynamoCaseStore({ client: db.client, tableName: db.tableName, clock: systemClock });
const asOf = '2027-03-01T00:00:00.000Z';

describe('writeCases', () => {
  it('writes each case as the store reads it back, and a re-run with more cases writes only the new ones', async () => {
    const generated = generateCases({ month: '2026-10', count: 40, seed: 1, asOf });
    expect(await writeCases(store(), generated.slice(0, 25))).toEqual({ written: 25, existing: 0 });
    expect(await writeCases(store(), generated, { concurrency: 4 })).toEqual({ written: 15, existing: 25 });
    const stored = await store().listReceivedInMonth('2026-10');
    expect(stored.map((c) => c.id).sort()).toEqual(generated.map((g) => g.case.id).sort());
    for (const g of generated) expect(await store().get(g.case.id)).toEqual(g.case);
  });

  it('seeds in bulk (25 to a batch) the same items create writes', async () => {
    // As of mid-October: September's cases are partly answered, partly still open (some stalled past their due date).
    const generated = generateCases({ month: '2026-09', count: 130, seed: 2, asOf: '2026-10-20T12:00:00.000Z' });
    expect(await writeCases(store(), generated, { bulk: true })).toEqual({ written: 130, existing: 0 });
    const stored = await store().listReceivedInMonth('2026-09');
    expect(stored).toHaveLength(130);
    for (const g of generated.slice(0, 30)) expect(await store().get(g.case.id)).toEqual(g.case);
    // The index keys are those create sets: an open case is in the open-by-due index.
    const open = generated.find((g) => g.case.status !== 'closed' && g.case.dueOn !== null);
    expect(open).toBeDefined();
    expect((await store().listOpenDueBy(open!.case.dueOn!)).map((c) => c.id)).toContain(open!.case.id);
  });
});
