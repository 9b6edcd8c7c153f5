/**
 * One transaction on a SQL source's pool, as the source's reader (sql-source.ts) and writer
 * (sql-writer.ts) both run it: connect (a failure is SourceUnavailableError), open the
 * transaction with a statement timeout that ends with it (SET LOCAL: it never outlives the
 * transaction on a pooled connection or PGlite's one shared session), do the work, commit; on any
 * error roll back, and close a connection that could not roll back instead of returning it to
 * the pool. `run` is the caller's statement runner, so errors are named as the caller names them.
 */
import type pg from 'pg';
import type { SqlPool } from './accounts-db';

/** The longest one query may run before PostgreSQL cancels it (SQLSTATE 57014). */
export const STATEMENT_TIMEOUT_MS = 5_000;

/** The source's database could not be reached or dropped the connection. */
export class SourceUnavailableError extends Error {
  override readonly name = 'SourceUnavailableError';
  constructor(
    readonly source: string,
    cause: unknown,
  ) {
    // The cause's class and code only: a connection error's text names hosts, not people, but stays out all the same.
    super(`Source "${source}" is unavailable (${describe(cause)}).`);
  }
}

/** A statement timeout given as an option: a whole number of ms ≥ 1 (it is written into the SQL text). */
export function checkedTimeout(ms: number | undefined): number {
  const timeout = ms ?? STATEMENT_TIMEOUT_MS;
  if (!Number.isSafeInteger(timeout) || timeout < 1) throw new Error('statementTimeoutMs must be a whole number of ms ≥ 1.');
  return timeout;
}

export interface TransactionOptions {
  source: string;
  /** `READ ONLY` for a search; nothing for a write. */
  mode?: 'READ ONLY';
  timeoutMs: number;
  run: (client: pg.PoolClient, name: string, text: string) => Promise<unknown>;
}

export async function inTransaction<T>(db: SqlPool, opts: TransactionOptions, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  let client: pg.PoolClient;
  try {
    client = await db.connect();
  } catch (err) {
    throw new SourceUnavailableError(opts.source, err);
  }
  let broken: Error | undefined;
  try {
    // One round trip (a simple query: no parameters; the timeout is a checked integer).
    await opts.run(client, 'transaction', `BEGIN${opts.mode ? ` ${opts.mode}` : ''}; SET LOCAL statement_timeout = ${opts.timeoutMs}`);
    const result = await work(client);
    await opts.run(client, 'commit', 'COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch((e: unknown) => {
      broken = e instanceof Error ? e : new Error('ROLLBACK failed');
    });
    throw err;
  } finally {
    client.release(broken);
  }
}

function describe(err: unknown): string {
  const e = err as { name?: unknown; code?: unknown } | undefined;
  const name = typeof e?.name === 'string' ? e.name : 'Error';
  return typeof e?.code === 'string' ? `${name} ${e.code}` : name;
}
