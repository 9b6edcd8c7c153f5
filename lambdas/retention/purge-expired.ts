/**
 * The cases table's stream (REMOVE records by DynamoDB's TTL, filtered at the event source
 * mapping): deletes each expired case's stored objects, every version, and writes its
 * tombstone (shared/retention/purge-stream.ts). Locally, the TTL sweeper calls this handler with
 * the same event (infra/local/ttl-sweeper.ts). Partial failures are reported per record.
 */
import { logger } from '#shared/core/log';
import { purgeFromStream } from '#shared/retention/purge-stream';
import { streamHandler } from '#shared/events/middleware';
import { purgeDeps } from './deps';

const deps = purgeDeps();

export const handler = streamHandler(async (records) => {
  const { batchItemFailures, ...counts } = await purgeFromStream(records, deps);
  if (records.length > 0) logger.info('Expired cases purge', counts);
  return { batchItemFailures };
});
