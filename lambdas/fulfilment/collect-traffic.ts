/**
 * Step Functions task of the search workflow (infra/fulfilment.ts). CollectTraffic: the Athena query's results (processor data) and the customers whose traffic matched.
 * Input: ids only. Retries, timeouts and catches live in the state machine, not here.
 */
import { taskHandler } from '#shared/events/middleware';
import { collectTraffic, parseCollectInput } from '#shared/fulfilment/search-tasks';
import { collectDeps } from './deps';

const deps = collectDeps();

export const handler = taskHandler(parseCollectInput, async (input) => collectTraffic(input, deps));
