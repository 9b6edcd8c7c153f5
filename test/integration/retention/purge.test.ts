/**
 * Deletion follows the item (issue 13), on the local stack: the TTL sweeper deletes an expired
 * case item from dynalite and drives the retention purge handler (lambdas/retention/purge-expired.ts)
 * with the stream record DynamoDB's TTL would make; the case's objects in s3rver are deleted and a
 * tombstone is written. s3rver has no versions, so this runs the adapter's unversioned path; the
 * versioned one is tested with a mocked client (test/unit/adapters/s3-case-objects.test.ts).
 */
import { GetItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ListObjectsCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoCaseStore } from '#adapters/dynamo-case-store';
import { DynamoTombstones } from '#adapters/dynamo-tombstones';
import type { Case } from '#domain/case';
import { localDynamoClient, localS3Client } from '#infra/local/emulators';
import { lambdaContext } from '#infra/local/lambda-context';
import { LOCAL_RESOURCES, startLocalStack } from '#infra/local/stack';
import { ttlRemoveRecord } from '#infra/local/ttl-sweeper';
import { aCase, anEntry } from '#test/support/cases';
import { systemClock } from '#shared/ports';

let stack: Awaited<ReturnType<typeof startLocalStack>>;
let dynamo: DynamoDBClient;
let s3: S3Client;
let cases: DynamoCaseStore;
let tombstones: DynamoTombstones;
let handler: (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse>;

beforeAll(async () => {
  // The sweeper's timer is left far off: each test sweeps when it means to.
  stack = await startLocalStack({ port: 0, sesPort: 0, memory: true, ttlSweepSeconds: 3600, outboxSweepSeconds: 3600, log: () => {} });
  dynamo = localDynamoClient(stack.urls.dynamodb);
  s3 = localS3Client(stack.urls.s3);
  cases = new DynamoCaseStore({ client: dynamo, tableName: LOCAL_RESOURCES.casesTable, clock: systemClock });
  tombstones = new DynamoTombstones({ client: dynamo, tableName: LOCAL_RESOURCES.casesTable });
  // The handler reads the environment the stack set, as every local invocation does.
  ({ handler } = await import('#lambdas/retention/purge-expired'));
});
afterAll(async () => {
  dynamo?.destroy();
  s3?.destroy();
  await stack?.stop();
});

const invoke = (Records: DynamoDBRecord[]) => handler({ Records }, lambdaContext('lambdas/retention/purge-expired.ts', Date.now() + 60_000));
const past = () => Math.floor(Date.now() / 1000) - 60;
let n = 0;

/** A closed case with one email (raw MIME, parsed message, two attachments) and an export, stored. */
async function storedCase(overrides: Partial<Case> = {}): Promise<{ c: Case; keys: { rawMail: string[]; files: string[] } }> {
  n += 1;
  const ses = `purgetest${String(n).padStart(4, '0')}${Date.now()}`;
  const c = aCase({
    status: 'closed',
    outcome: 'completed',
    closedAt: '2026-11-20T10:00:00.000Z',
    respondedOn: '2026-11-20',
    requester: { fullName: 'Grace Hopper', email: 'grace@example.org', postalAddress: '1 Navy Way' },
    details: 'All my data please',
    audit: [anEntry('RequestReceived'), anEntry('EmailReceived', { detail: { sesMessageId: ses } })],
    ...overrides,
  });
  await cases.create(c, c.audit[0]!, ...c.audit.slice(1));
  const keys = {
    rawMail: [`inbound/${ses}`],
    files: [`messages/${c.id}/${ses}.json`, `attachments/${c.id}/${ses}/1`, `attachments/${c.id}/${ses}/2`, `exports/${c.id}/1.zip`],
  };
  for (const key of keys.rawMail) await s3.send(new PutObjectCommand({ Bucket: LOCAL_RESOURCES.rawMailBucket, Key: key, Body: 'mime' }));
  for (const key of keys.files) await s3.send(new PutObjectCommand({ Bucket: LOCAL_RESOURCES.filesBucket, Key: key, Body: 'x' }));
  return { c, keys };
}

async function remaining(c: Case): Promise<string[]> {
  const list = async (Bucket: string, Prefix: string) => ((await s3.send(new ListObjectsCommand({ Bucket, Prefix }))).Contents ?? []).map((o) => o.Key!);
  const ses = String(c.audit.find((e) => e.action === 'EmailReceived')?.detail?.sesMessageId);
  return [
    ...(await list(LOCAL_RESOURCES.rawMailBucket, `inbound/${ses}`)),
    ...(await list(LOCAL_RESOURCES.filesBucket, `messages/${c.id}/`)),
    ...(await list(LOCAL_RESOURCES.filesBucket, `attachments/${c.id}/`)),
    ...(await list(LOCAL_RESOURCES.filesBucket, `exports/${c.id}/`)),
  ];
}

describe('TTL sweep → purge', () => {
  it('deletes an expired case’s objects in both buckets and writes a tombstone without personal data; a held case is never swept', async () => {
    const expiresAt = past();
    const { c: expired } = await storedCase({ expiresAt });
    const { c: live, keys: liveKeys } = await storedCase({ expiresAt: past() + 3600 });
    const { c: held, keys: heldKeys } = await storedCase({
      legalHold: { reason: 'Litigation', since: '2026-11-21T09:00:00.000Z', placedBy: 'staff:dpo' },
    });

    expect(await remaining(expired)).toHaveLength(5);

    const result = await stack.ttlSweeper.sweepOnce();

    expect(result).toMatchObject({ deleted: 1, kept: 0, removedFailed: 0 });
    expect(await cases.find(expired.id)).toBeUndefined();
    expect(await remaining(expired)).toEqual([]);
    const tombstone = await tombstones.find(expired.id);
    expect(tombstone).toEqual({
      caseId: expired.id,
      reference: expired.reference,
      rights: ['access'],
      channel: 'form',
      receivedOn: expired.receivedOn,
      dueOn: expired.dueOn,
      respondedOn: '2026-11-20',
      outcome: 'completed',
      closedAt: '2026-11-20T10:00:00.000Z',
      expiredAt: new Date(expiresAt * 1000).toISOString(),
      purgedAt: expect.any(String) as string,
      objectsDeleted: 5,
      // What the reports' closed figures read (shared/domain/report-figures.ts tombstoneAsReportCase): closing facts, nothing personal.
      nation: expired.nation,
      clockStartsOn: expired.clockStartsOn,
      extended: false,
      extensionGround: null,
      refusalGround: null,
      keptBecause: [],
      complaintAcknowledgedOn: null,
    });
    expect(JSON.stringify(tombstone)).not.toMatch(/Grace|grace@|Navy|All my data/);
    // Untouched: a case not yet expired, and a held one (a hold removes expiresAt, so TTL never sees it).
    expect((await remaining(live)).sort()).toEqual([...liveKeys.rawMail, ...liveKeys.files].sort());
    expect((await remaining(held)).sort()).toEqual([...heldKeys.rawMail, ...heldKeys.files].sort());
    expect(await cases.find(held.id)).toBeDefined();
    expect(await tombstones.find(held.id)).toBeUndefined();
  });
});

describe('the purge handler', () => {
  it('skips a TTL REMOVE of a case under legal hold: its objects stay, no tombstone', async () => {
    const { c, keys } = await storedCase({
      expiresAt: past(),
      legalHold: { reason: 'Investigation', since: '2026-11-21T09:00:00.000Z', placedBy: 'staff:dpo' },
    });
    const out = await invoke([ttlRemoveRecord(LOCAL_RESOURCES.casesTable, await rawItem(c.id), new Date())]);
    expect(out).toEqual({ batchItemFailures: [] });
    expect((await remaining(c)).sort()).toEqual([...keys.rawMail, ...keys.files].sort());
    expect(await tombstones.find(c.id)).toBeUndefined();
  });

  it('ignores a manual delete (not DynamoDB’s TTL) and records that are not REMOVEs', async () => {
    const { c, keys } = await storedCase({ expiresAt: past() });
    const record = ttlRemoveRecord(LOCAL_RESOURCES.casesTable, await rawItem(c.id), new Date());
    const manual: DynamoDBRecord = { ...record, userIdentity: undefined };
    const impostor: DynamoDBRecord = { ...record, userIdentity: { type: 'Service', principalId: 'lambda.amazonaws.com' } };
    const modify: DynamoDBRecord = { ...record, eventName: 'MODIFY' };
    expect(await invoke([manual, impostor, modify])).toEqual({ batchItemFailures: [] });
    expect((await remaining(c)).sort()).toEqual([...keys.rawMail, ...keys.files].sort());
    expect(await tombstones.find(c.id)).toBeUndefined();
  });

  it('is idempotent under a retried batch: the tombstone is written once and keeps the first count', async () => {
    const { c } = await storedCase({ expiresAt: past() });
    const record = ttlRemoveRecord(LOCAL_RESOURCES.casesTable, await rawItem(c.id), new Date());
    expect(await invoke([record])).toEqual({ batchItemFailures: [] });
    const first = await tombstones.find(c.id);
    expect(await invoke([record])).toEqual({ batchItemFailures: [] });
    expect(await tombstones.find(c.id)).toEqual(first);
    expect(first?.objectsDeleted).toBe(5);
  });
});

/** The stored item of case `id`, as DynamoDB holds it (the stream's old image is this). */
async function rawItem(id: string): Promise<Record<string, AttributeValue>> {
  const { Item } = await dynamo.send(new GetItemCommand({ TableName: LOCAL_RESOURCES.casesTable, Key: { pk: { S: `CASE#${id}` }, sk: { S: 'CASE' } } }));
  return Item!;
}
