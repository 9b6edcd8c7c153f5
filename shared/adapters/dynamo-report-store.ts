/**
 * Report records in the cases table (shared/reports/record.ts): pk `REPORT#<id>`, sk `REPORT`,
 * listed through the queue index's `REPORTS` partition, newest period first (sk `<from>#<id>`).
 * Reports hold no personal data, only ids, dates and counts.
 */
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ReportRecord, ReportStore } from '#shared/reports/record';
import { CASES_TABLE } from './cases-table-schema';
import { accountabilityExpiry, RETENTION, type RetentionSchedule } from '#domain/retention';
import { decodeCursor, encodeCursor } from './cursor';

const PK = CASES_TABLE.partitionKey;
const SK = CASES_TABLE.sortKey;
const LIST = CASES_TABLE.indexes.queue;
const REPORTS = 'REPORTS';

const keyOf = (id: string) => ({ [PK]: `REPORT#${id}`, [SK]: 'REPORT' });

export class DynamoReportStore implements ReportStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly table: string;

  /** The schedule whose accountabilityYears sets the TTL (RETENTION_ACCOUNTABILITY_YEARS). */
  private readonly retention: RetentionSchedule;

  constructor(opts: { client: DynamoDBClient; tableName: string; retention?: RetentionSchedule }) {
    this.retention = opts.retention ?? RETENTION;
    this.doc = DynamoDBDocumentClient.from(opts.client, { marshallOptions: { removeUndefinedValues: true } });
    this.table = opts.tableName;
  }

  async find(id: string): Promise<ReportRecord | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.table, Key: keyOf(id), ConsistentRead: true }));
    return Item ? recordOf(Item) : undefined;
  }

  async save(record: Omit<ReportRecord, 'runs' | 'mailedAt' | 'mailedFor'>): Promise<ReportRecord> {
    const { Attributes } = await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keyOf(record.id),
        // Kept accountabilityYears (RETENTION_ACCOUNTABILITY_YEARS; default 6) from the end of the reported period (shared/domain/retention.ts), then DynamoDB's TTL deletes it.
        UpdateExpression: 'SET #r = :r, #lpk = :lpk, #lsk = :lsk, #exp = :exp ADD #runs :one',
        ExpressionAttributeNames: { '#r': 'report', '#lpk': LIST.partitionKey, '#lsk': LIST.sortKey, '#runs': 'runs', '#exp': 'expiresAt' },
        ExpressionAttributeValues: {
          ':r': record,
          ':lpk': REPORTS,
          ':lsk': `${record.from}#${record.id}`,
          ':one': 1,
          ':exp': accountabilityExpiry(record.to, this.retention),
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return recordOf(Attributes ?? {});
  }

  async list(opts: { limit: number; cursor?: string }): Promise<{ reports: ReportRecord[]; cursor?: string }> {
    const { Items = [], LastEvaluatedKey } = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'queue',
        KeyConditionExpression: '#pk = :reports',
        ExpressionAttributeNames: { '#pk': LIST.partitionKey },
        ExpressionAttributeValues: { ':reports': REPORTS },
        ScanIndexForward: false,
        Limit: opts.limit,
        ...(opts.cursor ? { ExclusiveStartKey: decodeCursor(opts.cursor) } : {}),
      }),
    );
    return {
      reports: Items.map(recordOf),
      ...(LastEvaluatedKey ? { cursor: encodeCursor(LastEvaluatedKey) } : {}),
    };
  }

  async claimMail(id: string, digest: string, at: string, leaseSeconds: number): Promise<boolean> {
    const staleBefore = new Date(Date.parse(at) - leaseSeconds * 1000).toISOString();
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keyOf(id),
          UpdateExpression: 'SET #claim = :at',
          ConditionExpression:
            'attribute_exists(#pk) AND (attribute_not_exists(#for) OR #for <> :digest) AND (attribute_not_exists(#claim) OR #claim < :stale)',
          ExpressionAttributeNames: { '#pk': PK, '#for': 'mailedFor', '#claim': 'mailClaimedAt' },
          ExpressionAttributeValues: { ':at': at, ':stale': staleBefore, ':digest': digest },
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  async markMailed(id: string, digest: string, at: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keyOf(id),
        UpdateExpression: 'SET #mailed = :at, #for = :digest REMOVE #claim',
        ExpressionAttributeNames: { '#mailed': 'mailedAt', '#for': 'mailedFor', '#claim': 'mailClaimedAt' },
        ExpressionAttributeValues: { ':at': at, ':digest': digest },
      }),
    );
  }
}

function recordOf(item: Record<string, unknown>): ReportRecord {
  const report = item.report as Omit<ReportRecord, 'runs' | 'mailedAt' | 'mailedFor'>;
  return {
    ...report,
    runs: Number(item.runs ?? 1),
    ...(typeof item.mailedAt === 'string' ? { mailedAt: item.mailedAt } : {}),
    ...(typeof item.mailedFor === 'string' ? { mailedFor: item.mailedFor } : {}),
  };
}
