/**
 * The SQL connector against Icetrak's account system in PGlite, reached through pglite-socket and
 * the `pg` driver: the production code path, with the register's own queries and the demo data.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { systemById, type RegisterSystem, type SqlQuery } from '#domain/register';
import type { FoundRecord, IdentifierUse } from '#domain/search';
import { SourceQueryError, SourceUnavailableError, SqlSource } from '#adapters/sql-source';
import { ICETRAK_REGISTER } from '#shared/fulfilment/icetrak-register';
import { DEMO_PEOPLE } from '#infra/local/icetrak/demo-data';
import { useAccountSystem } from '#test/support/account-system';

const db = useAccountSystem();
const accounts = systemById(ICETRAK_REGISTER, 'accounts');
const billing = systemById(ICETRAK_REGISTER, 'billing');
const { ada, ben, cara } = DEMO_PEOPLE;

const email = (value: string): IdentifierUse => ({ kind: 'email', value });
const phone = (value: string): IdentifierUse => ({ kind: 'phone', value });
const ofType = (records: FoundRecord[], type: string) => records.filter((r) => r.recordType === type);

/** The accounts system with its queries replaced: what a bad register entry would run. */
function withQueries(...queries: Array<Pick<SqlQuery, 'name' | 'sql'> & Partial<SqlQuery>>): RegisterSystem {
  return {
    ...accounts,
    connector: {
      kind: 'sql',
      queries: queries.map((q) => ({ recordType: 'probe', identifiedBy: 'email', keyColumn: 'k', providedByPerson: false, ...q })),
    },
  };
}

describe('SqlSource over the account system (PGlite)', () => {
  it('finds Ada by email: her account user and every sign-in, all of ACC-1001', async () => {
    const found = await new SqlSource(accounts, db.pool).find([email(ada.email)]);

    const [user, ...others] = ofType(found, 'account_user');
    expect(others).toEqual([]);
    expect(user).toEqual({
      id: 'accounts:account_user:USR-1001-01',
      source: 'accounts',
      recordType: 'account_user',
      key: 'USR-1001-01',
      accountId: 'ACC-1001',
      role: 'controller',
      matchedBy: 'email',
      providedByPerson: true,
      fields: {
        user_id: 'USR-1001-01',
        account_id: 'ACC-1001',
        account_name: 'Malvern Dental Practice',
        account_status: 'open',
        account_closed_on: null,
        full_name: 'Ada Lovelace',
        email: 'ada@example.org',
        phone: '+447700900123',
        job_title: 'Practice Manager',
        created_on: '2019-03-18',
        last_login_at: '2026-11-23T16:44:02.000Z',
        restricted_at: null,
        marketing_opt_out_at: null,
      },
    });

    const signIns = ofType(found, 'sign_in');
    expect(signIns).toHaveLength(6);
    expect(signIns.every((r) => r.accountId === 'ACC-1001' && r.role === 'controller' && r.providedByPerson && r.matchedBy === 'email')).toBe(true);
    expect(signIns.map((r) => r.fields.at)).toEqual([...signIns.map((r) => r.fields.at)].sort());
    expect(signIns.filter((r) => r.fields.outcome === 'failure')).toHaveLength(1);
    expect(signIns[0]!.fields).toEqual({
      event_id: Number(signIns[0]!.key),
      account_id: 'ACC-1001',
      at: '2026-09-14T08:02:11.000Z',
      ip_address: '203.0.113.41',
      outcome: 'success',
      restricted_at: null,
    });
    expect(signIns[0]!.id).toBe(`accounts:sign_in:${signIns[0]!.key}`);
    expect(found).toHaveLength(7);
  });

  it('finds Ada by email in billing: her billing contact and twelve invoices, not provided by her', async () => {
    const found = await new SqlSource(billing, db.pool).find([email(ada.email)]);

    expect(ofType(found, 'billing_contact')).toEqual([
      expect.objectContaining({
        id: 'billing:billing_contact:BC-1001-01',
        accountId: 'ACC-1001',
        role: 'controller',
        providedByPerson: true,
        fields: expect.objectContaining({
          full_name: 'Ada Lovelace',
          email: 'ada@example.org',
          phone: '+447700900123',
          account_status: 'open',
          restricted_at: null,
        }),
      }),
    ]);
    const invoices = ofType(found, 'invoice');
    expect(invoices.map((r) => r.key)).toEqual([
      'INV-1001-202512', 'INV-1001-202601', 'INV-1001-202602', 'INV-1001-202603', 'INV-1001-202604', 'INV-1001-202605',
      'INV-1001-202606', 'INV-1001-202607', 'INV-1001-202608', 'INV-1001-202609', 'INV-1001-202610', 'INV-1001-202611',
    ]); // prettier-ignore
    expect(invoices.every((r) => r.accountId === 'ACC-1001' && !r.providedByPerson)).toBe(true);
    expect(invoices[0]!.fields).toEqual({
      invoice_id: 'INV-1001-202512',
      account_id: 'ACC-1001',
      issued_on: '2025-12-01',
      amount_pence: 4250,
      status: 'paid',
      restricted_at: null,
    });
    expect(invoices.at(-1)!.fields.status).toBe('due');
  });

  it('finds Ada by phone as an account user and billing contact (sign-ins and invoices are searched by email only)', async () => {
    const [byPhone, billed] = await Promise.all([
      new SqlSource(accounts, db.pool).find([phone(ada.phone)]),
      new SqlSource(billing, db.pool).find([phone(ada.phone)]),
    ]);
    expect(byPhone.map((r) => [r.id, r.matchedBy])).toEqual([['accounts:account_user:USR-1001-01', 'phone']]);
    expect(billed.map((r) => [r.id, r.matchedBy, r.accountId])).toEqual([['billing:billing_contact:BC-1001-01', 'phone', 'ACC-1001']]);
  });

  it('returns a record two identifiers find once, as the first one found it', async () => {
    const found = await new SqlSource(accounts, db.pool).find([email(ada.email), phone(ada.phone)]);
    expect(found.filter((r) => r.key === 'USR-1001-01')).toEqual([expect.objectContaining({ matchedBy: 'email' })]);
    expect(new Set(found.map((r) => r.id)).size).toBe(found.length);
    expect(found).toHaveLength(7);
  });

  it('finds Ben’s records with the closed account’s date, 2023-06-30', async () => {
    const found = await new SqlSource(accounts, db.pool).find([email(ben.email)]);
    const [user] = ofType(found, 'account_user');
    expect(user).toMatchObject({ accountId: 'ACC-1002', fields: { account_status: 'closed', account_closed_on: '2023-06-30', full_name: 'Ben Okafor' } });
    expect(ofType(found, 'sign_in')).toHaveLength(4);
    expect(ofType(found, 'sign_in').every((r) => String(r.fields.at) < '2023-07-01')).toBe(true);
    expect(await new SqlSource(billing, db.pool).find([email(ben.email)])).toEqual([]);
  });

  it('finds nothing for Cara (no account) nor for an unknown email', async () => {
    for (const system of [accounts, billing]) {
      expect(await new SqlSource(system, db.pool).find([email(cara.email), phone(cara.phone)])).toEqual([]);
      expect(await new SqlSource(system, db.pool).find([email('nobody@example.org')])).toEqual([]);
    }
  });

  it('runs no query for identifiers the system does not search by, and needs no connection for them', async () => {
    const unreachable = { connect: () => Promise.reject(new Error('must not connect')) };
    expect(await new SqlSource(accounts, unreachable).find([{ kind: 'accountId', value: 'ACC-1001' }])).toEqual([]);
    await expect(new SqlSource(accounts, unreachable).find([email(ada.email)])).rejects.toBeInstanceOf(SourceUnavailableError);
  });

  it('refuses to connect a system whose connector is not sql', () => {
    expect(() => new SqlSource(systemById(ICETRAK_REGISTER, 'traffic'), db.pool)).toThrow(/traffic connector, not sql/);
  });

  describe('read-only, bounded, and silent about values', () => {
    beforeAll(async () => {
      // A function that writes, which a SELECT in the register could call.
      await db.pool.query(`CREATE OR REPLACE FUNCTION probe_write(v text) RETURNS text LANGUAGE sql AS $$
        INSERT INTO accounts (account_id, name, status, opened_on, privacy_contact_email)
        VALUES ('ACC-9999', v, 'open', DATE '2026-01-01', 'x@example.com') RETURNING account_id $$`);
    });

    it('runs the queries in a READ ONLY transaction: a write inside it fails, is rolled back, and the pool stays usable', async () => {
      // The same function writes outside the connector's transaction (proves the probe would write).
      const outside = await db.pool.connect();
      try {
        await outside.query('BEGIN');
        expect((await outside.query<{ k: string }>('SELECT probe_write($1) AS k', ['probe'])).rows[0]!.k).toBe('ACC-9999');
      } finally {
        await outside.query('ROLLBACK');
        outside.release();
      }

      const writer = new SqlSource(withQueries({ name: 'probe-write', sql: 'SELECT probe_write($1) AS k' }), db.pool);
      const err = await writer.find([email('probe@example.com')]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SourceQueryError);
      expect(err).toMatchObject({ code: '25006', source: 'accounts', query: 'probe-write' }); // read_only_sql_transaction
      expect((await db.pool.query("SELECT count(*)::int AS n FROM accounts WHERE account_id = 'ACC-9999'")).rows[0]).toEqual({ n: 0 });
      const sequence = new SqlSource(
        withQueries({ name: 'probe-nextval', sql: "SELECT nextval('login_events_event_id_seq') AS k, $1::text AS v" }),
        db.pool,
      );
      await expect(sequence.find([email('probe@example.com')])).rejects.toMatchObject({ code: '25006' });

      expect(await new SqlSource(accounts, db.pool).find([email(ada.email)])).toHaveLength(7);
    });

    it('sets the statement timeout for its own transaction only', async () => {
      const probe = new SqlSource(
        withQueries({
          name: 'probe-settings',
          sql: "SELECT current_setting('statement_timeout') AS k, current_setting('transaction_read_only') AS ro, $1::text AS v",
        }),
        db.pool,
        { statementTimeoutMs: 1_500 },
      );
      const [record] = await probe.find([email('probe@example.com')]);
      expect(record!.fields).toEqual({ k: '1500ms', ro: 'on', v: 'probe@example.com' });
      // PGlite serves every connection from one session: a session-wide setting would leak to the next client.
      expect((await db.pool.query("SELECT current_setting('statement_timeout') AS t")).rows[0]).toEqual({ t: '0' });
    });

    it('reports a failing query by name and SQLSTATE, never with the value searched for', async () => {
      const typo = new SqlSource(withQueries({ name: 'probe-type', sql: 'SELECT account_id AS k FROM accounts WHERE opened_on = $1' }), db.pool);
      const err = await typo.find([email('secret.person@example.com')]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SourceQueryError);
      // PostgreSQL's own message here quotes the value: `invalid input syntax for type date: "secret.person@…"`.
      expect((err as Error).message).toBe('Query "probe-type" of source "accounts" failed (SQLSTATE 22007).');
      expect(JSON.stringify(err)).not.toContain('secret.person');
    });
  });
});
