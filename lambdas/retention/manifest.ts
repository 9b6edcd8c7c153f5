/**
 * The retention context (issue 13): deletion follows the item. When DynamoDB's TTL removes a
 * case item, the cases table's stream invokes the purge, which deletes the case's stored objects
 * (every version) and writes its tombstone (shared/retention/purge.ts).
 */
import type { ContextManifest } from '#lambdas/manifest';

/** Stream records a purge invocation takes: 100 cases, each a few list and delete calls, well inside the timeout. */
export const PURGE_BATCH_SIZE = 100;

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
  ],
};
