/**
 * Step Functions task "Evaluate" of the deadline keeper: `{ caseId }` in, the case's next
 * checkpoint `{ kind, id, at }` (or `{ kind: 'done' }`) out. Retries and catches live in the
 * state machine (infra/deadline-keeper.ts), not here.
 */
import { taskHandler } from '#shared/events/middleware';
import { evaluateCase } from '#shared/deadlines/evaluate-case';
import { parseKeeperInput } from '#shared/deadlines/keeper-input';
import { evaluateDeps } from './deps';

const deps = evaluateDeps();

export const handler = taskHandler(parseKeeperInput, async (input) => evaluateCase(input, deps));
