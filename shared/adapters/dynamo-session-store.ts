/**
 * Staff sessions and pending sign-ins in the cases table. Keys hold a SHA-256 of the session id
 * or state, never the value itself (the table and its backups are no place for live secrets);
 * no GSI keys, so no index sees them; `expiresAt` is the table's TTL, and a read ignores an item
 * whose TTL has passed before DynamoDB deletes it.
 */
import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { PendingSignIn, SessionStore, StaffSession } from '#shared/auth/session';
import type { Clock } from '#shared/ports';
import { CASES_TABLE } from './cases-table-schema';

const PK = CASES_TABLE.partitionKey;
const SK = CASES_TABLE.sortKey;
const TTL = CASES_TABLE.ttlAttribute;

interface Options {
  client: DynamoDBClient;
  tableName: string;
  clock: Clock;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');
const epoch = (d: Date) => Math.floor(d.getTime() / 1000);

export class DynamoSessionStore implements SessionStore {
  private readonly doc: DynamoDBDocumentClient;
  constructor(private readonly opts: Options) {
    this.doc = DynamoDBDocumentClient.from(opts.client, { marshallOptions: { removeUndefinedValues: true } });
  }

  private sessionKey(id: string) {
    return { [PK]: `SESSION#${sha256(id)}`, [SK]: 'SESSION' };
  }

  private signInKey(state: string) {
    return { [PK]: `SIGNIN#${sha256(state)}`, [SK]: 'SIGNIN' };
  }

  private live(item: Record<string, unknown> | undefined): boolean {
    return item !== undefined && (item[TTL] as number) > epoch(this.opts.clock.now());
  }

  async create(id: string, session: StaffSession): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.opts.tableName,
        Item: { ...this.sessionKey(id), session, lastSeenAt: session.lastSeenAt, [TTL]: epoch(new Date(session.expiresAt)) },
        // A 256-bit random id never repeats; if it did, the older session must not be replaced.
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': PK },
      }),
    );
  }

  async get(id: string): Promise<StaffSession | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.opts.tableName, Key: this.sessionKey(id), ConsistentRead: true }));
    if (!this.live(Item)) return undefined;
    return { ...(Item!.session as StaffSession), lastSeenAt: Item!.lastSeenAt as string };
  }

  async touch(id: string, at: Date): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.opts.tableName,
          Key: this.sessionKey(id),
          UpdateExpression: 'SET lastSeenAt = :at',
          // Never recreate a session that was signed out meanwhile.
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: { '#pk': PK },
          ExpressionAttributeValues: { ':at': at.toISOString() },
        }),
      );
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
    }
  }

  async delete(id: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.opts.tableName, Key: this.sessionKey(id) }));
  }

  async putPendingSignIn(state: string, pending: PendingSignIn, expiresAt: Date): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.opts.tableName,
        Item: { ...this.signInKey(state), pending, [TTL]: epoch(expiresAt) },
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': PK },
      }),
    );
  }

  async takePendingSignIn(state: string): Promise<PendingSignIn | undefined> {
    try {
      // The conditional delete is the single use: of two callbacks with one state, one gets it.
      const { Attributes } = await this.doc.send(
        new DeleteCommand({
          TableName: this.opts.tableName,
          Key: this.signInKey(state),
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: { '#pk': PK },
          ReturnValues: 'ALL_OLD',
        }),
      );
      return this.live(Attributes) ? (Attributes!.pending as PendingSignIn) : undefined;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return undefined;
      throw err;
    }
  }
}
