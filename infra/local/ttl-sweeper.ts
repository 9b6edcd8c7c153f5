/**
 * TTL for dynalite, which has none: every so often, delete the cases-table items whose
 * `expiresAt` has passed, as DynamoDB's background process does in AWS. A Scan is right here
 * (it stands in for that background process, locally); the application itself never scans.
 *
 * Like DynamoDB, it only considers Number values in epoch seconds, and ignores values more than
 * five years in the past. Each delete is conditional on the item still being expired, so an
 * item changed since the scan (a legal hold removing its TTL, say) is left alone.
 */
import { ConditionalCheckFailedException, DeleteItemCommand, paginateScan, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CASES_TABLE } from '#adapters/cases-table-schema';
import { systemClock, type Clock } from '#shared/ports';

const FIVE_YEARS_SECONDS = 5 * 365 * 24 * 60 * 60;

export interface TtlSweeperOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /** Seconds between sweeps. Default 60. */
  readonly intervalSeconds?: number;
  readonly clock?: Clock;
  readonly log?: (line: string) => void;
}

export interface SweepResult {
  /** Items found expired by the scan. */
  expired: number;
  deleted: number;
  /** Expired when scanned, changed before the delete: kept. */
  kept: number;
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
  const names = { '#pk': CASES_TABLE.partitionKey, '#sk': CASES_TABLE.sortKey, '#ttl': CASES_TABLE.ttlAttribute };
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let stopped = false;

  async function sweepOnce(): Promise<SweepResult> {
    const now = Math.floor(clock.now().getTime() / 1000);
    const values = { ':oldest': { N: String(now - FIVE_YEARS_SECONDS) }, ':now': { N: String(now) } };
    // A type mismatch never satisfies BETWEEN, so string-valued TTLs are ignored, as in DynamoDB.
    const expiredNow = '#ttl BETWEEN :oldest AND :now';
    const result: SweepResult = { expired: 0, deleted: 0, kept: 0 };
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
          await opts.client.send(
            new DeleteItemCommand({
              TableName: opts.tableName,
              Key: { [CASES_TABLE.partitionKey]: item[CASES_TABLE.partitionKey]!, [CASES_TABLE.sortKey]: item[CASES_TABLE.sortKey]! },
              ConditionExpression: expiredNow,
              ExpressionAttributeNames: { '#ttl': CASES_TABLE.ttlAttribute },
              ExpressionAttributeValues: values,
            }),
          );
          result.deleted += 1;
        } catch (err) {
          if (!(err instanceof ConditionalCheckFailedException)) throw err;
          result.kept += 1;
        }
      }
    }
    return result;
  }

  async function scheduled(): Promise<void> {
    try {
      const { deleted } = await sweepOnce();
      if (deleted > 0) log(`ttl sweeper: deleted ${deleted} expired item(s)`);
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
