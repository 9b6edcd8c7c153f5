/**
 * Use case (the keeper's Evaluate step): read the case and answer with its next checkpoint
 * and when it falls, or done once the case is closed. A case that no longer exists raises
 * CaseNotFoundError, which the state machine catches and ends quietly.
 */
import { nextCheckpoint, type KeeperOffsets } from '#domain/checkpoints';
import type { CaseStore, Clock } from '#shared/ports';
import type { KeeperInput, PlanPayload } from './keeper-input';

export interface EvaluateDeps {
  cases: CaseStore;
  clock: Clock;
  offsets: KeeperOffsets;
}

export async function evaluateCase(input: KeeperInput, deps: EvaluateDeps): Promise<PlanPayload> {
  const c = await deps.cases.get(input.caseId);
  const plan = nextCheckpoint(c, deps.clock.now(), deps.offsets);
  return plan.kind === 'done' ? { kind: 'done' } : { kind: plan.kind, id: plan.id, at: plan.at };
}
