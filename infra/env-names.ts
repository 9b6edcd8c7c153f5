/**
 * The names of the environment variables the CDK constructs set on Lambda functions, in
 * one place. shared/config.ts parses exactly these names at cold start; only constructs
 * (ServiceFunction's bind methods) set them, so a name can never drift between the two.
 *
 * This module has no imports on purpose: Lambda bundles may import it without pulling in
 * aws-cdk-lib.
 */
export const ENV_NAMES = {
  /** Name of the cases table (bindCases). */
  CASES_TABLE: 'CASES_TABLE',
  /** Bucket holding inbound raw MIME written by SES. */
  RAW_MAIL_BUCKET: 'RAW_MAIL_BUCKET',
  /** Bucket holding attachments and request exports. */
  FILES_BUCKET: 'FILES_BUCKET',
  /** Bucket holding the scheduled compliance reports. */
  REPORTS_BUCKET: 'REPORTS_BUCKET',
  /** The DPO mailbox requests are sent to (cdk.json `rightsdesk:dpoAddress`). */
  DPO_ADDRESS: 'DPO_ADDRESS',
  /**
   * The DPO team's inbox, where staff notices go (cdk.json `rightsdesk:teamAddress`); never the
   * DPO mailbox, whose mail Rightsdesk itself receives. Only on the functions that send notices.
   */
  TEAM_ADDRESS: 'TEAM_ADDRESS',
  /** The From address of outbound mail (cdk.json `rightsdesk:senderAddress`). */
  SENDER_ADDRESS: 'SENDER_ADDRESS',
  /** The office's nation, which decides bank holidays (cdk.json `rightsdesk:nation`). */
  NATION: 'NATION',
  /** Public origin of the web form and confirmation links, e.g. https://privacy.icetrak.net */
  PUBLIC_BASE_URL: 'PUBLIC_BASE_URL',
  /** ARN of the Secrets Manager secret holding the link-signing key (bindSecret). */
  SIGNING_KEY_SECRET_ARN: 'SIGNING_KEY_SECRET_ARN',
  /** ARN of the deadline-keeper state machine, for functions that start keepers (DeadlineKeeper.bindStarter). */
  KEEPER_STATE_MACHINE_ARN: 'KEEPER_STATE_MACHINE_ARN',
  /** ARN of the search workflow's state machine, for functions that start searches (Fulfilment.bindStarter). */
  SEARCH_STATE_MACHINE_ARN: 'SEARCH_STATE_MACHINE_ARN',
  /** ARN of the plan execution's state machine, for functions that start executions (PlanExecutionWorkflow.bindStarter). */
  EXECUTION_STATE_MACHINE_ARN: 'EXECUTION_STATE_MACHINE_ARN',
  /** The keeper's checkpoint offsets as JSON (DeadlineKeeper props.offsets). */
  KEEPER_OFFSETS: 'KEEPER_OFFSETS',
  /** Automatic mails one recipient address may get a day (cdk.json `rightsdesk:mailDailyLimit`). */
  MAIL_DAILY_LIMIT: 'MAIL_DAILY_LIMIT',
  /** The staff sign-in's OpenID issuer (Cognito user pool URL); functions whose manifest entry has `staffAuth`. */
  STAFF_ISSUER: 'STAFF_ISSUER',
  /** The desk's app client id in that user pool. */
  STAFF_CLIENT_ID: 'STAFF_CLIENT_ID',
  /** ARN of the secret with the credentials of Icetrak's account database (functions whose manifest entry has `accountsDb`). */
  ACCOUNTS_DB_SECRET_ARN: 'ACCOUNTS_DB_SECRET_ARN',
  /** The traffic search's Athena results bucket (functions whose manifest entry has `athenaResults`). */
  ATHENA_RESULTS_BUCKET: 'ATHENA_RESULTS_BUCKET',
  /** The key prefix the workgroup writes results under, e.g. `athena/`. */
  ATHENA_RESULTS_PREFIX: 'ATHENA_RESULTS_PREFIX',
  /** Years a closed case's records are kept (cdk.json `rightsdesk:retentionCaseYears`); functions that compute an expiry. */
  RETENTION_CASE_YEARS: 'RETENTION_CASE_YEARS',
  /** Days rejected intake is kept after it closes (`rightsdesk:retentionRejectedDays`). */
  RETENTION_REJECTED_DAYS: 'RETENTION_REJECTED_DAYS',
  /** Years accountability records are kept (`rightsdesk:retentionAccountabilityYears`). */
  RETENTION_ACCOUNTABILITY_YEARS: 'RETENTION_ACCOUNTABILITY_YEARS',
} as const;

export type EnvName = (typeof ENV_NAMES)[keyof typeof ENV_NAMES];

/** Variables ServiceFunction sets on every function; not for bindEnv. */
export const RUNTIME_ENV_NAMES = {
  POWERTOOLS_SERVICE_NAME: 'POWERTOOLS_SERVICE_NAME',
  POWERTOOLS_LOG_LEVEL: 'POWERTOOLS_LOG_LEVEL',
  NODE_OPTIONS: 'NODE_OPTIONS',
  /** Extra CA certificates Node trusts: set only on functions that reach the account database over TLS (ServiceFunction.trustAmazonCertificates). */
  NODE_EXTRA_CA_CERTS: 'NODE_EXTRA_CA_CERTS',
} as const;
