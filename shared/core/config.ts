/**
 * Environment configuration, parsed once at cold start (STYLE.md: a missing or bad
 * variable fails the cold start with a clear message; no fallback values for resource
 * names — only the CDK constructs and the local stack set them).
 */
import * as z from 'zod/mini';
import { isRetentionValue, type RetentionSchedule } from '#domain/retention';

const NATIONS = ['england-and-wales', 'scotland', 'northern-ireland'] as const;

/** A period of the retention schedule: a whole number within RETENTION_BOUNDS. */
const retentionValue = (field: keyof RetentionSchedule) =>
  z
    .pipe(
      z.string().check(z.regex(/^\d{1,4}$/)),
      z.transform((v) => Number(v)),
    )
    .check(z.refine((n) => isRetentionValue(field, n)));

const VARS = {
  CASES_TABLE: z.string().check(z.minLength(1)),
  RAW_MAIL_BUCKET: z.string().check(z.minLength(1)),
  FILES_BUCKET: z.string().check(z.minLength(1)),
  REPORTS_BUCKET: z.string().check(z.minLength(1)),
  DPO_ADDRESS: z.email(),
  /** Where staff notices go: the DPO team's inbox, not the DPO mailbox (that is Rightsdesk's intake). */
  TEAM_ADDRESS: z.email(),
  SENDER_ADDRESS: z.email(),
  NATION: z.enum(NATIONS),
  /** Where the public form is served; links in emails are built on it. */
  PUBLIC_BASE_URL: z.url({ protocol: /^https?$/ }),
  /** Secrets Manager secret holding the link-signing key (AWS). */
  SIGNING_KEY_SECRET_ARN: z.string().check(z.startsWith('arn:')),
  /** The link-signing key itself, base64url (local stack only; generated under .data/). */
  SIGNING_KEY: z.string().check(z.minLength(32)),
  /** The key before SIGNING_KEY, base64url: links it signed still verify (local stack only; optional). */
  SIGNING_KEY_PREVIOUS: z.string().check(z.minLength(32)),
  /** Deadline-keeper state machine (Step Functions). */
  KEEPER_STATE_MACHINE_ARN: z.string().check(z.startsWith('arn:')),
  /** The search workflow's state machine (Step Functions; issue 14). */
  SEARCH_STATE_MACHINE_ARN: z.string().check(z.startsWith('arn:')),
  /** The plan execution's state machine (Step Functions; issue 15). */
  EXECUTION_STATE_MACHINE_ARN: z.string().check(z.startsWith('arn:')),
  /** The deadline keeper's checkpoint offsets, JSON (shared/deadlines/offsets.ts; `{}` for the defaults). */
  KEEPER_OFFSETS: z.string().check(z.startsWith('{')),
  /** The staff sign-in's OpenID issuer: the Cognito user pool in AWS, the local provider on `npm start`. */
  STAFF_ISSUER: z.url({ protocol: /^https?$/ }),
  /** The desk's client id at that issuer (a public client: PKCE, no secret). */
  STAFF_CLIENT_ID: z.string().check(z.minLength(1)),
  /** Automatic mails one recipient address may get a day, whatever the source (shared/core/outbox.ts). */
  MAIL_DAILY_LIMIT: z.string().check(z.regex(/^[1-9]\d{0,2}$/)),
  /** Secrets Manager secret with the credentials of Icetrak's account database, RDS-style JSON (AWS; shared/adapters/accounts-db.ts). */
  ACCOUNTS_DB_SECRET_ARN: z.string().check(z.startsWith('arn:')),
  /** Connection string of the account database (local stack only: PGlite, infra/local/icetrak/account-system.ts). */
  ACCOUNTS_DB_URL: z.string().check(z.regex(/^postgres(ql)?:\/\//)),
  ATHENA_RESULTS_BUCKET: z.string().check(z.minLength(3)),
  /** The workgroup's output prefix in the results bucket, e.g. `athena/` (Athena writes `<prefix><QueryExecutionId>.csv`). */
  ATHENA_RESULTS_PREFIX: z.string().check(z.regex(/^([\w.-]+\/)*$/)),
  /** The retention schedule (shared/domain/retention.ts; CDK context rightsdesk:retention*): years a closed case is kept. */
  RETENTION_CASE_YEARS: retentionValue('caseYears'),
  /** Days rejected intake is kept after it closes. */
  RETENTION_REJECTED_DAYS: retentionValue('rejectedDays'),
  /** Years accountability records (reports, retention reviews, released account holds) are kept. */
  RETENTION_ACCOUNTABILITY_YEARS: retentionValue('accountabilityYears'),
} as const;

export type ConfigVar = keyof typeof VARS;
export type Config<K extends ConfigVar> = { readonly [P in K]: z.infer<(typeof VARS)[P]> };

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Reads and validates exactly the variables a composition root needs. */
export function readConfig<K extends ConfigVar>(names: readonly K[], env: NodeJS.ProcessEnv = process.env): Config<K> {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const name of names) {
    const parsed = z.safeParse(VARS[name], env[name]);
    if (parsed.success) out[name] = parsed.data;
    else problems.push(`${name} is ${env[name] === undefined ? 'not set' : 'invalid'}`);
  }
  if (problems.length) throw new ConfigError(`Configuration error: ${problems.join('; ')}.`);
  return out as Config<K>;
}

/** Reads the first of several alternative variables that is set (e.g. a secret ARN in AWS, the key itself locally). */
export function readOneOf<K extends ConfigVar>(names: readonly K[], env: NodeJS.ProcessEnv = process.env): Partial<Config<K>> {
  const present = names.filter((n) => env[n] !== undefined);
  if (present.length !== 1) {
    throw new ConfigError(`Configuration error: set exactly one of ${names.join(', ')}.`);
  }
  return readConfig(present, env);
}
