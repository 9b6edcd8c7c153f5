/**
 * The whole of Rightsdesk on one machine (DESIGN.md, "Local stack: npm start"): the emulators,
 * the cases table and buckets, the environment the production handlers read, the API Gateway
 * adapter in front of them, and the TTL sweeper dynalite needs. What runs is the production
 * code; only the hosts differ.
 *
 * Start-up order matters: the API port is bound first (a taken port fails fast, before anything
 * heavy starts) but requests wait until every part is up and the environment is set, because
 * handler modules read their configuration when they are first imported.
 */
import { RETENTION as RETENTION_DEFAULTS } from '#domain/retention';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { EMAIL } from '#lambdas/email/manifest';
import { RETENTION } from '#lambdas/retention/manifest';
import { onlyTriggeredBy, routesOf, type Route } from '#lambdas/manifest';
import { HANDLERS } from '#lambdas/manifests';
import { CASES_TABLE } from '#adapters/cases-table-schema';
import { TIME_ORIGIN_VAR, TIME_SCALE_VAR, scaledClock } from '#adapters/clock';
import { systemClock } from '#shared/ports';
import { createCasesTable, localDynamoClient, localS3Client, startDynamo, startS3, startSes, LOCAL_CREDENTIALS, LOCAL_REGION } from './emulators';
import { isAlive, writeLocalEndpoints } from './endpoints';
import { createHealthCheck, type HealthCheck } from './health';
import { startSmtpListener, type SmtpListener } from './smtp-listener';
import { createHttpAdapter } from './http-adapter';
import { startLocalKeeper, type LocalKeeper } from './keeper';
import type { KeeperRunner } from './keeper-runner';
import { createLocalSearch, type LocalAthena } from './search';
import { createLocalExecution } from './execution';
import { createAthenaLocal } from './athena-local';
import { loadOrCreateSigningKey, newSigningKey } from './signing-key';
import { createTtlSweeper, type TtlSweeper } from './ttl-sweeper';
import { lambdaContext } from './lambda-context';
import { createOutboxSweeper, type OutboxSweeper } from './outbox-sweeper';
import { startReportScheduler, type ReportScheduler } from './report-scheduler';
import { DEFAULT_OIDC_PORT, startLocalOidc, type LocalStaffUser } from './oidc';
import { startAccountSystem, type RunningAccountSystem } from './icetrak/account-system';
import { loadDemoTrafficOnce } from './icetrak/traffic-data';
import { londonDateOf } from '#domain/calendar';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const DEFAULT_DATA_DIR = join(REPO_ROOT, '.data');
export const DEFAULT_PORT = 3000;
export const DEFAULT_SES_PORT = 8005;

/** Physical names locally; in AWS the CDK app names resources and passes them in the same env vars. */
export const LOCAL_RESOURCES = {
  casesTable: 'rightsdesk-cases',
  rawMailBucket: 'rightsdesk-raw-mail',
  filesBucket: 'rightsdesk-files',
  reportsBucket: 'rightsdesk-reports',
  /** Icetrak's message traffic (Parquet by day): its own bucket in AWS, searched by Athena (infra/traffic-search.ts). */
  trafficBucket: 'icetrak-traffic',
  /** Where Athena (locally DuckDB, infra/local/athena-local.ts) writes query results. */
  athenaResultsBucket: 'rightsdesk-athena-results',
} as const;

/** Where the traffic search's results go in the results bucket (the workgroup's output location in AWS). */
const ATHENA_RESULTS_PREFIX = 'athena/';

const BUCKETS = [
  LOCAL_RESOURCES.rawMailBucket,
  LOCAL_RESOURCES.filesBucket,
  LOCAL_RESOURCES.reportsBucket,
  LOCAL_RESOURCES.trafficBucket,
  LOCAL_RESOURCES.athenaResultsBucket,
];

export interface LocalStackOptions {
  /** HTTP API port. Default 3000; 0 picks a free one. */
  readonly port?: number;
  /** aws-ses-v2-local port. Default 8005; 0 picks a free one. */
  readonly sesPort?: number;
  /**
   * Inbound SMTP port for mail to the DPO address (SES email receiving's stand-in); 0 picks a
   * free one. Default: no SMTP listener (`npm start` passes SMTP_PORT, default 2525).
   */
  readonly smtpPort?: number;
  /** Waits before the SMTP listener's handler retries (Lambda's async retries). Default 1 s, 5 s. */
  readonly smtpRetryDelaysMs?: readonly number[];
  /** Largest message the SMTP listener accepts. Default SES's 40 MB. */
  readonly smtpMaxMessageBytes?: number;
  /** The staff sign-in's OpenID provider port. Default 3001, or a free one when `port` is 0. */
  readonly oidcPort?: number;
  /** Keep everything in memory: nothing is written under `dataDir`. */
  readonly memory?: boolean;
  /** Where persisted data lives. Default `.data/` at the repository root. */
  readonly dataDir?: string;
  /** Default: the HTTP handlers of every context manifest. */
  readonly routes?: readonly Route[];
  /** Seconds between TTL sweeps. Default 60. */
  readonly ttlSweepSeconds?: number;
  /** Seconds between outbox sweeps (mail cases still owe). Default 60, as the schedule in AWS. */
  readonly outboxSweepSeconds?: number;
  /** Handler timeout. Default API Gateway's 29 s. */
  readonly handlerTimeoutMs?: number;
  /**
   * Run the compliance reports on their schedules (and once at start, to catch up). Default false:
   * tests run a report when they mean to (`reportScheduler.runAll()`); `npm start` turns it on.
   */
  readonly reportSchedules?: boolean;
  /**
   * Icetrak's account system (a postgres:// URL, e.g. startAccountSystem's): set as ACCOUNTS_DB_URL
   * for the handlers that read it (the retention review). Without it, and without ACCOUNTS_DB_URL
   * in the environment, the scheduled review is skipped with a log line.
   */
  readonly accountsDbUrl?: string;
  /**
   * Run time faster for demos: every handler's clock and the deadline keeper's waits count
   * `timeScale` milliseconds per real one (1440: a day a minute). Default 1 (real time).
   */
  readonly timeScale?: number;
  /**
   * Start Icetrak's systems that the fulfilment connectors search (issue 14): its account system
   * (PGlite behind the `pg` driver; ACCOUNTS_DB_URL). `demo` loads the demo accounts and people and
   * the synthetic accounts (`npm start -- --no-demo` leaves the systems empty). Default: not started
   * (a new PGlite database takes seconds); `npm start` turns it on, and tests that search opt in.
   */
  readonly icetrak?: boolean | { readonly demo?: boolean; readonly syntheticAccounts?: number };
  /** One line per event worth telling (requests, sweeps, handler failures). Default console.log. */
  readonly log?: (line: string) => void;
  /**
   * Answers the search workflow's Athena task (the traffic search) locally: infra/local/athena-local.ts
   * (DuckDB over the Parquet files behind the local S3). @default - none: the traffic source is recorded as failed
   */
  readonly athena?: LocalAthena;
}

export interface LocalStackUrls {
  readonly api: string;
  readonly health: string;
  readonly ses: string;
  readonly sesStore: string;
  readonly s3: string;
  readonly dynamodb: string;
  readonly stepFunctions: string;
  /** Present when smtpPort was given: the SMTP listener for mail to the DPO address. */
  readonly smtp?: string;
  /** The staff sign-in's OpenID provider (the issuer; Cognito in AWS). */
  readonly oidc: string;
}

export interface LocalStack {
  readonly urls: LocalStackUrls;
  /** Every environment variable the stack set (restored to its earlier value on stop). */
  readonly env: Readonly<Record<string, string>>;
  /** Where data persists, or undefined in memory mode. */
  readonly dataDir: string | undefined;
  /** Things the developer should know (a port in use, a persisted table of an older shape). */
  readonly warnings: readonly string[];
  readonly ttlSweeper: TtlSweeper;
  /** The outbox sweep: sends mail cases still owe (runOnce() for tests). */
  readonly outboxSweeper: OutboxSweeper;
  /** The compliance reports' schedules (runAll() for tests; timers only with `reportSchedules`). */
  readonly reportScheduler: ReportScheduler;
  /** The deadline keeper: its executions, run in aws-local-stepfunctions. */
  readonly keeper: LocalKeeper;
  /** The search workflow's executions (issue 14), on the keeper's Step Functions endpoint. */
  readonly search: KeeperRunner;
  /** The plan execution's executions (issue 15), on the same endpoint. */
  readonly execution: KeeperRunner;
  /** The SMTP listener, when smtpPort was given. */
  readonly inboundMail?: SmtpListener;
  /** Where the handlers' SDK clients send each service's requests: the emulator, or the operator's override. */
  readonly endpoints: Readonly<Record<EmulatedService, string>>;
  /** The services whose handlers' endpoint is an operator's override, not the emulator (shown by npm start). */
  readonly overridden: readonly EmulatedService[];
  /** The seeded staff users of the local OpenID provider, with their passwords (for the banner, `npm run token` and tests). */
  readonly staffUsers: readonly LocalStaffUser[];
  /** Icetrak's systems, when `icetrak` was given: the account system's connection string. */
  readonly icetrak?: { readonly accountsUrl: string; readonly demo: boolean };
  stop(): Promise<void>;
}

/** A port some other process already holds. */
export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';
  constructor(
    readonly port: number,
    readonly part: string,
    readonly envVar: string,
  ) {
    super(`Port ${port} (${part}) is already in use. Stop whatever holds it, or choose another port with ${envVar}=<port>.`);
  }
}

function portError(err: unknown, port: number, part: string, envVar: string): unknown {
  return (err as NodeJS.ErrnoException)?.code === 'EADDRINUSE' ? new PortInUseError(port, part, envVar) : err;
}

/** Another local stack is using the same data directory (LevelDB allows one process, and dynalite crashes on the clash). */
export class DataDirInUseError extends Error {
  override readonly name = 'DataDirInUseError';
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(`Another local stack (process ${pid}) is using ${dataDir}. Stop it first, or run this one with --memory.`);
  }
}

/** Claims `dir` for this stack with a pid file; a file left by a process that is gone is taken over. Returns the release. */
function lockDataDir(dir: string, claims: Set<string>): () => void {
  const file = join(dir, 'stack.pid');
  if (claims.has(dir)) throw new DataDirInUseError(dir, process.pid);
  for (;;) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      claims.add(dir);
      return () => {
        claims.delete(dir);
        rmSync(file, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(readFileSync(file, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) throw new DataDirInUseError(dir, pid);
      rmSync(file, { force: true });
    }
  }
}

/**
 * The SDK service ids of the emulated services, each with the endpoint its handlers' clients
 * use: the operator's own `AWS_ENDPOINT_URL_<SERVICE>`, else their `AWS_ENDPOINT_URL`, else the
 * emulator (the SDK's own order of precedence). So a proxy, or a fault-injection test, can stand
 * in front of any service without code changes (docs/operations.md, "Fault injection"). The
 * stack's stand-ins for what AWS does itself (creating the table, TTL deletion, SES receiving's
 * write to S3, resuming keepers, /health) keep talking to the emulators.
 */
export type EmulatedService = 'DYNAMODB' | 'S3' | 'SESV2' | 'SES' | 'SFN';

/** Emulator addresses set by stacks running in this process: not an operator's override. */
const liveEmulatorUrls = new Set<string>();

function handlerEndpoints(emulators: Record<EmulatedService, string>): Record<EmulatedService, string> {
  const given = (name: string) => {
    const value = process.env[name]?.trim();
    return value && !liveEmulatorUrls.has(value) ? value : undefined;
  };
  const out = { ...emulators };
  for (const service of Object.keys(emulators) as EmulatedService[]) {
    out[service] = given(`AWS_ENDPOINT_URL_${service}`) ?? given('AWS_ENDPOINT_URL') ?? emulators[service];
  }
  return out;
}

/** Data directories held by stacks in this process (a pid file cannot tell them apart). */
const claimedDirs = new Set<string>();

/** Sets env vars, remembering what they were so stop() can put them back. */
class EnvScope {
  readonly set: Record<string, string> = {};
  private readonly before = new Map<string, string | undefined>();

  put(name: string, value: string): void {
    if (!this.before.has(name)) this.before.set(name, process.env[name]);
    process.env[name] = value;
    this.set[name] = value;
  }

  /** Keeps a value the user already set; otherwise sets the default. */
  putDefault(name: string, value: string): void {
    this.put(name, process.env[name] ?? value);
  }

  remove(name: string): void {
    if (!this.before.has(name)) this.before.set(name, process.env[name]);
    delete process.env[name];
  }

  restore(): void {
    for (const [name, value] of this.before) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

export async function startLocalStack(opts: LocalStackOptions = {}): Promise<LocalStack> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const dataDir = opts.memory ? undefined : resolve(opts.dataDir ?? DEFAULT_DATA_DIR);
  const warnings: string[] = [];
  const env = new EnvScope();
  const cleanups: (() => Promise<void> | void)[] = [];
  let markReady!: () => void;
  let markFailed!: (err: unknown) => void;
  const ready = new Promise<void>((res, rej) => {
    markReady = res;
    markFailed = rej;
  });

  const cleanUp = async () => {
    const errors: unknown[] = [];
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch (err) {
        errors.push(err);
      }
    }
    cleanups.length = 0;
    env.restore();
    if (errors.length) throw new AggregateError(errors, 'The local stack did not stop cleanly.');
  };

  try {
    let health: HealthCheck | undefined; // eslint-disable-line prefer-const -- assigned below, read by a closure made before; made once the emulators are up; requests wait for `ready`
    const adapter = createHttpAdapter({
      routes: opts.routes ?? routesOf(HANDLERS),
      rootDir: REPO_ROOT,
      health: () => health!.check(),
      ready,
      log,
      ...(opts.handlerTimeoutMs !== undefined && { timeoutMs: opts.handlerTimeoutMs }),
    });
    const wantedPort = opts.port ?? DEFAULT_PORT;
    const port = await adapter.listen(wantedPort).catch((err: unknown) => {
      throw portError(err, wantedPort, 'HTTP API', 'PORT');
    });
    cleanups.push(() => adapter.close());

    if (dataDir) {
      mkdirSync(dataDir, { recursive: true, mode: 0o700 }); // local cases are personal data too
      cleanups.push(lockDataDir(dataDir, claimedDirs));
    }

    const wantedSesPort = opts.sesPort ?? DEFAULT_SES_PORT;
    const ses = await startSes({
      port: wantedSesPort,
      // Sent mail outlives a restart, so yesterday's confirmation link can still be found.
      ...(dataDir && {
        mailDir: join(dataDir, 'mail'),
        onMailError: (err: unknown) => log(`local SES: sent mail not kept on disk: ${(err as NodeJS.ErrnoException).code ?? (err as Error).name}`),
      }),
    }).catch((err: unknown) => {
      throw portError(err, wantedSesPort, 'SES emulator', 'SES_PORT');
    });
    cleanups.push(() => ses.close());
    if (ses.restoredMail) log(`local SES: ${ses.restoredMail} sent message(s) kept from earlier runs`);
    const dynamodb = await startDynamo(dataDir ? { dir: join(dataDir, 'dynamodb') } : {});
    cleanups.push(() => dynamodb.close());
    const s3 = await startS3({ buckets: BUCKETS, ...(dataDir && { dir: join(dataDir, 's3') }) });
    cleanups.push(() => s3.close());
    // Started from now, the accelerated clock agrees with real time at start-up.
    const timeScale = opts.timeScale ?? 1;
    if (!(Number.isFinite(timeScale) && timeScale >= 1)) throw new RangeError('timeScale must be a number of at least 1.');
    const timeOrigin = new Date();
    const clock = timeScale === 1 ? systemClock : scaledClock(timeScale, timeOrigin.getTime());
    // The traffic search's Athena task, answered by DuckDB over the same Parquet files and the same SQL (infra/local/athena-local.ts).
    const athenaS3 = localS3Client(s3.url);
    cleanups.push(() => athenaS3.destroy());
    const duckdbAthena = createAthenaLocal({
      s3Dir: s3.dir,
      s3: athenaS3,
      trafficBucket: LOCAL_RESOURCES.trafficBucket,
      filesBucket: LOCAL_RESOURCES.filesBucket,
      outputLocation: `s3://${LOCAL_RESOURCES.athenaResultsBucket}/${ATHENA_RESULTS_PREFIX}`,
    });
    const athena = opts.athena ?? ((parameters: unknown) => duckdbAthena.startQueryExecutionSync(parameters));
    const search = createLocalSearch({ rootDir: REPO_ROOT, clock, log, athena });
    const execution = createLocalExecution({ rootDir: REPO_ROOT, clock, log });
    const keeper = await startLocalKeeper({ rootDir: REPO_ROOT, clock, scale: timeScale, log, alsoServe: [search, execution] });
    cleanups.push(() => search.stop());
    cleanups.push(() => execution.stop());
    // Registered after the emulators, so executions stop before the stores they use close.
    cleanups.push(() => keeper.close());

    const dynamo = localDynamoClient(dynamodb.url);
    cleanups.push(() => dynamo.destroy());
    await createCasesTable(dynamo, LOCAL_RESOURCES.casesTable);
    const shapeWarning = await checkTableShape(dynamo, dataDir);
    if (shapeWarning) warnings.push(shapeWarning);
    let inboundMail: SmtpListener | undefined; // started below, once the handlers' environment is set
    const check = createHealthCheck({
      dynamodbUrl: dynamodb.url,
      s3Url: s3.url,
      sesUrl: ses.url,
      tableName: LOCAL_RESOURCES.casesTable,
      buckets: BUCKETS,
      stepFunctionsUrl: keeper.url,
      smtpUrl: () => inboundMail?.url,
    });
    health = check;
    cleanups.push(() => check.close());

    const apiUrl = `http://localhost:${port}`;
    const wantedOidcPort = opts.oidcPort ?? (wantedPort === 0 ? 0 : DEFAULT_OIDC_PORT);
    const oidc = await startLocalOidc({ port: wantedOidcPort, publicBaseUrl: apiUrl, ...(dataDir && { dataDir }) }).catch((err: unknown) => {
      throw portError(err, wantedOidcPort, 'staff sign-in (OpenID provider)', 'OIDC_PORT');
    });
    cleanups.push(() => oidc.close());
    // The SDK reads AWS_ENDPOINT_URL_<SERVICE>; dummy credentials mean nothing can reach real AWS.
    env.put('AWS_REGION', LOCAL_REGION);
    env.put('AWS_ACCESS_KEY_ID', LOCAL_CREDENTIALS.accessKeyId);
    env.put('AWS_SECRET_ACCESS_KEY', LOCAL_CREDENTIALS.secretAccessKey);
    env.remove('AWS_SESSION_TOKEN');
    env.remove('AWS_PROFILE');
    env.put('AWS_EC2_METADATA_DISABLED', 'true');
    env.remove('AWS_IGNORE_CONFIGURED_ENDPOINT_URLS'); // it would send the handlers past the emulators, to AWS
    const endpoints = handlerEndpoints({ DYNAMODB: dynamodb.url, S3: s3.url, SESV2: ses.url, SES: ses.url, SFN: keeper.url });
    for (const [service, url] of Object.entries(endpoints)) env.put(`AWS_ENDPOINT_URL_${service}`, url);
    const emulatorUrls = new Set([dynamodb.url, s3.url, ses.url, keeper.url]);
    emulatorUrls.forEach((u) => liveEmulatorUrls.add(u));
    cleanups.push(() => emulatorUrls.forEach((u) => liveEmulatorUrls.delete(u)));
    let accounts: RunningAccountSystem | undefined;
    const icetrak = opts.icetrak === true ? {} : opts.icetrak || undefined;
    if (icetrak) {
      accounts = await startAccountSystem({
        ...(dataDir && { dataDir: join(dataDir, 'icetrak-accounts') }),
        demo: icetrak.demo ?? true,
        ...(icetrak.syntheticAccounts !== undefined && { syntheticAccounts: icetrak.syntheticAccounts }),
      });
      const running = accounts;
      cleanups.push(() => running.stop());
      env.put('ACCOUNTS_DB_URL', accounts.url);
      env.remove('ACCOUNTS_DB_SECRET_ARN'); // locally the connection string, never a secret in AWS
      log(`Icetrak account system (PGlite): ready in ${String(accounts.timings.openMs + accounts.timings.seedMs)} ms`);
      if (icetrak.demo ?? true) {
        // Generated once per data directory (a few seconds), into the bucket Athena's table reads in AWS.
        const s3Client = localS3Client(s3.url);
        const loaded = await loadDemoTrafficOnce(s3Client, LOCAL_RESOURCES.trafficBucket, londonDateOf(new Date())).finally(() => s3Client.destroy());
        if (loaded) log(`Icetrak message traffic: ${loaded.rows.toLocaleString('en-GB')} demo rows in ${String(loaded.objects)} day files`);
      }
    } else env.remove('ACCOUNTS_DB_URL');
    env.put('ATHENA_RESULTS_BUCKET', LOCAL_RESOURCES.athenaResultsBucket);
    env.put('ATHENA_RESULTS_PREFIX', ATHENA_RESULTS_PREFIX);
    env.put('CASES_TABLE', LOCAL_RESOURCES.casesTable);
    env.put('RAW_MAIL_BUCKET', LOCAL_RESOURCES.rawMailBucket);
    env.put('FILES_BUCKET', LOCAL_RESOURCES.filesBucket);
    env.put('REPORTS_BUCKET', LOCAL_RESOURCES.reportsBucket);
    env.putDefault('DPO_ADDRESS', 'dpo@icetrak.net');
    env.putDefault('TEAM_ADDRESS', 'dpo-team@icetrak.net'); // staff notices; not an intake (the SMTP listener refuses it)
    env.putDefault('SENDER_ADDRESS', 'no-reply@privacy.icetrak.net');
    env.put('NATION', 'england-and-wales');
    env.put('PUBLIC_BASE_URL', apiUrl);
    env.put('POWERTOOLS_SERVICE_NAME', 'rightsdesk');
    env.put('STAFF_ISSUER', oidc.issuer);
    env.put('STAFF_CLIENT_ID', oidc.clientId);
    env.putDefault('SIGNING_KEY', dataDir ? loadOrCreateSigningKey(join(dataDir, 'signing-key')) : newSigningKey());
    env.remove('SIGNING_KEY_SECRET_ARN'); // handlers take exactly one of the two; locally, the key itself
    env.put('KEEPER_STATE_MACHINE_ARN', keeper.stateMachineArn);
    env.put('SEARCH_STATE_MACHINE_ARN', search.stateMachineArn);
    env.put('EXECUTION_STATE_MACHINE_ARN', execution.stateMachineArn);
    if (opts.accountsDbUrl) env.put('ACCOUNTS_DB_URL', opts.accountsDbUrl);
    if (opts.accountsDbUrl || process.env.ACCOUNTS_DB_URL) env.remove('ACCOUNTS_DB_SECRET_ARN'); // exactly one of the two (accounts-db.ts)
    env.putDefault('MAIL_DAILY_LIMIT', '4'); // automatic mails per recipient address a day (rightsdesk:mailDailyLimit in AWS)
    // Recipients' API tokens (issue 15) by secret name: locally there is no Secrets Manager, so the developer's, or none.
    env.putDefault('RECIPIENT_TOKENS', '{}');
    env.putDefault('KEEPER_OFFSETS', '{}'); // the defaults (shared/domain/checkpoints.ts), unless the developer sets some
    // The retention schedule's defaults (shared/domain/retention.ts RETENTION; rightsdesk:retention* in AWS), unless the developer sets some.
    env.putDefault('RETENTION_CASE_YEARS', String(RETENTION_DEFAULTS.caseYears));
    env.putDefault('RETENTION_REJECTED_DAYS', String(RETENTION_DEFAULTS.rejectedDays));
    env.putDefault('RETENTION_ACCOUNTABILITY_YEARS', String(RETENTION_DEFAULTS.accountabilityYears));
    if (timeScale === 1) {
      env.remove(TIME_SCALE_VAR);
      env.remove(TIME_ORIGIN_VAR);
    } else {
      env.put(TIME_SCALE_VAR, String(timeScale));
      env.put(TIME_ORIGIN_VAR, timeOrigin.toISOString());
    }

    // What the table's stream invokes in AWS: the retention purge, with the TTL's REMOVE records.
    const purge = onlyTriggeredBy(RETENTION.handlers, 'stream', RETENTION.context);
    const ttlSweeper = createTtlSweeper({
      client: dynamo,
      tableName: LOCAL_RESOURCES.casesTable,
      intervalSeconds: opts.ttlSweepSeconds ?? 60,
      log,
      batchSize: purge.trigger.batchSize,
      onRemoved: async (event) => {
        const mod = (await import(pathToFileURL(join(REPO_ROOT, purge.entry)).href)) as {
          handler: (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse>;
        };
        return mod.handler(event, lambdaContext(purge.entry, Date.now() + (purge.timeoutSeconds ?? 10) * 1000));
      },
    });
    ttlSweeper.start();
    // Registered last so it runs first: no sweep may be half-way through when dynalite closes.
    cleanups.push(() => ttlSweeper.stop());
    const outboxSweeper = createOutboxSweeper({ rootDir: REPO_ROOT, intervalSeconds: opts.outboxSweepSeconds ?? 60, log });
    outboxSweeper.start();
    cleanups.push(() => outboxSweeper.stop());
    const reportScheduler = startReportScheduler({ rootDir: REPO_ROOT, log, timers: opts.reportSchedules ?? false });
    cleanups.push(() => reportScheduler.stop());

    if (opts.smtpPort !== undefined) {
      const smtpPort = opts.smtpPort;
      const s3Client = localS3Client(s3.url);
      cleanups.push(() => s3Client.destroy());
      inboundMail = await startSmtpListener({
        port: smtpPort,
        recipients: [env.set.DPO_ADDRESS!],
        s3: s3Client,
        rawMailBucket: LOCAL_RESOURCES.rawMailBucket,
        handlerEntry: join(REPO_ROOT, onlyTriggeredBy(EMAIL.handlers, 'ses', EMAIL.context).entry),
        ready,
        log,
        ...(opts.smtpRetryDelaysMs && { retryDelaysMs: opts.smtpRetryDelaysMs }),
        ...(opts.smtpMaxMessageBytes !== undefined && { maxMessageBytes: opts.smtpMaxMessageBytes }),
      }).catch((err: unknown) => {
        throw portError(err, smtpPort, 'SMTP listener', 'SMTP_PORT');
      });
      const listener = inboundMail;
      // Registered after the sweeper so it stops first: messages in flight finish before the emulators close.
      cleanups.push(() => listener.close());
    }

    // Executions are in memory: every open case of a persisted table gets its keeper back.
    const resumed = await keeper.resume(dynamo, LOCAL_RESOURCES.casesTable);
    if (resumed) log(`deadline keeper: resumed ${resumed} open case(s)`);
    keeper.scheduleSweep();

    const urls: LocalStackUrls = {
      api: apiUrl,
      health: `${apiUrl}/health`,
      ses: ses.url.replace('127.0.0.1', 'localhost'),
      sesStore: `${ses.url.replace('127.0.0.1', 'localhost')}/store`,
      s3: s3.url,
      dynamodb: dynamodb.url,
      stepFunctions: keeper.url,
      ...(inboundMail && { smtp: inboundMail.url }),
      oidc: oidc.url,
    };
    // Tools run beside the stack (npm run demo:cases) find it here; removed first on stop.
    if (dataDir) {
      const { sesStore: _sesStore, ...endpoints } = urls;
      cleanups.push(
        writeLocalEndpoints(dataDir, {
          ...endpoints,
          region: LOCAL_REGION,
          ...LOCAL_RESOURCES,
          ...(accounts && { accountsDb: accounts.url }),
          pid: process.pid,
        }),
      );
    }
    markReady();
    let stopping: Promise<void> | undefined;
    return {
      urls,
      staffUsers: oidc.users,
      ...(accounts && { icetrak: { accountsUrl: accounts.url, demo: icetrak?.demo ?? true } }),
      env: { ...env.set },
      dataDir,
      warnings,
      ttlSweeper,
      outboxSweeper,
      reportScheduler,
      keeper,
      search,
      execution,
      ...(inboundMail && { inboundMail }),
      endpoints,
      overridden: (Object.keys(endpoints) as EmulatedService[]).filter((service) => !emulatorUrls.has(endpoints[service])),
      // The API goes first, so no request reaches an emulator that is already closing.
      stop: () => (stopping ??= adapter.close().then(cleanUp)),
    };
  } catch (err) {
    markFailed(err);
    await cleanUp().catch(() => undefined); // the start-up error is the one worth reporting
    throw err;
  }
}

/** A table persisted by an older version may lack an index the schema now has. */
async function checkTableShape(client: ReturnType<typeof localDynamoClient>, dataDir: string | undefined): Promise<string | undefined> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: LOCAL_RESOURCES.casesTable }));
  const have = new Set((Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
  const missing = Object.keys(CASES_TABLE.indexes).filter((name) => !have.has(name));
  if (!missing.length) return undefined;
  return `The persisted cases table lacks index(es) ${missing.join(', ')}. Delete ${join(dataDir ?? '.data', 'dynamodb')} (its data goes with it) or run with --memory.`;
}
