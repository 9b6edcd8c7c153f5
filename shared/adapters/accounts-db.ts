/**
 * The connection pool to Icetrak's customer-account database (PostgreSQL), for the SQL sources of
 * the register (sql-source.ts) and the account directory (account-directory.ts).
 *
 * In AWS the credentials come from Secrets Manager (ACCOUNTS_DB_SECRET_ARN: an RDS-style secret,
 * JSON {host, port, username, password, dbname}); the connection requires TLS with a verified
 * certificate. Under the local stack ACCOUNTS_DB_URL names PGlite (infra/local/icetrak). Either
 * way one small pool per execution environment, built on first use: a Lambda serves one
 * invocation at a time, so two connections are plenty, and a closed idle connection costs Icetrak's
 * database nothing. When the credentials are rejected (a rotated password), the pool is dropped
 * and the next call reads the secret again. Nothing here logs a credential, a query or a row.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import pg from 'pg';
import * as z from 'zod/mini';
import { readOneOf } from '#shared/core/config';
import { errorFields, logger } from '#shared/core/log';
import { secretsManagerClient } from './aws-clients';

/** What the SQL adapters need of a pool: a client for one transaction (pg.Pool has it). */
export interface SqlPool {
  connect(): Promise<pg.PoolClient>;
}

/** Connections one execution environment keeps open to the account database. */
export const POOL_MAX = 2;
/** A connection not made within this time fails the search of that source (the workflow retries it). */
export const CONNECT_TIMEOUT_MS = 5_000;

const secretSchema = z.object({
  host: z.string().check(z.minLength(1)),
  port: z.optional(z.union([z.number(), z.string().check(z.regex(/^\d{2,5}$/))])),
  username: z.string().check(z.minLength(1)),
  password: z.string().check(z.minLength(1)),
  dbname: z.optional(z.string().check(z.minLength(1))),
});

/** The account database's connection settings from an RDS-style secret: TLS required, the server's certificate verified. */
export function poolConfigFromSecret(secretString: string | undefined): pg.PoolConfig {
  let json: unknown;
  try {
    json = JSON.parse(secretString ?? '');
  } catch {
    throw new Error('The account database secret is not JSON.');
  }
  const parsed = z.safeParse(secretSchema, json);
  // The issues name fields only; their values (a password) never reach an error message.
  if (!parsed.success) throw new Error(`The account database secret lacks ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}.`);
  const s = parsed.data;
  return {
    host: s.host,
    port: s.port === undefined ? 5432 : Number(s.port),
    user: s.username,
    password: s.password,
    database: s.dbname ?? 'postgres',
    ssl: { rejectUnauthorized: true, servername: s.host },
    ...POOL_DEFAULTS,
  };
}

/** The local stack's settings: the connection string as given (PGlite speaks no TLS). */
export function poolConfigFromUrl(url: string): pg.PoolConfig {
  return { connectionString: url, ...POOL_DEFAULTS };
}

const POOL_DEFAULTS = {
  max: POOL_MAX,
  idleTimeoutMillis: 60_000,
  connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
  application_name: 'rightsdesk',
} as const satisfies pg.PoolConfig;

export interface AccountsDbOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** @default a Secrets Manager client for the function's region */
  readonly client?: Pick<SecretsManagerClient, 'send'>;
}

/**
 * A pool from the environment, created on the first `connect()`: ACCOUNTS_DB_URL (local stack) or
 * ACCOUNTS_DB_SECRET_ARN (AWS). Which one is checked now, so a missing variable fails the cold start.
 */
export function accountsDbFromEnv(opts: AccountsDbOptions = {}): SqlPool & { end(): Promise<void> } {
  const cfg = readOneOf(['ACCOUNTS_DB_URL', 'ACCOUNTS_DB_SECRET_ARN'], opts.env ?? process.env);
  const configOf = async (): Promise<pg.PoolConfig> => {
    if (cfg.ACCOUNTS_DB_URL) return poolConfigFromUrl(cfg.ACCOUNTS_DB_URL);
    const client = opts.client ?? secretsManagerClient();
    const out = await client.send(new GetSecretValueCommand({ SecretId: cfg.ACCOUNTS_DB_SECRET_ARN }));
    return poolConfigFromSecret(out.SecretString);
  };

  let pool: Promise<pg.Pool> | undefined;
  const drop = (stale: Promise<pg.Pool>) => {
    if (pool !== stale) return;
    pool = undefined;
    void stale.then((p) => p.end()).catch(() => undefined);
  };
  return {
    async connect() {
      const current = (pool ??= configOf().then((config) => {
        const p = new pg.Pool(config);
        // An idle connection the server closed: pg emits 'error' on the pool; unhandled, it would end the process.
        // The next connect() opens a fresh connection.
        p.on('error', (err) => logger.warn('Account database connection lost', errorFields(err)));
        return p;
      }));
      // A failed secret read or pool creation is not cached: the next invocation tries again.
      current.catch(() => drop(current));
      try {
        return await (await current).connect();
      } catch (err) {
        // 28P01 invalid password, 28000 invalid authorisation: the secret has rotated since it was read.
        if (['28P01', '28000'].includes((err as { code?: string }).code ?? '')) drop(current);
        throw err;
      }
    },
    async end() {
      const current = pool;
      pool = undefined;
      if (current) await (await current).end();
    },
  };
}

let shared: (SqlPool & { end(): Promise<void> }) | undefined;

/** The execution environment's one account-database pool (built on first use, then reused). */
export function accountsDb(): SqlPool {
  return (shared ??= accountsDbFromEnv());
}
