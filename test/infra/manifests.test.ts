/**
 * The context manifests are the only place a handler's trigger and grants are declared: every
 * deployed function comes from one manifest entry, and its environment and IAM grants are
 * exactly what that entry's `uses` implies — nothing more, nothing less.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ServiceFunction } from '#infra/service-function';
import { CASES } from '#lambdas/cases/manifest';
import { FULFILMENT } from '#lambdas/fulfilment/manifest';
import { bucketUsesOf, envNamesOf, onlyTriggeredBy, routesOf, type BucketUses, type HandlerSpec, type Uses } from '#lambdas/manifest';
import { HANDLERS, MANIFESTS } from '#lambdas/manifests';
import { coldStart, deployTimeEnv, synthesisedApp, type Statement } from './support';

const built = synthesisedApp();
const { stack, resources, logicalId } = built;
const functions = stack.node.findAll().filter((c): c is ServiceFunction => c instanceof ServiceFunction);
const functionOf = (spec: HandlerSpec): ServiceFunction => {
  const found = functions.filter((f) => f.spec?.entry === spec.entry);
  expect(found, spec.entry).toHaveLength(1);
  return found[0]!;
};

const RUNTIME_ENV = ['NODE_OPTIONS', 'POWERTOOLS_LOG_LEVEL', 'POWERTOOLS_SERVICE_NAME'];
/** Every function may write its own log group; ServiceFunction's separate tracing policy holds the X-Ray actions. */
const BASE_ACTIONS = ['logs:CreateLogStream', 'logs:PutLogEvents'];

/** The actions each `uses` entry (and the trigger) grants, written out independently of the bind methods. */
function expectedActions({ uses, trigger }: HandlerSpec): string[] {
  const a = new Set(BASE_ACTIONS);
  const add = (...xs: string[]) => xs.forEach((x) => a.add(x));
  if (uses.cases) add('dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'kms:Decrypt', 'kms:DescribeKey');
  if (uses.cases === 'readWrite')
    add('dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'kms:Encrypt', 'kms:GenerateDataKey');
  // A bucket may take several uses (each its own grant): the union of what each grants.
  for (const { access, prefix } of [uses.rawMail, uses.files, uses.reports].flatMap(bucketUsesOf)) {
    if (access === 'read' || access === 'readWrite') add('s3:GetObject', 'kms:Decrypt');
    // Listing would name every key in the bucket: only a whole-bucket reader may.
    if ((access === 'read' || access === 'readWrite') && !prefix) add('s3:ListBucket');
    if (access === 'write' || access === 'readWrite') add('s3:PutObject', 's3:AbortMultipartUpload', 'kms:Decrypt', 'kms:GenerateDataKey');
    if (access === 'readWrite') add('s3:DeleteObject');
    // Retention lists versions and deletes them; it never reads, writes or decrypts an object.
    if (access === 'purge') add('s3:ListBucketVersions', 's3:DeleteObject', 's3:DeleteObjectVersion');
    // A legal hold lists versions and places or lifts their holds; it never reads, writes, deletes or decrypts.
    if (access === 'hold') add('s3:ListBucketVersions', 's3:PutObjectLegalHold', 's3:GetObjectLegalHold');
  }
  // Holding a case's objects (mail threaded into a held case): the 'hold' access on both buckets.
  if (uses.holds) add('s3:ListBucketVersions', 's3:PutObjectLegalHold', 's3:GetObjectLegalHold');
  if (uses.signingKey) add('secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret', 'kms:Decrypt');
  // Rotation writes a version and moves labels; no GetRandomPassword (node:crypto makes the key).
  if (uses.signingKey === 'rotate') add('secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage', 'kms:GenerateDataKey');
  if (uses.mail) add('ses:SendEmail', 'ses:SendRawEmail');
  // Recipients' API tokens (issue 15): only the value, of secrets under rightsdesk/recipients/ (the aws/secretsmanager key: no KMS grant).
  if (uses.recipientApis) add('secretsmanager:GetSecretValue');
  if (uses.keeper) add('states:StartExecution', 'kms:GenerateDataKey', 'kms:Decrypt');
  if (uses.search) add('states:StartExecution', 'kms:GenerateDataKey', 'kms:Decrypt');
  if (uses.execution) add('states:StartExecution', 'kms:GenerateDataKey', 'kms:Decrypt');
  // The account database's credentials: the secret's value, decrypted with its key (the stack's, for the secret it creates).
  if (uses.accountsDb) add('secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret', 'kms:Decrypt');
  // Athena's results, read only: no listing (a prefix), no writing (Athena writes them).
  if (uses.athenaResults) add('s3:GetObject', 'kms:Decrypt');
  // An SES-triggered (asynchronous) function dead-letters a failed event to its queue.
  if (trigger.kind === 'ses') add('sqs:SendMessage', 'kms:GenerateDataKey', 'kms:Decrypt');
  // A stream-triggered function reads the table's stream, and dead-letters what spent its retries to its queue.
  if (trigger.kind === 'stream') {
    add('dynamodb:ListStreams', 'dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'kms:Decrypt');
    add('sqs:SendMessage', 'kms:GenerateDataKey');
  }
  return [...a].sort();
}

/** The resources each `uses` entry (and the trigger) reaches (logical ids), besides the function's own log group. */
function expectedTargets({ uses, trigger }: HandlerSpec): string[] {
  const ids = new Set<string>();
  const s = stack.storage;
  if (uses.cases) ids.add(logicalId(s.casesTable)).add(logicalId(s.key));
  if (uses.rawMail) ids.add(logicalId(s.rawMailBucket)).add(logicalId(s.key));
  if (uses.files) ids.add(logicalId(s.filesBucket)).add(logicalId(s.key));
  if (uses.holds) ids.add(logicalId(s.rawMailBucket)).add(logicalId(s.filesBucket));
  if (uses.reports) ids.add(logicalId(s.reportsBucket)).add(logicalId(s.key));
  if (uses.signingKey) ids.add(stack.getLogicalId(stack.publicApi.signingKey.node.defaultChild as never)).add(logicalId(s.key));
  if (uses.mail) ids.add(logicalId(stack.mail.identity)).add(stack.getLogicalId(stack.mail.configurationSet.node.defaultChild as never));
  if (uses.keeper) ids.add(logicalId(stack.keeper.stateMachine)).add(logicalId(s.key));
  if (uses.search) ids.add(logicalId(stack.fulfilment.stateMachine)).add(logicalId(s.key));
  if (uses.execution) ids.add(logicalId(stack.planExecution.stateMachine)).add(logicalId(s.key));
  if (uses.accountsDb) ids.add(logicalId(stack.accountsDbSecret)).add(logicalId(s.key));
  if (uses.athenaResults) ids.add(logicalId(stack.trafficSearch.resultsBucket)).add(logicalId(s.key));
  if (trigger.kind === 'ses') ids.add(logicalId(stack.inboundMail.deadLetterQueue)).add(logicalId(s.key));
  if (trigger.kind === 'stream') ids.add(logicalId(s.casesTable)).add(logicalId(stack.retention.deadLetterQueue)).add(logicalId(s.key));
  return [...ids].sort();
}

const actionsOf = (st: Statement) => [st.Action].flat();

/** Logical ids an IAM statement's resources name (Ref / Fn::GetAtt), in any Fn::Join. */
function targetsOf(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => targetsOf(v, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (k === 'Ref' && typeof v === 'string' && !v.startsWith('AWS::')) out.add(v);
      else if (k === 'Fn::GetAtt') out.add(String((v as unknown[])[0]));
      else targetsOf(v, out);
    }
  }
  return out;
}

/** The statements of every identity policy attached to `fn`'s role, its tracing policy aside. */
function statementsOf(fn: ServiceFunction): Statement[] {
  const role = logicalId(fn.role);
  const tracing = stack.getLogicalId(fn.tracingPolicy.node.defaultChild as never);
  return Object.entries(resources)
    .filter(([id, r]) => r.Type === 'AWS::IAM::Policy' && id !== tracing)
    .filter(([, r]) => (r.Properties.Roles as Array<{ Ref: string }>).some((x) => x.Ref === role))
    .flatMap(([, r]) => r.Properties.PolicyDocument.Statement as Statement[]);
}

describe('context manifests', () => {
  it('declare each entry once, with a unique construct id in its context', () => {
    const entries = HANDLERS.map((h) => h.entry);
    expect(new Set(entries).size).toBe(entries.length);
    for (const m of MANIFESTS) expect(new Set(m.handlers.map((h) => h.id)).size, m.context).toBe(m.handlers.length);
    const routes = routesOf(HANDLERS).map((r) => `${r.method} ${r.path}`);
    expect(new Set(routes).size).toBe(routes.length);
  });

  it('name exactly one handler where a construct needs one, and say so when they do not', () => {
    expect(onlyTriggeredBy(HANDLERS, 'ses', 'all').entry).toBe('lambdas/email/receive-email.ts');
    expect(() => onlyTriggeredBy([], 'ses', 'email')).toThrow('The email manifest must have exactly one ses-triggered handler; it has 0.');
    expect(() =>
      onlyTriggeredBy(
        HANDLERS.filter((h) => h.entry.startsWith('lambdas/deadlines/')),
        'task',
        'deadlines',
      ),
    ).toThrow('it has 2');
    expect(onlyTriggeredBy(HANDLERS, 'rotation', 'all').entry).toBe('lambdas/keys/rotate-signing-key.ts');
    expect(onlyTriggeredBy(HANDLERS, 'cognito', 'all').entry).toBe('lambdas/cases/add-staff-claims.ts');
  });

  it('are the only source of functions: every application function is one manifest entry, and every entry is deployed', () => {
    const appFunctions = functions.filter((f) => f.node.path.startsWith(`${stack.node.id}/`));
    expect(appFunctions.every((f) => f.spec !== undefined)).toBe(true);
    expect(appFunctions.map((f) => f.spec!.entry).sort()).toEqual(HANDLERS.map((h) => h.entry).sort());
  });
});

describe('the cases manifest (the DPO desk and the staff API)', () => {
  /**
   * What each handler may reach, written out (the tests below check the grants follow from it):
   * sessions live in the cases table, so every authenticated handler writes it; only those that act
   * on or log a case run the outbox (signing key, mail); only logging a case starts a keeper.
   * The user pool's token trigger (StaffSignIn) uses nothing.
   */
  const SESSION = { cases: 'readWrite', staffAuth: true } as const;
  const ACTS = { ...SESSION, signingKey: true, mail: true } as const;
  /**
   * Acting on a case includes its legal hold, on every object of the case, and a reopened case's
   * keeper (issue 13); starting a search and preparing its answer (issue 14): reading the search's
   * records (searches/) and writing the ZIP (exports/); making, approving and executing a change
   * plan (issue 15): its lines (plans/) and starting its execution. The case page and the API's
   * case read the plan's lines (plans/) to show them.
   */
  const ACTS_WITH_HOLDS = {
    ...ACTS,
    rawMail: { access: 'hold', prefix: 'inbound/' },
    files: [
      'hold',
      { access: 'read', prefix: 'searches/' },
      { access: 'write', prefix: 'searches/' },
      { access: 'write', prefix: 'exports/' },
      { access: 'read', prefix: 'plans/' },
      { access: 'write', prefix: 'plans/' },
    ],
    keeper: 'start',
    search: 'start',
    execution: 'start',
  } as const;
  const GRANTS: Record<string, Omit<Uses, 'settings'>> = {
    SignIn: SESSION,
    SignInCallback: SESSION,
    SignOut: SESSION,
    SignedOut: {},
    DeskQueue: SESSION,
    // The search's records, read back for the DPO's review (third-party marks), and the change plan's lines (issue 15).
    DeskCase: {
      ...SESSION,
      files: [
        { access: 'read', prefix: 'searches/' },
        { access: 'read', prefix: 'plans/' },
      ],
    },
    DeskAct: ACTS_WITH_HOLDS,
    DeskNewCase: SESSION,
    DeskCreateCase: { ...ACTS, keeper: 'start' },
    DeskLetter: SESSION,
    DeskMessage: { ...SESSION, files: 'read' },
    DeskAttachment: { ...SESSION, files: 'read' },
    ListCases: SESSION,
    GetCase: { ...SESSION, files: { access: 'read', prefix: 'plans/' } },
    CreateCase: { ...ACTS, keeper: 'start' },
    ActOnCase: ACTS_WITH_HOLDS,
    // The staff pool's token trigger works on the event Cognito sends it, and reaches nothing.
    AddStaffClaims: {},
  };

  it('grants each handler exactly what the table says', () => {
    const grantsOf = ({ settings: _settings, ...uses }: Uses) => uses;
    expect(Object.fromEntries(CASES.handlers.map((h) => [h.id, grantsOf(h.uses)]))).toEqual(GRANTS);
  });
});

describe('the fulfilment manifest (the search and the answer)', () => {
  /**
   * The search's tasks write records files under searches/ only; the SQL-reading ones use the
   * account database, the traffic collector Athena's results. The requester's link reads the case
   * and writes only its rate-limit counter (and the download's audit entry); only the download and
   * the DPO's review copy read the ZIP, and only under exports/.
   */
  const RECORDS = { cases: 'readWrite', files: { access: 'write', prefix: 'searches/' } } as const;
  const GRANTS: Record<string, Omit<Uses, 'settings'>> = {
    PlanSearchFunction: { cases: 'read', files: { access: 'write', prefix: 'searches/' } },
    SearchAccountsFunction: { ...RECORDS, accountsDb: true },
    SearchRightsdeskFunction: RECORDS,
    CollectTrafficFunction: { ...RECORDS, accountsDb: true, athenaResults: 'read' },
    RecordSourceFailureFunction: { cases: 'readWrite' },
    FinishSearchFunction: {
      cases: 'readWrite',
      files: [
        { access: 'read', prefix: 'searches/' },
        { access: 'read', prefix: 'plans/' },
      ],
    },
    // The plan execution (issue 15): ApplySource writes through SQL (the account database) and reads the plan's lines; Finish starts the verification search.
    BeginExecutionFunction: { cases: 'readWrite' },
    ApplySourceFunction: { cases: 'readWrite', files: { access: 'read', prefix: 'plans/' }, accountsDb: true },
    FinishExecutionFunction: { cases: 'readWrite', search: 'start' },
    GetExport: { cases: 'readWrite', signingKey: true },
    DownloadExport: { cases: 'readWrite', files: { access: 'read', prefix: 'exports/' }, signingKey: true },
    DeskExport: { staffAuth: true, cases: 'readWrite', files: { access: 'read', prefix: 'exports/' } },
    // The register is in the bundle: the register routes read only the session.
    DeskRegister: { staffAuth: true, cases: 'readWrite' },
    GetRegister: { staffAuth: true, cases: 'readWrite' },
  };

  it('grants each handler exactly what the table says', () => {
    const grantsOf = ({ settings: _settings, ...uses }: Uses) => uses;
    expect(Object.fromEntries(FULFILMENT.handlers.map((h) => [h.id, grantsOf(h.uses)]))).toEqual(GRANTS);
  });
});

describe.each(HANDLERS.map((h) => [h.entry, h] as const))('%s', (_entry, spec) => {
  const fn = functionOf(spec);
  const cfn = () => resources[logicalId(fn.fn)]!.Properties;

  it('has exactly the environment its manifest entry implies', () => {
    const names = Object.keys(cfn().Environment.Variables as Record<string, unknown>).sort();
    // The account database's TLS: Amazon's CA bundle, which the runtime loads only when told (ServiceFunction.trustAmazonCertificates).
    const runtime = spec.uses.accountsDb ? [...RUNTIME_ENV, 'NODE_EXTRA_CA_CERTS'] : RUNTIME_ENV;
    expect(names).toEqual([...runtime, ...envNamesOf(spec.uses)].sort());
  });

  it('has exactly the IAM actions its manifest entry implies, on the resources it names', () => {
    const statements = statementsOf(fn);
    expect([...new Set(statements.flatMap(actionsOf))].sort()).toEqual(expectedActions(spec));
    const ownLogs = logicalId(fn.logGroup);
    const targets = new Set(statements.flatMap((st) => [...targetsOf(st.Resource)]));
    targets.delete(ownLogs);
    expect([...targets].sort()).toEqual(expectedTargets(spec));
  });

  it('reaches bucket objects only under the prefix its manifest entry names', () => {
    const statements = statementsOf(fn);
    const s = stack.storage;
    const uses: Array<[BucketUses | undefined, typeof s.rawMailBucket]> = [
      [spec.uses.rawMail, s.rawMailBucket],
      [spec.uses.files, s.filesBucket],
      [spec.uses.reports, s.reportsBucket],
    ];
    for (const [use, bucket] of uses) {
      const onBucket = statements.filter((st) => targetsOf(st.Resource).has(logicalId(bucket)));
      if (!use) {
        expect(onBucket, bucket.node.path).toEqual([]);
        continue;
      }
      const objectStatements = onBucket.filter((st) => actionsOf(st).some((a) => a !== 's3:ListBucket' && a !== 's3:ListBucketVersions'));
      // Written out, not taken from the bind method: the bucket's ARN, then "/<prefix>*", once per prefix the entry names.
      const prefixes = [...new Set(bucketUsesOf(use).map((u) => u.prefix))];
      const expected = prefixes.map((prefix) => ({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId(bucket), 'Arn'] }, `/${prefix}*`]] }));
      // A statement may name objects of both buckets (the same actions on each, merged by minimizePolicies), and several uses one prefix.
      const named = objectStatements.flatMap((st) => [st.Resource].flat()).filter((r) => targetsOf(r).has(logicalId(bucket)));
      const unique = [...new Map(named.map((r) => [JSON.stringify(r), r])).values()];
      const byJson = (a: unknown, b: unknown) => JSON.stringify(a).localeCompare(JSON.stringify(b));
      expect(unique.sort(byJson), bucket.node.path).toEqual(expected.sort(byJson));
    }
  });

  it('takes its description, timeout and memory from the manifest', () => {
    expect(cfn()).toMatchObject({ Description: spec.description, Timeout: spec.timeoutSeconds ?? 10, MemorySize: spec.memoryMb ?? 512 });
  });

  describe('cold start', () => {
    afterEach(() => {
      vi.unstubAllEnvs();
    });
    const env = () => deployTimeEnv(cfn().Environment.Variables as Record<string, unknown>);

    it('loads with exactly that environment', async () => {
      const module = await coldStart(spec.entry, env());
      expect(typeof module.handler).toBe('function');
    });

    // Every variable it is given is one it reads: without any one of them, the cold start fails.
    it.each(envNamesOf(spec.uses))('fails without %s', async (name) => {
      const without = env();
      delete without[name];
      await expect(coldStart(spec.entry, without)).rejects.toThrow(name === 'SIGNING_KEY_SECRET_ARN' ? /SIGNING_KEY/ : name);
    });
  });
});
