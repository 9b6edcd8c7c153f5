/**
 * The resources handlers are bound to, and the one place a manifest entry's `uses`
 * (lambdas/manifest.ts) turns into environment variables and IAM grants, through the
 * ServiceFunction bind methods. Some resources exist only once a later construct has made
 * them (the keeper's state machine, the API's signing key and public URL): a binding waits for
 * its resource, and synthesis fails, naming the function, if one never arrives.
 */
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { IConstruct } from 'constructs';
import { bucketUsesOf, type Setting, type Uses } from '#lambdas/manifest';
import { ENV_NAMES } from './env-names';
import type { MailSender, ServiceFunction } from './service-function';
import type { StaffAuthBinder } from './staff-sign-in';

/** What lets a function start deadline keepers (DeadlineKeeper). */
export interface KeeperStarter {
  bindStarter(fn: ServiceFunction): ServiceFunction;
}

/** Where Athena writes the traffic search's results (TrafficSearch): the bucket and the key prefix. */
export interface AthenaResults {
  readonly bucket: s3.IBucket;
  readonly prefix: string;
}

/** What lets a function start search workflows (Fulfilment). */
export interface SearchStarter {
  bindStarter(fn: ServiceFunction): ServiceFunction;
}

export interface Resources {
  readonly casesTable: dynamodb.ITable;
  readonly rawMailBucket: s3.IBucket;
  readonly filesBucket: s3.IBucket;
  readonly reportsBucket: s3.IBucket;
  readonly signingKey: secretsmanager.ISecret;
  readonly mail: MailSender;
  readonly keeper: KeeperStarter;
  readonly search: SearchStarter;
  /** What lets a function start plan executions (PlanExecutionWorkflow; issue 15). */
  readonly execution: SearchStarter;
  /** The credentials secret of Icetrak's account database (RDS-style JSON; the stack imports or creates it). */
  readonly accountsDb: secretsmanager.ISecret;
  /** The traffic search's results (Fulfilment provides them from its TrafficSearch). */
  readonly athenaResults: AthenaResults;
  /** Staff token verification (StaffSignIn): STAFF_ISSUER and STAFF_CLIENT_ID. */
  readonly staffAuth: StaffAuthBinder;
  readonly settings: Readonly<Partial<Record<Setting, string>>>;
}

type Key = Exclude<keyof Resources, 'settings'> | `setting:${Setting}`;

interface Binding {
  readonly fn: ServiceFunction;
  readonly key: Key;
  readonly apply: (value: unknown) => void;
}

export class HandlerResources {
  private readonly values = new Map<Key, unknown>();
  private readonly waiting: Binding[] = [];

  /** `scope` (the stack) fails synthesis if a binding is still waiting then. */
  constructor(scope: IConstruct, initial: Partial<Resources> = {}) {
    this.provide(initial);
    scope.node.addValidation({
      validate: () => this.waiting.map((b) => `${b.fn.node.path} uses ${b.key}, which no construct provided (HandlerResources.provide).`),
    });
  }

  /** Makes resources available; bindings waiting for them are applied now. */
  public provide(part: Partial<Resources>): this {
    const { settings, ...rest } = part;
    const entries: Array<[Key, unknown]> = [
      ...Object.entries(rest).map(([k, v]) => [k as Key, v] as [Key, unknown]),
      ...Object.entries(settings ?? {}).map(([k, v]) => [`setting:${k}` as Key, v] as [Key, unknown]),
    ];
    for (const [key, value] of entries) {
      if (value === undefined) continue;
      if (this.values.has(key) && this.values.get(key) !== value) throw new Error(`HandlerResources: ${key} was already provided.`);
      this.values.set(key, value);
      for (const b of this.waiting.filter((w) => w.key === key)) {
        this.waiting.splice(this.waiting.indexOf(b), 1);
        b.apply(value);
      }
    }
    return this;
  }

  /** Binds `fn` to everything `uses` names, and to nothing else. */
  public bind(fn: ServiceFunction, uses: Uses): void {
    const need = (key: Key, apply: (value: never) => void) => {
      const binding: Binding = { fn, key, apply: apply as (value: unknown) => void };
      if (this.values.has(key)) binding.apply(this.values.get(key));
      else this.waiting.push(binding);
    };
    if (uses.cases) {
      const access = uses.cases;
      need('casesTable', (t: dynamodb.ITable) => fn.bindCases(t, access));
    }
    const buckets = [
      ['rawMailBucket', ENV_NAMES.RAW_MAIL_BUCKET, uses.rawMail],
      ['filesBucket', ENV_NAMES.FILES_BUCKET, uses.files],
      ['reportsBucket', ENV_NAMES.REPORTS_BUCKET, uses.reports],
    ] as const;
    // One grant per use (each with its own acknowledgement); the bucket's variable is bound once, to the same name.
    for (const [key, envName, bucketUses] of buckets) {
      for (const { access, prefix } of bucketUsesOf(bucketUses)) need(key, (b: s3.IBucket) => fn.bindBucket(envName, b, access, prefix));
    }
    if (uses.holds) {
      need('rawMailBucket', (b: s3.IBucket) => fn.bindBucket(ENV_NAMES.RAW_MAIL_BUCKET, b, 'hold', 'inbound/'));
      need('filesBucket', (b: s3.IBucket) => fn.bindBucket(ENV_NAMES.FILES_BUCKET, b, 'hold'));
    }
    if (uses.signingKey === 'rotate') need('signingKey', (s: secretsmanager.ISecret) => fn.bindSecretRotation(ENV_NAMES.SIGNING_KEY_SECRET_ARN, s));
    else if (uses.signingKey) need('signingKey', (s: secretsmanager.ISecret) => fn.bindSecret(ENV_NAMES.SIGNING_KEY_SECRET_ARN, s));
    if (uses.mail) need('mail', (m: MailSender) => fn.bindMail(m));
    if (uses.recipientApis) fn.bindRecipientSecrets();
    if (uses.keeper) need('keeper', (k: KeeperStarter) => k.bindStarter(fn));
    if (uses.search) need('search', (k: SearchStarter) => k.bindStarter(fn));
    if (uses.execution) need('execution', (k: SearchStarter) => k.bindStarter(fn));
    // Reading the secret's value (and its key, through Secrets Manager), as for the signing key: the pool reads it on first use.
    // TLS to the database verifies its certificate, issued by the RDS authority: the runtime's Amazon CA bundle is loaded.
    if (uses.accountsDb) need('accountsDb', (s: secretsmanager.ISecret) => fn.bindSecret(ENV_NAMES.ACCOUNTS_DB_SECRET_ARN, s).trustAmazonCertificates());
    if (uses.athenaResults) {
      // Read only, and only under the workgroup's output prefix: the results of queries, never anything else in the bucket.
      need('athenaResults', (r: AthenaResults) => {
        fn.bindBucket(ENV_NAMES.ATHENA_RESULTS_BUCKET, r.bucket, 'read', r.prefix);
        fn.bindEnv(ENV_NAMES.ATHENA_RESULTS_PREFIX, r.prefix);
      });
    }
    if (uses.staffAuth) need('staffAuth', (s: StaffAuthBinder) => s.bindStaffAuth(fn));
    for (const setting of uses.settings ?? []) need(`setting:${setting}`, (value: string) => fn.bindEnv(ENV_NAMES[setting], value));
  }
}
