/**
 * What the search workflow's task functions use, one memoised factory per handler, each built
 * from exactly what lambdas/fulfilment/manifest.ts grants it: the SQL connector over Icetrak's
 * account database (shared/adapters/sql-source.ts; the pool in shared/adapters/accounts-db.ts
 * takes ACCOUNTS_DB_URL locally, the secret in AWS), the account directory, and Athena's results
 * bucket with the traffic results parser (shared/fulfilment/traffic-results.ts).
 */
import { caseStore, clock, filesStore, s3 } from '#adapters/from-env';
import { PostgresAccountDirectory } from '#adapters/account-directory';
import { accountsDb } from '#adapters/accounts-db';
import { RightsdeskSource } from '#adapters/rightsdesk-source';
import { S3BlobStore } from '#adapters/s3-blob-store';
import { SqlSource } from '#adapters/sql-source';
import type { RegisterSystem } from '#domain/register';
import { readConfig } from '#shared/core/config';
import { ICETRAK_REGISTER } from '#shared/fulfilment/icetrak-register';
import type { CollectDeps, FinishSearchDeps, RecordsDeps, SearchTaskDeps } from '#shared/fulfilment/search-tasks';
import { trafficRecords } from '#shared/fulfilment/traffic-results';
import type { SourceConnector } from '#shared/ports';

const memo: { task?: SearchTaskDeps; records?: RecordsDeps; sql?: Map<string, SourceConnector>; collect?: CollectDeps } = {};

/** Tasks that only record on the case (RecordSourceFailure, Finish). */
export function searchTaskDeps(): SearchTaskDeps {
  return (memo.task ??= { cases: caseStore(), clock: clock(), register: ICETRAK_REGISTER });
}

/** Finish: records a plan's verification too, from the plan's lines and the run's records files. */
export function finishSearchDeps(): FinishSearchDeps {
  return { ...searchTaskDeps(), files: filesStore() };
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

/** SearchAccounts: one SQL connector per register system (accounts, billing), over the one pool. */
export function accountsDeps(): RecordsDeps & { connectorFor: (system: RegisterSystem) => SourceConnector } {
  const connectors = (memo.sql ??= new Map<string, SourceConnector>());
  // Now, not at the first search: a missing ACCOUNTS_DB_* variable fails the cold start (the pool itself connects on first use).
  const db = accountsDb();
  return {
    ...recordsDeps(),
    connectorFor: (system) => {
      let c = connectors.get(system.id);
      if (!c) connectors.set(system.id, (c = new SqlSource(system, db)));
      return c;
    },
  };
}

/** CollectTraffic: Athena's results, read where the workgroup writes them; customers named from the account directory. */
export function collectDeps(): CollectDeps {
  return (memo.collect ??= (() => {
    const config = readConfig(['ATHENA_RESULTS_BUCKET', 'ATHENA_RESULTS_PREFIX']);
    return {
      ...recordsDeps(),
      results: new S3BlobStore(s3(), config.ATHENA_RESULTS_BUCKET),
      resultsPrefix: config.ATHENA_RESULTS_PREFIX,
      parseResults: (csv, source) => trafficRecords(csv, source),
      customers: new PostgresAccountDirectory(accountsDb()),
    };
  })());
}
