/**
 * Icetrak's customer-account system, locally (issue 14): PostgreSQL in WebAssembly (PGlite) served
 * on a local port by pglite-socket, so Rightsdesk reaches it with the same `pg` driver, the same
 * SQL and the same code path as Icetrak's PostgreSQL in AWS. Only the connection string differs.
 *
 * A new database takes 3–9 s to start (TOOLCHAIN.md); reopening a data directory about 1 s. Start
 * one per test file or per `npm start`, not per test. The schema (account-schema.sql) is applied
 * on every start and the demo rows are inserted with ON CONFLICT DO NOTHING on their keys, so a
 * restart on an existing data directory adds nothing twice.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { allRows, DEFAULT_SEED, DEFAULT_SYNTHETIC_ACCOUNTS, type AccountSystemRows } from './demo-data';

export interface AccountSystemOptions {
  /** PGlite's data directory (e.g. `.data/icetrak-accounts`); in memory when absent. */
  readonly dataDir?: string;
  /** The port to listen on, on 127.0.0.1. @default 0 (a free port) */
  readonly port?: number;
  /** Load the demo accounts and people and the synthetic accounts (`npm start --no-demo` turns it off). @default true */
  readonly demo?: boolean;
  /** How many synthetic accounts to load with the demo ones. @default DEFAULT_SYNTHETIC_ACCOUNTS */
  readonly syntheticAccounts?: number;
  /** @default DEFAULT_SEED */
  readonly seed?: number;
}

export interface RunningAccountSystem {
  /** A PostgreSQL connection string for `pg` (ACCOUNTS_DB_URL). */
  readonly url: string;
  /** How long the start took, in ms: opening the database, and applying the schema and the demo rows. */
  readonly timings: { readonly openMs: number; readonly seedMs: number };
  /** Stops serving and closes the database (once, however often it is called). End the `pg` pools using it first. */
  stop(): Promise<void>;
}

/** Concurrent client connections pglite-socket accepts (it serialises their queries on the one PGlite session). */
export const MAX_CONNECTIONS = 4;

const SCHEMA = readFileSync(new URL('./account-schema.sql', import.meta.url), 'utf8');

export async function startAccountSystem(opts: AccountSystemOptions = {}): Promise<RunningAccountSystem> {
  const started = performance.now();
  if (opts.dataDir) mkdirSync(dirname(opts.dataDir), { recursive: true, mode: 0o700 });
  const db = await PGlite.create(opts.dataDir ? { dataDir: opts.dataDir } : {});
  const opened = performance.now();
  let server: PGLiteSocketServer | undefined;
  try {
    await db.exec(SCHEMA);
    if (opts.demo ?? true) await seed(db, allRows(opts.syntheticAccounts ?? DEFAULT_SYNTHETIC_ACCOUNTS, opts.seed ?? DEFAULT_SEED));
    const seeded = performance.now();
    server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: opts.port ?? 0, maxConnections: MAX_CONNECTIONS });
    await server.start();
    const [host, port] = server.getServerConn().split(':') as [string, string];
    const running = server;
    let stopping: Promise<void> | undefined;
    return {
      url: `postgresql://postgres@${host}:${port}/postgres?sslmode=disable`,
      timings: { openMs: Math.round(opened - started), seedMs: Math.round(seeded - opened) },
      // Once: Ctrl-C and a test's afterAll may both ask.
      stop: () =>
        (stopping ??= (async () => {
          await running.stop();
          await db.close();
        })()),
    };
  } catch (err) {
    await server?.stop();
    await db.close();
    throw err;
  }
}

/** The columns of each table, in insertion order (parents first), with their SQL types for json_to_recordset. */
const TABLES: ReadonlyArray<{ table: keyof AccountSystemRows; key: string; columns: string }> = [
  {
    table: 'accounts',
    key: 'account_id',
    columns: 'account_id text, name text, status text, opened_on date, closed_on date, privacy_contact_email text',
  },
  {
    table: 'account_users',
    key: 'user_id',
    columns: 'user_id text, account_id text, full_name text, email text, phone text, job_title text, created_on date, last_login_at timestamptz',
  },
  { table: 'login_events', key: 'event_id', columns: 'event_id bigint, user_id text, at timestamptz, ip_address text, outcome text' },
  {
    table: 'billing_contacts',
    key: 'contact_id',
    columns: 'contact_id text, account_id text, full_name text, email text, phone text, postal_address text',
  },
  {
    table: 'invoices',
    key: 'invoice_id',
    columns: 'invoice_id text, account_id text, contact_id text, issued_on date, amount_pence integer, status text',
  },
];

/** Inserts `rows` once: one statement per table (the rows as one JSON parameter), existing keys left as they are. */
async function seed(db: PGlite, rows: AccountSystemRows): Promise<void> {
  await db.transaction(async (tx: Transaction) => {
    for (const { table, key, columns } of TABLES) {
      const names = columns
        .split(',')
        .map((c) => c.trim().split(' ')[0]!)
        .join(', ');
      await tx.query(`INSERT INTO ${table} (${names}) SELECT ${names} FROM json_to_recordset($1::json) AS r(${columns}) ON CONFLICT (${key}) DO NOTHING`, [
        JSON.stringify(rows[table]),
      ]);
    }
    // The event ids were given explicitly: move the sequence past them for rows Icetrak's own code would add.
    await tx.query(`SELECT setval(pg_get_serial_sequence('login_events', 'event_id'), (SELECT max(event_id) FROM login_events))`);
  });
}
