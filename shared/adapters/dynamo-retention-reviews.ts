/**
 * Retention reviews of Icetrak's accounts in the cases table (shared/retention/account-review.ts):
 * pk `RETENTIONREVIEW#<month>`, sk `RETENTIONREVIEW`, one item per month, in the queue index's
 * `RETENTIONREVIEWS` partition sorted by month (the latest is one Query). A re-run replaces the
 * review in one update: runs counted, the first run's time kept.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { reviewSummary, type RetentionReviewSummary } from '#domain/retention-review';
import type { RetentionReviewReader } from '#shared/ports';
import type { AccountReviewRecord, RetentionReviewStore } from '#shared/retention/account-review';
import { accountabilityExpiry, RETENTION, type RetentionSchedule } from '#domain/retention';
import { CASES_TABLE } from './cases-table-schema';

const PK = CASES_TABLE.partitionKey;
const SK = CASES_TABLE.sortKey;
const LIST = CASES_TABLE.indexes.queue;
const REVIEWS = 'RETENTIONREVIEWS';

/** The last day of a month YYYY-MM. */
const lastDayOf = (month: string): string => new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).toISOString().slice(0, 10);
const keyOf = (month: string) => ({ [PK]: `RETENTIONREVIEW#${month}`, [SK]: 'RETENTIONREVIEW' });

type Stored = Omit<AccountReviewRecord, 'runs' | 'firstGeneratedAt'>;

export class DynamoRetentionReviews implements RetentionReviewStore, RetentionReviewReader {
  private readonly doc: DynamoDBDocumentClient;
  private readonly table: string;

  /** The schedule whose accountabilityYears sets the TTL (RETENTION_ACCOUNTABILITY_YEARS). */
  private readonly retention: RetentionSchedule;

  constructor(opts: { client: DynamoDBClient; tableName: string; retention?: RetentionSchedule }) {
    this.retention = opts.retention ?? RETENTION;
    this.doc = DynamoDBDocumentClient.from(opts.client, { marshallOptions: { removeUndefinedValues: true } });
    this.table = opts.tableName;
  }

  async save(review: Stored): Promise<AccountReviewRecord> {
    const { Attributes } = await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keyOf(review.month),
        // Kept accountabilityYears (RETENTION_ACCOUNTABILITY_YEARS; default 6) from the end of the reviewed month (shared/domain/retention.ts), then DynamoDB's TTL deletes it.
        UpdateExpression: 'SET #r = :r, #first = if_not_exists(#first, :at), #lpk = :lpk, #lsk = :lsk, #exp = :exp ADD #runs :one',
        ExpressionAttributeNames: {
          '#r': 'review',
          '#first': 'firstGeneratedAt',
          '#lpk': LIST.partitionKey,
          '#lsk': LIST.sortKey,
          '#runs': 'runs',
          '#exp': 'expiresAt',
        },
        ExpressionAttributeValues: {
          ':r': review,
          ':at': review.generatedAt,
          ':lpk': REVIEWS,
          ':lsk': review.month,
          ':one': 1,
          ':exp': accountabilityExpiry(lastDayOf(review.month), this.retention),
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return recordOf(Attributes ?? {});
  }

  async find(month: string): Promise<AccountReviewRecord | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.table, Key: keyOf(month), ConsistentRead: true }));
    return Item ? recordOf(Item) : undefined;
  }

  /** The month's review in figures, for the compliance report (shared/reports/run.ts): counts and reasons, no accounts. */
  async summaryOf(month: string): Promise<RetentionReviewSummary | undefined> {
    const review = await this.find(month);
    return review ? reviewSummary(review) : undefined;
  }

  async latest(): Promise<AccountReviewRecord | undefined> {
    const { Items = [] } = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'queue',
        KeyConditionExpression: '#pk = :reviews',
        ExpressionAttributeNames: { '#pk': LIST.partitionKey },
        ExpressionAttributeValues: { ':reviews': REVIEWS },
        ScanIndexForward: false,
        Limit: 1,
      }),
    );
    // The index holds the keys and the review (all attributes are projected); read the item itself for a consistent view.
    const month = (Items[0]?.review as Stored | undefined)?.month;
    return month ? this.find(month) : undefined;
  }
}

function recordOf(item: Record<string, unknown>): AccountReviewRecord {
  const review = item.review as Stored;
  return {
    ...review,
    runs: Number(item.runs ?? 1),
    firstGeneratedAt: typeof item.firstGeneratedAt === 'string' ? item.firstGeneratedAt : review.generatedAt,
  };
}
