/**
 * What the retention review's handlers use (./manifest.ts grants exactly that): the holds and the
 * reviews in the cases table and, only for the handlers that make a review, Icetrak's account
 * system. Those read its settings at cold start (ACCOUNTS_DB_URL or ACCOUNTS_DB_SECRET_ARN: a
 * missing one fails there, not mid-request); the pages, the API's reads and the holds never need
 * its credentials.
 */
import { accountHolds, clock, retentionReviews } from '#adapters/from-env';
import { PostgresAccountDirectory } from '#adapters/account-directory';
import { accountsDb } from '#adapters/accounts-db';
import type { Nation } from '#domain/calendar';
import { readConfig } from '#shared/core/config';
import type { AccountHolds } from '#shared/ports';
import type { AccountReviewDeps } from '#shared/retention/account-review';

/** The holds (placing and releasing too) and the reviews. */
export type RetentionDeps = Omit<AccountReviewDeps, 'accounts' | 'holds'> & { holds: AccountHolds };

const memo: { retention?: RetentionDeps; review?: RetentionDeps & AccountReviewDeps } = {};

export function retentionDeps(): RetentionDeps {
  return (memo.retention ??= { holds: accountHolds(), reviews: retentionReviews(), clock: clock() });
}

/** With the account system, for making a review. */
export function accountReviewDeps(): RetentionDeps & AccountReviewDeps {
  return (memo.review ??= { ...retentionDeps(), accounts: new PostgresAccountDirectory(accountsDb()) });
}

export function reviewNation(): Nation {
  return readConfig(['NATION']).NATION;
}
