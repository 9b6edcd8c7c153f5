/**
 * Step Functions task of the search workflow (infra/fulfilment.ts). SearchAccounts: Icetrak's account system over SQL (read-only), from inside its VPC.
 * Input: ids only. Retries, timeouts and catches live in the state machine, not here.
 */
import { taskHandler } from '#shared/events/middleware';
import { searchSource, parseSourceInput } from '#shared/fulfilment/search-tasks';
import { accountsDeps } from './deps';

const deps = accountsDeps();

export const handler = taskHandler(parseSourceInput, async (input) => searchSource(input, deps));
