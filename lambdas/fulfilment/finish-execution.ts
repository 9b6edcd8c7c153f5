/**
 * Step Functions task of the plan execution (infra/plan-execution.ts). FinishExecution: failures recorded, the plan failed or executed; verification started.
 * Input: ids and the Map's per-source outcome (error names only). Retries, timeouts and catches live in the state machine, not here.
 */
import { taskHandler } from '#shared/events/middleware';
import { finishPlanExecution, parseFinishInput } from '#shared/fulfilment/execution-tasks';
import { finishExecutionDeps } from './execution-deps';

const deps = finishExecutionDeps();

export const handler = taskHandler(parseFinishInput, async (input) => finishPlanExecution(input, deps));
