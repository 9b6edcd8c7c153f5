/**
 * Step Functions task of the plan execution (infra/plan-execution.ts). Begin: an approved plan starts executing; answers the sources to apply.
 * Input: ids only. Retries, timeouts and catches live in the state machine, not here.
 */
import { taskHandler } from '#shared/events/middleware';
import { beginExecution, parsePlanTaskInput } from '#shared/fulfilment/execution-tasks';
import { executionTaskDeps } from './execution-deps';

const deps = executionTaskDeps();

export const handler = taskHandler(parsePlanTaskInput, async (input) => beginExecution(input, deps));
