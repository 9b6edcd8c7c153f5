/**
 * Erasure (issue 15): plan and execute for one person with 10,000 records across sources.
 *
 * 1. Starts Icetrak's account system (PGlite behind pglite-socket, reached with `pg`: the
 *    production code path) with the demo data, and adds one synthetic person: an account user of
 *    ACC-9001 (closed 31 January 2015: erased) with 5,000 sign-ins, of ACC-9002 (closed 30 June
 *    2023: the user kept until 2030, the sign-ins erased) with 1,998 sign-ins, and the billing
 *    contact of ACC-9001 with 1,999 invoices; plus 990 message-traffic records (processor data,
 *    forwarded) and 10 Rightsdesk records (kept): 10,000 records.
 * 2. Finds them with SqlSource (the register's queries) and times computePlan + groupLines
 *    (median of 5 runs; the rules are pure).
 * 3. Times SqlWriter.apply for each SQL source (one transaction each, the register's statements,
 *    one statement per record), then checks the search finds only what the plan kept.
 * Benchmarks measure; they never assert timings.
 */
import pg from 'pg';
import { computePlan, groupLines, type PlanInput } from '#domain/plan-rules';
import { systemById } from '#domain/register';
import type { FoundRecord } from '#domain/search';
import { PostgresAccountDirectory } from '#adapters/account-directory';
import { SqlSource } from '#adapters/sql-source';
import { SqlWriter } from '#adapters/sql-writer';
import { ICETRAK_REGISTER } from '#shared/fulfilment/icetrak-register';
import { startAccountSystem } from '#infra/local/icetrak/account-system';

const EMAIL = 'bench.person@example.com';
const SIGN_INS = { 'USR-9001-01': 5_000, 'USR-9002-01': 1_998 } as const;
const INVOICES = 1_999;
const MESSAGES = 990;
const CASES = 10;

const f = (n: number, d = 0) => n.toLocaleString('en-GB', { minimumFractionDigits: d, maximumFractionDigits: d });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
async function timed<T>(fn: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await fn();
  return { ms: performance.now() - t, value };
}

async function insert(pool: pg.Pool, table: string, columns: string, rows: unknown[]): Promise<void> {
  const names = columns
    .split(',')
    .map((c) => c.trim().split(' ')[0]!)
    .join(', ');
  await pool.query(`INSERT INTO ${table} (${names}) SELECT ${names} FROM json_to_recordset($1::json) AS r(${columns})`, [JSON.stringify(rows)]);
}

async function seedPerson(pool: pg.Pool): Promise<void> {
  await insert(pool, 'accounts', 'account_id text, name text, status text, opened_on date, closed_on date, privacy_contact_email text', [
    {
      account_id: 'ACC-9001',
      name: 'Bench Haulage',
      status: 'closed',
      opened_on: '2009-04-01',
      closed_on: '2015-01-31',
      privacy_contact_email: 'privacy@bench1.example',
    },
    {
      account_id: 'ACC-9002',
      name: 'Bench Clinic',
      status: 'closed',
      opened_on: '2016-04-01',
      closed_on: '2023-06-30',
      privacy_contact_email: 'privacy@bench2.example',
    },
  ]);
  await insert(pool, 'account_users', 'user_id text, account_id text, full_name text, email text, created_on date', [
    { user_id: 'USR-9001-01', account_id: 'ACC-9001', full_name: 'Bench Person', email: EMAIL, created_on: '2009-04-01' },
    { user_id: 'USR-9002-01', account_id: 'ACC-9002', full_name: 'Bench Person', email: EMAIL, created_on: '2016-04-01' },
  ]);
  let id = 9_000_000;
  const events = Object.entries(SIGN_INS).flatMap(([user_id, n]) =>
    Array.from({ length: n }, (_, i) => ({
      event_id: id++,
      user_id,
      at: new Date(Date.UTC(2014, 0, 1) + i * 3_600_000).toISOString(),
      ip_address: '192.0.2.1',
      outcome: 'success',
    })),
  );
  await insert(pool, 'login_events', 'event_id bigint, user_id text, at timestamptz, ip_address text, outcome text', events);
  await insert(pool, 'billing_contacts', 'contact_id text, account_id text, full_name text, email text', [
    { contact_id: 'BC-9001-01', account_id: 'ACC-9001', full_name: 'Bench Person', email: EMAIL },
  ]);
  const invoices = Array.from({ length: INVOICES }, (_, i) => ({
    invoice_id: `INV-9001-${String(i).padStart(5, '0')}`,
    account_id: 'ACC-9001',
    contact_id: 'BC-9001-01',
    issued_on: '2014-06-01',
    amount_pence: 1_000 + i,
    status: 'paid',
  }));
  await insert(pool, 'invoices', 'invoice_id text, account_id text, contact_id text, issued_on date, amount_pence integer, status text', invoices);
}

/** The other sources' records, as their searches return them (traffic: processor data; Rightsdesk: the person's requests). */
function otherRecords(): FoundRecord[] {
  const messages = Array.from({ length: MESSAGES }, (_, i): FoundRecord => {
    const key = `msg-${String(i).padStart(6, '0')}`;
    return {
      id: `traffic:message:${key}`,
      source: 'traffic',
      recordType: 'message',
      key,
      accountId: i % 2 ? 'ACC-1001' : 'ACC-1002',
      role: 'processor',
      matchedBy: 'phone',
      providedByPerson: false,
      fields: { message_id: key, recipient: '+447700900999' },
    };
  });
  const cases = Array.from({ length: CASES }, (_, i): FoundRecord => {
    const key = `RD-BENCH${String(i)}`;
    return {
      id: `rightsdesk:case:${key}`,
      source: 'rightsdesk',
      recordType: 'case',
      key,
      role: 'controller',
      matchedBy: 'email',
      providedByPerson: true,
      fields: {},
    };
  });
  return [...messages, ...cases];
}

export default async function bench(): Promise<void> {
  const started = await timed(() => startAccountSystem({ syntheticAccounts: 0 }));
  const system = started.value;
  const pool = new pg.Pool({ connectionString: system.url, max: 2 });
  try {
    await seedPerson(pool);
    console.log(`account system ready in ${f(started.ms)} ms`);
    const accounts = systemById(ICETRAK_REGISTER, 'accounts');
    const billing = systemById(ICETRAK_REGISTER, 'billing');
    const find = () => Promise.all([accounts, billing].map((s) => new SqlSource(s, pool).find([{ kind: 'email', value: EMAIL }]))).then((r) => r.flat());
    const search = await timed(find);
    const records = [...search.value, ...otherRecords()];
    const described = await new PostgresAccountDirectory(pool).describe(records.flatMap((r) => (r.accountId ? [r.accountId] : [])));
    const input: PlanInput = {
      rights: ['erasure'],
      register: ICETRAK_REGISTER,
      records,
      accounts: described,
      accountHolds: [],
      corrections: [],
      objections: [],
      today: '2026-12-02',
    };
    const runs: number[] = [];
    let lines = computePlan(input);
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      lines = computePlan(input);
      groupLines(lines);
      runs.push(performance.now() - t);
    }
    const groups = groupLines(lines);
    console.log(`records: ${f(records.length)} (SQL search of accounts + billing: ${f(search.value.length)} in ${f(search.ms)} ms)`);
    console.log(
      `computePlan + groupLines: median ${f(median(runs), 1)} ms of 5 (first ${f(runs[0]!, 1)} ms); ${f(lines.length)} lines in ${groups.length} groups:`,
    );
    for (const g of groups)
      console.log(
        `  ${g.source}/${g.recordType} ${g.action}${g.ground ? ` (${g.ground}${g.keptUntil ? ` until ${g.keptUntil}` : ''})` : ''}: ${f(g.count)}`,
      );

    let total = 0;
    for (const s of [accounts, billing]) {
      const mine = lines.filter((l) => l.source === s.id);
      const applied = await timed(() => new SqlWriter(s, pool, { statementTimeoutMs: 30_000 }).apply(mine));
      total += applied.ms;
      const n = applied.value.erase ?? 0;
      console.log(`SqlWriter.apply ${s.id}: ${f(n)} erased in one transaction, ${f(applied.ms)} ms (${f(applied.ms / Math.max(1, n), 2)} ms a record)`);
    }
    const again = await timed(() => new SqlWriter(accounts, pool).apply(lines.filter((l) => l.source === 'accounts')));
    const left = await find();
    console.log(`execute total: ${f(total)} ms; applied again (idempotent, nothing left to delete): accounts ${f(again.ms)} ms`);
    console.log(
      `search after: ${f(left.length)} record(s) left (${left.map((r) => r.recordType).join(', ') || 'none'}; the plan kept ${f(lines.filter((l) => l.action === 'keep' && l.source !== 'rightsdesk').length)})`,
    );
  } finally {
    await pool.end();
    await system.stop();
  }
}
