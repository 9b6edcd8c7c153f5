/**
 * The erasure ledger in the cases table (dynalite) and `npm run erasures:reapply` against the
 * account system (PGlite): erase, "restore" the rows from a backup, re-apply → gone again.
 */
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { computePlan } from '#domain/plan-rules';
import { systemById } from '#domain/register';
import { erasureLedgerExpiry } from '#domain/retention';
import type { ErasureLedgerEntry } from '#shared/ports';
import { DynamoErasureLedger, LEDGER_CHUNK } from '#adapters/dynamo-erasure-ledger';
import { SqlSource } from '#adapters/sql-source';
import { SqlWriter } from '#adapters/sql-writer';
import { PostgresAccountDirectory } from '#adapters/account-directory';
import { ICETRAK_REGISTER } from '#shared/fulfilment/icetrak-register';
import { DEMO_PEOPLE, demoRows } from '#infra/local/icetrak/demo-data';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '#infra/local/emulators';
import { parseReapplyArgs, reapplyCommand } from '#infra/tools/reapply-erasures';
import { useAccountSystem } from '#test/support/account-system';
import { useDynamo } from '#test/support/emulators';

const dynamo = useDynamo();
const db = useAccountSystem({ syntheticAccounts: 5 });
const ledger = () => new DynamoErasureLedger({ client: dynamo.client, tableName: dynamo.tableName });
const accounts = systemById(ICETRAK_REGISTER, 'accounts');

async function all(source: string, since: string): Promise<ErasureLedgerEntry[]> {
  const out: ErasureLedgerEntry[] = [];
  for await (const e of ledger().list(source, since)) out.push(e);
  return out;
}

const entry = (over: Partial<ErasureLedgerEntry>): ErasureLedgerEntry => ({
  source: 'billing',
  at: '2026-10-01T10:00:00.000Z',
  caseId: 'c0000000001',
  reference: 'RD-AAAAAA',
  planId: 'p000000001',
  records: [{ recordType: 'invoice', key: 'INV-1' }],
  ...over,
});

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('DynamoErasureLedger', () => {
  it('lists a source’s entries since an instant, oldest first; a large entry comes back whole, in order', async () => {
    const big = Array.from({ length: LEDGER_CHUNK * 2 + 500 }, (_, i) => ({ recordType: 'invoice', key: `INV-${String(i).padStart(5, '0')}` }));
    await ledger().record(entry({ caseId: 'c0000000002', at: '2026-10-03T09:00:00.000Z', records: big }));
    await ledger().record(entry({}));
    await ledger().record(entry({ source: 'accounts', caseId: 'c0000000003', records: [{ recordType: 'sign_in', key: '7' }] }));

    const listed = await all('billing', '2026-01-01T00:00:00.000Z');
    expect(listed.map((e) => [e.caseId, e.records.length])).toEqual([
      ['c0000000001', 1],
      ['c0000000002', big.length],
    ]);
    expect(listed[1]!.records).toEqual(big);
    expect(listed[0]).toEqual(entry({}));
    expect((await all('billing', '2026-10-02T00:00:00.000Z')).map((e) => e.caseId)).toEqual(['c0000000002']);
    expect((await all('accounts', '2026-01-01T00:00:00.000Z')).map((e) => e.caseId)).toEqual(['c0000000003']);
    expect(await all('traffic', '0000')).toEqual([]);
  });

  it('recording the same case, plan and source again lists it once, at the first recording’s instant, with a TTL', async () => {
    const e = entry({ caseId: 'c0000000009', planId: 'p000000009', source: 'retry-probe', at: '2026-11-01T08:00:00.000Z' });
    await ledger().record(e);
    await ledger().record({ ...e, at: '2026-11-01T08:05:00.000Z' });
    expect(await all('retry-probe', '0000')).toEqual([e]);
    const doc = DynamoDBDocumentClient.from(dynamo.client);
    const { Item } = await doc.send(
      new GetCommand({ TableName: dynamo.tableName, Key: { pk: 'ERASURE#c0000000009#p000000009#retry-probe', sk: '00000' } }),
    );
    expect(Item?.expiresAt).toBe(erasureLedgerExpiry('2026-11-01T08:00:00.000Z'));
    await expect(ledger().record({ ...e, caseId: 'c#1' })).rejects.toThrow(/plain ids/);
  });
});

describe('npm run erasures:reapply', () => {
  const { dee } = DEMO_PEOPLE;

  /** Puts Dee's rows back as a restored backup would have them. */
  async function restoreDee(): Promise<void> {
    const rows = demoRows();
    const user = rows.account_users.find((u) => u.user_id === 'USR-1003-01')!;
    await db.pool.query(
      'INSERT INTO account_users (user_id, account_id, full_name, email, phone, job_title, created_on, last_login_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
      [user.user_id, user.account_id, user.full_name, user.email, user.phone, user.job_title, user.created_on, user.last_login_at],
    );
    for (const e of rows.login_events.filter((x) => x.user_id === user.user_id)) {
      await db.pool.query('INSERT INTO login_events (event_id, user_id, at, ip_address, outcome) VALUES ($1, $2, $3, $4, $5)', [
        e.event_id,
        e.user_id,
        e.at,
        e.ip_address,
        e.outcome,
      ]);
    }
  }
  const found = () => new SqlSource(accounts, db.pool).find([{ kind: 'email', value: dee.email }]);

  it('erase Dee, restore the backup, re-apply: her rows are gone again; running it twice is harmless', async () => {
    const records = await found();
    const lines = computePlan({
      rights: ['erasure'],
      register: ICETRAK_REGISTER,
      records,
      accounts: await new PostgresAccountDirectory(db.pool).describe(['ACC-1003']),
      accountHolds: [],
      corrections: [],
      objections: [],
      today: '2026-12-02',
    });
    expect(await new SqlWriter(accounts, db.pool).apply(lines)).toEqual({ erase: 4 });
    await ledger().record({
      source: 'accounts',
      at: '2026-12-02T11:00:00.000Z',
      caseId: 'c0000000dee',
      reference: 'RD-DEE001',
      planId: 'p00000000dee',
      records: lines.filter((l) => l.action === 'erase').map((l) => ({ recordType: l.recordType, key: l.key })),
    });
    expect(await found()).toEqual([]);

    await restoreDee();
    expect(await found()).toHaveLength(4);

    vi.stubEnv('CASES_TABLE', dynamo.tableName);
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', dynamo.url);
    vi.stubEnv('AWS_REGION', LOCAL_REGION);
    vi.stubEnv('AWS_ACCESS_KEY_ID', LOCAL_CREDENTIALS.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', LOCAL_CREDENTIALS.secretAccessKey);
    vi.stubEnv('ACCOUNTS_DB_URL', db.system.url);
    const env = { ...process.env, ACCOUNTS_DB_SECRET_ARN: undefined };
    const out = await reapplyCommand(['--source', 'accounts', '--since', '2026-12-01'], env);
    expect(out).toBe('Re-applied 1 erasure(s) of "accounts" (4 record(s)), recorded from 2026-12-02T11:00:00.000Z to 2026-12-02T11:00:00.000Z.');
    expect(await found()).toEqual([]);
    // The account's other rows and the synthetic data are untouched.
    expect((await db.pool.query('SELECT count(*)::int AS n FROM billing_contacts WHERE account_id = $1', ['ACC-1003'])).rows[0]).toEqual({ n: 1 });

    expect(await reapplyCommand(['--source', 'accounts', '--since', '2026-12-01'], env)).toMatch(/^Re-applied 1 erasure\(s\)/);
    expect(await reapplyCommand(['--source', 'accounts', '--since', '2026-12-03T00:00:00Z'], env)).toBe(
      'No erasures of "accounts" recorded since 2026-12-03T00:00:00.000Z: nothing to re-apply.',
    );
  });

  it('checks its arguments: a SQL source of the register and an instant', () => {
    expect(parseReapplyArgs(['--source', 'billing'])).toEqual({ source: 'billing', since: '0000' });
    expect(parseReapplyArgs(['--since', '2026-11-30T02:00:00+01:00', '--source', 'accounts'])).toEqual({
      source: 'accounts',
      since: '2026-11-30T01:00:00.000Z',
    });
    expect(() => parseReapplyArgs([])).toThrow(/Usage/);
    expect(() => parseReapplyArgs(['--source'])).toThrow(/Usage/);
    expect(() => parseReapplyArgs(['--source', 'traffic'])).toThrow('"traffic" is not a SQL source of the register (accounts, billing)');
    expect(() => parseReapplyArgs(['--source', 'accounts', '--since', 'yesterday'])).toThrow(/ISO date or instant/);
  });
});
