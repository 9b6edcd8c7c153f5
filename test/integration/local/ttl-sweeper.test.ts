/** The local TTL sweeper against dynalite: deletes what DynamoDB's TTL would, and nothing else. */
import { randomUUID } from 'node:crypto';
import { GetItemCommand, PutItemCommand, UpdateItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { createTtlSweeper } from '#infra/local/ttl-sweeper';
import type { Clock } from '#shared/ports';
import { useDynamo } from '#test/support/emulators';

const db = useDynamo();
const NOW = new Date('2026-11-27T12:00:00Z');
const now = NOW.getTime() / 1000;
const clock: Clock = { now: () => NOW };
const YEAR = 365 * 24 * 60 * 60;

async function put(expiresAt?: AttributeValue): Promise<string> {
  const id = randomUUID();
  await db.client.send(
    new PutItemCommand({
      TableName: db.tableName,
      Item: { pk: { S: `CASE#${id}` }, sk: { S: 'CASE' }, version: { N: '1' }, ...(expiresAt && { expiresAt }) },
    }),
  );
  return id;
}

async function exists(id: string): Promise<boolean> {
  const { Item } = await db.client.send(
    new GetItemCommand({ TableName: db.tableName, Key: { pk: { S: `CASE#${id}` }, sk: { S: 'CASE' } }, ConsistentRead: true }),
  );
  return Item !== undefined;
}

describe('TTL sweeper', () => {
  it('deletes items whose expiresAt has passed and keeps everything else', async () => {
    const expired = await put({ N: String(now - 10) });
    const expiringNow = await put({ N: String(now) });
    const live = await put({ N: String(now + 3600) });
    const noTtl = await put();
    const stringTtl = await put({ S: String(now - 10) }); // DynamoDB ignores non-Number TTL values
    const ancient = await put({ N: String(now - 6 * YEAR) }); // ...and values over five years old

    const result = await createTtlSweeper({ client: db.client, tableName: db.tableName, clock }).sweepOnce();

    expect(result).toEqual({ expired: 2, deleted: 2, kept: 0, removedFailed: 0 });
    expect(await exists(expired)).toBe(false);
    expect(await exists(expiringNow)).toBe(false);
    for (const id of [live, noTtl, stringTtl, ancient]) expect(await exists(id)).toBe(true);
  });

  it('keeps an item whose TTL was removed between the scan and the delete', async () => {
    const held = await put({ N: String(now - 10) });
    const client = db.client;
    // Simulate a legal hold landing just before the sweeper's delete reaches the table.
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'DeleteItemCommand') {
          await client.send(
            new UpdateItemCommand({
              TableName: db.tableName,
              Key: { pk: { S: `CASE#${held}` }, sk: { S: 'CASE' } },
              UpdateExpression: 'REMOVE expiresAt',
            }),
          );
        }
        return next(args);
      },
      { step: 'initialize', name: 'legalHoldRace' },
    );
    try {
      const result = await createTtlSweeper({ client, tableName: db.tableName, clock }).sweepOnce();
      expect(result).toMatchObject({ deleted: 0, kept: 1 });
    } finally {
      client.middlewareStack.remove('legalHoldRace');
    }
    expect(await exists(held)).toBe(true);
  });

  it('sweeps on its own schedule once started, and stops', async () => {
    const expired = await put({ N: String(now - 10) });
    const lines: string[] = [];
    const sweeper = createTtlSweeper({ client: db.client, tableName: db.tableName, clock, intervalSeconds: 0.05, log: (l) => lines.push(l) });
    sweeper.start();
    try {
      await expect.poll(() => exists(expired), { timeout: 2_000, interval: 25 }).toBe(false);
    } finally {
      await sweeper.stop();
    }
    expect(lines).toContain('ttl sweeper: deleted 1 expired item(s)');
  });
});
