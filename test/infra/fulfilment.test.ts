/**
 * The search workflow's infrastructure (issue 14): the state machine's shape (Map over the sources,
 * Choice by kind, the Athena .sync task, retries, catches, timeouts), its encryption and logs,
 * the start grant of the act handlers, and the SQL functions' network from context.
 */
import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { beforeAll, describe, expect, it } from 'vitest';
import { Fulfilment, NETWORK_CONTEXT, SEARCH_CONCURRENCY, SEARCH_STATES } from '#infra/fulfilment';
import { allStates, renderCfnString, type AslDefinition, type AslState } from '#infra/local/keeper-definition';
import { FULFILMENT } from '#lambdas/fulfilment/manifest';
import { TRAFFIC_QUERY_TEMPLATE } from '#shared/fulfilment/traffic-query';
import { londonStack, nagFindings, standaloneResources, synthesisedApp, TEST_CONTEXT } from './support';

const NETWORK = {
  [NETWORK_CONTEXT.vpcId]: 'vpc-0abc1234',
  [NETWORK_CONTEXT.subnetIds]: 'subnet-0aaa1111,subnet-0bbb2222',
  [NETWORK_CONTEXT.securityGroupId]: 'sg-0ccc3333',
};

/** A stack with Storage and a Fulfilment that has a traffic search (the TrafficSearch construct's stand-in). */
function standalone(context: Record<string, unknown> = TEST_CONTEXT) {
  const stack = londonStack(context);
  const { storage, resources } = standaloneResources(stack, {}, { searchStandIn: false });
  const granted: iam.IGrantable[] = [];
  const fulfilment = new Fulfilment(stack, 'Fulfilment', {
    key: storage.key,
    resources,
    traffic: {
      workGroupName: 'rightsdesk-traffic',
      databaseName: 'rightsdesk_traffic',
      resultsBucket: s3.Bucket.fromBucketName(stack, 'Results', 'athena-results'),
      grantSearch: (g) => void granted.push(g),
    },
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
      expect(retry[0]).toEqual({ ErrorEquals: ['SearchInputError', 'NotWiredError', 'CaseNotFoundError'], MaxAttempts: 0 });
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
    const { stack } = app();
    const sm = app().template.toJSON().Resources[stack.getLogicalId(stack.fulfilment.stateMachine.node.defaultChild as never)].Properties;
    const def = JSON.parse(renderCfnString(stack.resolve(sm.DefinitionString), (x) => x)) as AslDefinition;
    const all = Object.fromEntries(allStates(def));
    expect(all.TrafficQuery).toBeUndefined();
    expect(all.TrafficNotConfigured).toMatchObject({ Type: 'Pass', Result: { Error: 'TrafficSearchNotConfigured' }, Next: 'RecordSourceFailure' });
  }, 120_000);

  it('lets the act handlers start searches on this state machine only', () => {
    const { stack, template } = app();
    const smId = stack.getLogicalId(stack.fulfilment.stateMachine.node.defaultChild as never);
    const act = stack.publicApi.functions.get('ActOnCase') ?? [...stack.publicApi.functions.values()].find((f) => f.spec?.id === 'ActOnCase');
    expect(act).toBeDefined();
    const fnProps = template.toJSON().Resources[stack.getLogicalId(act!.fn.node.defaultChild as never)].Properties;
    expect(fnProps.Environment.Variables.SEARCH_STATE_MACHINE_ARN).toEqual({ Ref: smId });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: stack.getLogicalId(act!.role.node.defaultChild as never) }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'states:StartExecution', Resource: { Ref: smId } })]) },
    });
  });

  it('has a function per Task state from the fulfilment manifest, and no unacknowledged cdk-nag finding', () => {
    expect(Object.keys(built.fulfilment.taskFunctions).sort()).toEqual(FULFILMENT.handlers.map((h) => (h.trigger as { state: string }).state).sort());
    expect(nagFindings(built.stack).filter((f) => f.includes('/Fulfilment/'))).toEqual([]);
  });
});

describe('the SQL-reading functions’ network', () => {
  it('puts them in Icetrak’s VPC (subnets and security group imported by id, offline) when the context names it', () => {
    const b = standalone({ ...TEST_CONTEXT, ...NETWORK });
    const vpcFns = FULFILMENT.handlers.filter((h) => h.network === 'icetrak');
    expect(vpcFns.map((h) => h.id)).toEqual(['SearchAccountsFunction', 'CollectTrafficFunction']);
    for (const spec of FULFILMENT.handlers) {
      const fn = b.fulfilment.taskFunctions[(spec.trigger as { state: string }).state]!;
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
