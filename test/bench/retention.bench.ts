/**
 * Retention (issue 13): the TTL sweep of 10,000 expired cases, each with 3 stored objects (raw
 * MIME, the parsed message, one attachment), on dynalite and s3rver, as the local stack runs it:
 * the TTL sweeper deletes the expired items and hands their old images to the purge handler
 * (lambdas/retention/purge-expired.ts) as the stream would, in batches of the event source's size
 * (PURGE_BATCH_SIZE). Reports the sweep's time, the purge handler's share of it, and how S3 deletes
 * were batched (DeleteObjects calls against objects deleted; a call per case's bucket, at most
 * 1,000 keys each). s3rver has no versions: this is the local, unversioned path, where each
 * object is one key; in AWS each version is one key of the same batched calls.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { DynamoCaseStore } from '#adapters/dynamo-case-store';
import { createCasesTable, localDynamoClient, localS3Client, LOCAL_CREDENTIALS, LOCAL_REGION, startDynamo, startS3 } from '#infra/local/emulators';
import { lambdaContext } from '#infra/local/lambda-context';
import { createTtlSweeper } from '#infra/local/ttl-sweeper';
import { PURGE_BATCH_SIZE } from '#lambdas/retention/manifest';
import { logger } from '#shared/core/log';
import { systemClock } from '#shared/ports';
import { aCase, anEntry } from '#test/support/cases';
import { faultProxy } from '#test/support/fault-proxy';

/**
 * 10,000 by default; RETENTION_BENCH_CASES for another count. s3rver lists a prefix by walking the
 * whole bucket's directory, so its time per case grows with the bucket (about 2 s a case with
 * 30,000 objects in it, on a loaded 2-core machine); S3 does not. So the cases are seeded and swept
 * in rounds of RETENTION_BENCH_ROUND (1,000 by default): the buckets never hold more than a round's
 * objects, as a prefix listing in S3 costs the same whatever the bucket holds. The S3 call counts
 * per case do not depend on it.
 */
const CASES = Number(process.env.RETENTION_BENCH_CASES ?? 10_000);
const ROUND = Math.min(CASES, Number(process.env.RETENTION_BENCH_ROUND ?? 1_000));
const TABLE = 'bench-cases';
const BUCKETS = { rawMail: 'bench-raw-mail', files: 'bench-files' };

/** Runs `fn` over `items`, `n` at a time. */
async function pool<T>(items: readonly T[], n: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

export default async function bench(): Promise<void> {
  logger.setLogLevel('WARN');
  process.env.POWERTOOLS_LOG_LEVEL = 'WARN'; // the handler's per-case INFO lines
  const dynamo = await startDynamo();
  const s3 = await startS3({ buckets: Object.values(BUCKETS) });
  const db = localDynamoClient(dynamo.url);
  const s3Client = localS3Client(s3.url);
  await createCasesTable(db, TABLE);
  // The handler's S3 calls go through a (never failing) proxy that records them: DeleteObjects is POST /<bucket>?delete.
  const proxy = await faultProxy({ target: s3.url });
  Object.assign(process.env, {
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.url,
    AWS_ENDPOINT_URL_S3: proxy.url,
    CASES_TABLE: TABLE,
    RAW_MAIL_BUCKET: BUCKETS.rawMail,
    FILES_BUCKET: BUCKETS.files,
  });

  const store = new DynamoCaseStore({ client: db, tableName: TABLE, clock: systemClock });
  const { handler } = (await import('#lambdas/retention/purge-expired')) as unknown as {
    handler: (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse>;
  };
  const batchMs: number[] = [];
  let failures = 0;
  const sweeper = createTtlSweeper({
    client: db,
    tableName: TABLE,
    batchSize: PURGE_BATCH_SIZE,
    onRemoved: async (event) => {
      const started = performance.now();
      const out = await handler(event, lambdaContext('lambdas/retention/purge-expired.ts', Date.now() + 300_000));
      batchMs.push(performance.now() - started);
      failures += out.batchItemFailures.length;
      return out;
    },
  });

  let seedSeconds = 0;
  let total = 0;
  const result = { deleted: 0, removedFailed: 0 };
  for (let first = 0; first < CASES; first += ROUND) {
    const expiresAt = Math.floor(Date.now() / 1000) - 60;
    const ids = Array.from({ length: Math.min(ROUND, CASES - first) }, (_, i) => first + i);
    let t = performance.now();
    await pool(ids, 16, async (i) => {
      const ses = `benchmsg${String(i).padStart(8, '0')}`;
      const c = aCase({ status: 'closed', outcome: 'completed', closedAt: '2020-01-10T10:00:00.000Z', expiresAt });
      await store.create(c, anEntry('RequestReceived'), anEntry('EmailReceived', { detail: { sesMessageId: ses } }));
      await s3Client.send(new PutObjectCommand({ Bucket: BUCKETS.rawMail, Key: `inbound/${ses}`, Body: 'mime' }));
      await s3Client.send(new PutObjectCommand({ Bucket: BUCKETS.files, Key: `messages/${c.id}/${ses}.json`, Body: '{}' }));
      await s3Client.send(new PutObjectCommand({ Bucket: BUCKETS.files, Key: `attachments/${c.id}/${ses}/1`, Body: 'x' }));
    });
    seedSeconds += (performance.now() - t) / 1000;
    t = performance.now();
    const swept = await sweeper.sweepOnce();
    total += (performance.now() - t) / 1000;
    result.deleted += swept.deleted;
    result.removedFailed += swept.removedFailed;
    const deletesSoFar = proxy.requests.filter((r) => r.method === 'POST' && /[?&]delete(=|&|$)/.test(r.path)).length;
    console.log(
      `round: ${String(first + ids.length)} of ${String(CASES)} cases swept, ${total.toFixed(1)} s of sweeping so far ` +
        `(${((total * 1000) / (first + ids.length)).toFixed(1)} ms a case); S3 requests by the purge ${String(proxy.requests.length)}, DeleteObjects ${String(deletesSoFar)}`,
    );
  }
  console.log(`seeded ${CASES} expired cases, ${CASES * 3} objects, in rounds of ${ROUND}: ${seedSeconds.toFixed(1)} s`);
  const calls = new Map<string, number>();
  for (const r of proxy.requests) {
    const name = r.method === 'POST' && /[?&]delete(=|&|$)/.test(r.path) ? 'DeleteObjects' : r.method === 'GET' ? 'List' : r.method;
    calls.set(name, (calls.get(name) ?? 0) + 1);
  }

  const purgeSeconds = batchMs.reduce((a, b) => a + b, 0) / 1000;
  const sorted = [...batchMs].sort((a, b) => a - b);
  const deletes = calls.get('DeleteObjects') ?? 0;
  console.log(
    `sweep: ${result.deleted} items deleted, ${result.removedFailed} purge failures (handler reported ${failures}), ${total.toFixed(1)} s in all (${((total * 1000) / CASES).toFixed(2)} ms a case)`,
  );
  console.log(
    `purge handler: ${batchMs.length} invocations of up to ${PURGE_BATCH_SIZE} records, ${purgeSeconds.toFixed(1)} s ` +
      `(${((purgeSeconds * 1000) / CASES).toFixed(2)} ms a case; batch p50 ${(sorted[Math.floor(sorted.length / 2)] ?? 0).toFixed(0)} ms, ` +
      `max ${(sorted.at(-1) ?? 0).toFixed(0)} ms)`,
  );
  console.log(
    `S3 calls by the purge: ${[...calls].map(([k, v]) => `${k} ${v}`).join(', ')}; ` +
      `${CASES * 3} objects deleted in ${deletes} DeleteObjects calls (${((CASES * 3) / Math.max(1, deletes)).toFixed(1)} a call)`,
  );

  db.destroy();
  s3Client.destroy();
  await proxy.close();
  await s3.close();
  await dynamo.close();
}
