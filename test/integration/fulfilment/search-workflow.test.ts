/**
 * The search workflow end to end (issue 14): the state machine infra/fulfilment.ts synthesises,
 * run in aws-local-stepfunctions by the local runner, started through the production
 * SfnSearchWorkflow adapter and the local Step Functions endpoint, its tasks on the real use cases
 * and parsers against dynalite and s3rver, Rightsdesk's own records through the real
 * RightsdeskSource.
 *
 * Injected here, because the contexts that own them are written beside this one (wired at merge):
 *   - the SQL connector of the `accounts` and `billing` systems (shared/adapters/sql-source.ts,
 *     over PGlite): a test connector answering fixed records, or throwing;
 *   - the Athena task (infra/local/athena-local.ts, DuckDB): a hook that checks the query text
 *     holds ids only and writes a results CSV to the results bucket, as Athena does;
 *   - the traffic results parser (shared/fulfilment/traffic-results.ts) and the account
 *     directory (shared/adapters/account-directory.ts): small stand-ins below.
 * The definition is synthesised from a stack whose Fulfilment has a traffic search (as the app's
 * own stack has, over TrafficSearch), so the Athena branch runs too.
 */
import { randomUUID } from 'node:crypto';
import { App, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoCaseStore } from '#adapters/dynamo-case-store';
import { RightsdeskSource } from '#adapters/rightsdesk-source';
import { S3BlobStore } from '#adapters/s3-blob-store';
import { SfnSearchWorkflow, searchExecutionName } from '#adapters/sfn-search-workflow';
import type { Case } from '#domain/case';
import { confirmIdentity, receive } from '#domain/lifecycle';
import type { FoundRecord, SourceRecordsFile } from '#domain/search';
import { Fulfilment, SEARCH_STATES } from '#infra/fulfilment';
import { HandlerResources } from '#infra/handler-resources';
import { LOCAL_CREDENTIALS, LOCAL_REGION, localS3Client, startS3, type Running } from '#infra/local/emulators';
import { definitionOf, synthesizedDefinition } from '#infra/local/keeper-definition';
import { KeeperRunner, type TaskHandler } from '#infra/local/keeper-runner';
import { startSfnEndpoint } from '#infra/local/sfn-endpoint';
import { REPO_ROOT } from '#infra/local/stack';
import type { Staff } from '#shared/auth/staff';
import { newCaseId, newReference, newRunId } from '#shared/core/ids';
import { ICETRAK_REGISTER } from '#shared/fulfilment/icetrak-register';
import { startCaseSearch } from '#shared/fulfilment/search';
import {
  collectTraffic,
  finishCaseSearch,
  parseCollectInput,
  parseFailureInput,
  parseRunInput,
  parseSourceInput,
  phonesKey,
  planSearch,
  recordSourceFailure,
  searchSource,
} from '#shared/fulfilment/search-tasks';
import { trafficQuery } from '#shared/fulfilment/traffic-query';
import type { SourceConnector } from '#shared/ports';
import { useDynamo } from '#test/support/emulators';
import { TEST_CONTEXT } from '#test/infra/support';

const FILES = 'files-search';
const RESULTS = 'athena-results';
const ARN = 'arn:aws:states:eu-west-2:000000000000:stateMachine:search-test';
const DPO: Staff = { sub: 's-1', email: 'dpo@icetrak.net', name: 'DPO', roles: ['dpo'] };

const db = useDynamo();
let s3server: Running;
let endpoint: Running;
let runner: KeeperRunner;
let sfn: SFNClient;
const s3c = () => localS3Client(s3server.url);

/** What the test connectors and the Athena hook saw, and can be told to do. */
const seen = { sql: [] as Array<{ source: string; values: string[] }>, queries: [] as string[], failSource: undefined as string | undefined };

/** The account system's records for Ada (the SqlSource's job at merge). */
function testSqlConnector(source: string): SourceConnector {
  return {
    async find(ids) {
      seen.sql.push({ source, values: ids.map((i) => i.value) });
      // The error message quotes the identifier, as a driver error might: it must not reach the case.
      if (seen.failSource === source) throw new Error(`connection reset while searching ${ids[0]?.value ?? ''}`);
      return ids
        .filter((i) => i.value === 'ada@example.org' || i.value === 'ada.l@example.org')
        .map((i, n) => ({
          id: `${source}:account_user:${n + 1}`,
          source,
          recordType: 'account_user',
          key: String(n + 1),
          accountId: 'ACC-1001',
          role: 'controller' as const,
          matchedBy: 'email' as const,
          providedByPerson: true,
          fields: { email: i.value, full_name: 'Ada Lovelace' },
        }));
    },
  };
}

/** Stand-in for shared/fulfilment/traffic-results.ts: the CSV's rows as processor records. */
function parseTrafficCsv(csv: string, source: string): FoundRecord[] {
  const [header, ...rows] = csv.trim().split('\n');
  const cols = header!.split(',');
  return rows.map((line) => {
    const f = Object.fromEntries(line.split(',').map((v, i) => [cols[i]!, v]));
    return {
      id: `${source}:message:${f.message_id ?? ''}`,
      source,
      recordType: 'message',
      key: String(f.message_id),
      accountId: String(f.account_id),
      role: 'processor' as const,
      matchedBy: 'phone' as const,
      providedByPerson: false,
      fields: f,
    };
  });
}

/** The Athena task, locally (infra/local/athena-local.ts at merge): the query must hold ids only. */
const athena: TaskHandler = async (params) => {
  const p = params as { QueryString: string; WorkGroup: string };
  seen.queries.push(p.QueryString);
  const qid = randomUUID();
  const csv = [
    'message_id,account_id,recipient,sent_at',
    'm1,ACC-1001,+447700900456,2026-11-01',
    'm2,ACC-1002,+447700900456,2026-11-02',
    'm3,ACC-1002,+447700900456,2026-11-03',
  ].join('\n');
  await new S3BlobStore(s3c(), RESULTS).put(`${qid}.csv`, csv);
  return { QueryExecution: { QueryExecutionId: qid, Status: { State: 'SUCCEEDED' }, Statistics: { DataScannedInBytes: 1024 } } };
};

function store(): DynamoCaseStore {
  return new DynamoCaseStore({ client: db.client, tableName: db.tableName, clock: { now: () => new Date() } });
}

/** The synthesised definition, from a stack whose Fulfilment has an Athena traffic search. */
function searchDefinition() {
  const stack = new Stack(new App({ context: TEST_CONTEXT }), 'SearchTest', { env: { region: 'eu-west-2' } });
  const f = new Fulfilment(stack, 'Fulfilment', {
    key: new kms.Key(stack, 'Key'),
    resources: new HandlerResources(stack),
    traffic: {
      workGroupName: 'rightsdesk-traffic',
      databaseName: 'rightsdesk_traffic',
      resultsBucket: s3.Bucket.fromBucketName(stack, 'Results', RESULTS),
      resultsPrefix: '',
      grantSearch: () => undefined,
    },
  });
  return definitionOf(f.stateMachine, f.taskFunctions, 'lambdas/fulfilment/manifest.ts');
}

beforeAll(async () => {
  s3server = await startS3({ buckets: [FILES, RESULTS] });
  const { definition, tasks, serviceTasks } = searchDefinition();
  expect(Object.keys(tasks).sort()).toEqual(['CollectTraffic', 'Finish', 'Plan', 'RecordSourceFailure', 'SearchAccounts', 'SearchRightsdesk']);
  expect(serviceTasks).toEqual({ TrafficQuery: 'arn:aws:states:::athena:startQueryExecution.sync' });
  const client = s3c();
  const base = { cases: store(), clock: { now: () => new Date() }, register: ICETRAK_REGISTER, files: new S3BlobStore(client, FILES) };
  const rightsdesk = new RightsdeskSource(store());
  const handlers: Record<string, TaskHandler> = {
    Plan: (x) => planSearch(parseRunInput(x), base),
    SearchAccounts: (x) => searchSource(parseSourceInput(x), { ...base, connectorFor: (s) => testSqlConnector(s.id) }),
    SearchRightsdesk: (x) => searchSource(parseSourceInput(x), { ...base, connectorFor: () => rightsdesk }),
    TrafficQuery: athena,
    CollectTraffic: (x) =>
      collectTraffic(parseCollectInput(x), {
        ...base,
        results: new S3BlobStore(client, RESULTS),
        resultsPrefix: '',
        parseResults: parseTrafficCsv,
        customers: {
          describe: async (ids) =>
            ids.map((accountId) => ({
              accountId,
              name: ({ 'ACC-1001': 'Malvern Dental Practice', 'ACC-1002': 'Worcester Taxis' } as Record<string, string>)[accountId] ?? accountId,
            })),
        },
      }),
    RecordSourceFailure: (x) => recordSourceFailure(parseFailureInput(x), base),
    Finish: (x) => finishCaseSearch(parseRunInput(x), base),
  };
  const zero = Object.fromEntries(Object.keys(handlers).map((k) => [k, 0]));
  runner = new KeeperRunner({
    definition,
    stateMachineArn: ARN,
    waitPlan: null,
    label: 'search',
    hooksFor: () => ({ tasks: handlers, retryIntervalOverrides: zero }),
  });
  endpoint = await startSfnEndpoint(runner);
  sfn = new SFNClient({ endpoint: endpoint.url, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
});
afterAll(async () => {
  sfn?.destroy();
  await runner?.stop();
  await endpoint?.close();
  await s3server?.close();
});

async function newCase(requester: Case['requester']): Promise<Case> {
  const r = receive({
    id: newCaseId(),
    reference: newReference(),
    rights: ['access'],
    channel: 'email',
    requester,
    receivedAt: '2026-12-01T09:00:00Z',
    actor: 'requester',
  });
  const c = confirmIdentity(r.case, { at: '2026-12-01T10:00:00Z', actor: 'staff:dpo@icetrak.net' });
  return store().create(c.case, r.entry, c.entry);
}

/** Starts a search as the desk does (the production adapter, through the local endpoint) and waits for its execution. */
async function search(c: Case, extra = {}): Promise<Case> {
  const written = await startCaseSearch(c, extra, DPO, {
    cases: store(),
    clock: { now: () => new Date() },
    register: ICETRAK_REGISTER,
    workflow: new SfnSearchWorkflow(sfn, ARN),
    runId: newRunId,
  });
  const execution = runner.get(searchExecutionName(written.id, written.search!.runId))!;
  await execution.done;
  expect(execution.status).toBe('SUCCEEDED');
  return store().get(c.id);
}

const statusOf = (c: Case) => Object.fromEntries(c.search!.sources.map((s) => [s.source, s.status]));
const readRecords = async (key: string) => JSON.parse((await new S3BlobStore(s3c(), FILES).get(key)).toString('utf8')) as SourceRecordsFile;

describe('search workflow (synthesised state machine, aws-local-stepfunctions, dynalite, s3rver)', () => {
  it('searches every source of the register: results per source on the case, records files in S3, an audit line each', async () => {
    const c = await newCase({ fullName: 'Ada Lovelace', email: 'ada@example.org', phone: '+44 7700 900456' });
    const done = await search(c);
    expect(statusOf(done)).toEqual({ accounts: 'done', billing: 'done', traffic: 'done', rightsdesk: 'done', 'support-files': 'awaiting-staff' });
    expect(done.search!.finishedAt).toBeDefined();
    const bySource = Object.fromEntries(done.search!.sources.map((s) => [s.source, s]));
    expect(bySource.accounts).toMatchObject({
      recordCount: 1,
      identifiers: [
        { kind: 'email', value: 'ada@example.org' },
        { kind: 'phone', value: '+447700900456' },
      ],
    });
    expect(bySource.traffic).toMatchObject({ recordCount: 3, identifiers: [{ kind: 'phone', value: '+447700900456' }] });
    expect(bySource.traffic!.customers).toEqual([
      { accountId: 'ACC-1001', name: 'Malvern Dental Practice', records: 1 },
      { accountId: 'ACC-1002', name: 'Worcester Taxis', records: 2 },
    ]);
    // The current case is among Rightsdesk's own records of her.
    expect(bySource.rightsdesk!.recordCount).toBeGreaterThanOrEqual(1);
    const own = await readRecords(bySource.rightsdesk!.resultKey!);
    expect(own.records.map((r) => r.key)).toContain(c.reference);
    const accounts = await readRecords(bySource.accounts!.resultKey!);
    expect(accounts).toMatchObject({ caseId: c.id, runId: done.search!.runId, source: 'accounts' });
    expect(bySource.accounts!.resultKey).toBe(`searches/${c.id}/${done.search!.runId}/accounts.json`);
    // The traffic query's text holds ids only; the phone number went to the identifiers file.
    expect(seen.queries.at(-1)).toBe(trafficQuery(c.id, done.search!.runId));
    expect(seen.queries.at(-1)).not.toContain('7700900456');
    expect((await new S3BlobStore(s3c(), FILES).get(phonesKey(c.id, done.search!.runId))).toString()).toBe('+447700900456\n');
    const actions = done.audit.map((e) => e.action);
    expect(actions.filter((a) => a === 'SearchStarted')).toHaveLength(1);
    expect(actions.filter((a) => a === 'SourceSearched')).toHaveLength(4);
    expect(actions.at(-1)).toBe('SearchFinished');
    expect(JSON.stringify(done.audit)).not.toContain('ada@example.org');
  });

  it('a source whose connector throws is failed (by its error’s name, nothing it searched by); the others are done and the search finishes', async () => {
    const c = await newCase({ fullName: 'Ada Lovelace', email: 'ada@example.org' });
    seen.failSource = 'billing';
    try {
      const done = await search(c);
      expect(statusOf(done)).toMatchObject({ accounts: 'done', billing: 'failed', rightsdesk: 'done', traffic: 'not-searched' });
      const billing = done.search!.sources.find((s) => s.source === 'billing')!;
      expect(billing.failure).toMatch(/^Error: /);
      expect(billing.failure).not.toContain('ada@');
      expect(done.search!.finishedAt).toBeDefined();
      expect(done.audit.filter((e) => e.action === 'SourceSearchFailed').map((e) => e.detail?.source)).toEqual(['billing']);
    } finally {
      seen.failSource = undefined;
    }
  });

  it('a re-run with an extra identifier replaces the results; the audit keeps both runs', async () => {
    const c = await newCase({ fullName: 'Ada Lovelace', email: 'ada@example.org' });
    const first = await search(c);
    const again = await search(first, { emails: ['ada.l@example.org'] });
    expect(again.search!.runId).not.toBe(first.search!.runId);
    expect(again.search!.identifiers.emails).toEqual(['ada@example.org', 'ada.l@example.org']);
    const accounts = again.search!.sources.find((s) => s.source === 'accounts')!;
    expect(accounts.recordCount).toBe(2);
    expect(accounts.resultKey).toContain(again.search!.runId);
    expect(again.audit.filter((e) => e.action === 'SearchStarted').map((e) => e.detail?.added ?? 0)).toEqual([0, 1]);
  });

  it('an execution of a replaced run ends quietly and changes nothing', async () => {
    const c = await newCase({ fullName: 'Ada Lovelace', email: 'ada@example.org' });
    const first = await search(c);
    const second = await search(first);
    const before = await store().get(c.id);
    const calls = seen.sql.length;
    const stale = first.search!.runId;
    runner.start(`${c.id}-${stale}x`, JSON.stringify({ caseId: c.id, runId: stale }));
    const execution = runner.get(`${c.id}-${stale}x`)!;
    await execution.done;
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output!)).toMatchObject({ current: false });
    const after = await store().get(c.id);
    expect(after.version).toBe(before.version);
    expect(after.search!.runId).toBe(second.search!.runId);
    expect(seen.sql.length).toBe(calls);
  });

  it('the app’s own stack synthesises the same workflow, its Athena branch over the stack’s TrafficSearch', () => {
    const { tasks, serviceTasks } = synthesizedDefinition(REPO_ROOT, 'search');
    expect(tasks[SEARCH_STATES.plan]).toBe('lambdas/fulfilment/plan-search.ts');
    expect(tasks[SEARCH_STATES.searchAccounts]).toBe('lambdas/fulfilment/search-accounts.ts');
    expect(tasks[SEARCH_STATES.collectTraffic]).toBe('lambdas/fulfilment/collect-traffic.ts');
    expect(serviceTasks).toEqual({ TrafficQuery: 'arn:aws:states:::athena:startQueryExecution.sync' });
  });
});
