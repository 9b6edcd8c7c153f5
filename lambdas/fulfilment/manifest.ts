/**
 * The fulfilment context (issue 14): the search workflow's task functions, one per Task state of
 * infra/fulfilment.ts. Each takes ids only (`{ caseId, runId, source }`) and reads the case; the
 * records found go to the files bucket under `searches/` (the case's prefix: retention and legal
 * holds cover them). The task functions cannot read SEARCH_STATE_MACHINE_ARN: the state machine
 * names them, so they cannot name it back (a CloudFormation cycle).
 */
import type { ContextManifest, HandlerSpec, Uses } from '#lambdas/manifest';
import { EXPORT_HANDLERS } from './export-manifest';

/** Records a result on the case and writes the source's records file. */
const RECORDS = { cases: 'readWrite', files: { access: 'write', prefix: 'searches/' } } as const satisfies Uses;

const task = (id: string, file: string, state: string, description: string, uses: Uses, extra: Partial<HandlerSpec> = {}): HandlerSpec => ({
  id,
  entry: `lambdas/fulfilment/${file}.ts`,
  description: `Rightsdesk search: ${description}`,
  trigger: { kind: 'task', stateMachine: 'search', state },
  uses,
  ...extra,
});

/** State names of the plan execution's Task states (infra/plan-execution.ts) that run these functions. */
export const EXECUTION_TASK_STATES = {
  begin: 'Begin',
  applySource: 'ApplySource',
  finish: 'FinishExecution',
} as const;

const executionTask = (id: string, file: string, state: string, description: string, uses: Uses, extra: Partial<HandlerSpec> = {}): HandlerSpec => ({
  id,
  entry: `lambdas/fulfilment/${file}.ts`,
  description: `Rightsdesk plan execution: ${description}`,
  trigger: { kind: 'task', stateMachine: 'execution', state },
  uses,
  ...extra,
});

/** A staff route showing the register (configuration in the bundle): it reads sessions and nothing else. */
const registerRoute = (id: string, file: string, path: string): HandlerSpec => ({
  id,
  entry: `lambdas/fulfilment/${file}.ts`,
  description: `Rightsdesk GET ${path}`,
  trigger: { kind: 'http', method: 'GET', path, access: 'staff' },
  uses: { staffAuth: true, cases: 'readWrite', settings: ['PUBLIC_BASE_URL'] },
});

/** State names of the search workflow's Task states that run these functions. */
export const SEARCH_TASK_STATES = {
  plan: 'Plan',
  searchAccounts: 'SearchAccounts',
  searchRightsdesk: 'SearchRightsdesk',
  collectTraffic: 'CollectTraffic',
  recordFailure: 'RecordSourceFailure',
  finish: 'Finish',
} as const;

export const FULFILMENT: ContextManifest = {
  context: 'fulfilment',
  handlers: [
    // Reads the case; writes the run's phone numbers for the traffic query (searches/<case>/<run>/identifiers/).
    task('PlanSearchFunction', 'plan-search', SEARCH_TASK_STATES.plan, 'plan a run', { cases: 'read', files: { access: 'write', prefix: 'searches/' } }),
    // Icetrak's account system over SQL, from inside its VPC. A query plan over a few indexed rows: 30 s is ample.
    task(
      'SearchAccountsFunction',
      'search-accounts',
      SEARCH_TASK_STATES.searchAccounts,
      'the account system (SQL)',
      { ...RECORDS, accountsDb: true },
      {
        network: 'icetrak',
        timeoutSeconds: 30,
      },
    ),
    task('SearchRightsdeskFunction', 'search-rightsdesk', SEARCH_TASK_STATES.searchRightsdesk, 'Rightsdesk’s own cases', RECORDS, { timeoutSeconds: 20 }),
    // Athena's results CSV, parsed, and the matched customers named from the account system (in its VPC).
    // Reads Athena's results, and names the matched customers from the account directory.
    task(
      'CollectTrafficFunction',
      'collect-traffic',
      SEARCH_TASK_STATES.collectTraffic,
      'collect the traffic query’s results',
      { ...RECORDS, accountsDb: true, athenaResults: 'read' },
      {
        network: 'icetrak',
        timeoutSeconds: 60,
        memoryMb: 1024,
      },
    ),
    task('RecordSourceFailureFunction', 'record-source-failure', SEARCH_TASK_STATES.recordFailure, 'record a source’s failure', { cases: 'readWrite' }),
    // A plan's verification run (issue 15) reads the plan's lines and the run's records files.
    task('FinishSearchFunction', 'finish-search', SEARCH_TASK_STATES.finish, 'finish a run', {
      cases: 'readWrite',
      files: [
        { access: 'read', prefix: 'searches/' },
        { access: 'read', prefix: 'plans/' },
      ],
    }),
    // The plan execution (issue 15): three functions (the stack is near CloudFormation's 500 resources).
    executionTask('BeginExecutionFunction', 'begin-execution', EXECUTION_TASK_STATES.begin, 'begin an approved plan', { cases: 'readWrite' }),
    // Writes one source's lines through its SQL statements, in one transaction, inside Icetrak's VPC; erasures go to the ledger (cases table).
    executionTask(
      'ApplySourceFunction',
      'apply-source',
      EXECUTION_TASK_STATES.applySource,
      'apply one source’s lines',
      { cases: 'readWrite', files: { access: 'read', prefix: 'plans/' }, accountsDb: true },
      { network: 'icetrak', timeoutSeconds: 60 },
    ),
    // Records failures and the outcome; an executed plan starts its verification search.
    executionTask('FinishExecutionFunction', 'finish-execution', EXECUTION_TASK_STATES.finish, 'finish an attempt', {
      cases: 'readWrite',
      search: 'start',
    }),
    // The access or portability answer's public download page and the staff review download.
    ...EXPORT_HANDLERS,
    // The processing register, read only: in the desk and the staff API. Staff routes keep sessions in the cases table.
    registerRoute('DeskRegister', 'desk-register', '/desk/register'),
    registerRoute('GetRegister', 'get-register', '/api/register'),
  ],
};
