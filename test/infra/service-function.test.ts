import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENV_NAMES } from '#infra/env-names';
import { ESM_REQUIRE_BANNER } from '#infra/bundling';
import { ServiceFunction } from '#infra/service-function';
import { Storage } from '#infra/storage';
import { CASES_TABLE } from '#adapters/cases-table-schema';
import { acknowledgements, CDK_JSON_CONTEXT, londonStack, nagFindings } from './support';

const ECHO = fileURLToPath(new URL('../fixtures/lambda/echo.ts', import.meta.url));

interface Statement {
  Action: string | string[];
  Resource: unknown;
  Effect: string;
}

function build() {
  const stack = londonStack();
  const storage = new Storage(stack, 'Storage');
  const svc = new ServiceFunction(stack, 'Echo', { entry: ECHO, serviceName: 'intake', key: storage.key });
  svc
    .bindCases(storage.casesTable)
    .bindBucket(ENV_NAMES.RAW_MAIL_BUCKET, storage.rawMailBucket, 'read')
    .bindBucket(ENV_NAMES.REPORTS_BUCKET, storage.reportsBucket, 'write')
    .bindBucket(ENV_NAMES.FILES_BUCKET, storage.filesBucket, 'readWrite')
    .bindEnv(ENV_NAMES.DPO_ADDRESS, 'dpo@icetrak.net');
  const id = (c: { node: { defaultChild?: unknown } }) => stack.getLogicalId(c.node.defaultChild as never);
  return {
    stack,
    storage,
    svc,
    template: Template.fromStack(stack),
    ids: {
      key: id(storage.key),
      table: id(storage.casesTable),
      rawMail: id(storage.rawMailBucket),
      files: id(storage.filesBucket),
      reports: id(storage.reportsBucket),
      logGroup: id(svc.logGroup),
      role: id(svc.role),
    },
  };
}

let built: ReturnType<typeof build>;
beforeAll(() => {
  built = build();
});

/** Statements of the role's policies (default policy and the tracing policy). */
function roleStatements(): Statement[] {
  const policies = built.template.findResources('AWS::IAM::Policy', {
    Properties: { Roles: Match.arrayWith([{ Ref: built.ids.role }]) },
  });
  return Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
}
const actionsOn = (resource: unknown): string[] =>
  roleStatements()
    .filter((s) => [s.Resource].flat().some((r) => JSON.stringify(r) === JSON.stringify(resource)))
    .flatMap((s) => [s.Action].flat())
    .sort();
const objectsOf = (bucketId: string) => ({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/*']] });

describe('ServiceFunction defaults', () => {
  it('runs on the newest Node.js runtime, on arm64, with 512 MB and a 10 s timeout', () => {
    built.template.resourceCountIs('AWS::Lambda::Function', 1);
    built.template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      MemorySize: 512,
      Timeout: 10,
      Handler: 'index.handler',
    });
  });

  it('traces actively', () => {
    built.template.hasResourceProperties('AWS::Lambda::Function', { TracingConfig: { Mode: 'Active' } });
  });

  it('logs as JSON to its own KMS-encrypted log group kept for a year', () => {
    built.template.hasResource('AWS::Logs::LogGroup', {
      Properties: { RetentionInDays: 365, KmsKeyId: { 'Fn::GetAtt': [built.ids.key, 'Arn'] } },
      DeletionPolicy: 'Retain',
    });
    built.template.hasResourceProperties('AWS::Lambda::Function', {
      LoggingConfig: { LogGroup: { Ref: built.ids.logGroup }, LogFormat: 'JSON', ApplicationLogLevel: 'INFO' },
    });
  });

  it('sets source maps and the Powertools service name and log level', () => {
    built.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          NODE_OPTIONS: '--enable-source-maps',
          POWERTOOLS_SERVICE_NAME: 'intake',
          POWERTOOLS_LOG_LEVEL: 'INFO',
        }),
      },
    });
  });

  it('has a role with no managed policies, allowed to write to its own log group only', () => {
    built.template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({
        Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })],
      }),
      ManagedPolicyArns: Match.absent(),
    });
    expect(actionsOn({ 'Fn::GetAtt': [built.ids.logGroup, 'Arn'] })).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
    const logStatements = roleStatements().filter((s) => [s.Action].flat().some((a) => a.startsWith('logs:')));
    expect(logStatements.every((s) => JSON.stringify(s.Resource) === JSON.stringify({ 'Fn::GetAtt': [built.ids.logGroup, 'Arn'] }))).toBe(true);
  });

  it('keeps the X-Ray wildcard in a policy of its own', () => {
    const tracing = roleStatements().filter((s) => JSON.stringify(s.Resource) === '"*"');
    expect(tracing).toEqual([{ Effect: 'Allow', Action: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], Resource: '*' }]);
  });

  it('applies the optional props', () => {
    const stack = londonStack();
    const storage = new Storage(stack, 'Storage');
    new ServiceFunction(stack, 'Tuned', {
      entry: ECHO,
      serviceName: 'reports',
      key: storage.key,
      memorySize: 1024,
      timeout: Duration.seconds(60),
      reservedConcurrentExecutions: 5,
      logRetention: logs.RetentionDays.TWO_YEARS,
      logLevel: 'DEBUG',
      handler: 'other',
    });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Lambda::Function', {
      MemorySize: 1024,
      Timeout: 60,
      ReservedConcurrentExecutions: 5,
      Handler: 'index.other',
      LoggingConfig: Match.objectLike({ ApplicationLogLevel: 'DEBUG' }),
      Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'reports', POWERTOOLS_LOG_LEVEL: 'DEBUG' }) },
    });
    t.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 731 });
  });
});

describe('bind methods', () => {
  it('bindCases sets CASES_TABLE and grants item access on the table and its four named indexes, never Scan', () => {
    built.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ CASES_TABLE: { Ref: built.ids.table } }) },
    });
    const tableArn = { 'Fn::GetAtt': [built.ids.table, 'Arn'] };
    const expected = [
      'dynamodb:BatchGetItem',
      'dynamodb:BatchWriteItem',
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ];
    expect(actionsOn(tableArn)).toEqual(expected);
    for (const index of Object.keys(CASES_TABLE.indexes)) {
      expect(actionsOn({ 'Fn::Join': ['', [tableArn, `/index/${index}`]] })).toEqual(expected);
    }
    const all = roleStatements().flatMap((s) => [s.Action].flat());
    expect(all).not.toContain('dynamodb:Scan');
    expect(JSON.stringify(roleStatements())).not.toContain('/index/*');
  });

  it('bindCases(read) grants reads only', () => {
    const stack = londonStack();
    const storage = new Storage(stack, 'Storage');
    new ServiceFunction(stack, 'Reader', { entry: ECHO, serviceName: 'reports', key: storage.key }).bindCases(storage.casesTable, 'read');
    const statements = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy')).flatMap(
      (p) => p.Properties.PolicyDocument.Statement as Statement[],
    );
    const actions = statements.flatMap((s) => [s.Action].flat());
    expect(actions.filter((a) => a.startsWith('dynamodb:')).sort()).toEqual(['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query']);
    expect(actions.filter((a) => a.startsWith('kms:')).sort()).toEqual(['kms:Decrypt', 'kms:DescribeKey']);
  });

  it('bindCases grants use of the table key', () => {
    expect(actionsOn({ 'Fn::GetAtt': [built.ids.key, 'Arn'] })).toEqual(
      expect.arrayContaining(['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey']),
    );
  });

  it('bindBucket sets the variable to the bucket name', () => {
    built.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          RAW_MAIL_BUCKET: { Ref: built.ids.rawMail },
          FILES_BUCKET: { Ref: built.ids.files },
          REPORTS_BUCKET: { Ref: built.ids.reports },
        }),
      },
    });
  });

  it("bindBucket grants 'read', 'write' and 'readWrite' exactly", () => {
    expect(actionsOn(objectsOf(built.ids.rawMail))).toEqual(['s3:GetObject']);
    expect(actionsOn({ 'Fn::GetAtt': [built.ids.rawMail, 'Arn'] })).toEqual(['s3:ListBucket']);
    expect(actionsOn(objectsOf(built.ids.reports))).toEqual(['s3:AbortMultipartUpload', 's3:PutObject']);
    expect(actionsOn({ 'Fn::GetAtt': [built.ids.reports, 'Arn'] })).toEqual([]);
    expect(actionsOn(objectsOf(built.ids.files))).toEqual(['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:GetObject', 's3:PutObject']);
    const all = roleStatements().flatMap((s) => [s.Action].flat());
    expect(all.filter((a) => a.includes('*') && !a.startsWith('xray:'))).toEqual([]);
    expect(all).not.toContain('s3:DeleteObjectVersion');
  });

  it('bindEnv sets a variable; binding the same name to another value throws', () => {
    built.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ DPO_ADDRESS: 'dpo@icetrak.net' }) },
    });
    expect(() => built.svc.bindEnv(ENV_NAMES.DPO_ADDRESS, 'dpo@icetrak.net')).not.toThrow();
    expect(() => built.svc.bindEnv(ENV_NAMES.DPO_ADDRESS, 'someone@else.example')).toThrow(/DPO_ADDRESS is already bound/);
  });
});

describe('cdk-nag', () => {
  it('finds nothing unacknowledged', () => {
    expect(nagFindings(built.stack)).toEqual([]);
  });

  it('acknowledges only the tracing wildcard and one object wildcard per bound bucket, each on its own policy', () => {
    const acks = acknowledgements(built.stack).map(({ path, id }) => ({ path, id }));
    expect(acks.sort((a, b) => a.id.localeCompare(b.id))).toEqual(
      [
        // The stack's one X-Ray policy, attached to every function's role.
        { path: 'Test/FunctionTracing', id: 'AwsSolutions-IAM5[Resource::*]' },
        ...[built.ids.files, built.ids.rawMail, built.ids.reports].map((b) => ({
          path: 'Test/Echo/Role/DefaultPolicy',
          id: `AwsSolutions-IAM5[Resource::<${b}.Arn>/*]`,
        })),
      ].sort((a, b) => a.id.localeCompare(b.id)),
    );
  });

  it('still reports a wildcard that is not acknowledged (the check can fail)', () => {
    const stack = londonStack();
    const storage = new Storage(stack, 'Storage');
    const svc = new ServiceFunction(stack, 'Leaky', { entry: ECHO, serviceName: 'test', key: storage.key });
    storage.filesBucket.grantRead(svc); // s3:GetObject*, s3:List* ... : unacknowledged wildcards
    expect(nagFindings(stack).some((f) => f.startsWith('AwsSolutions-IAM5[Action::s3:GetObject*]'))).toBe(true);
  });
});

describe('bundling', () => {
  it('bundles the entry for real with esbuild: ESM with the createRequire banner and a source map, and it runs', async () => {
    const outdir = mkdtempSync(join(tmpdir(), 'rightsdesk-bundle-'));
    try {
      // No bundling-skip context here: this is the one test that runs esbuild.
      const app = new App({ outdir, context: CDK_JSON_CONTEXT });
      const stack = new Stack(app, 'Bundled', { env: { region: 'eu-west-2' } });
      const storage = new Storage(stack, 'Storage');
      new ServiceFunction(stack, 'Echo', { entry: ECHO, serviceName: 'test', key: storage.key });
      app.synth();

      const assets = readdirSync(outdir).filter((d) => d.startsWith('asset.'));
      expect(assets).toHaveLength(1);
      const dir = join(outdir, assets[0]!);
      expect(readdirSync(dir).sort()).toEqual(['index.mjs', 'index.mjs.map']);
      const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
      expect(code.startsWith(ESM_REQUIRE_BANNER)).toBe(true);
      expect(code).toContain('sourceMappingURL=index.mjs.map');

      const mod = (await import(pathToFileURL(join(dir, 'index.mjs')).href)) as {
        handler: (e: unknown) => Promise<unknown>;
      };
      await expect(mod.handler({ hello: 'London' })).resolves.toEqual({
        echo: { hello: 'London' },
        platform: process.platform,
        scotland2026: ['2026-01-01', '2026-01-02', '2026-04-03', '2026-05-04', '2026-05-25', '2026-08-03', '2026-11-30', '2026-12-25', '2026-12-28'],
      });
      // GB rules only, and no moment-timezone (nor its world time-zone database).
      expect(code).not.toContain('Pacific/Kiritimati');
      expect(code).not.toContain('"Andorra"');
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
