/**
 * Starting a search run of Icetrak's systems for a case (issue 14), from the desk or, for a
 * processor request, from any intake (issue 15): the case's identifiers plus any added, one new
 * run over every searchable register system, written in one conditional update (startSearch),
 * then the workflow started with `{ caseId, runId }` only. Shared by the fulfilment context (the
 * desk's `search` action) and the intakes (form confirmation, inbound email), so it lives here.
 */
import type { Actor, Case } from '#domain/case';
import { searchesAtIntake } from '#domain/forwarding';
import { searchableSystems, type Register } from '#domain/register';
import { caseIdentifiers, identifiersFor, mergeIdentifiers, startSearch, type Identifiers, type PlannedSource } from '#domain/search';
import type { CaseStore, Clock, SearchWorkflow } from '#shared/ports';
import { errorFields, logger } from './log';

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

/**
 * Starts a new run on `found` (already read by the caller) as `actor`, with `extra` identifiers;
 * answers the case as written. `check` runs on the case as read inside the update (a reason not to
 * start throws there and nothing is written). A workflow that does not start throws, after the write.
 */
export async function startSearchRun(
  found: Case,
  extra: Partial<Identifiers>,
  actor: Actor,
  deps: SearchDeps,
  check: (cur: Case) => void = () => undefined,
): Promise<Case> {
  const runId = deps.runId();
  const at = deps.clock.now().toISOString();
  const written = await deps.cases.update(
    found.id,
    (cur) => {
      check(cur);
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
        { at, actor },
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

/** Thrown inside the update to abandon it: the case has a search already. */
class AlreadySearched extends Error {}

/**
 * The automatic search of a processor request at intake (docs/rules.md, R20): when the case
 * qualifies (searchesAtIntake) and is open past its identity gate, the system starts the search
 * once, so the forward to the customers can go out within days. A case with a search already
 * started by the system and not finished gets its workflow started again (harmless: the
 * execution is named after the run), so a retried intake recovers a start that failed. Never
 * throws: a failure is logged (ids and the error's name) and the case is answered as it was; the
 * desk shows the run and staff can run the search again.
 */
export async function startIntakeSearch(c: Case, deps: SearchDeps | undefined): Promise<Case> {
  if (!deps || !searchesAtIntake(c) || (c.status !== 'received' && c.status !== 'in_progress')) return c;
  try {
    if (c.search) {
      if (c.search.startedBy === 'system' && !c.search.finishedAt) await deps.workflow.start(c.id, c.search.runId);
      return c;
    }
    return await startSearchRun(c, {}, 'system', deps, (cur) => {
      if (cur.search) throw new AlreadySearched();
    });
  } catch (err) {
    if (!(err instanceof AlreadySearched)) logger.warn('Intake search not started; staff can run it from the desk', { caseId: c.id, ...errorFields(err) });
    return c;
  }
}
