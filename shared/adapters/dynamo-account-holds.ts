/**
 * Legal holds on Icetrak's customer accounts in the cases table (issue 13): pk
 * `ACCOUNTHOLD#<accountId>`, sk `ACCOUNTHOLD`. The item keeps the hold in force (`hold`) and an
 * append-only `history` of placings and releases, so a released hold is still accounted for.
 * While held, the item sits in the queue index's `ACCOUNTHOLDS` partition, sorted by account id:
 * the list is one Query, never a Scan. Both writes are conditional on the item's state, so two
 * DPOs acting at once get one success and one 409.
 */
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { AccountHoldEvent, AccountHoldInForce } from '#domain/account-holds';
import { AccountAlreadyHeldError, AccountNotHeldError } from '#domain/errors';
import type { AccountHolds, Clock } from '#shared/ports';
import { accountabilityExpiry, RETENTION, type RetentionSchedule } from '#domain/retention';
import { londonDateOf } from '#domain/calendar';
import { CASES_TABLE } from './cases-table-schema';

const PK = CASES_TABLE.partitionKey;
const SK = CASES_TABLE.sortKey;
const LIST = CASES_TABLE.indexes.queue;
const HELD = 'ACCOUNTHOLDS';

const keyOf = (accountId: string) => ({ [PK]: `ACCOUNTHOLD#${accountId}`, [SK]: 'ACCOUNTHOLD' });

export class DynamoAccountHolds implements AccountHolds {
  private readonly doc: DynamoDBDocumentClient;
  private readonly table: string;
  private readonly clock: Clock;

  /** The schedule whose accountabilityYears sets the TTL (RETENTION_ACCOUNTABILITY_YEARS). */
  private readonly retention: RetentionSchedule;

  constructor(opts: { client: DynamoDBClient; tableName: string; clock: Clock; retention?: RetentionSchedule }) {
    this.retention = opts.retention ?? RETENTION;
    this.doc = DynamoDBDocumentClient.from(opts.client, { marshallOptions: { removeUndefinedValues: true } });
    this.table = opts.tableName;
    this.clock = opts.clock;
  }

  async place(accountId: string, h: { reason: string; reviewOn?: string | null; placedBy: string; since: string }): Promise<AccountHoldInForce> {
    const hold: AccountHoldInForce = { accountId, reason: h.reason, since: h.since, reviewOn: h.reviewOn ?? null, placedBy: h.placedBy };
    const event: AccountHoldEvent = { action: 'placed', at: this.clock.now().toISOString(), by: h.placedBy, reason: h.reason, reviewOn: hold.reviewOn };
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keyOf(accountId),
          // A hold in force is never deleted: a TTL left from an earlier release goes.
          UpdateExpression: 'SET #hold = :hold, #history = list_append(if_not_exists(#history, :empty), :event), #lpk = :lpk, #lsk = :lsk REMOVE #exp',
          ConditionExpression: 'attribute_not_exists(#hold)',
          ExpressionAttributeNames: { '#hold': 'hold', '#history': 'history', '#lpk': LIST.partitionKey, '#lsk': LIST.sortKey, '#exp': 'expiresAt' },
          ExpressionAttributeValues: { ':hold': hold, ':empty': [], ':event': [event], ':lpk': HELD, ':lsk': accountId },
        }),
      );
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) throw new AccountAlreadyHeldError(`Account ${accountId} is already on legal hold.`);
      throw err;
    }
    return hold;
  }

  async release(accountId: string, reason: string, by: string): Promise<void> {
    const event: AccountHoldEvent = { action: 'released', at: this.clock.now().toISOString(), by, reason };
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keyOf(accountId),
          // Released: its history is kept accountabilityYears (RETENTION_ACCOUNTABILITY_YEARS), then DynamoDB's TTL deletes it (shared/domain/retention.ts).
          UpdateExpression: 'SET #history = list_append(#history, :event), #exp = :exp REMOVE #hold, #lpk, #lsk',
          ConditionExpression: 'attribute_exists(#hold)',
          ExpressionAttributeNames: { '#hold': 'hold', '#history': 'history', '#lpk': LIST.partitionKey, '#lsk': LIST.sortKey, '#exp': 'expiresAt' },
          ExpressionAttributeValues: { ':event': [event], ':exp': accountabilityExpiry(londonDateOf(event.at), this.retention) },
        }),
      );
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) throw new AccountNotHeldError(`Account ${accountId} is not on legal hold.`);
      throw err;
    }
  }

  async list(): Promise<AccountHoldInForce[]> {
    const holds: AccountHoldInForce[] = [];
    let start: QueryCommandOutput['LastEvaluatedKey'];
    do {
      const page: QueryCommandOutput = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: 'queue',
          KeyConditionExpression: '#pk = :held',
          ExpressionAttributeNames: { '#pk': LIST.partitionKey },
          ExpressionAttributeValues: { ':held': HELD },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of page.Items ?? []) if (item.hold) holds.push(item.hold as AccountHoldInForce);
      start = page.LastEvaluatedKey;
    } while (start);
    return holds;
  }

  async find(accountId: string): Promise<{ hold: AccountHoldInForce | null; history: AccountHoldEvent[] } | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.table, Key: keyOf(accountId), ConsistentRead: true }));
    if (!Item) return undefined;
    return { hold: (Item.hold as AccountHoldInForce | undefined) ?? null, history: (Item.history as AccountHoldEvent[] | undefined) ?? [] };
  }
}
