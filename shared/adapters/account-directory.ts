/**
 * Icetrak's customer accounts, read from the account system (infra/local/icetrak/account-schema.sql):
 * the customers whose traffic matched a person (forwarding to their privacy contacts), and the
 * closure dates the 7-year rule runs from (the monthly retention review). One statement per call.
 */
import type pg from 'pg';
import type { AccountDirectory, AccountSummary } from '#shared/ports';
import type { SqlPool } from './accounts-db';
import { PG_TYPES } from './pg-types';

const COLUMNS = 'account_id, name, status, closed_on, privacy_contact_email';

interface AccountRow {
  account_id: string;
  name: string;
  status: 'open' | 'closed';
  closed_on: string | null;
  privacy_contact_email: string;
}

export class PostgresAccountDirectory implements AccountDirectory {
  constructor(private readonly db: SqlPool) {}

  async describe(accountIds: readonly string[]): Promise<AccountSummary[]> {
    const ids = [...new Set(accountIds)];
    if (ids.length === 0) return [];
    return this.select(`SELECT ${COLUMNS} FROM accounts WHERE account_id = ANY($1::text[]) ORDER BY account_id`, [ids]);
  }

  async closedBetween(from: string, to: string): Promise<AccountSummary[]> {
    for (const d of [from, to]) if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) throw new Error('closedBetween takes dates as YYYY-MM-DD.');
    return this.select(`SELECT ${COLUMNS} FROM accounts WHERE closed_on BETWEEN $1::date AND $2::date ORDER BY closed_on, account_id`, [from, to]);
  }

  private async select(text: string, values: unknown[]): Promise<AccountSummary[]> {
    const client = await this.db.connect();
    let failed: Error | undefined;
    try {
      const result: pg.QueryResult<AccountRow> = await client.query<AccountRow>({ text, values, types: PG_TYPES });
      return result.rows.map(summaryOf);
    } catch (err) {
      failed = err instanceof Error ? err : undefined;
      throw err;
    } finally {
      // A client whose statement failed for a connection reason is not reused; a SQL error leaves it usable.
      client.release(failed && !(failed as { code?: unknown }).code ? failed : undefined);
    }
  }
}

function summaryOf(r: AccountRow): AccountSummary {
  return { accountId: r.account_id, name: r.name, status: r.status, closedOn: r.closed_on, privacyContact: r.privacy_contact_email };
}
