import { Match } from 'aws-cdk-lib/assertions';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ENV_NAMES } from '#infra/env-names';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { DeadlineKeeper, KEEPER_STATES, LAMBDA_SERVICE_ERRORS } from '#infra/deadline-keeper';
import { DEADLINES } from '#lambdas/deadlines/manifest';
import { triggeredBy } from '#lambdas/manifest';

/** Each Task state and the handler module its manifest entry names. */
const KEEPER_TASKS = Object.fromEntries(triggeredBy(DEADLINES.handlers, 'task').map((h) => [h.trigger.state, h.entry])) as Record<
  'Evaluate' | 'Act',
  string
>;
import { renderCfnString, synthesizedKeeperDefinition, forLocalRun, type AslDefinition } from '#infra/local/keeper-definition';
import { REPO_ROOT } from '#infra/local/stack';
import { TIME_ORIGIN_VAR, TIME_SCALE_VAR } from '#adapters/clock';
import { DEFAULT_KEEPER_OFFSETS } from '#domain/checkpoints';
import {
  acknowledgements,
  CDK_JSON_CONTEXT,
  coldStart,
  deployTimeEnv,
  londonStack,
  nagFindings,
  standaloneResources,
  TEST_CONTEXT,
  synthesisedApp,
  type Statement,
} from './support';

function build(context: Record<string, unknown> = TEST_CONTEXT) {
  const { stack, template, resources, logicalId: id } = synthesisedApp(context);
  const k = stack.keeper;
  return {
    stack,
    template,
    resources,
    ids: {
      key: id(stack.storage.key),
      table: id(stack.storage.casesTable),
      stateMachine: id(k.stateMachine),
      search: id(stack.fulfilment.stateMachine),
      planExecution: id(stack.planExecution.stateMachine),
      smRole: id(k.stateMachine.role),
      logs: id(k.logGroup),
      topic: id(k.alarmTopic),
      evaluate: { fn: id(k.evaluateFunction.fn), role: id(k.evaluateFunction.role) },
      act: { fn: id(k.actFunction.fn), role: id(k.actFunction.role) },
      sweep: { fn: id(k.sweepFunction.fn), role: id(k.sweepFunction.role) },
      api: new Map([...stack.publicApi.functions].map(([key, f]) => [key, { fn: id(f.fn), role: id(f.role) }])),
    },
  };
}

let built: ReturnType<typeof build>;
let definition: AslDefinition;
beforeAll(() => {
  built = build();
  const sm = built.resources[built.ids.stateMachine]!.Properties;
  definition = JSON.parse(renderCfnString(sm.DefinitionString, (logicalId) => `arn:aws:lambda:eu-west-2:000000000000:function:${logicalId}`));
});

const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
/** The identity-policy statements attached to a role. */
function statementsOf(roleId: string): Statement[] {
  return Object.values(built.resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && (r.Properties.Roles as Array<{ Ref: string }>).some((x) => x.Ref === roleId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
}
const keyArn = () => ({ 'Fn::GetAtt': [built.ids.key, 'Arn'] });

describe('deadline keeper state machine', () => {
  it('is a standard workflow encrypted with the customer-managed data key', () => {
    built.template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      EncryptionConfiguration: { Type: 'CUSTOMER_MANAGED_KMS_KEY', KmsKeyId: keyArn() },
    });
  });

  it('logs every transition, without execution data, to a log group encrypted with the data key; traces with X-Ray', () => {
    built.template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      LoggingConfiguration: {
        Level: 'ALL',
        IncludeExecutionData: false,
        Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [built.ids.logs, 'Arn'] } } }],
      },
      TracingConfiguration: { Enabled: true },
    });
    const logs = built.resources[built.ids.logs]!.Properties;
    expect(logs).toMatchObject({ KmsKeyId: keyArn(), RetentionInDays: 365 });
    expect(logs.LogGroupName).toMatch(/^\/aws\/vendedlogs\/states\//);
  });

  it('loops Evaluate → IsDone → WaitForCheckpoint (TimestampPath) → Act → Evaluate, in JSONPath', () => {
    expect(definition.QueryLanguage ?? 'JSONPath').toBe('JSONPath');
    expect(definition.TimeoutSeconds).toBeUndefined(); // a standard workflow's year; the local runner needs none either
    const s = definition.States;
    expect(definition.StartAt).toBe('Evaluate');
    expect(s.Evaluate).toMatchObject({ Type: 'Task', Next: 'IsDone', ResultPath: '$.next' });
    expect(s.IsDone).toMatchObject({
      Type: 'Choice',
      Choices: [{ Variable: '$.next.kind', StringEquals: 'done', Next: 'Done' }],
      Default: 'WaitForCheckpoint',
    });
    expect(s.WaitForCheckpoint).toMatchObject({ Type: 'Wait', TimestampPath: '$.next.at', Next: 'Act' });
    expect(s.Act).toMatchObject({ Type: 'Task', Next: 'Evaluate', ResultPath: null });
    expect(s.Done!.Type).toBe('Succeed');
    expect(Object.keys(s).sort()).toEqual(Object.values(KEEPER_STATES).sort());
  });

  it('passes only the case id and the checkpoint: no personal data in the payloads', () => {
    expect(definition.States.Evaluate!.Parameters).toEqual({ 'caseId.$': '$.caseId' });
    expect(definition.States.Act!.Parameters).toEqual({ 'caseId.$': '$.caseId', 'checkpoint.$': '$.next' });
  });

  it('retries with backoff and full jitter, never retries what cannot pass, and catches named errors', () => {
    for (const name of Object.keys(KEEPER_TASKS)) {
      const task = definition.States[name]!;
      const retry = task.Retry as Array<Record<string, unknown>>;
      expect(retry[0]).toEqual({ ErrorEquals: ['CaseNotFoundError', 'KeeperInputError'], MaxAttempts: 0 });
      expect(retry).toContainEqual(
        expect.objectContaining({ ErrorEquals: LAMBDA_SERVICE_ERRORS, BackoffRate: 2, JitterStrategy: 'FULL', MaxAttempts: 6 }),
      );
      expect(retry).toContainEqual(
        expect.objectContaining({ ErrorEquals: expect.arrayContaining(['VersionConflictError', 'ThrottlingException']), JitterStrategy: 'FULL' }),
      );
      expect(retry).toContainEqual(expect.objectContaining({ ErrorEquals: ['States.Timeout'] }));
      expect(retry.at(-1)).toMatchObject({ ErrorEquals: ['States.ALL'], MaxAttempts: 2 });
      expect(task.Catch).toEqual([
        { ErrorEquals: ['CaseNotFoundError'], ResultPath: null, Next: 'CaseGone' },
        { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'KeeperFailed' },
      ]);
      expect(task.TimeoutSeconds).toBe(60);
    }
    expect(definition.States.KeeperFailed).toMatchObject({ Type: 'Fail', ErrorPath: '$.error.Error', CausePath: '$.error.Cause' });
  });

  it('is exactly what the local stack runs (taken from the construct, not copied)', () => {
    const local = synthesizedKeeperDefinition(REPO_ROOT);
    expect(local.definition).toEqual(forLocalRun(definition));
    expect(local.tasks).toEqual(KEEPER_TASKS);
    // Each Task invokes the function the construct built for its handler module.
    expect(definition.States.Evaluate!.Resource).toContain(built.ids.evaluate.fn);
    expect(definition.States.Act!.Resource).toContain(built.ids.act.fn);
  });
});

describe('forLocalRun', () => {
  it('drops a timeout too long for a timer and an explicit ResultPath "$", and nothing else', () => {
    const def: AslDefinition = {
      StartAt: 'A',
      TimeoutSeconds: 30 * 86400,
      States: { A: { Type: 'Pass', ResultPath: '$', Next: 'B' }, B: { Type: 'Pass', ResultPath: '$.x', End: true } },
    };
    const out = forLocalRun(def);
    expect(out.TimeoutSeconds).toBeUndefined();
    expect(out.States.A).toEqual({ Type: 'Pass', Next: 'B' });
    expect(out.States.B).toEqual(def.States.B);
    expect(forLocalRun({ ...def, TimeoutSeconds: 3600 }).TimeoutSeconds).toBe(3600);
    expect(def.States.A!.ResultPath).toBe('$'); // the input is not changed
  });
});

describe('deadline keeper permissions', () => {
  it('lets the state machine invoke its two task functions and nothing else', () => {
    const invokes = statementsOf(built.ids.smRole).filter((s) => actionsOf(s).some((a) => a.startsWith('lambda:')));
    const targets = JSON.stringify(invokes.map((s) => s.Resource));
    expect(invokes.flatMap(actionsOf)).toEqual(['lambda:InvokeFunction']);
    expect(targets).toContain(built.ids.evaluate.fn);
    expect(targets).toContain(built.ids.act.fn);
    expect(targets.match(/Function[0-9A-F]{8}/g)!.every((m) => built.ids.evaluate.fn.endsWith(m) || built.ids.act.fn.endsWith(m))).toBe(true);
  });

  it('binds the execution role’s use of the data key to this state machine (a named one, so the condition can name it)', () => {
    const sm = built.resources[built.ids.stateMachine]!.Properties;
    expect(sm.StateMachineName).toMatch(/^Rightsdesk-DeadlineKeeper-/);
    const kms = statementsOf(built.ids.smRole).find((s) => actionsOf(s).includes('kms:Decrypt'))!;
    expect(kms.Resource).toEqual(keyArn());
    expect(JSON.stringify(kms.Condition)).toContain(`stateMachine:${sm.StateMachineName}`);
  });

  it('Evaluate reads the cases table; only Act may write it, send mail and read the signing key', () => {
    const evaluate = statementsOf(built.ids.evaluate.role).flatMap(actionsOf);
    expect(evaluate.filter((a) => a.startsWith('dynamodb:')).sort()).toEqual(['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query']);
    expect(evaluate.some((a) => a.startsWith('ses:') || a.startsWith('secretsmanager:') || a.startsWith('states:'))).toBe(false);
    const act = statementsOf(built.ids.act.role).flatMap(actionsOf);
    expect(act).toEqual(expect.arrayContaining(['dynamodb:UpdateItem', 'ses:SendEmail', 'secretsmanager:GetSecretValue']));
    expect(act.some((a) => a.startsWith('states:'))).toBe(false);
  });

  it('sends reminders and escalations to the team: only Act gets the team address and the mail settings', () => {
    const vars = (fn: string) => built.resources[fn]!.Properties.Environment.Variables as Record<string, unknown>;
    expect(vars(built.ids.act.fn)).toMatchObject({
      TEAM_ADDRESS: CDK_JSON_CONTEXT['rightsdesk:teamAddress'],
      DPO_ADDRESS: CDK_JSON_CONTEXT['rightsdesk:dpoAddress'], // named to requesters, and their Reply-To
    });
    expect(vars(built.ids.act.fn).TEAM_ADDRESS).not.toBe(vars(built.ids.act.fn).DPO_ADDRESS);
    // Evaluate sends nothing: the table and the offsets are all it reads (lambdas/deadlines/root.ts).
    const appVars = Object.keys(vars(built.ids.evaluate.fn)).filter((k) => (Object.values(ENV_NAMES) as string[]).includes(k));
    expect(appVars.sort()).toEqual(['CASES_TABLE', 'KEEPER_OFFSETS']);
    expect(vars(built.ids.sweep.fn).TEAM_ADDRESS).toBeUndefined();
  });

  describe('task functions start cold with exactly the environment the stack gives them', () => {
    const resolvedEnv = (fn: string) => deployTimeEnv(built.resources[fn]!.Properties.Environment.Variables as Record<string, unknown>);

    afterEach(() => {
      vi.unstubAllEnvs();
    });

    it.each([
      ['Evaluate', KEEPER_TASKS.Evaluate, 'evaluate'],
      ['Act', KEEPER_TASKS.Act, 'act'],
    ] as const)('%s loads its handler', async (_state, entry, task) => {
      const module = await coldStart(entry, resolvedEnv(built.ids[task].fn));
      expect(typeof module.handler).toBe('function');
    });

    it('Act fails its cold start without TEAM_ADDRESS (so the test above can fail)', async () => {
      const env = resolvedEnv(built.ids.act.fn);
      delete env.TEAM_ADDRESS;
      await expect(coldStart(KEEPER_TASKS.Act, env)).rejects.toThrow('TEAM_ADDRESS');
    });
  });

  it('only the sweep and the form submission may start keepers, on this state machine only, with the data key bound to it', () => {
    const starters = Object.values(built.resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .flatMap((p) =>
        (p.Properties.PolicyDocument.Statement as Statement[])
          // Starting searches (issue 14) and plan executions (issue 15) are their own state machines' grants, tested in
          // fulfilment.test.ts and plan-execution.test.ts; a role that starts several (the act handlers) may have them in one
          // statement (policy minimisation), so those resources are set aside.
          .map((s) => ({
            ...s,
            Resource: [s.Resource]
              .flat()
              .filter((r) => ![built.ids.search, built.ids.planExecution].some((other) => JSON.stringify(r) === JSON.stringify({ Ref: other }))),
          }))
          .filter((s) => actionsOf(s).some((a) => a.startsWith('states:')) && s.Resource.length > 0)
          .map((s) => ({ roles: (p.Properties.Roles as Array<{ Ref: string }>).map((r) => r.Ref), s })),
      );
    for (const { s } of starters) {
      expect(actionsOf(s)).toEqual(['states:StartExecution']);
      expect(s.Resource).toEqual([{ Ref: built.ids.stateMachine }]);
    }
    const roles = starters.flatMap((x) => x.roles);
    expect(roles).toContain(built.ids.sweep.role);
    expect(roles).toContain(built.ids.api.get('POST /requests')!.role);
    expect(roles).not.toContain(built.ids.api.get('GET /verify/{token}')!.role);
    expect(roles).not.toContain(built.ids.api.get('GET /')!.role);
    for (const role of [built.ids.sweep.role, built.ids.api.get('POST /requests')!.role]) {
      expect(statementsOf(role)).toContainEqual({
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: keyArn(),
        Condition: { StringEquals: { 'kms:EncryptionContext:aws:states:stateMachineArn': { Ref: built.ids.stateMachine } } },
      });
    }
  });

  it('gives the state machine ARN only to the intake function that starts keepers', () => {
    const env = (key: string) => built.resources[built.ids.api.get(key)!.fn]!.Properties.Environment.Variables;
    expect(env('POST /requests').KEEPER_STATE_MACHINE_ARN).toEqual({ Ref: built.ids.stateMachine });
    expect(env('GET /verify/{token}').KEEPER_STATE_MACHINE_ARN).toBeUndefined();
    expect(env('GET /').KEEPER_STATE_MACHINE_ARN).toBeUndefined();
  });

  it('gives the task functions their offsets and never a local clock', () => {
    for (const { fn } of [built.ids.evaluate, built.ids.act]) {
      const vars = built.resources[fn]!.Properties.Environment.Variables;
      expect(JSON.parse(vars.KEEPER_OFFSETS)).toEqual({ ...DEFAULT_KEEPER_OFFSETS, dpoReminderWorkingDays: [14, 7, 2] });
      expect(vars.KEEPER_STATE_MACHINE_ARN).toBeUndefined(); // the state machine names them, not the reverse
    }
    for (const r of Object.values(built.resources).filter((x) => x.Type === 'AWS::Lambda::Function')) {
      const vars = r.Properties.Environment?.Variables ?? {};
      expect(vars[TIME_SCALE_VAR]).toBeUndefined();
      expect(vars[TIME_ORIGIN_VAR]).toBeUndefined();
    }
  });

  it('takes other offsets from its props, and refuses nonsense at synthesis', () => {
    const stack = londonStack();
    const { storage, resources } = standaloneResources(stack, { PUBLIC_BASE_URL: 'https://privacy.example.com' }, { keeperStandIn: false });
    resources.provide({ signingKey: new secretsmanager.Secret(stack, 'SigningKey', { encryptionKey: storage.key }) });
    const props = { key: storage.key, resources };
    const keeper = new DeadlineKeeper(stack, 'Keeper', { ...props, offsets: { dpoReminderWorkingDays: [3, 10], noticeHour: 8 } });
    const env = stack.resolve((keeper.actFunction.fn.node.defaultChild as lambda.CfnFunction).environment) as { variables: Record<string, string> };
    expect(JSON.parse(env.variables.KEEPER_OFFSETS!)).toMatchObject({ dpoReminderWorkingDays: [10, 3], noticeHour: 8, verifyReminderAfterDays: 7 });
    expect(() => new DeadlineKeeper(stack, 'Bad', { ...props, offsets: { noticeHour: 25 } })).toThrow(/noticeHour/);
  });
});

describe('deadline keeper sweep and alarms', () => {
  it('runs the sweep hourly on the Europe/London clock, with retries, through a role that may invoke only it', () => {
    built.template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(15 * * * ? *)',
      ScheduleExpressionTimezone: 'Europe/London',
      State: 'ENABLED',
      Target: {
        Arn: { 'Fn::GetAtt': [built.ids.sweep.fn, 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
      },
    });
  });

  it('alarms when an execution fails, times out or is stopped, and when the sweep fails, to an encrypted topic', () => {
    built.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: built.ids.topic }],
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'FILL(failed, 0) + FILL(timedOut, 0) + FILL(aborted, 0)' }),
        Match.objectLike({
          Id: 'failed',
          MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'ExecutionsFailed', Namespace: 'AWS/States' }) }),
        }),
        Match.objectLike({ Id: 'timedOut', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'ExecutionsTimedOut' }) }) }),
        Match.objectLike({ Id: 'aborted', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'ExecutionsAborted' }) }) }),
      ]),
    });
    built.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: built.ids.sweep.fn } }],
      AlarmActions: [{ Ref: built.ids.topic }],
    });
    built.template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: keyArn() });
    built.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: built.ids.topic }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Action: 'sns:Publish',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Condition: Match.objectLike({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } }),
          }),
        ]),
      },
    });
    // CloudWatch may use the data key to publish to the encrypted topic, for this account only.
    const keyPolicy = built.resources[built.ids.key]!.Properties.KeyPolicy.Statement as Array<Record<string, any>>;
    expect(keyPolicy).toContainEqual(
      expect.objectContaining({
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      }),
    );
  });
});

describe('deadline keeper and cdk-nag', () => {
  it('has no unacknowledged AwsSolutions finding, and each acknowledgement names one finding with a reason', () => {
    expect(nagFindings(built.stack.keeper)).toEqual([]);
    const acks = acknowledgements(built.stack.keeper);
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect(ack.id).toMatch(/^AwsSolutions-IAM5\[Resource::.+\]$/);
      expect(ack.reason.length).toBeGreaterThanOrEqual(80);
    }
  });
});
