/**
 * Starting a search of Icetrak's systems for a case (issue 14; the desk's and the API's `search`
 * action): the case's own identifiers plus any staff add, one new run over every searchable
 * register system, written in one conditional update (startSearch), then the workflow started
 * with `{ caseId, runId }` only. A re-run replaces the case's results; the audit keeps each run.
 *
 * If the workflow cannot be started after the write, the error goes back to staff (5xx) and the
 * run shows its sources running: running the search again starts a fresh run, which is the fix.
 */
import type { Case } from '#domain/case';
import { searchableSystems, type Register } from '#domain/register';
import { caseIdentifiers, identifiersFor, mergeIdentifiers, startSearch, type Identifiers, type PlannedSource } from '#domain/search';
import { actorOf, type Staff } from '#shared/auth/staff';
import { errorFields, logger } from '#shared/core/log';
import type { CaseStore, Clock, SearchWorkflow } from '#shared/ports';

export interface SearchDeps {
  cases: CaseStore;
  clock: Clock;
  workflow: SearchWorkflow;
  register: Register;
  /** A new run id (lower-case letters and digits, RUN_ID). */
  runId: () => string;
}

/** The register's searchable systems, each with the identifiers of `ids` it can be searched by. */
export function planSources(register: Register, ids: Identifiers): PlannedSource[] {
  return searchableSystems(register).map((s) => ({ source: s.id, kind: s.connector.kind, identifiers: identifiersFor(ids, s.identifiedBy) }));
}

/** Starts a new search run on `found` (already read by the caller) with staff's `extra` identifiers; answers the case as written. */
export async function startCaseSearch(found: Case, extra: Partial<Identifiers>, staff: Staff, deps: SearchDeps): Promise<Case> {
  const runId = deps.runId();
  const at = deps.clock.now().toISOString();
  const written = await deps.cases.update(
    found.id,
    (cur) => {
      const own = caseIdentifiers(cur);
      const identifiers = mergeIdentifiers(own, extra);
      const added =
        identifiers.emails.length +
        identifiers.phones.length +
        identifiers.accountIds.length -
        (own.emails.length + own.phones.length + own.accountIds.length);
      return startSearch(
        cur,
        { runId, registerVersion: deps.register.version, identifiers, sources: planSources(deps.register, identifiers), added },
        { at, actor: actorOf(staff) },
      );
    },
    { current: found },
  );
  try {
    await deps.workflow.start(written.id, runId);
  } catch (err) {
    logger.error('The search workflow did not start', { caseId: written.id, runId, ...errorFields(err) });
    throw err;
  }
  return written;
}
