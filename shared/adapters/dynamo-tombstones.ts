/**
 * Tombstones of expired cases in the cases table (issue 13):
 *
 *   pk TOMBSTONE#<caseId>, sk TOMBSTONE, tombstone (the Tombstone, no personal data),
 *   queue index: gsi6pk TOMBSTONES, gsi6sk `${closedAt}#${caseId}` (a closed case's, as in CLOSED)
 *
 * No TTL: a tombstone is the lasting record that the case existed and was deleted on schedule.
 * Written once (a conditional put): a retried purge finds it and leaves it. The reports read a
 * period's tombstones by closing instant from the `TOMBSTONES` partition, as they read the
 * period's closed cases from `CLOSED`: one Query, never a Scan.
 */
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, paginateQuery, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { TombstoneReader } from '#shared/ports';
import type { Tombstone, Tombstones } from '#shared/retention/tombstone';
import { CASES_TABLE } from './cases-table-schema';

const QUEUE = CASES_TABLE.indexes.queue;
/** The queue index's partition of tombstones, sorted by the purged case's closing instant. */
const TOMBSTONES = 'TOMBSTONES';

/** The index keys of a tombstone: only a closed case's (every purged case was closed; an older one without closedAt stays out). */
const indexKeysOf = (t: Tombstone) => (t.closedAt ? { [QUEUE.partitionKey]: TOMBSTONES, [QUEUE.sortKey]: `${t.closedAt}#${t.caseId}` } : {});

const keyOf = (caseId: string) => ({ [CASES_TABLE.partitionKey]: `TOMBSTONE#${caseId}`, [CASES_TABLE.sortKey]: 'TOMBSTONE' });

export class DynamoTombstones implements Tombstones, TombstoneReader {
  private readonly doc: DynamoDBDocumentClient;
  private readonly table: string;

  constructor(opts: { client: DynamoDBClient; tableName: string }) {
    this.doc = DynamoDBDocumentClient.from(opts.client, { marshallOptions: { removeUndefinedValues: true } });
    this.table = opts.tableName;
  }

  async put(t: Tombstone): Promise<'written' | 'existed'> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...keyOf(t.caseId), ...indexKeysOf(t), tombstone: t },
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': CASES_TABLE.partitionKey },
        }),
      );
      return 'written';
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException || (err as { name?: string }).name === 'ConditionalCheckFailedException') return 'existed';
      throw err;
    }
  }

  async find(caseId: string): Promise<Tombstone | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.table, Key: keyOf(caseId), ConsistentRead: true }));
    return Item?.tombstone as Tombstone | undefined;
  }

  async listClosedBetween(from: string, to: string): Promise<Tombstone[]> {
    const out: Tombstone[] = [];
    const pages = paginateQuery(
      { client: this.doc, pageSize: 500 },
      {
        TableName: this.table,
        IndexName: 'queue',
        KeyConditionExpression: '#pk = :tombstones AND #sk BETWEEN :from AND :to',
        ExpressionAttributeNames: { '#pk': QUEUE.partitionKey, '#sk': QUEUE.sortKey },
        ExpressionAttributeValues: { ':tombstones': TOMBSTONES, ':from': from, ':to': `${to}#\uffff` },
      },
    );
    for await (const page of pages) for (const item of page.Items ?? []) out.push(item.tombstone as Tombstone);
    return out;
  }
}
