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
import { checkedTimeout, inTransaction, SourceUnavailableError } from './sql-transaction';

export { SourceUnavailableError, STATEMENT_TIMEOUT_MS } from './sql-transaction';

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
    this.timeoutMs = checkedTimeout(opts.statementTimeoutMs);
  }

  async find(identifiers: readonly IdentifierUse[]): Promise<FoundRecord[]> {
    const plan = identifiers.flatMap((identifier) =>
      this.queries.filter((q) => q.identifiedBy === identifier.kind).map((query) => ({ identifier, query })),
    );
    if (plan.length === 0) return [];

    const found = new Map<string, FoundRecord>();
    await inTransaction(
      this.db,
      { source: this.system.id, mode: 'READ ONLY', timeoutMs: this.timeoutMs, run: (client, name, text) => this.run(client, text, [], name) },
      async (client) => {
        for (const { identifier, query } of plan) {
          const rows = await this.run(client, query.sql, [identifier.value], query.name);
          for (const row of rows) {
            const record = this.toRecord(query, identifier, row);
            if (!found.has(record.id)) found.set(record.id, record);
          }
        }
      },
    );
    return [...found.values()];
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
