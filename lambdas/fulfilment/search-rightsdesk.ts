/**
 * Step Functions task of the search workflow (infra/fulfilment.ts). SearchRightsdesk: this person's cases in Rightsdesk and their correspondence, as records.
 * Input: ids only. Retries, timeouts and catches live in the state machine, not here.
 */
import { taskHandler } from '#shared/events/middleware';
import { searchSource, parseSourceInput } from '#shared/fulfilment/search-tasks';
import { rightsdeskDeps } from './deps';

const deps = rightsdeskDeps();

export const handler = taskHandler(parseSourceInput, async (input) => searchSource(input, deps));
