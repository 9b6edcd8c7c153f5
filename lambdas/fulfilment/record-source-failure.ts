/**
 * Step Functions task of the search workflow (infra/fulfilment.ts). RecordSourceFailure: the catch of every branch; records the error's name, never its message.
 * Input: ids only. Retries, timeouts and catches live in the state machine, not here.
 */
import { taskHandler } from '#shared/events/middleware';
import { recordSourceFailure, parseFailureInput } from '#shared/fulfilment/search-tasks';
import { searchTaskDeps } from './deps';

const deps = searchTaskDeps();

export const handler = taskHandler(parseFailureInput, async (input) => recordSourceFailure(input, deps));
