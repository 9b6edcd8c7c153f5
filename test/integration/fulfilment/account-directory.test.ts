/**
 * The account directory against the account system in PGlite on a data directory, which this file
 * also restarts: the demo rows are seeded once, however often the system starts on the same data.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresAccountDirectory } from '#adapters/account-directory';
import { startAccountSystem, type RunningAccountSystem } from '#infra/local/icetrak/account-system';
import { allRows } from '#infra/local/icetrak/demo-data';
import { closingWindow, retentionReview } from '#domain/retention-review';

const SYNTHETIC = 40;
const TABLES = ['accounts', 'account_users', 'login_events', 'billing_contacts', 'invoices'] as const;

let dir: string;
let system: RunningAccountSystem;
let pool: pg.Pool;
let firstStart: RunningAccountSystem['timings'];

async function counts(p: pg.Pool): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of TABLES) out[t] = (await p.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t}`)).rows[0]!.n;
  return out;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'icetrak-accounts-'));
  system = await startAccountSystem({ dataDir: join(dir, 'db'), syntheticAccounts: SYNTHETIC });
  firstStart = system.timings;
  pool = new pg.Pool({ connectionString: system.url, max: 2 });
});

afterAll(async () => {
  await pool?.end();
  await system?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('PostgresAccountDirectory', () => {
  it('describes the demo accounts with their status, closure date and privacy contact, in id order', async () => {
    const directory = new PostgresAccountDirectory(pool);
    expect(await directory.describe(['ACC-1003', 'ACC-1001', 'ACC-1002', 'ACC-1001'])).toEqual([
      { accountId: 'ACC-1001', name: 'Malvern Dental Practice', status: 'open', closedOn: null, privacyContact: 'privacy@malverndental.example' },
      { accountId: 'ACC-1002', name: 'Worcester Taxis', status: 'closed', closedOn: '2023-06-30', privacyContact: 'dpo@worcestertaxis.example' },
      { accountId: 'ACC-1003', name: 'Severn Logistics', status: 'closed', closedOn: '2018-03-31', privacyContact: 'privacy@severnlogistics.example' },
    ]);
  });

  it('leaves out unknown ids and asks nothing for none', async () => {
    const directory = new PostgresAccountDirectory(pool);
    expect(await directory.describe(['ACC-0404', 'ACC-2000'])).toEqual([expect.objectContaining({ accountId: 'ACC-2000' })]);
    const unreachable = new PostgresAccountDirectory({ connect: () => Promise.reject(new Error('must not connect')) });
    expect(await unreachable.describe([])).toEqual([]);
  });
});

describe('the monthly retention review over the directory', () => {
  it('gets the accounts closed in the window by closing date (Severn Logistics for March 2025), due unless held', async () => {
    const directory = new PostgresAccountDirectory(pool);
    const { from, to } = closingWindow('2025-03');
    const closed = await directory.closedBetween(from, to);
    const expected = allRows(SYNTHETIC)
      .accounts.filter((a) => a.closed_on !== null && a.closed_on >= from && a.closed_on <= to)
      .sort((a, b) => (a.closed_on === b.closed_on ? a.account_id.localeCompare(b.account_id) : a.closed_on! < b.closed_on! ? -1 : 1))
      .map((a) => a.account_id);
    expect(closed.map((a) => a.accountId)).toEqual(expected);
    expect(closed.find((a) => a.accountId === 'ACC-1003')).toMatchObject({ closedOn: '2018-03-31', status: 'closed' });

    const hold = { accountId: 'ACC-1003', reason: 'HMRC enquiry', since: '2024-11-02' };
    const review = retentionReview('2025-03', closed, [hold]);
    expect(review.held).toEqual([{ accountId: 'ACC-1003', name: 'Severn Logistics', closedOn: '2018-03-31', keptUntil: '2025-03-31', holds: [hold] }]);
    expect(review.due.map((a) => a.accountId)).toEqual(expected.filter((id) => id !== 'ACC-1003'));
    expect(retentionReview('2030-06', await directory.closedBetween(closingWindow('2030-06').from, closingWindow('2030-06').to), []).due).toContainEqual(
      expect.objectContaining({ accountId: 'ACC-1002', keptUntil: '2030-06-30' }),
    );
    await expect(directory.closedBetween('2018-03', '2018-03-31')).rejects.toThrow('YYYY-MM-DD');
  });
});

describe('startAccountSystem on a data directory', () => {
  it('holds exactly the demo and synthetic rows, and a restart on the same data adds none', async () => {
    const rows = allRows(SYNTHETIC);
    const expected = Object.fromEntries(TABLES.map((t) => [t, rows[t].length]));
    expect(await counts(pool)).toEqual(expected);

    await pool.end();
    await system.stop();
    system = await startAccountSystem({ dataDir: join(dir, 'db'), syntheticAccounts: SYNTHETIC });
    pool = new pg.Pool({ connectionString: system.url, max: 2 });

    expect(await counts(pool)).toEqual(expected);
    expect((await pool.query("SELECT count(*)::int AS n FROM account_users WHERE email = 'ada@example.org'")).rows[0]).toEqual({ n: 1 });
    // The login_events sequence was moved past the seeded ids: Icetrak's own inserts do not collide.
    const next = await pool.query<{ id: number }>(
      "INSERT INTO login_events (user_id, at, ip_address, outcome) VALUES ('USR-1001-02', now(), '192.0.2.1', 'success') RETURNING event_id::int AS id",
    );
    expect(next.rows[0]!.id).toBeGreaterThan(Math.max(...rows.login_events.map((e) => e.event_id)));
    console.info(`account system: new database ${JSON.stringify(firstStart)}, reopened ${JSON.stringify(system.timings)}`);
  });
});
