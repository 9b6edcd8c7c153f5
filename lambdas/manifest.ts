/**
 * The shape of a context manifest (`lambdas/<context>/manifest.ts`): for each Lambda handler,
 * its entry, what triggers it and what it reads and writes. The manifests are the only place
 * these are declared: the CDK constructs create and bind functions from them
 * (ServiceFunction.bindUses), and the local stack serves and schedules the same entries.
 *
 * No imports from aws-cdk-lib: the local stack and the tests read this without the CDK.
 */

/** Who may reach an HTTP route at API Gateway (see Trigger). */
export type HttpAccess = 'public' | 'admin' | 'staff';

/** What invokes a handler. */
export type Trigger =
  /**
   * An API Gateway (REST) route; `path` in API Gateway resource syntax. public: behind WAF, no auth;
   * admin: behind API Gateway's Cognito authoriser; staff: the desk's pages, sign-in and API, whose handler itself
   * authenticates (session cookie or Bearer token, shared/auth/authenticate.ts): /desk routes are open at API Gateway
   * (a Cognito authoriser cannot read a cookie), /api routes also pass its Cognito access-token authoriser (infra/api.ts).
   */
  | { readonly kind: 'http'; readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE'; readonly path: string; readonly access: HttpAccess }
  /** A Task state of one of the stack's state machines: the deadline keeper, the search workflow (issue 14), the plan execution (issue 15). */
  | { readonly kind: 'task'; readonly stateMachine: 'keeper' | 'search' | 'execution'; readonly state: string }
  /** EventBridge Scheduler, in Europe/London time (cron fields as in the Scheduler's cron()). */
  | { readonly kind: 'schedule'; readonly cron: CronFields; readonly description: string }
  /** The SES receipt rule of the DPO mailbox (asynchronous invocation). */
  | { readonly kind: 'ses' }
  /** Secrets Manager's rotation of the link-signing key secret (its rotation schedule; AWS only). */
  | { readonly kind: 'rotation' }
  /**
   * A Lambda trigger of the staff user pool (StaffSignIn; AWS only: the local OpenID provider has
   * none). preTokenGeneration: Cognito calls it (event version 2) before it issues tokens, and
   * puts the claims it answers into them; a failure fails the sign-in.
   */
  | { readonly kind: 'cognito'; readonly trigger: 'preTokenGeneration' }
  /**
   * The cases table's stream (an event source mapping; AWS): only REMOVE records made by DynamoDB's
   * TTL reach the handler (a filter on the mapping). Locally the TTL sweeper invokes it with the same
   * records (infra/local/ttl-sweeper.ts), `batchSize` at a time.
   */
  | { readonly kind: 'stream'; readonly table: 'cases'; readonly batchSize: number; readonly description: string };

export interface CronFields {
  readonly minute?: string;
  readonly hour?: string;
  readonly day?: string;
  readonly month?: string;
  readonly weekDay?: string;
}

/**
 * Access to a bucket: 'write' creates or overwrites objects, without reading or deleting them;
 * 'purge' lists object versions and deletes versions (retention), without reading or writing any;
 * 'hold' lists object versions and places or lifts their legal holds (a case's legal hold), nothing else.
 */
export type BucketAccess = 'read' | 'write' | 'readWrite' | 'purge' | 'hold';

/**
 * The objects of a bucket a handler uses: every object (an access alone), or only those whose
 * keys start with `prefix` (e.g. `{ access: 'read', prefix: 'inbound/' }`).
 */
export type BucketUse = BucketAccess | { readonly access: BucketAccess; readonly prefix: string };

/**
 * What a handler does with one bucket: one use, or several when it needs different access under
 * different prefixes (the desk's act handlers hold every object of a case, read the search's
 * records under `searches/` and write the answer under `exports/`). One environment variable
 * either way; each use is its own grant.
 */
export type BucketUses = BucketUse | readonly BucketUse[];

/** A bucket use as access and key prefix ('' for every object). */
export function bucketUseOf(use: BucketUse): { readonly access: BucketAccess; readonly prefix: string } {
  return typeof use === 'string' ? { access: use, prefix: '' } : use;
}

/** Every use of a bucket, as access and key prefix (none when the bucket is not used). */
export function bucketUsesOf(uses: BucketUses | undefined): Array<{ readonly access: BucketAccess; readonly prefix: string }> {
  if (uses === undefined) return [];
  return (typeof uses === 'string' || !Array.isArray(uses) ? [uses as BucketUse] : (uses as readonly BucketUse[])).map(bucketUseOf);
}

/** Plain configuration values (no grant), each one environment variable of the same name. */
export type Setting =
  | 'DPO_ADDRESS'
  | 'TEAM_ADDRESS'
  | 'NATION'
  | 'PUBLIC_BASE_URL'
  | 'KEEPER_OFFSETS'
  | 'MAIL_DAILY_LIMIT'
  | 'RETENTION_CASE_YEARS'
  | 'RETENTION_REJECTED_DAYS'
  | 'RETENTION_ACCOUNTABILITY_YEARS';

/**
 * The retention schedule's periods (issue 13; shared/domain/retention.ts): every function that
 * computes an expiry (closing a case, releasing a hold, saving a report, a review or a released
 * account hold) reads all three at cold start (shared/adapters/from-env.ts retentionSchedule).
 */
export const RETENTION_SETTINGS = [
  'RETENTION_CASE_YEARS',
  'RETENTION_REJECTED_DAYS',
  'RETENTION_ACCOUNTABILITY_YEARS',
] as const satisfies readonly Setting[];

/**
 * What every handler that owes mail uses: the outbox dispatcher (shared/core/outbox.ts) renders
 * and sends any kind of mail a case owes, so it needs every address, the link-signing key and the limit.
 */
export const OUTBOX_USES = {
  cases: 'readWrite',
  signingKey: true,
  mail: true,
  settings: ['DPO_ADDRESS', 'TEAM_ADDRESS', 'PUBLIC_BASE_URL', 'MAIL_DAILY_LIMIT'],
} as const satisfies Uses;

/** What a handler reads and writes. Each entry becomes one environment variable and its grant; nothing else is granted. */
export interface Uses {
  /** The cases table (CASES_TABLE). */
  readonly cases?: 'read' | 'readWrite';
  /** The raw inbound mail bucket (RAW_MAIL_BUCKET). */
  readonly rawMail?: BucketUses;
  /** Attachments and exports (FILES_BUCKET). */
  readonly files?: BucketUses;
  /** Compliance reports (REPORTS_BUCKET). */
  readonly reports?: BucketUses;
  /**
   * The link-signing key secret (SIGNING_KEY_SECRET_ARN): true reads its current and previous
   * versions; 'rotate' also writes a new version and moves its staging labels (the rotation function).
   */
  readonly signingKey?: true | 'rotate';
  /** Sends mail through SES from the sender address (SENDER_ADDRESS). */
  readonly mail?: true;
  /**
   * POSTs Art. 19 notices to recipients' APIs (issue 15): reads their tokens, the secrets under
   * rightsdesk/recipients/ the register names (GetSecretValue on that prefix only); no variable.
   */
  readonly recipientApis?: true;
  /**
   * Places S3 legal holds on a case's objects (issue 13): 'hold' access to the raw mail under
   * inbound/ and to the files bucket, beside whatever `rawMail` and `files` grant. For a handler
   * that stores objects of a case that may be on hold (mail threaded into a held case).
   */
  readonly holds?: true;
  /** Starts deadline keepers (KEEPER_STATE_MACHINE_ARN, states:StartExecution). */
  readonly keeper?: 'start';
  /** Starts search workflows (SEARCH_STATE_MACHINE_ARN, states:StartExecution; issue 14). */
  readonly search?: 'start';
  /** Starts plan executions (EXECUTION_STATE_MACHINE_ARN, states:StartExecution; issue 15). */
  readonly execution?: 'start';
  /** Verifies staff sign-in: the staff issuer and the desk's client id there (STAFF_ISSUER, STAFF_CLIENT_ID); no grant. */
  readonly staffAuth?: true;
  /**
   * Reads Icetrak's customer-account database (PostgreSQL; the register's SQL sources and the
   * account directory): in AWS the credentials secret (ACCOUNTS_DB_SECRET_ARN, read grant and KMS
   * decrypt) and a place in the database's VPC; under the local stack ACCOUNTS_DB_URL instead.
   */
  readonly accountsDb?: true;
  /**
   * Reads the traffic search's Athena results (issue 14): the results bucket (ATHENA_RESULTS_BUCKET)
   * under the workgroup's output prefix (ATHENA_RESULTS_PREFIX), read only (infra/traffic-search.ts).
   */
  readonly athenaResults?: 'read';
  /** Configuration values it reads. */
  readonly settings?: readonly Setting[];
}

export interface HandlerSpec {
  /** Construct id of its function, PascalCase, unique in its context. */
  readonly id: string;
  /** Module exporting `handler`, relative to the repository root. */
  readonly entry: string;
  readonly description: string;
  readonly trigger: Trigger;
  readonly uses: Uses;
  /** @default 10 */
  readonly timeoutSeconds?: number;
  /** @default 512 */
  readonly memoryMb?: number;
  /**
   * 'icetrak': the function runs in Icetrak's VPC (its subnets and security group, from CDK
   * context), to reach the account database (issue 14). @default - no VPC
   */
  readonly network?: 'icetrak';
}

/** A context's manifest: its name (POWERTOOLS_SERVICE_NAME) and its handlers. */
export interface ContextManifest {
  readonly context: string;
  readonly handlers: readonly HandlerSpec[];
}

/** Environment variable names a handler's `uses` entails, in a fixed order (the cold start reads exactly these). */
export function envNamesOf(uses: Uses): string[] {
  return [
    ...(uses.cases ? ['CASES_TABLE'] : []),
    ...(uses.rawMail || uses.holds ? ['RAW_MAIL_BUCKET'] : []),
    ...(uses.files || uses.holds ? ['FILES_BUCKET'] : []),
    ...(uses.reports ? ['REPORTS_BUCKET'] : []),
    ...(uses.signingKey ? ['SIGNING_KEY_SECRET_ARN'] : []),
    ...(uses.mail ? ['SENDER_ADDRESS'] : []),
    ...(uses.keeper ? ['KEEPER_STATE_MACHINE_ARN'] : []),
    ...(uses.search ? ['SEARCH_STATE_MACHINE_ARN'] : []),
    ...(uses.execution ? ['EXECUTION_STATE_MACHINE_ARN'] : []),
    ...(uses.staffAuth ? ['STAFF_ISSUER', 'STAFF_CLIENT_ID'] : []),
    ...(uses.accountsDb ? ['ACCOUNTS_DB_SECRET_ARN'] : []),
    ...(uses.athenaResults ? ['ATHENA_RESULTS_BUCKET', 'ATHENA_RESULTS_PREFIX'] : []),
    ...(uses.settings ?? []),
  ];
}

/** An HTTP route: what API Gateway and the local HTTP adapter serve. */
export interface Route {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly entry: string;
  readonly access: HttpAccess;
}

/** The routes of `handlers`, in order. */
export function routesOf(handlers: readonly HandlerSpec[]): Route[] {
  return handlers.flatMap((h) =>
    h.trigger.kind === 'http' ? [{ method: h.trigger.method, path: h.trigger.path, entry: h.entry, access: h.trigger.access }] : [],
  );
}

/** The handlers of `handlers` with trigger kind `kind`. */
export function triggeredBy<K extends Trigger['kind']>(
  handlers: readonly HandlerSpec[],
  kind: K,
): Array<HandlerSpec & { readonly trigger: Extract<Trigger, { kind: K }> }> {
  return handlers.filter((h): h is HandlerSpec & { trigger: Extract<Trigger, { kind: K }> } => h.trigger.kind === kind);
}

/** The one handler of `handlers` with trigger kind `kind` (the keeper's sweep, the SES handler); throws unless there is exactly one. */
export function onlyTriggeredBy<K extends Trigger['kind']>(
  handlers: readonly HandlerSpec[],
  kind: K,
  context: string,
): HandlerSpec & { readonly trigger: Extract<Trigger, { kind: K }> } {
  const found = triggeredBy(handlers, kind);
  const [only] = found;
  if (!only || found.length > 1) throw new Error(`The ${context} manifest must have exactly one ${kind}-triggered handler; it has ${found.length}.`);
  return only;
}
