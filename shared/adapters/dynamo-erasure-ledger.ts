/**
 * The erasure ledger in the cases table (issue 15): every erasure committed in a source, as record
 * keys only, so a source restored from a backup can have its erasures re-applied
 * (`npm run erasures:reapply`). One entry per case, plan and source, stored in chunks (a plan can
 * erase thousands of records; an item holds 400 KB): pk `ERASURE#<caseId>#<planId>#<source>`, sk
 * the chunk number. Each chunk sits in the queue index's `ERASURE#<source>` partition sorted by
 * `<at>#<caseId>#<planId>#<chunk>`, so a source's entries since a date are one Query, never a
 * Scan. Recording again (a retried execution) rewrites the same chunks with the first recording's
 * instant: an entry is never listed twice. Entries expire with the retention schedule's period
 * (shared/domain/retention.ts `erasureLedgerExpiry`).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { erasureLedgerExpiry } from '#domain/retention';
import type { ErasureLedger, ErasureLedgerEntry } from '#shared/ports';
import { CASES_TABLE } from './cases-table-schema';

const PK = CASES_TABLE.partitionKey;
const SK = CASES_TABLE.sortKey;
const LIST = CASES_TABLE.indexes.queue;
const TTL = CASES_TABLE.ttlAttribute;

/** Record keys per item: 1,000 keys of up to 200 characters stay well inside DynamoDB's 400 KB. */
export const LEDGER_CHUNK = 1_000;

const SAFE = /^[A-Za-z0-9_.-]{1,80}$/;
const keyOf = (e: Pick<ErasureLedgerEntry, 'caseId' | 'planId' | 'source'>, chunk: number) => ({
  [PK]: `ERASURE#${e.caseId}#${e.planId}#${e.source}`,
  [SK]: String(chunk).padStart(5, '0'),
});

interface Item extends ErasureLedgerEntry {
  chunk: number;
  chunks: number;
}

export class DynamoErasureLedger implements ErasureLedger {
  private readonly doc: DynamoDBDocumentClient;
  private readonly table: string;

  constructor(opts: { client: DynamoDBClient; tableName: string }) {
    this.doc = DynamoDBDocumentClient.from(opts.client, { marshallOptions: { removeUndefinedValues: true } });
    this.table = opts.tableName;
  }

  async record(entry: ErasureLedgerEntry): Promise<void> {
    for (const id of [entry.caseId, entry.planId, entry.source]) if (!SAFE.test(id)) throw new Error('An erasure ledger entry needs plain ids.');
    // A retried recording keeps the first one's instant, so every chunk sorts together and the entry is listed once.
    const { Item: first } = await this.doc.send(new GetCommand({ TableName: this.table, Key: keyOf(entry, 0), ConsistentRead: true }));
    const at = typeof first?.at === 'string' ? first.at : entry.at;
    const chunks = Math.max(1, Math.ceil(entry.records.length / LEDGER_CHUNK));
    for (let chunk = 0; chunk < chunks; chunk++) {
      const item: Item = {
        source: entry.source,
        at,
        caseId: entry.caseId,
        reference: entry.reference,
        planId: entry.planId,
        records: entry.records.slice(chunk * LEDGER_CHUNK, (chunk + 1) * LEDGER_CHUNK).map((r) => ({ recordType: r.recordType, key: r.key })),
        chunk,
        chunks,
      };
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...keyOf(entry, chunk),
            ...item,
            [LIST.partitionKey]: `ERASURE#${entry.source}`,
            [LIST.sortKey]: `${at}#${entry.caseId}#${entry.planId}#${String(chunk).padStart(5, '0')}`,
            [TTL]: erasureLedgerExpiry(at),
          },
        }),
      );
    }
  }

  async *list(source: string, since: string): AsyncIterable<ErasureLedgerEntry> {
    let current: Item | undefined;
    let start: QueryCommandOutput['LastEvaluatedKey'];
    do {
      const page: QueryCommandOutput = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: 'queue',
          KeyConditionExpression: '#pk = :pk AND #sk >= :since',
          ExpressionAttributeNames: { '#pk': LIST.partitionKey, '#sk': LIST.sortKey },
          ExpressionAttributeValues: { ':pk': `ERASURE#${source}`, ':since': since },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const raw of page.Items ?? []) {
        const item = raw as unknown as Item;
        if (current && current.caseId === item.caseId && current.planId === item.planId) {
          current.records.push(...item.records);
          continue;
        }
        if (current) yield entryOf(current);
        current = { ...item, records: [...item.records] };
      }
      start = page.LastEvaluatedKey;
    } while (start);
    if (current) yield entryOf(current);
  }
}

function entryOf(i: Item): ErasureLedgerEntry {
  return { source: i.source, at: i.at, caseId: i.caseId, reference: i.reference, planId: i.planId, records: i.records };
}
