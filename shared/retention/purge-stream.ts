/**
 * The purge, driven by the cases table's stream (issue 13): each REMOVE record that DynamoDB's
 * TTL made (userIdentity: the service principal dynamodb.amazonaws.com) and whose old image is a
 * case is purged (shared/retention/purge.ts). Anything else is ignored: a manual delete, an
 * insert or a change, an expired session or ledger claim. In AWS the event source mapping's
 * filter already drops most of these; the check here is what holds locally and in tests.
 *
 * Failures are reported per record (ReportBatchItemFailures): Lambda retries from the earliest
 * failed record, and what succeeded before it is not redone.
 */
import type { DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';
import { caseFromItem } from '#adapters/dynamo-case-store';
import { unmarshallImage } from '#adapters/stream-image';
import { errorFields, logger } from '#shared/core/log';
import { purgeExpiredCase, type PurgeDeps } from './purge';
import { TTL_IDENTITY } from './ttl-identity';

export { TTL_IDENTITY };

/** Records purged at once within a batch. */
const CONCURRENCY = 8;

export function isTtlRemoval(r: DynamoDBRecord): boolean {
  const who = r.userIdentity as { type?: unknown; principalId?: unknown } | undefined;
  return r.eventName === 'REMOVE' && who?.type === TTL_IDENTITY.type && who.principalId === TTL_IDENTITY.principalId;
}

export interface StreamPurgeResult extends DynamoDBBatchResponse {
  purged: number;
  held: number;
  ignored: number;
  failed: number;
  objectsDeleted: number;
}

export async function purgeFromStream(records: readonly DynamoDBRecord[], deps: PurgeDeps): Promise<StreamPurgeResult> {
  const result: StreamPurgeResult = { batchItemFailures: [], purged: 0, held: 0, ignored: 0, failed: 0, objectsDeleted: 0 };
  const failed: Array<{ index: number; id: string }> = [];
  const one = async (r: DynamoDBRecord, index: number): Promise<void> => {
    const image = r.dynamodb?.OldImage;
    const c = isTtlRemoval(r) && image ? caseFromItem(unmarshallImage(image)) : undefined;
    if (!c) {
      result.ignored += 1;
      return;
    }
    const expiresAt = typeof c.expiresAt === 'number' ? c.expiresAt : r.dynamodb?.ApproximateCreationDateTime;
    const expiredAt = new Date((expiresAt ?? deps.clock.now().getTime() / 1000) * 1000).toISOString();
    try {
      const out = await purgeExpiredCase(c, expiredAt, deps);
      if (out.outcome === 'held') {
        result.held += 1;
        // It should never have expired: a hold removes expiresAt. Its objects are kept; someone should look.
        logger.warn('Expired case under legal hold not purged', { caseId: c.id });
        return;
      }
      result.purged += 1;
      result.objectsDeleted += out.objectsDeleted;
      logger.info('Expired case purged', { caseId: c.id, objectsDeleted: out.objectsDeleted, tombstone: out.tombstone });
    } catch (err) {
      result.failed += 1;
      failed.push({ index, id: r.dynamodb?.SequenceNumber ?? r.eventID ?? String(index) });
      logger.error('Expired case not purged', { caseId: c.id, ...errorFields(err) });
    }
  };
  let next = 0;
  const worker = async () => {
    while (next < records.length) {
      const i = next++;
      await one(records[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, records.length) }, worker));
  result.batchItemFailures = failed.sort((a, b) => a.index - b.index).map((f) => ({ itemIdentifier: f.id }));
  return result;
}
