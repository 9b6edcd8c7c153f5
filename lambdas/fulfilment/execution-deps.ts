/**
 * What the plan execution's task functions use (issue 15), one memoised factory per handler, each
 * built from exactly what lambdas/fulfilment/manifest.ts grants it: the cases table; for
 * ApplySource the plan's lines (files bucket, plans/), a SqlWriter per SQL register system over the
 * account database's pool, and the erasure ledger (cases table); for FinishExecution the search
 * workflow (the verification search).
 */
import { caseStore, clock, filesStore, searchWorkflow } from '#adapters/from-env';
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
const notWired = (): never => {
  throw new NotWiredError('not wired');
};

export function applyDeps(): ApplyDeps {
  const ledger: ErasureLedger = { record: async () => notWired(), list: () => notWired() };
  return { ...executionTaskDeps(), files: filesStore(), writerFor: () => ({ apply: async () => notWired() }), ledger };
}

export function finishExecutionDeps(): FinishDeps {
  return { ...executionTaskDeps(), verify: { workflow: searchWorkflow(), runId: newRunId } };
}
