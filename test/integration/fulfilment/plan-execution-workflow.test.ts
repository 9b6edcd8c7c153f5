/**
 * The plan execution end to end (issue 15): the state machine infra/plan-execution.ts synthesises
 * (from the app's own stack), run in aws-local-stepfunctions by the local runner, started through
 * the production SfnPlanExecution adapter and the local Step Functions endpoint, its tasks on the
 * real use cases against dynalite and s3rver: the plan made from a search's records files, approved,
 * executed source by source, a connector failing mid-way, executed again, verified.
 *
 * Injected: each source's SourceWriter (a recording writer that can be told to fail, standing for
 * the account system's SqlWriter, whose own transaction and rollback tests are on PGlite), the
 * erasure ledger (recording), and the search workflow the verification search starts (recording:
 * the search workflow's own test runs it).
 */
import { SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoCaseStore } from '#adapters/dynamo-case-store';
import { S3BlobStore } from '#adapters/s3-blob-store';
import { SfnPlanExecution, planExecutionName } from '#adapters/sfn-plan-execution';
import type { Case } from '#domain/case';
import { confirmIdentity, receive } from '#domain/lifecycle';
import { outboxOf } from '#domain/outbox';
import type { PlanAction, PlanLine } from '#domain/plan';
import { noticeId } from '#domain/plan-execution';
import { finishSearch, recordSourceResult, recordsKey, startSearch, type FoundRecord, type SourceRecordsFile } from '#domain/search';
import { EXECUTION_STATES } from '#infra/plan-execution';
import { LOCAL_CREDENTIALS, LOCAL_REGION, localS3Client, startS3, type Running } from '#infra/local/emulators';
import { synthesizedDefinition } from '#infra/local/keeper-definition';
import { KeeperRunner, type TaskHandler } from '#infra/local/keeper-runner';
import { startSfnEndpoint } from '#infra/local/sfn-endpoint';
import { REPO_ROOT } from '#infra/local/stack';
import type { Staff } from '#shared/auth/staff';
import { newCaseId, newPlanId, newReference, newRunId } from '#shared/core/ids';
import {
  applySource,
  beginExecution,
  finishPlanExecution,
  parseApplyInput,
  parseFinishInput,
  parsePlanTaskInput,
} from '#shared/fulfilment/execution-tasks';
import { ICETRAK_REGISTER } from '#shared/fulfilment/icetrak-register';
import { approveCasePlan, executeCasePlan, proposeCasePlan, readPlanLines } from '#shared/fulfilment/plan';
import { finishCaseSearch } from '#shared/fulfilment/search-tasks';
import { letter } from '#shared/templates/letters';
import type { ErasureLedgerEntry, SourceWriter } from '#shared/ports';
import { useDynamo } from '#test/support/emulators';

const FILES = 'files-plan-execution';
const ARN = 'arn:aws:states:eu-west-2:000000000000:stateMachine:plan-execution-test';
const DPO: Staff = { sub: 's-1', email: 'dpo@icetrak.net', name: 'DPO', roles: ['dpo'] };
const clock = { now: () => new Date() };

const db = useDynamo();
let s3server: Running;
let endpoint: Running;
let runner: KeeperRunner;
let sfn: SFNClient;

/** What the writers, the ledger and the search workflow saw, and what they are told to do. */
const seen = {
  applied: [] as Array<{ source: string; lines: number }>,
  ledger: [] as ErasureLedgerEntry[],
  searches: [] as Array<{ caseId: string; runId: string }>,
  failSource: undefined as string | undefined,
};

class SourceWriteError extends Error {
  override readonly name = 'SourceWriteError';
}

/** A source's writer: applies the lines (counted by action), or fails as a rolled-back transaction would, quoting a record (never to reach the case). */
function writerFor(source: string): SourceWriter {
  return {
    async apply(lines) {
      if (seen.failSource === source) throw new SourceWriteError(`could not erase dee@example.org from ${source}`);
      seen.applied.push({ source, lines: lines.length });
      const out: Partial<Record<PlanAction, number>> = {};
      for (const l of lines) if (l.action !== 'keep' && l.action !== 'forward') out[l.action] = (out[l.action] ?? 0) + 1;
      return out;
    },
  };
}

const store = () => new DynamoCaseStore({ client: db.client, tableName: db.tableName, clock });
const files = () => new S3BlobStore(localS3Client(s3server.url), FILES);
const verifyDeps = { workflow: { start: async (caseId: string, runId: string) => void seen.searches.push({ caseId, runId }) }, runId: newRunId };

beforeAll(async () => {
  s3server = await startS3({ buckets: [FILES] });
  const { definition, tasks } = synthesizedDefinition(REPO_ROOT, 'execution');
  expect(tasks).toEqual({
    Begin: 'lambdas/fulfilment/begin-execution.ts',
    ApplySource: 'lambdas/fulfilment/apply-source.ts',
    FinishExecution: 'lambdas/fulfilment/finish-execution.ts',
  });
  const base = { cases: store(), clock, register: ICETRAK_REGISTER };
  const handlers: Record<string, TaskHandler> = {
    [EXECUTION_STATES.begin]: (x) => beginExecution(parsePlanTaskInput(x), base),
    [EXECUTION_STATES.applySource]: (x) =>
      applySource(parseApplyInput(x), {
        ...base,
        files: files(),
        writerFor: (system) => writerFor(system.id),
        ledger: { record: async (e) => void seen.ledger.push(e), list: () => (async function* () {})() },
      }),
    [EXECUTION_STATES.finish]: (x) => finishPlanExecution(parseFinishInput(x), { ...base, verify: verifyDeps }),
  };
  runner = new KeeperRunner({
    definition,
    stateMachineArn: ARN,
    waitPlan: null,
    label: 'plan execution',
    hooksFor: () => ({ tasks: handlers, retryIntervalOverrides: Object.fromEntries(Object.keys(handlers).map((k) => [k, 0])) }),
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

/** Dee's records: ACC-1003, closed more than 7 years ago, so everything of hers is erased. */
function record(source: string, recordType: string, key: string): FoundRecord {
  return {
    id: `${source}:${recordType}:${key}`,
    source,
    recordType,
    key,
    accountId: 'ACC-1003',
    role: 'controller',
    matchedBy: 'email',
    providedByPerson: true,
    fields: { email: 'dee@example.org', full_name: 'Dee Example', account_id: 'ACC-1003', account_status: 'closed', account_closed_on: '2018-03-31' },
  };
}

/** An erasure case of Dee's whose search found her user record and her billing contact. */
async function searchedCase(): Promise<Case> {
  const r = receive({
    id: newCaseId(),
    reference: newReference(),
    rights: ['erasure'],
    channel: 'email',
    requester: { fullName: 'Dee Example', email: 'dee@example.org' },
    receivedAt: '2026-12-01T09:00:00Z',
    actor: 'requester',
  });
  const confirmed = confirmIdentity(r.case, { at: '2026-12-01T10:00:00Z', actor: 'staff:dpo@icetrak.net' });
  let c = await store().create(confirmed.case, r.entry, confirmed.entry);
  const runId = newRunId();
  const at = new Date().toISOString();
  const found = { accounts: [record('accounts', 'account_user', '31')], billing: [record('billing', 'billing_contact', '41')] };
  for (const [source, records] of Object.entries(found)) {
    const file: SourceRecordsFile = { caseId: c.id, runId, source, searchedAt: at, records };
    await files().put(recordsKey(c.id, runId, source), JSON.stringify(file));
  }
  c = await store().update(c.id, (cur) =>
    startSearch(
      cur,
      {
        runId,
        registerVersion: ICETRAK_REGISTER.version,
        identifiers: { emails: ['dee@example.org'], phones: [], accountIds: [] },
        sources: ['accounts', 'billing'].map((source) => ({
          source,
          kind: 'sql' as const,
          identifiers: [{ kind: 'email' as const, value: 'dee@example.org' }],
        })),
      },
      { at, actor: 'staff:dpo@icetrak.net' },
    ),
  );
  for (const source of ['accounts', 'billing'] as const) {
    c = await store().update(c.id, (cur) =>
      recordSourceResult(cur, runId, source, { status: 'done', recordCount: 1, resultKey: recordsKey(c.id, runId, source) }, at)!,
    );
  }
  return store().update(c.id, (cur) => finishSearch(cur, runId, at)!);
}

const planDeps = () => ({ cases: store(), clock, files: files(), register: ICETRAK_REGISTER, holds: { list: async () => [] }, planId: newPlanId });
const execution = () => ({ cases: store(), clock, execution: new SfnPlanExecution(sfn, ARN) });

async function settled(c: Case): Promise<Case> {
  const p = (await store().get(c.id)).plan!;
  const run = runner.get(planExecutionName(c.id, p.planId, p.attempt ?? 1))!;
  await run.done;
  expect(run.status).toBe('SUCCEEDED');
  return store().get(c.id);
}

const statusOf = (c: Case) => Object.fromEntries(c.plan!.sources.map((s) => [s.source, s.status]));

describe('plan execution workflow (synthesised state machine, aws-local-stepfunctions, dynalite, s3rver)', () => {
  it('nothing is written before approval; a connector failing mid-way fails the plan with nothing reported done; executing it again completes it', async () => {
    const c = await searchedCase();
    const proposed = await proposeCasePlan(c, {}, DPO, planDeps());
    expect(proposed.plan!.status).toBe('proposed');
    const { lines } = await readPlanLines(files(), proposed.plan!.linesKey);
    const erased = lines.filter((l: PlanLine) => l.action === 'erase').map((l) => l.recordId);
    expect(erased.sort()).toEqual(['accounts:account_user:31', 'billing:billing_contact:41']);
    const applied = seen.applied.length;
    expect(seen.applied.length).toBe(applied);

    // The billing system fails mid-way (its transaction rolled back): the plan is failed, not done.
    seen.failSource = 'billing';
    let after: Case;
    try {
      await approveCasePlan(proposed, proposed.plan!.planId, DPO, execution());
      after = await settled(proposed);
    } finally {
      seen.failSource = undefined;
    }
    expect(after.plan!.status).toBe('failed');
    expect(after.plan!.executedAt).toBeUndefined();
    expect(statusOf(after)).toMatchObject({ accounts: 'done', billing: 'failed' });
    const billing = after.plan!.sources.find((s) => s.source === 'billing')!;
    expect(billing.failure).toMatch(/^SourceWriteError: /);
    expect(JSON.stringify(after)).not.toContain('could not erase');
    expect(outboxOf(after).filter((m) => m.kind === 'recipient-notice')).toEqual([]);
    expect(after.audit.map((e) => e.action)).not.toContain('PlanExecuted');
    expect(seen.ledger.filter((e) => e.caseId === c.id).map((e) => e.source)).toEqual(['accounts']);
    const text = letter(after, 'closing', { done: 'See below.' }, { dpoAddress: 'dpo@icetrak.net' }).text;
    expect(text).not.toMatch(/We erased/);
    expect(seen.searches.filter((s) => s.caseId === c.id)).toEqual([]);

    // Executed again: only the failed source is written; the plan is executed, Kashflow owed its notice, the verification search started.
    const accountsWrites = seen.applied.filter((a) => a.source === 'accounts').length;
    await executeCasePlan(after, after.plan!.planId, DPO, execution());
    const done = await settled(after);
    expect(done.plan!.attempt).toBe(2);
    expect(done.plan!.status).toBe('executed');
    expect(statusOf(done)).toMatchObject({ accounts: 'done', billing: 'done' });
    expect(seen.applied.filter((a) => a.source === 'accounts').length).toBe(accountsWrites);
    expect(seen.ledger.filter((e) => e.caseId === c.id).map((e) => [e.source, e.records])).toEqual([
      ['accounts', [{ recordType: 'account_user', key: '31' }]],
      ['billing', [{ recordType: 'billing_contact', key: '41' }]],
    ]);
    const notice = outboxOf(done).find((m) => m.id === noticeId(done.plan!.planId, 'kashflow'))!;
    expect(notice).toMatchObject({ kind: 'recipient-notice', to: 'organisation', state: 'pending', params: { address: 'support@kashflow.example' } });
    const verification = done.plan!.verification!;
    expect(seen.searches).toContainEqual({ caseId: c.id, runId: verification.runId });
    expect(done.search!.runId).toBe(verification.runId);
    expect(done.search!.sources.map((s) => [s.source, s.status])).toEqual([
      ['accounts', 'running'],
      ['billing', 'running'],
    ]);

    // The verification search's Finish finds none of the erased records: verified.
    const at = new Date().toISOString();
    for (const source of ['accounts', 'billing'])
      await store().update(c.id, (cur) => recordSourceResult(cur, verification.runId, source, { status: 'done', recordCount: 0 }, at)!);
    await finishCaseSearch({ caseId: c.id, runId: verification.runId }, { cases: store(), clock, register: ICETRAK_REGISTER, files: files() });
    const verified = await store().get(c.id);
    expect(verified.plan!.status).toBe('verified');
    expect(verified.plan!.verification).toMatchObject({ remaining: 0 });
    const closing = letter(verified, 'closing', { done: 'We acted on your erasure request.' }, { dpoAddress: 'dpo@icetrak.net' }).text;
    expect(closing).toContain('We erased 1 account user record.');
    expect(closing).toContain('Kashflow');
    expect(closing).toContain('found none of the erased records');
    expect(JSON.stringify(verified.audit)).not.toContain('dee@example.org');
  });

  it('a verification search that still finds an erased record fails the verification', async () => {
    const c = await searchedCase();
    const proposed = await proposeCasePlan(c, {}, DPO, planDeps());
    await approveCasePlan(proposed, proposed.plan!.planId, DPO, execution());
    const done = await settled(proposed);
    const v = done.plan!.verification!;
    const at = new Date().toISOString();
    const still: SourceRecordsFile = {
      caseId: c.id,
      runId: v.runId,
      source: 'billing',
      searchedAt: at,
      records: [record('billing', 'billing_contact', '41')],
    };
    await files().put(recordsKey(c.id, v.runId, 'billing'), JSON.stringify(still));
    await store().update(c.id, (cur) => recordSourceResult(cur, v.runId, 'accounts', { status: 'done', recordCount: 0 }, at)!);
    await store().update(c.id, (cur) =>
      recordSourceResult(cur, v.runId, 'billing', { status: 'done', recordCount: 1, resultKey: recordsKey(c.id, v.runId, 'billing') }, at)!,
    );
    await finishCaseSearch({ caseId: c.id, runId: v.runId }, { cases: store(), clock, register: ICETRAK_REGISTER, files: files() });
    const after = await store().get(c.id);
    expect(after.plan).toMatchObject({ status: 'verification-failed', verification: { remaining: 1 } });
  });

  it('an execution of a replaced plan ends quietly and writes nothing', async () => {
    const c = await searchedCase();
    const first = await proposeCasePlan(c, {}, DPO, planDeps());
    const second = await proposeCasePlan(first, {}, DPO, planDeps());
    const writes = seen.applied.length;
    runner.start(`${c.id}-${first.plan!.planId}-1`, JSON.stringify({ caseId: c.id, planId: first.plan!.planId }));
    const run = runner.get(`${c.id}-${first.plan!.planId}-1`)!;
    await run.done;
    expect(run.status).toBe('SUCCEEDED');
    expect(JSON.parse(run.output!)).toMatchObject({ current: false });
    expect(seen.applied.length).toBe(writes);
    expect((await store().get(c.id)).plan).toMatchObject({ planId: second.plan!.planId, status: 'proposed' });
  });
});
