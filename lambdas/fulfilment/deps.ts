/**
 * What the search workflow's task functions use, one memoised factory per handler, each built
 * from exactly what lambdas/fulfilment/manifest.ts grants it.
 *
 * Three parts come from the contexts written beside this one and are wired at merge (each is
 * marked NOT WIRED below and fails its task with NotWiredError, which the workflow records as that
 * source's failure): the SQL connector (shared/adapters/sql-source.ts over accounts-db.ts), the
 * account directory (shared/adapters/account-directory.ts) and the traffic results parser
 * (shared/fulfilment/traffic-results.ts) with the Athena results bucket (infra/traffic-search.ts).
 */
import { caseStore, clock, filesStore } from '#adapters/from-env';
import { RightsdeskSource } from '#adapters/rightsdesk-source';
import { DomainError } from '#domain/errors';
import type { RegisterSystem } from '#domain/register';
import { ICETRAK_REGISTER } from '#shared/fulfilment/icetrak-register';
import type { CollectDeps, RecordsDeps, SearchTaskDeps } from '#shared/fulfilment/search-tasks';
import type { SourceConnector } from '#shared/ports';

/** A part of the workflow whose adapter is not in this build yet (see the module comment). */
export class NotWiredError extends DomainError {
  override readonly name = 'NotWiredError';
}
const notWired = (what: string) => (): never => {
  throw new NotWiredError(`${what} is not wired in this build.`);
};

const memo: { task?: SearchTaskDeps; records?: RecordsDeps } = {};

/** Tasks that only record on the case (RecordSourceFailure, Finish). */
export function searchTaskDeps(): SearchTaskDeps {
  return (memo.task ??= { cases: caseStore(), clock: clock(), register: ICETRAK_REGISTER });
}

/** Tasks that write records files (Plan, the searches). */
export function recordsDeps(): RecordsDeps {
  return (memo.records ??= { ...searchTaskDeps(), files: filesStore() });
}

/** SearchRightsdesk: Rightsdesk's own cases of this person. */
export function rightsdeskDeps(): RecordsDeps & { connectorFor: (system: RegisterSystem) => SourceConnector } {
  const source = new RightsdeskSource(caseStore());
  return { ...recordsDeps(), connectorFor: () => source };
}

/** SearchAccounts: NOT WIRED — at merge, `connectorFor: (system) => new SqlSource(system, accountsPool())`. */
export function accountsDeps(): RecordsDeps & { connectorFor: (system: RegisterSystem) => SourceConnector } {
  return { ...recordsDeps(), connectorFor: notWired('The account system’s SQL connector') };
}

/** CollectTraffic: NOT WIRED — at merge, the results bucket, parseTrafficResults and the AccountDirectory. */
export function collectDeps(): CollectDeps {
  return {
    ...recordsDeps(),
    results: { get: notWired('The traffic results bucket'), put: notWired('The traffic results bucket') },
    resultsPrefix: '',
    parseResults: notWired('The traffic results parser'),
    customers: { describe: notWired('The account directory') },
  };
}
