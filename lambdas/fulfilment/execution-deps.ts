/**
 * What the plan execution's task functions use (issue 15), one memoised factory per handler, each
 * built from exactly what lambdas/fulfilment/manifest.ts grants it: the cases table; for
 * ApplySource the plan's lines (files bucket, plans/), a SqlWriter per SQL register system over the
 * account database's pool, and the erasure ledger (cases table); for FinishExecution the search
 * workflow (the verification search).
 */
import { caseStore, clock, filesStore, searchWorkflow } from '#adapters/from-env';
import { accountsDb } from '#adapters/accounts-db';
import { newRunId } from '#shared/core/ids';
import { ICETRAK_REGISTER } from '#shared/fulfilment/icetrak-register';
import type { ApplyDeps, ExecutionTaskDeps, FinishDeps } from '#shared/fulfilment/execution-tasks';
import type { ErasureLedger, SourceWriter } from '#shared/ports';

const memo: { task?: ExecutionTaskDeps; writers?: Map<string, SourceWriter> } = {};

export function executionTaskDeps(): ExecutionTaskDeps {
  return (memo.task ??= { cases: caseStore(), clock: clock(), register: ICETRAK_REGISTER });
}

// TEMPORARY until helper C's SqlWriter and DynamoErasureLedger are merged (branch `plan`).
class NotWiredError extends Error {
  override readonly name = 'NotWiredError';
}
const notWired = (db?: unknown): never => {
  throw new NotWiredError(db ? 'not wired' : 'no database');
};

export function applyDeps(): ApplyDeps {
  // Now, not at the first write: a missing ACCOUNTS_DB_* variable fails the cold start (the pool connects on first use).
  const db = accountsDb();
  const ledger: ErasureLedger = { record: async () => notWired(), list: () => notWired() };
  return { ...executionTaskDeps(), files: filesStore(), writerFor: () => ({ apply: async () => notWired(db) }), ledger };
}

export function finishExecutionDeps(): FinishDeps {
  return { ...executionTaskDeps(), verify: { workflow: searchWorkflow(), runId: newRunId } };
}
