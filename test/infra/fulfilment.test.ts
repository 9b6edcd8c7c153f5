/**
 * The search workflow's infrastructure (issue 14): the state machine's shape (Map over the sources,
 * Choice by kind, the Athena .sync task, retries, catches, timeouts), its encryption and logs,
 * the start grant of the act handlers, and the SQL functions' network from context.
 */
import { triggeredBy } from '#lambdas/manifest';
import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { beforeAll, describe, expect, it } from 'vitest';
import { ServiceFunction } from '#infra/service-function';
import { Fulfilment, NETWORK_CONTEXT, SEARCH_CONCURRENCY, SEARCH_STATES } from '#infra/fulfilment';
import { allStates, renderCfnString, type AslDefinition, type AslState } from '#infra/local/keeper-definition';
import { FULFILMENT } from '#lambdas/fulfilment/manifest';
import { HANDLERS } from '#lambdas/manifests';
import { TRAFFIC_QUERY_TEMPLATE } from '#shared/fulfilment/traffic-query';
import { londonStack, nagFindings, standaloneResources, synthesisedApp, TEST_CONTEXT, type Statement } from './support';

/** The search workflow's task functions (the manifest also holds the answer's HTTP handlers, served by the API). */
const SEARCH_TASKS = triggeredBy(FULFILMENT.handlers, 'task').filter((h) => h.trigger.stateMachine === 'search');

const ACCOUNTS_SECRET = 'arn:aws:secretsmanager:eu-west-2:111111111111:secret:icetrak-accounts-AbCdEf';

const NETWORK = {
  [NETWORK_CONTEXT.vpcId]: 'vpc-0abc1234',
  [NETWORK_CONTEXT.subnetIds]: 'subnet-0aaa1111,subnet-0bbb2222',
  [NETWORK_CONTEXT.securityGroupId]: 'sg-0ccc3333',
};

/**
 * A stack with Storage and a Fulfilment that has a traffic search (the TrafficSearch construct's
 * stand-in), or none (`traffic: false`: the Athena results are then a stand-in of their own), and
 * an imported account-database secret.
 */
function standalone(context: Record<string, unknown> = TEST_CONTEXT, opts: { traffic?: boolean } = {}) {
  const stack = londonStack(context);
  const { storage, resources } = standaloneResources(stack, {}, { searchStandIn: false });
  resources.provide({ accountsDb: secretsmanager.Secret.fromSecretCompleteArn(stack, 'AccountsDb', ACCOUNTS_SECRET) });
  const granted: iam.IGrantable[] = [];
  const results = s3.Bucket.fromBucketName(stack, 'Results', 'athena-results');
  if (opts.traffic === false) resources.provide({ athenaResults: { bucket: results, prefix: 'athena/' } });
  const fulfilment = new Fulfilment(stack, 'Fulfilment', {
    key: storage.key,
    resources,
    ...(opts.traffic !== false && {
      traffic: {
        workGroupName: 'rightsdesk-traffic',
        databaseName: 'rightsdesk_traffic',
        resultsBucket: results,
        resultsPrefix: 'athena/',
        grantSearch: (g: iam.IGrantable) => void granted.push(g),
      },
    }),
  });
  const template = Template.fromStack(stack);
  const id = (c: { node: { defaultChild?: unknown } }) => stack.getLogicalId(c.node.defaultChild as never);
  const sm = template.toJSON().Resources[id(fulfilment.stateMachine)].Properties;
  const definition = JSON.parse(
    renderCfnString(stack.resolve(sm.DefinitionString), (logicalId) => `arn:aws:lambda:eu-west-2:000000000000:function:${logicalId}`),
  ) as AslDefinition;
  return { stack, storage, fulfilment, template, definition, granted, id };
}

let appMemo: ReturnType<typeof synthesisedApp> | undefined;
/** The app's own stack (built once: about 10 s). */
const app = () => (appMemo ??= synthesisedApp());

/** The statements of every identity policy of the app attached to `role`. */
const statementsOfRole = (role: iam.IRole): Statement[] => {
  const { stack, resources } = app();
  const roleId = stack.getLogicalId(role.node.defaultChild as never);
  return Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && (r.Properties.Roles as Array<{ Ref: string }>).some((x) => x.Ref === roleId))
    .flatMap((r) => r.Properties.PolicyDocument.Statement as Statement[]);
};

let built: ReturnType<typeof standalone>;
let states: Record<string, AslState>;
beforeAll(() => {
  built = standalone();
  states = Object.fromEntries(allStates(built.definition));
});

describe('search state machine', () => {
  it('is a standard workflow in eu-west-2, encrypted with the data key, logging transitions without data, with an execution timeout', () => {
    expect(Stack.of(built.fulfilment).region).toBe('eu-west-2');
    built.template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      EncryptionConfiguration: { Type: 'CUSTOMER_MANAGED_KMS_KEY', KmsKeyId: { 'Fn::GetAtt': [built.id(built.storage.key), 'Arn'] } },
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
      TracingConfiguration: { Enabled: true },
    });
    expect(built.definition.TimeoutSeconds).toBe(3600);
    const logs = built.template.toJSON().Resources[built.id(built.fulfilment.logGroup)].Properties;
    expect(logs).toMatchObject({ KmsKeyId: { 'Fn::GetAtt': [built.id(built.storage.key), 'Arn'] }, RetentionInDays: 365 });
  });

  it('plans, skips a stale run, maps over the sources (bounded) and finishes whatever the Map does', () => {
    expect(built.definition.StartAt).toBe('Plan');
    expect(states.Plan).toMatchObject({ Type: 'Task', Next: SEARCH_STATES.isCurrent, Parameters: { 'caseId.$': '$.caseId', 'runId.$': '$.runId' } });
    expect(states.IsCurrentRun).toMatchObject({
      Type: 'Choice',
      Choices: [{ Variable: '$.current', BooleanEquals: true, Next: 'EachSource' }],
      Default: 'StaleRun',
    });
    expect(states.EachSource).toMatchObject({
      Type: 'Map',
      ItemsPath: '$.sources',
      MaxConcurrency: SEARCH_CONCURRENCY,
      ResultPath: null,
      Next: 'Finish',
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: null, Next: 'Finish' }],
      ItemSelector: { 'caseId.$': '$.caseId', 'runId.$': '$.runId', 'source.$': '$$.Map.Item.Value.source', 'kind.$': '$$.Map.Item.Value.kind' },
    });
    expect(states.Plan!.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: null, Next: 'Finish' }]);
  });

  it('chooses the branch by connector kind; an unknown kind is recorded as a failure', () => {
    expect(states.ByKind).toMatchObject({
      Type: 'Choice',
      Choices: [
        { Variable: '$.kind', StringEquals: 'sql', Next: 'SearchAccounts' },
        { Variable: '$.kind', StringEquals: 'rightsdesk', Next: 'SearchRightsdesk' },
        { Variable: '$.kind', StringEquals: 'traffic', Next: 'TrafficQuery' },
      ],
      Default: 'UnsupportedSource',
    });
    expect(states.UnsupportedSource).toMatchObject({
      Type: 'Pass',
      Result: { Error: 'UnsupportedSource' },
      ResultPath: '$.error',
      Next: 'RecordSourceFailure',
    });
  });

  it('runs the traffic query with Athena’s .sync integration: the query text holds the ids only, the result only its execution id', () => {
    expect(states.TrafficQuery).toMatchObject({
      Type: 'Task',
      Resource: 'arn:aws:states:::athena:startQueryExecution.sync',
      Parameters: {
        'QueryString.$': expect.stringMatching(/^States\.Format\('.*', \$\.caseId, \$\.runId\)$/),
        WorkGroup: 'rightsdesk-traffic',
        QueryExecutionContext: { Database: 'rightsdesk_traffic' },
      },
      ResultSelector: { 'queryExecutionId.$': '$.QueryExecution.QueryExecutionId' },
      ResultPath: '$.query',
      Next: 'CollectTraffic',
      TimeoutSeconds: 900,
    });
    expect(String((states.TrafficQuery!.Parameters as Record<string, string>)['QueryString.$'])).toContain(TRAFFIC_QUERY_TEMPLATE.slice(0, 40));
    expect(states.CollectTraffic!.Parameters).toEqual({
      'caseId.$': '$.caseId',
      'runId.$': '$.runId',
      'source.$': '$.source',
      'queryExecutionId.$': '$.query.queryExecutionId',
    });
    expect(built.granted).toEqual([built.fulfilment.stateMachine]);
  });

  it('retries transient errors with backoff and jitter, never permanent ones; times every task; catches each into RecordSourceFailure', () => {
    for (const name of ['SearchAccounts', 'SearchRightsdesk', 'CollectTraffic']) {
      const t = states[name]!;
      const retry = t.Retry as Array<Record<string, unknown>>;
      expect(retry[0]).toEqual({ ErrorEquals: ['SearchInputError', 'CaseNotFoundError'], MaxAttempts: 0 });
      expect(retry).toContainEqual(
        expect.objectContaining({ ErrorEquals: expect.arrayContaining(['Lambda.TooManyRequestsException']), JitterStrategy: 'FULL' }),
      );
      expect(retry).toContainEqual(expect.objectContaining({ ErrorEquals: expect.arrayContaining(['ThrottlingException', 'VersionConflictError']) }));
      expect(retry).toContainEqual(expect.objectContaining({ ErrorEquals: ['States.Timeout'] }));
      expect(t.TimeoutSeconds).toBeGreaterThan(0);
      expect(t.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'RecordSourceFailure' }]);
      expect(t).toMatchObject({ ResultPath: null, Next: 'SourceDone' });
      // Ids only in every payload.
      expect(Object.keys(t.Parameters as object).every((k) => ['caseId.$', 'runId.$', 'source.$', 'queryExecutionId.$'].includes(k))).toBe(true);
    }
    const athena = states.TrafficQuery!.Retry as Array<Record<string, unknown>>;
    expect(athena).toContainEqual(expect.objectContaining({ ErrorEquals: expect.arrayContaining(['Athena.TooManyRequestsException']) }));
    expect(athena).toContainEqual(expect.objectContaining({ ErrorEquals: ['States.Timeout'] }));
    expect(states.TrafficQuery!.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'RecordSourceFailure' }]);
    // Only the error's name reaches the recording function, never its cause.
    expect(states.RecordSourceFailure!.Parameters).toMatchObject({ 'error.$': '$.error.Error' });
    expect(states.RecordSourceFailure!.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: null, Next: 'FailureNotRecorded' }]);
  });

  it('without a traffic search, a traffic source is recorded as failed (and there is no Athena task)', () => {
    const all = Object.fromEntries(allStates(standalone(TEST_CONTEXT, { traffic: false }).definition));
    expect(all.TrafficQuery).toBeUndefined();
    expect(all.TrafficNotConfigured).toMatchObject({ Type: 'Pass', Result: { Error: 'TrafficSearchNotConfigured' }, Next: 'RecordSourceFailure' });
  });

  it('lets the act handlers start searches on this state machine only', () => {
    const { stack, template } = app();
    const smId = stack.getLogicalId(stack.fulfilment.stateMachine.node.defaultChild as never);
    const act = stack.publicApi.functions.get('ActOnCase') ?? [...stack.publicApi.functions.values()].find((f) => f.spec?.id === 'ActOnCase');
    expect(act).toBeDefined();
    const fnProps = template.toJSON().Resources[stack.getLogicalId(act!.fn.node.defaultChild as never)].Properties;
    expect(fnProps.Environment.Variables.SEARCH_STATE_MACHINE_ARN).toEqual({ Ref: smId });
    // The act handler also starts keepers and plan executions: policy minimisation may merge the StartExecution statements into one.
    const keeperId = stack.getLogicalId(stack.keeper.stateMachine.node.defaultChild as never);
    const executionId = stack.getLogicalId(stack.planExecution.stateMachine.node.defaultChild as never);
    const starts = statementsOfRole(act!.role).filter((st) => [st.Action].flat().includes('states:StartExecution'));
    expect(starts.flatMap((st) => [st.Resource].flat())).toEqual(expect.arrayContaining([{ Ref: smId }]));
    expect(
      starts
        .flatMap((st) => [st.Resource].flat())
        .every((r) => [{ Ref: smId }, { Ref: keeperId }, { Ref: executionId }].some((x) => JSON.stringify(x) === JSON.stringify(r))),
    ).toBe(true);
    // Building the app's whole stack takes most of 30 s on a loaded two-core machine.
  }, 90_000);

  it('has a function per Task state from the fulfilment manifest, and no unacknowledged cdk-nag finding', () => {
    expect(Object.keys(built.fulfilment.taskFunctions).sort()).toEqual(SEARCH_TASKS.map((h) => h.trigger.state).sort());
    expect(nagFindings(built.stack).filter((f) => f.includes('/Fulfilment/'))).toEqual([]);
  });
});

describe('the SQL-reading functions’ network', () => {
  it('puts them in Icetrak’s VPC (subnets and security group imported by id, offline) when the context names it', () => {
    const b = standalone({ ...TEST_CONTEXT, ...NETWORK });
    const vpcFns = FULFILMENT.handlers.filter((h) => h.network === 'icetrak');
    // The plan execution's writer (issue 15) too, in its own construct (test/infra/plan-execution.test.ts).
    expect(vpcFns.map((h) => h.id)).toEqual(['SearchAccountsFunction', 'CollectTrafficFunction', 'ApplySourceFunction']);
    for (const spec of SEARCH_TASKS) {
      const fn = b.fulfilment.taskFunctions[spec.trigger.state]!;
      const props = b.template.toJSON().Resources[b.id(fn.fn)].Properties;
      if (spec.network === 'icetrak') {
        expect(props.VpcConfig).toEqual({ SubnetIds: ['subnet-0aaa1111', 'subnet-0bbb2222'], SecurityGroupIds: ['sg-0ccc3333'] });
      } else {
        expect(props.VpcConfig).toBeUndefined();
      }
    }
    expect(nagFindings(b.stack).filter((f) => f.includes('/Fulfilment/'))).toEqual([]);
  });

  it('without the context, creates them outside a VPC and warns at synthesis; half a network is refused', () => {
    const annotations = Annotations.fromStack(built.stack);
    annotations.hasWarning('/Test/Fulfilment/SearchAccountsFunction', Match.stringLikeRegexp('icetrak:vpcId'));
    expect(() => standalone({ ...TEST_CONTEXT, [NETWORK_CONTEXT.vpcId]: 'vpc-0abc1234' })).toThrow(/needs all of icetrak:vpcId/);
  });
});

describe('the app’s search workflow over its TrafficSearch', () => {
  const appStates = () => {
    const { stack, template } = app();
    const sm = template.toJSON().Resources[stack.getLogicalId(stack.fulfilment.stateMachine.node.defaultChild as never)].Properties;
    const def = JSON.parse(renderCfnString(stack.resolve(sm.DefinitionString), (x) => x)) as AslDefinition;
    return Object.fromEntries(allStates(def));
  };
  const statementsOf = statementsOfRole;
  const fnEnv = (state: string) => {
    const { stack, resources } = app();
    const fn = stack.fulfilment.taskFunctions[state]!;
    return resources[stack.getLogicalId(fn.fn.node.defaultChild as never)]!.Properties.Environment.Variables as Record<string, unknown>;
  };

  it('runs the one traffic query (ids only, by States.Format) in the TrafficSearch workgroup and database', () => {
    const { stack } = app();
    const states = appStates();
    expect(states.TrafficNotConfigured).toBeUndefined();
    expect(states.TrafficQuery).toMatchObject({
      Type: 'Task',
      Resource: 'arn:aws:states:::athena:startQueryExecution.sync',
      Parameters: {
        // States.Format reads `{}` as the placeholders and `\\'` as a quote inside its string literal.
        'QueryString.$': `States.Format('${TRAFFIC_QUERY_TEMPLATE.replace(/'/g, "\\'")}', $.caseId, $.runId)`,
        WorkGroup: stack.resolve(stack.trafficSearch.workGroupName),
        QueryExecutionContext: { Database: stack.resolve(stack.trafficSearch.databaseName) },
      },
    });
    // No output location or encryption in the task (CDK renders an empty one): the workgroup enforces its own (KMS, the results bucket).
    expect((states.TrafficQuery!.Parameters as Record<string, unknown>)['ResultConfiguration']).toEqual({});
  });

  it('lets the state machine run the query in that workgroup and read those two tables only, with nothing on "*" but logs and X-Ray', () => {
    const { stack } = app();
    const statements = statementsOf(stack.fulfilment.stateMachine.role);
    const actions = statements.flatMap((st) => [st.Action].flat());
    const text = (v: unknown) => JSON.stringify(stack.resolve(v));
    const athena = statements.filter((st) => [st.Action].flat().some((a) => a.startsWith('athena:')));
    expect(athena).toHaveLength(1);
    expect([athena[0]!.Action].flat().sort()).toEqual(['athena:GetQueryExecution', 'athena:StartQueryExecution', 'athena:StopQueryExecution']);
    expect([athena[0]!.Resource].flat()).toHaveLength(1);
    expect(text(athena[0]!.Resource)).toContain(`:workgroup/${String(stack.resolve(stack.trafficSearch.workGroupName))}`);
    const glue = statements.filter((st) => [st.Action].flat().some((a) => a.startsWith('glue:')));
    expect(glue).toHaveLength(1);
    expect([glue[0]!.Action].flat().sort()).toEqual(['glue:GetDatabase', 'glue:GetPartitions', 'glue:GetTable']);
    const glueResources = [glue[0]!.Resource].flat().map(text);
    expect(glueResources).toHaveLength(4);
    expect(glueResources.filter((r) => r.includes(':table/')).sort()).toEqual([
      expect.stringMatching(/:table\/rightsdesk_traffic\/search_identifiers"/),
      expect.stringMatching(/:table\/rightsdesk_traffic\/traffic"/),
    ]);
    // CDK's Athena task would add Glue catalogue changes, Lake Formation and s3 on "*": none of it is here.
    expect(actions.filter((a) => /^glue:(Create|Delete|Update|Batch)|^lakeformation:|^s3:CreateBucket/.test(a))).toEqual([]);
    for (const st of statements.filter((x) => [x.Resource].flat().includes('*'))) {
      expect(
        [st.Action].flat().every((a) => a.startsWith('logs:') || a.startsWith('xray:')),
        JSON.stringify(st.Action),
      ).toBe(true);
    }
  });

  it('reads the account database secret (only that secret) from SearchAccounts and CollectTraffic, and Athena’s results from CollectTraffic', () => {
    const { stack, logicalId } = app();
    const secretId = logicalId(stack.accountsDbSecret);
    const resultsId = logicalId(stack.trafficSearch.resultsBucket);
    for (const state of [SEARCH_STATES.searchAccounts, SEARCH_STATES.collectTraffic]) {
      expect(fnEnv(state)['ACCOUNTS_DB_SECRET_ARN']).toEqual({ Ref: secretId });
      const secretStatements = statementsOf(stack.fulfilment.taskFunctions[state]!.role).filter((st) =>
        [st.Action].flat().some((a) => a.startsWith('secretsmanager:')),
      );
      expect(secretStatements.map((st) => st.Resource)).toEqual([{ Ref: secretId }]);
      expect([secretStatements[0]!.Action].flat().sort()).toEqual(['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue']);
    }
    expect(fnEnv(SEARCH_STATES.collectTraffic)).toMatchObject({ ATHENA_RESULTS_BUCKET: { Ref: resultsId }, ATHENA_RESULTS_PREFIX: 'athena/' });
    expect(fnEnv(SEARCH_STATES.searchAccounts)['ATHENA_RESULTS_BUCKET']).toBeUndefined();
    const reads = statementsOf(stack.fulfilment.taskFunctions[SEARCH_STATES.collectTraffic]!.role).filter((st) =>
      JSON.stringify(st.Resource).includes(resultsId),
    );
    expect(reads).toEqual([
      expect.objectContaining({ Action: 's3:GetObject', Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [resultsId, 'Arn'] }, '/athena/*']] } }),
    ]);
    // No other function reads the secret.
    for (const [state, fn] of Object.entries(stack.fulfilment.taskFunctions)) {
      if (state === SEARCH_STATES.searchAccounts || state === SEARCH_STATES.collectTraffic) continue;
      expect(JSON.stringify(statementsOf(fn.role)), state).not.toContain(secretId);
    }
  });

  it('trusts the runtime’s Amazon CA bundle (RDS among them) in exactly the functions that reach the account database over TLS', () => {
    const { stack, resources, logicalId } = app();
    const functions = stack.node.findAll().filter((c): c is ServiceFunction => c instanceof ServiceFunction && c.spec !== undefined);
    const trusting = functions
      .filter((f) => 'NODE_EXTRA_CA_CERTS' in (resources[logicalId(f.fn)]!.Properties.Environment.Variables as Record<string, unknown>))
      .map((f) => f.spec!.id)
      .sort();
    // The search's SQL and traffic tasks, the plan execution's writer (issue 15), and the retention context's review of closed accounts (issue 13).
    expect(trusting).toEqual(['ApplySourceFunction', 'CollectTrafficFunction', 'DeskRunReview', 'ReviewAccounts', 'SearchAccountsFunction']);
    expect(trusting).toEqual(
      HANDLERS.filter((h) => h.uses.accountsDb)
        .map((h) => h.id)
        .sort(),
    );
    for (const state of [SEARCH_STATES.searchAccounts, SEARCH_STATES.collectTraffic]) {
      expect(fnEnv(state)['NODE_EXTRA_CA_CERTS']).toBe('/var/runtime/ca-cert.pem');
    }
  });

  it('creates the secret (data key, a description for Icetrak’s DBA) unless the context names one, which it imports', () => {
    const { stack, template, logicalId } = app();
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Description: Match.stringLikeRegexp('Icetrak’s DBA fills it'),
      KmsKeyId: { 'Fn::GetAtt': [logicalId(stack.storage.key), 'Arn'] },
    });
    const imported = synthesisedApp({ ...TEST_CONTEXT, 'icetrak:accountsDbSecretArn': ACCOUNTS_SECRET });
    expect(imported.stack.accountsDbSecret.secretArn).toBe(ACCOUNTS_SECRET);
    expect(
      Object.values(imported.resources).filter((r) => r.Type === 'AWS::SecretsManager::Secret' && /Icetrak/.test(String(r.Properties['Description']))),
    ).toEqual([]);
    const fn = imported.stack.fulfilment.taskFunctions[SEARCH_STATES.searchAccounts]!;
    expect(imported.resources[imported.logicalId(fn.fn)]!.Properties.Environment.Variables.ACCOUNTS_DB_SECRET_ARN).toBe(ACCOUNTS_SECRET);
    expect(() => synthesisedApp({ ...TEST_CONTEXT, 'icetrak:accountsDbSecretArn': 'not-an-arn' })).toThrow(/icetrak:accountsDbSecretArn/);
  }, 120_000);
});
