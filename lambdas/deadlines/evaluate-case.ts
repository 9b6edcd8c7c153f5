/**
 * Step Functions task "Evaluate" of the deadline keeper: `{ caseId }` in, the case's next
 * checkpoint `{ kind, id, at }` (or `{ kind: 'done' }`) out. Retries and catches live in the
 * state machine (infra/deadline-keeper.ts), not here.
 */
import { evaluateCase } from '../../shared/deadlines/evaluate-case';
import { parseKeeperInput, type PlanPayload } from '../../shared/deadlines/keeper-input';
import { evaluateDeps } from './root';

export const handler = async (event: unknown): Promise<PlanPayload> => evaluateCase(parseKeeperInput(event), evaluateDeps);
