/**
 * Starting a search of Icetrak's systems for a case (issue 14; the desk's and the API's `search`
 * action): the case's own identifiers plus any staff add, one new run over every searchable
 * register system, written in one conditional update (startSearch), then the workflow started
 * with `{ caseId, runId }` only. A re-run replaces the case's results; the audit keeps each run.
 * The run itself is started by shared/core/start-search.ts, which the intakes use too (issue 15).
 *
 * If the workflow cannot be started after the write, the error goes back to staff (5xx) and the
 * run shows its sources running: running the search again starts a fresh run, which is the fix.
 */
import type { Case } from '#domain/case';
import type { Identifiers } from '#domain/search';
import { actorOf, type Staff } from '#shared/auth/staff';
import { startSearchRun, type SearchDeps } from '#shared/core/start-search';

export { planSources, type SearchDeps } from '#shared/core/start-search';

/** Starts a new search run on `found` (already read by the caller) with staff's `extra` identifiers; answers the case as written. */
export async function startCaseSearch(found: Case, extra: Partial<Identifiers>, staff: Staff, deps: SearchDeps): Promise<Case> {
  return startSearchRun(found, extra, actorOf(staff), deps);
}
