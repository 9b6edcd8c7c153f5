/**
 * A register system with a `sql` connector as a SourceWriter (issue 15): applies an approved
 * plan's lines to Icetrak's account system by the write statements its register entry names
 * (shared/domain/register.ts `sqlWriteSchema`), the record's key as `$1` and a corrected value as
 * `$2`, never in the SQL text.
 *
 * All of a source's lines run in one transaction with a statement timeout: every line is applied
 * or none is (a failure part-way rolls back what went before, and the plan is failed, never
 * reported done). Lines run in the order the register lists the record types' writes (children
 * first: sign-ins before their account user), then in the plan's order. Applying a line twice is
 * harmless: a DELETE of a row already gone deletes nothing, an UPDATE sets the value it already
 * has, a restriction or an opt-out keeps its first time (`coalesce`), and lifting a restriction
 * clears a mark already cleared (`unrestrict`, the register's). `keep` and `forward`
 * lines change nothing and are not counted.
 *
 * Errors name the system, the statement (`<recordType>.<action>[.<field or purpose>]`) and
 * PostgreSQL's SQLSTATE, never the database's message, which can quote a value. Nothing is logged.
 */
import type pg from 'pg';
import type { PlanAction, PlanLine } from '#domain/plan';
import type { RegisterSystem, SqlWrite } from '#domain/register';
import type { SourceWriter } from '#shared/ports';
import type { SqlPool } from './accounts-db';
import { checkedTimeout, inTransaction, SourceUnavailableError } from './sql-transaction';

/** A write of a SQL source failed and its transaction was rolled back; `code` is PostgreSQL's SQLSTATE (23503: a row the plan does not list still references it; 57014: timed out). */
export class SourceWriteError extends Error {
  override readonly name = 'SourceWriteError';
  constructor(
    readonly source: string,
    readonly statement: string,
    readonly code: string,
  ) {
    super(`Statement "${statement}" of source "${source}" failed (${code === '57014' ? 'timed out' : `SQLSTATE ${code}`}); nothing was changed.`);
  }
}

/** A line the register gives no statement for (a plan computed from another register version, or a line for another source). */
export class NoWriteStatementError extends Error {
  override readonly name = 'NoWriteStatementError';
}

export interface SqlWriterOptions {
  /** @default STATEMENT_TIMEOUT_MS */
  readonly statementTimeoutMs?: number;
}

/** The actions a SQL writer runs a statement for. */
const WRITES: ReadonlySet<PlanAction> = new Set<PlanAction>(['erase', 'rectify', 'restrict', 'stop', 'lift']);

interface Step {
  name: string;
  sql: string;
  values: unknown[];
  action: PlanAction;
}

export class SqlWriter implements SourceWriter {
  private readonly writes: readonly SqlWrite[];
  private readonly timeoutMs: number;

  constructor(
    private readonly system: RegisterSystem,
    private readonly db: SqlPool,
    opts: SqlWriterOptions = {},
  ) {
    if (system.connector.kind !== 'sql') throw new Error(`System "${system.id}" has a ${system.connector.kind} connector, not sql.`);
    this.writes = system.connector.writes ?? [];
    this.timeoutMs = checkedTimeout(opts.statementTimeoutMs);
  }

  async apply(lines: readonly PlanLine[]): Promise<Partial<Record<PlanAction, number>>> {
    const steps = this.steps(lines);
    const applied: Partial<Record<PlanAction, number>> = {};
    if (steps.length === 0) return applied;

    return inTransaction(
      this.db,
      { source: this.system.id, timeoutMs: this.timeoutMs, run: (client, name, text) => this.run(client, name, text) },
      async (client) => {
        for (const step of steps) {
          await this.run(client, step.name, step.sql, step.values);
          applied[step.action] = (applied[step.action] ?? 0) + 1;
        }
        return applied;
      },
    );
  }

  /** The statements for `lines`, in the register's order of record types, then the lines' own; checked before anything runs. */
  private steps(lines: readonly PlanLine[]): Step[] {
    const order = new Map(this.writes.map((w, i) => [w.recordType, i]));
    const steps: Array<Step & { rank: number; index: number }> = [];
    lines.forEach((line, index) => {
      if (!WRITES.has(line.action)) return;
      if (line.source !== this.system.id)
        throw new NoWriteStatementError(`A line of source "${line.source}" was given to the writer of "${this.system.id}".`);
      const w = this.writes.find((x) => x.recordType === line.recordType);
      const step = w && this.step(w, line);
      if (!w || !step) {
        throw new NoWriteStatementError(
          `Source "${this.system.id}" has no ${line.action} statement for ${line.recordType}${line.field ? `.${line.field}` : ''}${line.purpose ? ` (${line.purpose})` : ''}.`,
        );
      }
      steps.push({ ...step, rank: order.get(w.recordType) ?? 0, index });
    });
    return steps.sort((a, b) => a.rank - b.rank || a.index - b.index).map(({ rank: _r, index: _i, ...s }) => s);
  }

  private step(w: SqlWrite, line: PlanLine): Step | undefined {
    const named = (suffix: string, sql: string | undefined, values: unknown[]): Step | undefined =>
      sql === undefined ? undefined : { name: `${w.recordType}.${suffix}`, sql, values, action: line.action };
    switch (line.action) {
      case 'erase':
        return named('erase', w.erase, [line.key]);
      case 'restrict':
        return named('restrict', w.restrict, [line.key]);
      case 'lift':
        return named('unrestrict', w.unrestrict, [line.key]);
      case 'rectify': {
        const field = line.field ?? '';
        return named(`rectify.${field}`, Object.hasOwn(w.rectify ?? {}, field) ? w.rectify![field] : undefined, [line.key, line.to ?? null]);
      }
      case 'stop': {
        const purpose = line.purpose ?? '';
        return named(`stop.${purpose}`, Object.hasOwn(w.stop ?? {}, purpose) ? w.stop![purpose] : undefined, [line.key]);
      }
      default:
        return undefined;
    }
  }

  /** Runs one statement; a database error becomes SourceWriteError (named, with its SQLSTATE), a lost connection SourceUnavailableError. */
  private async run(client: pg.PoolClient, name: string, text: string, values: unknown[] = []): Promise<void> {
    try {
      await client.query({ text, values });
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) throw new SourceWriteError(this.system.id, name, code);
      throw new SourceUnavailableError(this.system.id, err);
    }
  }
}
