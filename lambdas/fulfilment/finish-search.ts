/**
 * Step Functions task of the search workflow (infra/fulfilment.ts). Finish: stamps the run finished (SearchFinished), once; a plan's verification run records what it still found.
 * Input: ids only. Retries, timeouts and catches live in the state machine, not here.
 */
import { taskHandler } from '#shared/events/middleware';
import { finishCaseSearch, parseRunInput } from '#shared/fulfilment/search-tasks';
import { finishSearchDeps } from './deps';

const deps = finishSearchDeps();

export const handler = taskHandler(parseRunInput, async (input) => finishCaseSearch(input, deps));
