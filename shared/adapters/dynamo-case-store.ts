/**
 * DynamoCaseStore: the cases table behind the CaseStore port. The only place that knows
 * the key formats. One item per case:
 *   pk CASE#<id>, sk CASE, version, data (the case without its trail), audit (list),
 *   expiresAt (TTL, when set), and the sparse GSI keys from cases-table-schema.ts.
 * Every change is one conditional UpdateItem (version check + list_append on the trail):
 * atomic without transactions, one write, and it runs on dynalite (DESIGN.md, Data model).
 */
import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  paginateQuery,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { AuditEntry, Case } from '#domain/case';
import { CaseAlreadyExistsError, CaseNotFoundError, VersionConflictError } from '#domain/errors';
import { mailDueAt } from '#domain/outbox';
import { addWorkingDays } from '#domain/calendar';
import { DUE_SOON_WORKING_DAYS, QUEUE_KEY_OF_VIEW, queueOf, type QueueView } from '#domain/queue';
import type { CaseStore, Change, Clock } from '#shared/ports';
import { CASES_TABLE, type CasesIndexName } from './cases-table-schema';
import { decodeCursor, encodeCursor } from './cursor';

const OPEN = 'OPEN';
const MAIL = 'MAIL';
const SK = 'CASE';
const idx = CASES_TABLE.indexes;

interface CaseItem {
  pk: string;
  sk: string;
  version: number;
  data: Omit<Case, 'audit' | 'version'>;
  audit: AuditEntry[];
  expiresAt?: number;
  [gsiKey: string]: unknown;
}

const keyOf = (id: string) => ({ [CASES_TABLE.partitionKey]: `CASE#${id}`, [CASES_TABLE.sortKey]: SK });

/** Requester addresses are indexed by hash so the index key itself holds no address. */
export function emailHash(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase()).digest('hex');
}

/**
 * Open cases without a due date (clock stopped for clarification) sort after every date, so
 * "due by" queries skip them and "all open" queries still see them.
 */
const PAUSED = '~PAUSED';
/** The open-cases index's partition of closed cases on legal hold, by review date; those without one sort last. */
const HOLDS = 'HOLDS';
const NO_REVIEW = '~NONE';

/** The GSI key attributes a case should carry now; absent keys are removed (sparse indexes). */
function indexKeys(c: Case): Record<string, string | undefined> {
  const open = c.status !== 'closed';
  // A closed case on legal hold waits for its review in the open-cases index's HOLDS partition (an open one stays in OPEN).
  const heldClosed = !open && c.legalHold !== undefined;
  const mailDue = mailDueAt(c);
  const queue = queueOf(c);
  return {
    [idx.byReference.partitionKey]: c.reference,
    [idx.openByDue.partitionKey]: open ? OPEN : heldClosed ? HOLDS : undefined,
    [idx.openByDue.sortKey]: open ? `${c.dueOn ?? PAUSED}#${c.id}` : heldClosed ? `${c.legalHold?.reviewOn ?? NO_REVIEW}#${c.id}` : undefined,
    [idx.byReceivedMonth.partitionKey]: c.receivedOn.slice(0, 7),
    [idx.byReceivedMonth.sortKey]: c.receivedAt,
    [idx.byRequester.partitionKey]: emailHash(c.requester.email),
    [idx.byRequester.sortKey]: c.receivedAt,
    [idx.mailDue.partitionKey]: mailDue ? MAIL : undefined,
    [idx.mailDue.sortKey]: mailDue ? `${mailDue}#${c.id}` : undefined,
    [idx.queue.partitionKey]: queue,
    [idx.queue.sortKey]: queue ? `${queue === 'CLOSED' ? (c.closedAt ?? c.updatedAt) : c.receivedAt}#${c.id}` : undefined,
  };
}

function toData(c: Case): CaseItem['data'] {
  const { audit: _audit, version: _version, ...data } = c;
  return data;
}

/** The item `create` writes: version 1, the trail so far, the index keys the case carries. */
function newItem(c: Case, entries: AuditEntry[]): CaseItem {
  const keys = Object.fromEntries(Object.entries(indexKeys(c)).filter(([, v]) => v !== undefined));
  const item: CaseItem = { ...keyOf(c.id), ...keys, version: 1, data: toData(c), audit: entries };
  if (c.expiresAt !== undefined) item.expiresAt = c.expiresAt;
  return item;
}

/** DynamoDB's limit of items in one BatchWriteItem. */
const BATCH_WRITE_LIMIT = 25;

function fromItem(item: CaseItem): Case {
  return { ...item.data, version: item.version, audit: item.audit };
}

/**
 * The case an item held, from its plain values (a stream's old image, unmarshalled), or undefined
 * for an item that is not a case (a report record, a session, a tombstone, a ledger claim).
 */
export function caseFromItem(item: Record<string, unknown>): Case | undefined {
  const pk = item[CASES_TABLE.partitionKey];
  if (typeof pk !== 'string' || !pk.startsWith('CASE#') || item[CASES_TABLE.sortKey] !== SK) return undefined;
  if (typeof item.data !== 'object' || item.data === null || !Array.isArray(item.audit) || typeof item.version !== 'number') return undefined;
  return fromItem(item as unknown as CaseItem);
}

export interface DynamoCaseStoreOptions {
  client: DynamoDBClient;
  tableName: string;
  clock: Clock;
}

export class DynamoCaseStore implements CaseStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly table: string;
  private readonly clock: Clock;

  constructor({ client, tableName, clock }: DynamoCaseStoreOptions) {
    this.doc = DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    });
    this.table = tableName;
    this.clock = clock;
  }

  async create(c: Case, ...entries: [AuditEntry, ...AuditEntry[]]): Promise<Case> {
    const item = newItem(c, entries);
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: item,
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': CASES_TABLE.partitionKey },
        }),
      );
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) throw new CaseAlreadyExistsError('That case already exists.');
      throw err;
    }
    return fromItem(item);
  }

  /**
   * Seeds many new cases at once, each item as `create` writes it, 25 to a BatchWriteItem
   * (benchmarks and demo data: several times faster than one create each). Not on the port:
   * a batched put has no condition, so a case with the same id is overwritten, not refused.
   */
  async createMany(cases: readonly { case: Case; entries: [AuditEntry, ...AuditEntry[]] }[]): Promise<void> {
    for (let i = 0; i < cases.length; i += BATCH_WRITE_LIMIT) {
      let requests = cases.slice(i, i + BATCH_WRITE_LIMIT).map((x) => ({ PutRequest: { Item: newItem(x.case, x.entries) } }));
      for (let attempt = 1; requests.length > 0; attempt++) {
        const { UnprocessedItems } = await this.doc.send(new BatchWriteCommand({ RequestItems: { [this.table]: requests } }));
        requests = (UnprocessedItems?.[this.table] ?? []) as typeof requests;
        if (requests.length > 0 && attempt >= 8) throw new Error(`${requests.length} case(s) were not written after ${attempt} attempts.`);
        if (requests.length > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
      }
    }
  }

  async find(id: string): Promise<Case | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.table, Key: keyOf(id), ConsistentRead: true }));
    return Item && this.live(Item as CaseItem) ? fromItem(Item as CaseItem) : undefined;
  }

  async get(id: string): Promise<Case> {
    const found = await this.find(id);
    if (!found) throw new CaseNotFoundError('No such case.');
    return found;
  }

  async findByReference(reference: string): Promise<Case | undefined> {
    const [hit] = await this.query('byReference', {
      KeyConditionExpression: '#pk = :ref',
      ExpressionAttributeNames: { '#pk': idx.byReference.partitionKey },
      ExpressionAttributeValues: { ':ref': reference.toUpperCase() },
    });
    // The index is eventually consistent: re-read the item itself for the current version.
    return hit ? this.find(hit.id) : undefined;
  }

  async save({ case: next, entry }: Change): Promise<Case> {
    const names: Record<string, string> = { '#version': 'version', '#data': 'data' };
    const values: Record<string, unknown> = {
      ':expected': next.version,
      ':next': next.version + 1,
      ':data': toData(next),
    };
    const sets = ['#version = :next', '#data = :data'];
    if (entry) {
      names['#audit'] = 'audit';
      values[':entry'] = [entry];
      sets.push('#audit = list_append(#audit, :entry)');
    }
    const removes: string[] = [];
    const attrs: Record<string, unknown> = { ...indexKeys(next), expiresAt: next.expiresAt };
    Object.entries(attrs).forEach(([name, value], i) => {
      names[`#a${i}`] = name;
      if (value === undefined) removes.push(`#a${i}`);
      else {
        values[`:a${i}`] = value;
        sets.push(`#a${i} = :a${i}`);
      }
    });
    try {
      const { Attributes } = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keyOf(next.id),
          UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
          ConditionExpression: '#version = :expected',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return fromItem(Attributes as CaseItem);
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) {
        throw new VersionConflictError('The case was changed by someone else; reload it and try again.');
      }
      throw err;
    }
  }

  async update(id: string, fn: (current: Case) => Change, opts: { maxAttempts?: number; current?: Case } = {}): Promise<Case> {
    const maxAttempts = opts.maxAttempts ?? 8;
    for (let attempt = 1; ; attempt++) {
      // A caller that has just read or written the case passes it in and saves a read;
      // after a conflict the stored version is read afresh.
      const current = attempt === 1 && opts.current?.id === id ? opts.current : await this.get(id);
      try {
        return await this.save(fn(current));
      } catch (err) {
        if (!(err instanceof VersionConflictError) || attempt >= maxAttempts) throw err;
        // Full jitter keeps competing writers from colliding again in lockstep.
        await new Promise((r) => setTimeout(r, Math.random() * Math.min(200, 10 * 2 ** attempt)));
      }
    }
  }

  listOpenDueBy(date: string, opts: { limit?: number } = {}): Promise<Case[]> {
    return this.query(
      'openByDue',
      {
        KeyConditionExpression: '#pk = :open AND #sk <= :upto',
        ExpressionAttributeNames: { '#pk': idx.openByDue.partitionKey, '#sk': idx.openByDue.sortKey },
        ExpressionAttributeValues: { ':open': OPEN, ':upto': `${date}#\uffff` },
      },
      opts.limit,
    );
  }

  listOpen(): Promise<Case[]> {
    return this.query('openByDue', {
      KeyConditionExpression: '#pk = :open',
      ExpressionAttributeNames: { '#pk': idx.openByDue.partitionKey },
      ExpressionAttributeValues: { ':open': OPEN },
    });
  }

  async listHoldsToReview(today: string): Promise<Case[]> {
    const closed = await this.query('openByDue', {
      KeyConditionExpression: '#pk = :holds AND #sk <= :upto',
      ExpressionAttributeNames: { '#pk': idx.openByDue.partitionKey, '#sk': idx.openByDue.sortKey },
      ExpressionAttributeValues: { ':holds': HOLDS, ':upto': `${today}#\uffff` },
    });
    // Open cases on hold are few among the open ones, which the desk reads whole anyway (listOpen): filtered on the index's own read.
    const open = await this.query('openByDue', {
      KeyConditionExpression: '#pk = :open',
      FilterExpression: '#data.#hold.#review <= :today',
      ExpressionAttributeNames: { '#pk': idx.openByDue.partitionKey, '#data': 'data', '#hold': 'legalHold', '#review': 'reviewOn' },
      ExpressionAttributeValues: { ':open': OPEN, ':today': today },
    });
    const reviewOn = (c: Case) => c.legalHold?.reviewOn ?? '';
    return [...closed, ...open].sort((a, b) => reviewOn(a).localeCompare(reviewOn(b)) || a.id.localeCompare(b.id));
  }

  listReceivedInMonth(month: string): Promise<Case[]> {
    return this.query('byReceivedMonth', {
      KeyConditionExpression: '#pk = :month',
      ExpressionAttributeNames: { '#pk': idx.byReceivedMonth.partitionKey },
      ExpressionAttributeValues: { ':month': month },
    });
  }

  listClosedBetween(from: string, to: string): Promise<Case[]> {
    // Closed cases sit in the queue index's CLOSED partition sorted by closing instant: a range of it is one period's closures.
    return this.query('queue', {
      KeyConditionExpression: '#pk = :closed AND #sk BETWEEN :from AND :to',
      ExpressionAttributeNames: { '#pk': idx.queue.partitionKey, '#sk': idx.queue.sortKey },
      ExpressionAttributeValues: { ':closed': 'CLOSED', ':from': from, ':to': `${to}#\uffff` },
    });
  }

  listByRequesterEmail(email: string): Promise<Case[]> {
    return this.query('byRequester', {
      KeyConditionExpression: '#pk = :hash',
      ExpressionAttributeNames: { '#pk': idx.byRequester.partitionKey },
      ExpressionAttributeValues: { ':hash': emailHash(email) },
    });
  }

  async listMailDue(at: string, opts: { limit?: number } = {}): Promise<string[]> {
    const ids: string[] = [];
    const pages = paginateQuery(
      { client: this.doc, pageSize: Math.min(opts.limit ?? 100, 100) },
      {
        TableName: this.table,
        IndexName: 'mailDue',
        KeyConditionExpression: '#pk = :mail AND #sk <= :upto',
        ExpressionAttributeNames: { '#pk': idx.mailDue.partitionKey, '#sk': idx.mailDue.sortKey },
        ExpressionAttributeValues: { ':mail': MAIL, ':upto': `${at}#\uffff` },
        // Only the key: the dispatcher reads each case afresh (the index is eventually consistent).
        ProjectionExpression: '#sk',
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        const sk = item[idx.mailDue.sortKey] as string;
        ids.push(sk.slice(sk.indexOf('#') + 1));
        if (opts.limit !== undefined && ids.length >= opts.limit) return ids;
      }
    }
    return ids;
  }

  async listView(view: QueueView, opts: { today: string; limit: number; cursor?: string }): Promise<{ cases: Case[]; cursor?: string }> {
    const queue = QUEUE_KEY_OF_VIEW[view];
    if (queue) {
      return this.page(
        'queue',
        {
          KeyConditionExpression: '#pk = :q',
          ExpressionAttributeNames: { '#pk': idx.queue.partitionKey },
          ExpressionAttributeValues: { ':q': queue },
          // Closed: newest first; the others: longest waiting first.
          ScanIndexForward: queue !== 'CLOSED',
        },
        opts,
      );
    }
    const pk = { '#pk': idx.openByDue.partitionKey };
    const names = view === 'open' ? pk : { ...pk, '#sk': idx.openByDue.sortKey };
    const range =
      view === 'overdue'
        ? { KeyConditionExpression: '#pk = :open AND #sk < :today', ExpressionAttributeValues: { ':open': OPEN, ':today': opts.today } }
        : view === 'due-soon'
          ? {
              KeyConditionExpression: '#pk = :open AND #sk BETWEEN :today AND :upto',
              ExpressionAttributeValues: { ':open': OPEN, ':today': opts.today, ':upto': `${addWorkingDays(opts.today, DUE_SOON_WORKING_DAYS)}#\uffff` },
            }
          : { KeyConditionExpression: '#pk = :open', ExpressionAttributeValues: { ':open': OPEN } };
    return this.page('openByDue', { ...range, ExpressionAttributeNames: names }, opts);
  }

  /** One page of an index, at most `limit` live cases, with an opaque cursor to the next. */
  private async page(
    index: CasesIndexName,
    input: Omit<QueryCommandInput, 'TableName' | 'IndexName' | 'Limit' | 'ExclusiveStartKey'>,
    opts: { limit: number; cursor?: string },
  ): Promise<{ cases: Case[]; cursor?: string }> {
    const { Items = [], LastEvaluatedKey } = await this.doc.send(
      new QueryCommand({
        ...input,
        TableName: this.table,
        IndexName: index,
        Limit: opts.limit,
        ...(opts.cursor ? { ExclusiveStartKey: decodeCursor(opts.cursor) } : {}),
      }),
    );
    const cases = (Items as CaseItem[]).filter((item) => this.live(item)).map(fromItem);
    return { cases, ...(LastEvaluatedKey ? { cursor: encodeCursor(LastEvaluatedKey) } : {}) };
  }

  private live(item: CaseItem): boolean {
    // DynamoDB deletes expired items up to days later; until then they must not be served.
    return item.expiresAt === undefined || item.expiresAt > Math.floor(this.clock.now().getTime() / 1000);
  }

  private async query(index: CasesIndexName, input: Omit<QueryCommandInput, 'TableName' | 'IndexName'>, limit?: number) {
    const out: Case[] = [];
    const pages = paginateQuery({ client: this.doc, pageSize: 100 }, { ...input, TableName: this.table, IndexName: index });
    for await (const page of pages) {
      for (const item of (page.Items ?? []) as CaseItem[]) {
        if (!this.live(item)) continue;
        out.push(fromItem(item));
        if (limit !== undefined && out.length >= limit) return out;
      }
    }
    return out;
  }
}
