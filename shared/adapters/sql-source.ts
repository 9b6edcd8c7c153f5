/**
 * A register system with a `sql` connector (shared/domain/register.ts) as a SourceConnector:
 * Icetrak's customer-account system and its billing records, in PostgreSQL (PGlite locally).
 *
 * For each identifier it runs the system's queries that search by that kind of identifier, the
 * value as the one parameter ($1, never in the SQL text), all in one READ ONLY transaction with a
 * statement timeout: a query in the register that tried to write would fail, whatever the
 * database user may do. Rows become FoundRecords (id `<source>:<recordType>:<key>`); a record
 * two identifiers find is returned once, as the first one found it.
 *
 * Errors name the system, the query and PostgreSQL's error code, never the database's message,
 * which can quote a value (`invalid input syntax for type integer: "…"`). Nothing is logged here.
 */
import type pg from 'pg';
import type { RegisterSystem, SqlQuery } from '#domain/register';
import type { FieldValue, FoundRecord, IdentifierUse } from '#domain/search';
import type { SourceConnector } from '#shared/ports';
import type { SqlPool } from './accounts-db';
import { PG_TYPES } from './pg-types';

/** The longest one query may run before PostgreSQL cancels it (SQLSTATE 57014). */
export const STATEMENT_TIMEOUT_MS = 5_000;

/** A query of a SQL source failed; `code` is PostgreSQL's SQLSTATE (25006: a write in the read-only transaction; 57014: timed out). */
export class SourceQueryError extends Error {
  override readonly name = 'SourceQueryError';
  constructor(
    readonly source: string,
    readonly query: string,
    readonly code: string,
  ) {
    super(`Query "${query}" of source "${source}" failed (${code === '57014' ? 'timed out' : `SQLSTATE ${code}`}).`);
  }
}

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

export interface SqlSourceOptions {
  /** @default STATEMENT_TIMEOUT_MS */
  readonly statementTimeoutMs?: number;
}

export class SqlSource implements SourceConnector {
  private readonly queries: readonly SqlQuery[];
  private readonly timeoutMs: number;

  constructor(
    private readonly system: RegisterSystem,
    private readonly db: SqlPool,
    opts: SqlSourceOptions = {},
  ) {
    if (system.connector.kind !== 'sql') throw new Error(`System "${system.id}" has a ${system.connector.kind} connector, not sql.`);
    this.queries = system.connector.queries;
    this.timeoutMs = opts.statementTimeoutMs ?? STATEMENT_TIMEOUT_MS;
    if (!Number.isSafeInteger(this.timeoutMs) || this.timeoutMs < 1) throw new Error('statementTimeoutMs must be a whole number of ms ≥ 1.');
  }

  async find(identifiers: readonly IdentifierUse[]): Promise<FoundRecord[]> {
    const plan = identifiers.flatMap((identifier) =>
      this.queries.filter((q) => q.identifiedBy === identifier.kind).map((query) => ({ identifier, query })),
    );
    if (plan.length === 0) return [];

    let client: pg.PoolClient;
    try {
      client = await this.db.connect();
    } catch (err) {
      throw new SourceUnavailableError(this.system.id, err);
    }
    let broken: Error | undefined;
    try {
      // One round trip (a simple query: no parameters; the timeout is a checked integer). SET LOCAL ends with the
      // transaction, so it never outlives this search on a pooled connection or PGlite's one shared session.
      await this.run(client, `BEGIN READ ONLY; SET LOCAL statement_timeout = ${this.timeoutMs}`);
      const found = new Map<string, FoundRecord>();
      for (const { identifier, query } of plan) {
        const rows = await this.run(client, query.sql, [identifier.value], query.name);
        for (const row of rows) {
          const record = this.toRecord(query, identifier, row);
          if (!found.has(record.id)) found.set(record.id, record);
        }
      }
      await this.run(client, 'COMMIT');
      return [...found.values()];
    } catch (err) {
      await client.query('ROLLBACK').catch((e: unknown) => {
        broken = e instanceof Error ? e : new Error('ROLLBACK failed');
      });
      throw err;
    } finally {
      // A connection that could not roll back is closed, not returned to the pool.
      client.release(broken);
    }
  }

  /** Runs one statement with the source's value parsers; a database error becomes SourceQueryError, a lost connection SourceUnavailableError. */
  private async run(client: pg.PoolClient, text: string, values: unknown[] = [], queryName = 'transaction'): Promise<Array<Record<string, unknown>>> {
    try {
      const result: pg.QueryResult<Record<string, unknown>> | unknown[] = await client.query<Record<string, unknown>>({ text, values, types: PG_TYPES });
      // Several statements in one simple query (BEGIN …; SET …) answer with one result each: none has rows wanted here.
      return Array.isArray(result) ? [] : result.rows;
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) throw new SourceQueryError(this.system.id, queryName, code);
      throw new SourceUnavailableError(this.system.id, err);
    }
  }

  private toRecord(query: SqlQuery, identifier: IdentifierUse, row: Record<string, unknown>): FoundRecord {
    const fields: Record<string, FieldValue> = {};
    for (const [column, value] of Object.entries(row)) fields[column] = fieldValue(value);
    const key = fields[query.keyColumn];
    if (key === undefined || key === null) throw new SourceQueryError(this.system.id, query.name, `no ${query.keyColumn}`);
    const account = query.accountColumn === undefined ? undefined : fields[query.accountColumn];
    return {
      id: `${this.system.id}:${query.recordType}:${String(key)}`,
      source: this.system.id,
      recordType: query.recordType,
      key: String(key),
      ...(account !== undefined && account !== null && { accountId: String(account) }),
      role: this.system.role,
      matchedBy: identifier.kind,
      providedByPerson: query.providedByPerson,
      fields,
    };
  }
}

/** A column's value as a record field (PG_TYPES already gives dates, instants and numbers their JSON form). */
function fieldValue(v: unknown): FieldValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v instanceof Date) return v.toISOString();
  if (Buffer.isBuffer(v)) return v.toString('base64');
  return JSON.stringify(v);
}

function describe(err: unknown): string {
  const e = err as { name?: unknown; code?: unknown } | undefined;
  const name = typeof e?.name === 'string' ? e.name : 'Error';
  return typeof e?.code === 'string' ? `${name} ${e.code}` : name;
}
