/**
 * Accountability records expire on the schedule too (issue 13; shared/domain/retention.ts): a
 * compliance report's record and a retention review carry a TTL of 6 years from the end of their
 * period, set by every save; an account hold has none while in force, gets one on release, and
 * loses it again when placed anew. Against dynalite, through the real adapters.
 */
import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoAccountHolds } from '#adapters/dynamo-account-holds';
import { DynamoReportStore } from '#adapters/dynamo-report-store';
import { DynamoRetentionReviews } from '#adapters/dynamo-retention-reviews';
import { accountabilityExpiry, RETENTION } from '#domain/retention';
import { localDynamoClient } from '#infra/local/emulators';
import { LOCAL_RESOURCES, startLocalStack, type LocalStack } from '#infra/local/stack';
import type { Clock } from '#shared/ports';

let stack: LocalStack;
let dynamo: DynamoDBClient;
const TABLE = LOCAL_RESOURCES.casesTable;

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, sesPort: 0, oidcPort: 0, memory: true, outboxSweepSeconds: 3600, log: () => undefined });
  dynamo = localDynamoClient(stack.urls.dynamodb);
});
afterAll(async () => {
  dynamo?.destroy();
  await stack?.stop();
});

const ttlOf = async (pk: string, sk: string): Promise<number | undefined> => {
  const { Item } = await dynamo.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: pk }, sk: { S: sk } } }));
  return Item?.expiresAt?.N === undefined ? undefined : Number(Item.expiresAt.N);
};

describe('accountability records expire 6 years after their period', () => {
  it('the rule: the day after the period’s last day, plus accountabilityYears (29 Feb → 1 Mar)', () => {
    expect(RETENTION.accountabilityYears).toBe(6);
    expect(new Date(accountabilityExpiry('2026-11-30') * 1000).toISOString()).toBe('2032-12-01T00:00:00.000Z');
    // The day after 28 Feb 2028 is 29 Feb 2028; six years on there is no 29 Feb, so 1 Mar 2034.
    expect(new Date(accountabilityExpiry('2028-02-28') * 1000).toISOString()).toBe('2034-03-01T00:00:00.000Z');
    expect(() => accountabilityExpiry('2026-13-01')).toThrow(RangeError);
  });

  it('a compliance report’s record carries the TTL from the end of its period', async () => {
    const reports = new DynamoReportStore({ client: dynamo, tableName: TABLE });
    await reports.save({
      id: 'monthly-2026-11',
      kind: 'monthly',
      period: '2026-11',
      label: 'November 2026',
      from: '2026-11-01',
      to: '2026-11-30',
      generatedAt: '2026-12-01T07:00:00.000Z',
      generatedBy: 'system',
      keys: {} as never,
      headline: {},
    } as never);
    expect(await ttlOf('REPORT#monthly-2026-11', 'REPORT')).toBe(accountabilityExpiry('2026-11-30'));
  });

  it('a retention review carries the TTL from the end of its month', async () => {
    const reviews = new DynamoRetentionReviews({ client: dynamo, tableName: TABLE });
    await reviews.save({
      month: '2026-02',
      closedFrom: '2019-02-01',
      closedTo: '2019-02-28',
      generatedAt: '2026-03-02T07:30:00.000Z',
      by: 'system',
      due: [],
      held: [],
    });
    expect(await ttlOf('RETENTIONREVIEW#2026-02', 'RETENTIONREVIEW')).toBe(accountabilityExpiry('2026-02-28'));
  });

  it('an account hold has no TTL while in force, one from its release, and none again when placed anew', async () => {
    let now = new Date('2026-12-02T10:00:00.000Z');
    const clock: Clock = { now: () => now };
    const holds = new DynamoAccountHolds({ client: dynamo, tableName: TABLE, clock });
    await holds.place('ACC-2077', { reason: 'Litigation', placedBy: 'staff:dpo', since: now.toISOString() });
    expect(await ttlOf('ACCOUNTHOLD#ACC-2077', 'ACCOUNTHOLD')).toBeUndefined();
    now = new Date('2027-03-15T10:00:00.000Z');
    await holds.release('ACC-2077', 'Settled', 'staff:dpo');
    expect(await ttlOf('ACCOUNTHOLD#ACC-2077', 'ACCOUNTHOLD')).toBe(accountabilityExpiry('2027-03-15'));
    await holds.place('ACC-2077', { reason: 'New claim', placedBy: 'staff:dpo', since: now.toISOString() });
    expect(await ttlOf('ACCOUNTHOLD#ACC-2077', 'ACCOUNTHOLD')).toBeUndefined();
  });
});
