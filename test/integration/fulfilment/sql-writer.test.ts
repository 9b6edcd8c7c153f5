/**
 * The SQL writer against Icetrak's account system in PGlite (through pglite-socket and `pg`, the
 * production code path): plans computed by the domain rules from what SqlSource finds, applied
 * with the register's own statements, in one transaction per source.
 */
import { describe, expect, it } from 'vitest';
import { computePlan, type PlanInput } from '#domain/plan-rules';
import { liftLines } from '#domain/restriction';
import type { PlanLine } from '#domain/plan';
import { systemById, type RegisterSystem } from '#domain/register';
import type { IdentifierUse } from '#domain/search';
import { SourceUnavailableError, SqlSource } from '#adapters/sql-source';
import { NoWriteStatementError, SourceWriteError, SqlWriter } from '#adapters/sql-writer';
import { PostgresAccountDirectory } from '#adapters/account-directory';
import { ICETRAK_REGISTER } from '#shared/fulfilment/icetrak-register';
import { DEMO_PEOPLE } from '#infra/local/icetrak/demo-data';
import { useAccountSystem } from '#test/support/account-system';

const db = useAccountSystem({ syntheticAccounts: 10 });
const accounts = systemById(ICETRAK_REGISTER, 'accounts');
const billing = systemById(ICETRAK_REGISTER, 'billing');
const { ada, ben, dee } = DEMO_PEOPLE;
const email = (value: string): IdentifierUse => ({ kind: 'email', value });

/** Searches both SQL systems for `who` and computes the plan for `over`, as the workflow does. */
async function planFor(who: string, over: Partial<PlanInput>): Promise<PlanLine[]> {
  const records = [...(await new SqlSource(accounts, db.pool).find([email(who)])), ...(await new SqlSource(billing, db.pool).find([email(who)]))];
  const described = await new PostgresAccountDirectory(db.pool).describe(records.flatMap((r) => (r.accountId ? [r.accountId] : [])));
  return computePlan({
    rights: ['erasure'],
    register: ICETRAK_REGISTER,
    records,
    accounts: described,
    accountHolds: [],
    corrections: [],
    objections: [],
    today: '2026-12-02',
    ...over,
  });
}
const of = (lines: PlanLine[], source: string) => lines.filter((l) => l.source === source);
const one = async <T>(sql: string, values: unknown[] = []): Promise<T> => (await db.pool.query(sql, values)).rows[0] as T;

describe('SqlWriter over the account system (PGlite)', () => {
  it('Dee: erases her account user and every sign-in in one transaction; the search then finds nothing; applying again is harmless', async () => {
    const lines = await planFor(dee.email, {});
    expect(of(lines, 'accounts').map((l) => l.action)).toEqual(['erase', 'erase', 'erase', 'erase']);
    // Given in any order: the register's order (sign-ins before their user) is what runs.
    const applied = await new SqlWriter(accounts, db.pool).apply([...of(lines, 'accounts')].reverse());
    expect(applied).toEqual({ erase: 4 });
    expect(await new SqlSource(accounts, db.pool).find([email(dee.email)])).toEqual([]);
    expect(await new SqlWriter(accounts, db.pool).apply(of(lines, 'accounts'))).toEqual({ erase: 4 });
    // Her account and its billing contact (someone else) are untouched.
    expect(await one('SELECT count(*)::int AS n FROM billing_contacts WHERE account_id = $1', ['ACC-1003'])).toEqual({ n: 1 });
  });

  it('Ben: his sign-ins are erased, his ACC-1002 account user is kept until 2030-06-30 and left as it is', async () => {
    const lines = of(await planFor(ben.email, {}), 'accounts');
    expect(lines.filter((l) => l.action === 'keep')).toEqual([expect.objectContaining({ recordType: 'account_user', keptUntil: '2030-06-30' })]);
    expect(await new SqlWriter(accounts, db.pool).apply(lines)).toEqual({ erase: 4 });
    const found = await new SqlSource(accounts, db.pool).find([email(ben.email)]);
    expect(found.map((r) => r.recordType)).toEqual(['account_user']);
  });

  it('Ada: rectifies her billing contact’s name (Kashflow named on the line), idempotently, and nothing else', async () => {
    const lines = of(
      await planFor(ada.email, { rights: ['rectification'], corrections: [{ recordType: 'billing_contact', field: 'full_name', to: 'Ada King' }] }),
      'billing',
    );
    expect(lines.filter((l) => l.action === 'rectify')).toEqual([
      expect.objectContaining({ key: 'BC-1001-01', from: 'Ada Lovelace', to: 'Ada King', recipients: ['kashflow'] }),
    ]);
    const writer = new SqlWriter(billing, db.pool);
    expect(await writer.apply(lines)).toEqual({ rectify: 1 });
    expect(await writer.apply(lines)).toEqual({ rectify: 1 });
    expect(await one('SELECT full_name FROM billing_contacts WHERE contact_id = $1', ['BC-1001-01'])).toEqual({ full_name: 'Ada King' });
    expect(await one('SELECT full_name FROM account_users WHERE user_id = $1', ['USR-1001-01'])).toEqual({ full_name: 'Ada Lovelace' });
  });

  it('restriction marks the rows, and an objection records the marketing opt-out; both keep their first time when applied again', async () => {
    const restrict = of(await planFor(ada.email, { rights: ['restriction'] }), 'accounts');
    const writer = new SqlWriter(accounts, db.pool);
    expect(await writer.apply(restrict)).toEqual({ restrict: 7 });
    const first = await one<{ at: Date }>('SELECT restricted_at AS at FROM account_users WHERE user_id = $1', ['USR-1001-01']);
    expect(first.at).toBeInstanceOf(Date);
    expect(await one('SELECT count(*)::int AS n FROM login_events WHERE user_id = $1 AND restricted_at IS NULL', ['USR-1001-01'])).toEqual({ n: 0 });
    await writer.apply(restrict);
    expect(await one('SELECT restricted_at AS at FROM account_users WHERE user_id = $1', ['USR-1001-01'])).toEqual(first);
    expect(await one('SELECT restricted_at AS at FROM account_users WHERE user_id = $1', ['USR-1001-02'])).toEqual({ at: null });

    const stop = of(await planFor(ada.email, { rights: ['objection'], objections: ['direct-marketing'] }), 'accounts');
    expect(await writer.apply(stop)).toEqual({ stop: 1 });
    expect(await one('SELECT marketing_opt_out_at IS NOT NULL AS out FROM account_users WHERE user_id = $1', ['USR-1001-01'])).toEqual({ out: true });

    // Rightsdesk reads these tables too: its search now sees the marks, and a new plan says the records are already restricted.
    const seen = await new SqlSource(accounts, db.pool).find([email(ada.email)]);
    expect(seen).toHaveLength(7);
    expect(seen.every((r) => r.fields.restricted_at === first.at.toISOString())).toBe(true);
    expect(seen.find((r) => r.recordType === 'account_user')!.fields.marketing_opt_out_at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const again = of(await planFor(ada.email, { rights: ['restriction'] }), 'accounts');
    expect(again.every((l) => l.action === 'restrict' && l.reason.startsWith('Already restricted since '))).toBe(true);
    expect(await writer.apply(again)).toEqual({ restrict: 7 });
    expect(await one('SELECT restricted_at AS at FROM account_users WHERE user_id = $1', ['USR-1001-01'])).toEqual(first);
  });

  it('lifting a restriction clears the marks of the records it restricted (by the register’s unrestrict), per source, idempotently', async () => {
    const restricted = await planFor(ada.email, { rights: ['restriction'] });
    const lift = liftLines([restricted]);
    expect(lift.length).toBe(restricted.filter((l) => l.action === 'restrict').length);
    const marked = async () => ({
      users: await one<{ n: number }>('SELECT count(*)::int AS n FROM account_users WHERE user_id = $1 AND restricted_at IS NOT NULL', ['USR-1001-01']),
      signIns: await one<{ n: number }>('SELECT count(*)::int AS n FROM login_events WHERE user_id = $1 AND restricted_at IS NOT NULL', ['USR-1001-01']),
      contacts: await one<{ n: number }>('SELECT count(*)::int AS n FROM billing_contacts WHERE contact_id = $1 AND restricted_at IS NOT NULL', [
        'BC-1001-01',
      ]),
    });
    const accountsWriter = new SqlWriter(accounts, db.pool);
    const billingWriter = new SqlWriter(billing, db.pool);
    await accountsWriter.apply(of(restricted, 'accounts'));
    await billingWriter.apply(of(restricted, 'billing'));
    const before = await marked();
    expect(before.users.n).toBe(1);
    expect(before.signIns.n).toBeGreaterThan(0);
    expect(before.contacts.n).toBe(1);

    const lifted = of(lift, 'accounts').length;
    expect(await accountsWriter.apply(of(lift, 'accounts'))).toEqual({ lift: lifted });
    // The account system's marks are cleared; billing's, another source, stays until its own lines run.
    expect(await marked()).toEqual({ users: { n: 0 }, signIns: { n: 0 }, contacts: { n: 1 } });
    expect(await accountsWriter.apply(of(lift, 'accounts'))).toEqual({ lift: lifted });
    expect(await billingWriter.apply(of(lift, 'billing'))).toEqual({ lift: of(lift, 'billing').length });
    expect(await marked()).toEqual({ users: { n: 0 }, signIns: { n: 0 }, contacts: { n: 0 } });
    // Restricted again later: a new mark, lifted again the same way.
    await accountsWriter.apply(of(restricted, 'accounts'));
    expect((await marked()).users.n).toBe(1);
    await accountsWriter.apply(of(lift, 'accounts'));
    expect((await marked()).users.n).toBe(0);
  });

  it('a failure part-way rolls back every earlier line of the source; the corrected plan is then applied', async () => {
    const before = await one<{ n: number }>('SELECT count(*)::int AS n FROM login_events WHERE user_id = $1', ['USR-1001-01']);
    const adaSignIns = of(await planFor(ada.email, {}), 'accounts').filter((l) => l.recordType === 'sign_in');
    expect(adaSignIns.length).toBe(before.n);
    // Mary's account user, without her sign-ins: the foreign key refuses once Ada's sign-ins are already deleted.
    const mary: PlanLine = {
      recordId: 'accounts:account_user:USR-1001-02',
      source: 'accounts',
      recordType: 'account_user',
      key: 'USR-1001-02',
      action: 'erase',
      reason: 'test',
    };
    const err = await new SqlWriter(accounts, db.pool).apply([...adaSignIns, mary]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceWriteError);
    expect(err).toMatchObject({ source: 'accounts', statement: 'account_user.erase', code: '23503' });
    expect((err as Error).message).toBe('Statement "account_user.erase" of source "accounts" failed (SQLSTATE 23503); nothing was changed.');
    expect(JSON.stringify(err)).not.toContain('USR-1001-02');
    expect(await one('SELECT count(*)::int AS n FROM login_events WHERE user_id = $1', ['USR-1001-01'])).toEqual(before);

    // Retried without the bad line (the pool is still usable): applied.
    expect(await new SqlWriter(accounts, db.pool).apply(adaSignIns)).toEqual({ erase: before.n });
    expect(await one('SELECT count(*)::int AS n FROM login_events WHERE user_id = $1', ['USR-1001-01'])).toEqual({ n: 0 });
  });

  it('sets the statement timeout for its own transaction only', async () => {
    // PGlite runs in one WebAssembly thread and cannot cancel a running statement, so the setting is what is checked
    // here (PostgreSQL cancels past it with SQLSTATE 57014, which becomes a SourceWriteError like any other).
    const probe: RegisterSystem = {
      ...accounts,
      connector: {
        kind: 'sql',
        queries: accounts.connector.kind === 'sql' ? accounts.connector.queries : [],
        writes: [
          {
            recordType: 'account_user',
            erase: 'DELETE FROM account_users WHERE user_id = $1',
            rectify: { job_title: "UPDATE account_users SET job_title = current_setting('statement_timeout') || ' ' || $2 WHERE user_id = $1" },
          },
        ],
      },
    };
    const line: PlanLine = {
      recordId: 'accounts:account_user:USR-1002-02',
      source: 'accounts',
      recordType: 'account_user',
      key: 'USR-1002-02',
      action: 'rectify',
      field: 'job_title',
      from: 'Office Manager',
      to: 'probe',
      reason: 'test',
    };
    expect(await new SqlWriter(probe, db.pool, { statementTimeoutMs: 1_500 }).apply([line])).toEqual({ rectify: 1 });
    expect(await one('SELECT job_title FROM account_users WHERE user_id = $1', ['USR-1002-02'])).toEqual({ job_title: '1500ms probe' });
    expect(await one("SELECT current_setting('statement_timeout') AS t")).toEqual({ t: '0' });
    expect(() => new SqlWriter(accounts, db.pool, { statementTimeoutMs: 0 })).toThrow(/statementTimeoutMs/);
  });

  it('checks every line before connecting: keep and forward need nothing; a line it has no statement for, or of another source, is refused', async () => {
    const unreachable = { connect: () => Promise.reject(new Error('must not connect')) };
    const base = { recordId: 'x', key: 'k', reason: 'r' };
    expect(
      await new SqlWriter(accounts, unreachable).apply([
        { ...base, source: 'accounts', recordType: 'account_user', action: 'keep', ground: 'account-open' },
        { ...base, source: 'accounts', recordType: 'account_user', action: 'forward', ground: 'processor' },
      ]),
    ).toEqual({});
    await expect(
      new SqlWriter(accounts, unreachable).apply([
        { ...base, source: 'accounts', recordType: 'account_user', action: 'rectify', field: 'last_login_at', to: 'x' },
      ]),
    ).rejects.toBeInstanceOf(NoWriteStatementError);
    // A lift for a record type the register gives no unrestrict (it never restricts it): refused, nothing run.
    await expect(
      new SqlWriter(billing, unreachable).apply([
        { ...base, source: 'billing', recordType: 'billing_contact', action: 'lift' },
        { ...base, source: 'billing', recordType: 'nowhere', action: 'lift' },
      ]),
    ).rejects.toThrow(/Source "billing" has no lift statement for nowhere/);
    await expect(new SqlWriter(accounts, unreachable).apply([{ ...base, source: 'billing', recordType: 'invoice', action: 'erase' }])).rejects.toThrow(
      /source "billing" was given to the writer of "accounts"/,
    );
    await expect(
      new SqlWriter(accounts, unreachable).apply([{ ...base, source: 'accounts', recordType: 'sign_in', action: 'erase' }]),
    ).rejects.toBeInstanceOf(SourceUnavailableError);
    expect(() => new SqlWriter(systemById(ICETRAK_REGISTER, 'traffic'), db.pool)).toThrow(/traffic connector, not sql/);
  });
});
