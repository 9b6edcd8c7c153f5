/**
 * TTL for dynalite, which has none: every so often, delete the cases-table items whose
 * `expiresAt` has passed, as DynamoDB's background process does in AWS. A Scan is right here
 * (it stands in for that background process, locally); the application itself never scans.
 *
 * dynalite has no streams either: with `onRemoved`, each deleted item's old image goes to it as
 * the REMOVE record DynamoDB's stream would carry for a TTL deletion (userIdentity the service
 * principal dynamodb.amazonaws.com), `batchSize` records an event, so the local stack runs the
 * retention purge (lambdas/retention/purge-expired.ts) exactly as the stream does in AWS.
 *
 * Like DynamoDB, it only considers Number values in epoch seconds, and ignores values more than
 * five years in the past. Each delete is conditional on the item still being expired, so an
 * item changed since the scan (a legal hold removing its TTL, say) is left alone.
 */
import { randomUUID } from 'node:crypto';
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  paginateScan,
  type AttributeValue as SdkAttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { AttributeValue, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { CASES_TABLE } from '#adapters/cases-table-schema';
import { TTL_IDENTITY } from '#shared/retention/ttl-identity';
import { systemClock, type Clock } from '#shared/ports';

const FIVE_YEARS_SECONDS = 5 * 365 * 24 * 60 * 60;

export interface TtlSweeperOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /** Seconds between sweeps. Default 60. */
  readonly intervalSeconds?: number;
  readonly clock?: Clock;
  readonly log?: (line: string) => void;
  /** What the table's stream would invoke with the TTL's REMOVE records (the retention purge). */
  readonly onRemoved?: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | undefined>;
  /** Records an `onRemoved` event carries at most (the event source mapping's batch size). Default 100. */
  readonly batchSize?: number;
}

export interface SweepResult {
  /** Items found expired by the scan. */
  expired: number;
  deleted: number;
  /** Expired when scanned, changed before the delete: kept. */
  kept: number;
  /** Records `onRemoved` reported failed (batchItemFailures) or that were in an event it threw on. */
  removedFailed: number;
}

/** An image as a stream record carries it: the SDK's values, binaries in base64. */
function streamImage(image: Record<string, SdkAttributeValue>): Record<string, AttributeValue> {
  const value = (v: SdkAttributeValue): AttributeValue => {
    if (v.M) return { M: streamImage(v.M) };
    if (v.L) return { L: v.L.map(value) };
    if (v.B) return { B: Buffer.from(v.B).toString('base64') };
    if (v.BS) return { BS: v.BS.map((b) => Buffer.from(b).toString('base64')) };
    return v as AttributeValue;
  };
  return Object.fromEntries(Object.entries(image).map(([k, v]) => [k, value(v)]));
}

let sequence = 0;

/** The stream record of an item DynamoDB's TTL deleted (REMOVE, by the service principal), as Lambda receives it. */
export function ttlRemoveRecord(tableName: string, oldImage: Record<string, SdkAttributeValue>, at: Date): DynamoDBRecord {
  const image = streamImage(oldImage);
  sequence += 1;
  return {
    eventID: randomUUID(),
    eventName: 'REMOVE',
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'eu-west-2',
    eventSourceARN: `arn:aws:dynamodb:eu-west-2:000000000000:table/${tableName}/stream/local`,
    userIdentity: { ...TTL_IDENTITY },
    dynamodb: {
      ApproximateCreationDateTime: Math.floor(at.getTime() / 1000),
      Keys: { [CASES_TABLE.partitionKey]: image[CASES_TABLE.partitionKey]!, [CASES_TABLE.sortKey]: image[CASES_TABLE.sortKey]! },
      OldImage: image,
      SequenceNumber: String(sequence).padStart(21, '0'),
      SizeBytes: JSON.stringify(image).length,
      StreamViewType: 'OLD_IMAGE',
    },
  };
}

export interface TtlSweeper {
  sweepOnce(): Promise<SweepResult>;
  /** Sweeps now, then every interval, until stopped. */
  start(): void;
  /** Cancels the schedule and waits for a sweep in progress. */
  stop(): Promise<void>;
}

export function createTtlSweeper(opts: TtlSweeperOptions): TtlSweeper {
  const clock = opts.clock ?? systemClock;
  const intervalMs = (opts.intervalSeconds ?? 60) * 1000;
  const log = opts.log ?? (() => undefined);
  const batchSize = opts.batchSize ?? 100;
  const names = { '#pk': CASES_TABLE.partitionKey, '#sk': CASES_TABLE.sortKey, '#ttl': CASES_TABLE.ttlAttribute };
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let stopped = false;

  async function sweepOnce(): Promise<SweepResult> {
    const now = Math.floor(clock.now().getTime() / 1000);
    const values = { ':oldest': { N: String(now - FIVE_YEARS_SECONDS) }, ':now': { N: String(now) } };
    // A type mismatch never satisfies BETWEEN, so string-valued TTLs are ignored, as in DynamoDB.
    const expiredNow = '#ttl BETWEEN :oldest AND :now';
    const result: SweepResult = { expired: 0, deleted: 0, kept: 0, removedFailed: 0 };
    const removed: DynamoDBRecord[] = [];
    const pages = paginateScan(
      { client: opts.client, pageSize: 100 },
      {
        TableName: opts.tableName,
        ProjectionExpression: '#pk, #sk, #ttl',
        FilterExpression: expiredNow,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ConsistentRead: true,
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        result.expired += 1;
        try {
          const { Attributes } = await opts.client.send(
            new DeleteItemCommand({
              TableName: opts.tableName,
              Key: { [CASES_TABLE.partitionKey]: item[CASES_TABLE.partitionKey]!, [CASES_TABLE.sortKey]: item[CASES_TABLE.sortKey]! },
              ConditionExpression: expiredNow,
              ExpressionAttributeNames: { '#ttl': CASES_TABLE.ttlAttribute },
              ExpressionAttributeValues: values,
              ReturnValues: 'ALL_OLD',
            }),
          );
          result.deleted += 1;
          if (opts.onRemoved && Attributes) removed.push(ttlRemoveRecord(opts.tableName, Attributes, clock.now()));
        } catch (err) {
          if (!(err instanceof ConditionalCheckFailedException)) throw err;
          result.kept += 1;
        }
      }
    }
    for (let i = 0; i < removed.length; i += batchSize) {
      const Records = removed.slice(i, i + batchSize);
      try {
        const response = await opts.onRemoved?.({ Records });
        result.removedFailed += response?.batchItemFailures.length ?? 0;
      } catch {
        result.removedFailed += Records.length;
      }
    }
    return result;
  }

  async function scheduled(): Promise<void> {
    try {
      const { deleted, removedFailed } = await sweepOnce();
      if (deleted > 0) log(`ttl sweeper: deleted ${deleted} expired item(s)`);
      // Like records that exhaust their retries in AWS (the purge's dead-letter queue): told, not retried.
      if (removedFailed > 0) log(`ttl sweeper: the purge failed for ${removedFailed} removed item(s); their objects remain`);
    } catch (err) {
      log(`ttl sweeper: sweep failed (${err instanceof Error ? err.name : typeof err}); trying again in ${intervalMs / 1000} s`);
    }
  }

  function next(delayMs: number): void {
    timer = setTimeout(() => {
      running = scheduled().finally(() => {
        running = undefined;
        if (!stopped) next(intervalMs);
      });
    }, delayMs);
    timer.unref(); // the sweeper alone never keeps the process alive
  }

  return {
    sweepOnce,
    start: () => {
      if (timer || stopped) return;
      next(0);
    },
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
