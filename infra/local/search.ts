/**
 * The search workflow under `npm start` (issue 14): the state machine the CDK app synthesises
 * (infra/fulfilment.ts), run by the same runner as the deadline keeper (keeper-runner.ts), its
 * Lambda Task states calling the production handler modules, served on the keeper's Step
 * Functions endpoint so the SfnSearchWorkflow adapter starts it unchanged.
 *
 * Service integrations have no handler module: the Athena task (`TrafficQuery`, present once the
 * stack has a TrafficSearch) is answered by the `athena` hook (infra/local/athena-local.ts, DuckDB
 * over the files behind the local S3). Without one, the task fails as AWS would without a
 * workgroup, and the workflow records the traffic source as failed.
 */
import { LOCAL_REGION } from './emulators';
import { synthesizedDefinition } from './keeper-definition';
import { LOCAL_ACCOUNT } from './lambda-context';
import { KeeperRunner, moduleHooks, type TaskHandler } from './keeper-runner';
import type { Clock } from '#shared/ports';

export const LOCAL_SEARCH_ARN = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:rightsdesk-search`;

/**
 * What answers `arn:aws:states:::athena:startQueryExecution.sync` locally: the Task's resolved
 * Parameters (QueryString, WorkGroup, QueryExecutionContext) in, Athena's GetQueryExecution answer
 * out (`{ QueryExecution: { QueryExecutionId, Status: { State: 'SUCCEEDED' }, ... } }`), its
 * `<QueryExecutionId>.csv` written to the local results bucket.
 */
export type LocalAthena = (parameters: unknown) => Promise<unknown>;

export interface LocalSearchOptions {
  readonly rootDir: string;
  readonly clock: Clock;
  readonly log: (line: string) => void;
  /** @default - none: an Athena task fails with TrafficSearchNotConfigured */
  readonly athena?: LocalAthena;
}

/** The search runner (served by the keeper's endpoint: pass it as `alsoServe`). */
export function createLocalSearch(opts: LocalSearchOptions): KeeperRunner {
  const { definition, tasks, serviceTasks } = synthesizedDefinition(opts.rootDir, 'search');
  const hooks = moduleHooks({ rootDir: opts.rootDir, tasks, clock: opts.clock, scale: 1 });
  const services: Record<string, TaskHandler> = {};
  for (const [state, resource] of Object.entries(serviceTasks)) {
    if (!resource.includes(':athena:')) throw new Error(`The local stack cannot run ${state} (${resource}).`);
    services[state] =
      opts.athena ??
      (async () => {
        const err = new Error('No local traffic search (athena hook) in this stack.');
        err.name = 'TrafficSearchNotConfigured';
        throw err;
      });
  }
  return new KeeperRunner({
    definition,
    stateMachineArn: LOCAL_SEARCH_ARN,
    hooksFor: () => ({ ...hooks, tasks: { ...hooks.tasks, ...services } }),
    waitPlan: null,
    label: 'search',
    log: opts.log,
    stopGraceMs: 3000,
  });
}
