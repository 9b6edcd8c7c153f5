/** The desk's queue views read by index (dynalite): each view holds the cases it should, in order, a page at a time. */
import { describe, expect, it } from 'vitest';
import { DynamoCaseStore } from '#adapters/dynamo-case-store';
import type { Case } from '#domain/case';
import { ValidationError } from '#domain/errors';
import { listQueue, parseQueueQuery } from '#shared/cases/queue';
import type { Clock } from '#shared/ports';
import { aCase, anEntry } from '#test/support/cases';
import { useDynamo } from '#test/support/emulators';

const db = useDynamo();
const NOW = new Date('2026-12-01T10:00:00Z'); // Tuesday
const clock: Clock = { now: () => NOW };
const store = () => new DynamoCaseStore({ client: db.client, tableName: db.tableName, clock });

async function seed(overrides: Partial<Case>[]): Promise<Case[]> {
  const out: Case[] = [];
  for (const o of overrides) out.push(await store().create(aCase(o), anEntry('RequestReceived')));
  return out;
}

const refs = (rows: { reference: string }[]) => rows.map((r) => r.reference);

describe('desk queue views', () => {
  it('puts each case in the views it belongs to, by due date or by queue, and search finds by reference or email', async () => {
    const [overdue, dueToday, dueIn5, dueLater, paused, triage, awaiting, complaint, closed] = await seed([
      { dueOn: '2026-11-27', receivedAt: '2026-10-27T10:00:00.000Z' },
      { dueOn: '2026-12-01' },
      { dueOn: '2026-12-08' },
      { dueOn: '2026-12-09' },
      { status: 'awaiting_clarification', dueOn: null },
      { flags: ['new-correspondence'], dueOn: '2026-12-20' },
      { status: 'awaiting_identity', dueOn: '2026-12-21' },
      { rights: ['complaint'], dueOn: '2026-12-30', flags: ['new-correspondence'] },
      { status: 'closed', outcome: 'completed', closedAt: '2026-11-30T10:00:00.000Z', requester: { fullName: 'Bo', email: 'bo@example.org' } },
    ]);
    const view = async (v: string) => refs((await listQueue(parseQueueQuery({ view: v }), { cases: store(), clock })).rows);

    expect(await view('overdue')).toEqual([overdue!.reference]);
    // Due today and within five working days (Tue 1 Dec → Tue 8 Dec), not Wed 9 Dec.
    expect(await view('due-soon')).toEqual([dueToday!.reference, dueIn5!.reference]);
    const open = await view('open');
    expect(open.slice(0, 4)).toEqual([overdue!.reference, dueToday!.reference, dueIn5!.reference, dueLater!.reference]);
    expect(open.at(-1)).toBe(paused!.reference); // the stopped clock sorts last
    expect(open).not.toContain(closed!.reference);
    expect(await view('triage')).toEqual([triage!.reference]);
    expect(await view('awaiting-requester')).toEqual([paused!.reference, awaiting!.reference]);
    // A complaint keeps to its own queue, with its flags on the row.
    expect(await view('complaints')).toEqual([complaint!.reference]);
    expect(await view('closed')).toEqual([closed!.reference]);

    const page = await listQueue(parseQueueQuery({ view: 'overdue' }), { cases: store(), clock });
    expect(page.rows[0]).toMatchObject({ reference: overdue!.reference, dueOn: '2026-11-27', workingDaysLeft: -2 });

    const byRef = await listQueue(parseQueueQuery({ q: dueLater!.reference.toLowerCase() }), { cases: store(), clock });
    expect(refs(byRef.rows)).toEqual([dueLater!.reference]);
    const byEmail = await listQueue(parseQueueQuery({ q: 'BO@example.org' }), { cases: store(), clock });
    expect(refs(byEmail.rows)).toEqual([closed!.reference]);
    await expect(listQueue(parseQueueQuery({ q: 'Ada' }), { cases: store(), clock })).rejects.toBeInstanceOf(ValidationError);
  });

  it('pages with an opaque cursor, and refuses a cursor that is not one it made', async () => {
    const table = `page-${Date.now()}`;
    const { createCasesTable } = await import('#infra/local/emulators');
    await createCasesTable(db.client, table);
    const paged = new DynamoCaseStore({ client: db.client, tableName: table, clock });
    for (let i = 0; i < 7; i++) await paged.create(aCase({ dueOn: `2026-12-${String(10 + i).padStart(2, '0')}` }), anEntry('RequestReceived'));
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await paged.listView('open', { today: '2026-12-01', limit: 3, ...(cursor ? { cursor } : {}) });
      expect(page.cases.length).toBeLessThanOrEqual(3);
      seen.push(...page.cases.map((c) => c.dueOn!));
      cursor = page.cursor;
    } while (cursor);
    expect(seen).toEqual([...seen].sort());
    expect(seen).toHaveLength(7);

    const forged = Buffer.from(JSON.stringify({ pk: { S: 'x' } })).toString('base64url');
    await expect(paged.listView('open', { today: '2026-12-01', limit: 3, cursor: forged })).rejects.toBeInstanceOf(ValidationError);
    await expect(paged.listView('open', { today: '2026-12-01', limit: 3, cursor: 'not-base64-json' })).rejects.toBeInstanceOf(ValidationError);
    expect(() => parseQueueQuery({ view: 'everything' })).toThrow(ValidationError);
  });
});
