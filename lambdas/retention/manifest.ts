/**
 * The retention context (issue 13): deletion follows the item. When DynamoDB's TTL removes a
 * case item, the cases table's stream invokes the purge, which deletes the case's stored objects
 * (every version) and writes its tombstone (shared/retention/purge.ts).
 *
 * And the monthly retention review of Icetrak's customer accounts (shared/retention/account-review.ts):
 * scheduled, in the desk (/desk/retention) and in the staff API, with the account holds it honours.
 * Its pages and routes live here rather than in the cases context's desk routes: they are about
 * Icetrak's accounts, not about cases, and only the review's runs reach the account system.
 */
import { RETENTION_SETTINGS, type ContextManifest, type HandlerSpec, type Uses } from '#lambdas/manifest';

/** Stream records a purge invocation takes: 100 cases, each a few list and delete calls, well inside the timeout. */
export const PURGE_BATCH_SIZE = 100;

/** Reading reviews and holds (the desk's page, the API), and placing or releasing holds: sessions, holds and reviews in the cases table. */
const HOLDS = { staffAuth: true, cases: 'readWrite', settings: ['PUBLIC_BASE_URL', ...RETENTION_SETTINGS] } as const satisfies Uses;
/** Making a review: also Icetrak's account system (read only). */
const REVIEW = { cases: 'readWrite', accountsDb: true } as const satisfies Uses;

const route = (id: string, file: string, method: 'GET' | 'POST', path: string, uses: Uses): HandlerSpec => ({
  id,
  entry: `lambdas/retention/${file}.ts`,
  description: `Rightsdesk ${method} ${path}`,
  trigger: { kind: 'http', method, path, access: 'staff' },
  uses,
});

/**
 * The review's schedule: 06:30 London, days 1–7 (the first working day is one of them; later days
 * catch a failed run up). Half an hour before the monthly compliance report (07:00,
 * lambdas/reports/manifest.ts), which shows the month's stored review.
 */
export const REVIEW_CRON = { minute: '30', hour: '6', day: '1-7' } as const;

export const RETENTION: ContextManifest = {
  context: 'retention',
  handlers: [
    {
      id: 'PurgeExpired',
      entry: 'lambdas/retention/purge-expired.ts',
      description: 'Rightsdesk retention: delete the stored objects of cases whose retention ended, and write their tombstones',
      trigger: {
        kind: 'stream',
        table: 'cases',
        batchSize: PURGE_BATCH_SIZE,
        description: 'Rightsdesk: cases removed by DynamoDB TTL (REMOVE by dynamodb.amazonaws.com)',
      },
      uses: {
        // Tombstones are written to the cases table.
        cases: 'readWrite',
        // Raw MIME is inbound/<sesMessageId>; every object of an expired case in the files bucket (messages/, attachments/, exports/).
        rawMail: { access: 'purge', prefix: 'inbound/' },
        files: 'purge',
      },
      timeoutSeconds: 300,
    },
    {
      id: 'ReviewAccounts',
      entry: 'lambdas/retention/review-accounts.ts',
      description: 'Rightsdesk: the monthly retention review of Icetrak customer accounts',
      // As the monthly compliance report (lambdas/reports/manifest.ts): the handler waits for the first working day,
      // and a month already reviewed is skipped. Half an hour earlier, so the report finds the month's review stored.
      trigger: {
        kind: 'schedule',
        cron: REVIEW_CRON,
        description:
          'Rightsdesk: the retention review of Icetrak accounts for the month before (06:30 on the first working day, before the compliance report; days 1-7 catch up)',
      },
      uses: { ...REVIEW, settings: ['NATION', ...RETENTION_SETTINGS] },
      timeoutSeconds: 60,
    },
    route('DeskRetention', 'desk-retention', 'GET', '/desk/retention', HOLDS),
    route('DeskRunReview', 'desk-run-review', 'POST', '/desk/retention', { ...HOLDS, ...REVIEW }),
    route('DeskPlaceAccountHold', 'desk-place-account-hold', 'POST', '/desk/retention/holds', HOLDS),
    route('DeskReleaseAccountHold', 'desk-release-account-hold', 'POST', '/desk/retention/holds/{accountId}/release', HOLDS),
    route('GetRetentionReview', 'get-retention-review', 'GET', '/api/retention-reviews/{month}', HOLDS),
    route('PlaceAccountHold', 'place-account-hold', 'POST', '/api/account-holds', HOLDS),
    route('ReleaseAccountHold', 'release-account-hold', 'POST', '/api/account-holds/{accountId}/release', HOLDS),
  ],
};
