/**
 * What the plan execution's task functions use (issue 15), one memoised factory per handler, each
 * built from exactly what lambdas/fulfilment/manifest.ts grants it: the cases table; for
 * ApplySource the plan's lines (files bucket, plans/), a SqlWriter per SQL register system over the
 * account database's pool, and the erasure ledger (cases table); for FinishExecution the search
 * workflow (the verification search).
 */
import { caseStore, clock, erasureLedger, filesStore, searchWorkflow } from '#adapters/from-env';
import { accountsDb } from '#adapters/accounts-db';
import { SqlWriter } from '#adapters/sql-writer';
import { newRunId } from '#shared/core/ids';
import { ICETRAK_REGISTER } from '#shared/fulfilment/icetrak-register';
import type { ApplyDeps, ExecutionTaskDeps, FinishDeps } from '#shared/fulfilment/execution-tasks';
import type { SourceWriter } from '#shared/ports';

const memo: { task?: ExecutionTaskDeps; apply?: ApplyDeps; finish?: FinishDeps } = {};

export function executionTaskDeps(): ExecutionTaskDeps {
  return (memo.task ??= { cases: caseStore(), clock: clock(), register: ICETRAK_REGISTER });
}

/** ApplySource: one SqlWriter per SQL register system (accounts, billing), over the one pool. */
export function applyDeps(): ApplyDeps {
  return (memo.apply ??= (() => {
    // Now, not at the first write: a missing ACCOUNTS_DB_* variable fails the cold start (the pool connects on first use).
    const db = accountsDb();
    const writers = new Map<string, SourceWriter>();
    return {
      ...executionTaskDeps(),
      files: filesStore(),
      ledger: erasureLedger(),
      writerFor: (system) => {
        let w = writers.get(system.id);
        if (!w) writers.set(system.id, (w = new SqlWriter(system, db)));
        return w;
      },
    };
  })());
}

export function finishExecutionDeps(): FinishDeps {
  return (memo.finish ??= { ...executionTaskDeps(), verify: { workflow: searchWorkflow(), runId: newRunId } });
}
