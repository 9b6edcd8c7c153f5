/**
 * Step Functions task of the plan execution (infra/plan-execution.ts). ApplySource: one source's lines, in one transaction; erasures into the ledger.
 * Input: ids only. Retries, timeouts and catches live in the state machine, not here.
 */
import { taskHandler } from '#shared/events/middleware';
import { applySource, parseApplyInput } from '#shared/fulfilment/execution-tasks';
import { applyDeps } from './execution-deps';

const deps = applyDeps();

export const handler = taskHandler(parseApplyInput, async (input) => applySource(input, deps));
