/**
 * Tombstones of expired cases in the cases table (issue 13):
 *
 *   pk TOMBSTONE#<caseId>, sk TOMBSTONE, tombstone (the Tombstone, no personal data)
 *
 * No GSI keys and no TTL: a tombstone is the lasting record that the case existed and was
 * deleted on schedule. Written once (a conditional put): a retried purge finds it and leaves it.
 */
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { CASES_TABLE } from './cases-table-schema';
import type { Tombstone, Tombstones } from '#shared/retention/tombstone';

const keyOf = (caseId: string) => ({ [CASES_TABLE.partitionKey]: `TOMBSTONE#${caseId}`, [CASES_TABLE.sortKey]: 'TOMBSTONE' });

export class DynamoTombstones implements Tombstones {
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
          Item: { ...keyOf(t.caseId), tombstone: t },
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
}
