/**
 * Step Functions task of the search workflow (infra/fulfilment.ts). Plan: is the run current? Writes the traffic identifiers file; answers the sources to search (ids and kinds).
 * Input: ids only. Retries, timeouts and catches live in the state machine, not here.
 */
import { taskHandler } from '#shared/events/middleware';
import { planSearch, parseRunInput } from '#shared/fulfilment/search-tasks';
import { recordsDeps } from './deps';

const deps = recordsDeps();

export const handler = taskHandler(parseRunInput, async (input) => planSearch(input, deps));
