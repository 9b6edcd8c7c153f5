/**
 * Short-lived intake records in the cases table (they carry no GSI keys, so no index sees
 * them, and a TTL so DynamoDB removes them): submission claims for idempotent intake, and
 * fixed-window counters for per-client rate limits. Keys are hashes supplied by the caller,
 * never addresses or raw IPs.
 */
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Clock, RateLimiter, SubmissionClaim, SubmissionLedger } from '#shared/ports';
import { CASES_TABLE } from './cases-table-schema';

const PK = CASES_TABLE.partitionKey;
const SK = CASES_TABLE.sortKey;
const TTL = CASES_TABLE.ttlAttribute;

interface Options {
  client: DynamoDBClient;
  tableName: string;
  clock: Clock;
}

const epoch = (clock: Clock) => Math.floor(clock.now().getTime() / 1000);

export class DynamoSubmissionLedger implements SubmissionLedger {
  private readonly doc: DynamoDBDocumentClient;
  constructor(private readonly opts: Options) {
    this.doc = DynamoDBDocumentClient.from(opts.client);
  }

  private key(key: string) {
    return { [PK]: `SUBMISSION#${key}`, [SK]: 'SUBMISSION' };
  }

  async claim(key: string, claim: SubmissionClaim, ttlSeconds: number): Promise<SubmissionClaim | undefined> {
    const now = epoch(this.opts.clock);
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.opts.tableName,
          Item: { ...this.key(key), caseId: claim.caseId, reference: claim.reference, [TTL]: now + ttlSeconds },
          // An expired claim that DynamoDB has not yet deleted no longer counts.
          ConditionExpression: 'attribute_not_exists(#pk) OR #ttl <= :now',
          ExpressionAttributeNames: { '#pk': PK, '#ttl': TTL },
          ExpressionAttributeValues: { ':now': now },
        }),
      );
      return undefined;
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      const existing = await this.find(key);
      if (!existing) throw err; // expired between the two calls: let the caller's retry claim it
      return existing;
    }
  }

  async find(key: string): Promise<SubmissionClaim | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.opts.tableName, Key: this.key(key), ConsistentRead: true }));
    if (!Item || (Item[TTL] as number) <= epoch(this.opts.clock)) return undefined;
    return { caseId: Item.caseId as string, reference: Item.reference as string };
  }
}

export class DynamoRateLimiter implements RateLimiter {
  private readonly doc: DynamoDBDocumentClient;
  constructor(private readonly opts: Options) {
    this.doc = DynamoDBDocumentClient.from(opts.client);
  }

  async hit(subject: string, limit: number, windowSeconds: number, token?: string): Promise<boolean> {
    const now = epoch(this.opts.clock);
    const window = now - (now % windowSeconds);
    if (token !== undefined) return this.hitDistinct(`RATE#${subject}#${window}`, token, limit, window + windowSeconds);
    const { Attributes } = await this.doc.send(
      new UpdateCommand({
        TableName: this.opts.tableName,
        Key: { [PK]: `RATE#${subject}#${window}`, [SK]: 'RATE' },
        UpdateExpression: 'ADD #count :one SET #ttl = if_not_exists(#ttl, :expires)',
        ExpressionAttributeNames: { '#count': 'hits', '#ttl': TTL },
        ExpressionAttributeValues: { ':one': 1, ':expires': window + windowSeconds },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return (Attributes?.hits as number) <= limit;
  }

  /**
   * Distinct tokens in a string set: adding one that is already there changes nothing, so a
   * replay is answered as the first time was. The set stops growing at `limit` (the condition
   * refuses new tokens then), so the item stays small whatever the traffic.
   */
  private async hitDistinct(pk: string, token: string, limit: number, expires: number): Promise<boolean> {
    const key = { [PK]: pk, [SK]: 'RATE' };
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.opts.tableName,
          Key: key,
          UpdateExpression: 'ADD #tokens :token SET #ttl = if_not_exists(#ttl, :expires)',
          ConditionExpression: 'attribute_not_exists(#tokens) OR size(#tokens) < :limit OR contains(#tokens, :one)',
          ExpressionAttributeNames: { '#tokens': 'tokens', '#ttl': TTL },
          ExpressionAttributeValues: { ':token': new Set([token]), ':one': token, ':limit': limit, ':expires': expires },
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }
}
