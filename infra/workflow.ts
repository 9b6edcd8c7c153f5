/**
 * What Rightsdesk's three Step Functions workflows build alike (the deadline keeper, the search of
 * Icetrak's systems, the plan execution): the encrypted vended-logs log group, the named,
 * encrypted, traced state machine that logs every transition but never the data, the alarm on
 * executions that end abnormally, the grant that lets a function start executions, and the
 * cdk-nag acknowledgements with their reasons. Each construct keeps its own definition, task
 * functions and construct ids (so its logical ids), and says its own words in the alarm.
 */
import { Duration, Names, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { EnvName } from './env-names';
import type { ServiceFunction } from './service-function';

/** The workflow's log group (construct id `Logs`): KMS, retained, under the vended-logs prefix AWS recommends (it keeps the resource policy small). */
export function workflowLogGroup(scope: Construct, key: kms.IKey, retention: logs.RetentionDays): logs.LogGroup {
  return new logs.LogGroup(scope, 'Logs', {
    logGroupName: `/aws/vendedlogs/states/${Names.uniqueResourceName(scope, { maxLength: 200, separator: '-' })}`,
    encryptionKey: key,
    retention,
    removalPolicy: RemovalPolicy.RETAIN,
  });
}

export interface WorkflowStateMachineProps {
  readonly comment: string;
  readonly definition: sfn.IChainable;
  readonly key: kms.IKey;
  readonly logGroup: logs.ILogGroup;
  /** @default - none: an execution may wait as long as Step Functions allows (the keeper waits for deadlines) */
  readonly timeout?: Duration;
}

/**
 * The state machine (construct id `StateMachine`): STANDARD, encrypted with the data key, traced,
 * logging every transition and never the data. Named from the construct path (unique per stack)
 * because a caller's use of the data key is bound by encryption context to the state machine's
 * ARN, which the role cannot reference without a cycle; unnamed, CDK would write a condition
 * ending in "stateMachine:" that matches nothing.
 */
export function workflowStateMachine(scope: Construct, props: WorkflowStateMachineProps): sfn.StateMachine {
  return new sfn.StateMachine(scope, 'StateMachine', {
    stateMachineName: Names.uniqueResourceName(scope, { maxLength: 80, separator: '-' }),
    stateMachineType: sfn.StateMachineType.STANDARD,
    comment: props.comment,
    definitionBody: sfn.DefinitionBody.fromChainable(props.definition),
    ...(props.timeout && { timeout: props.timeout }),
    encryptionConfiguration: new sfn.CustomerManagedEncryptionConfiguration(props.key),
    logs: { destination: props.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    tracingEnabled: true,
  });
}

/** The alarm (construct id `ExecutionsFailedAlarm`) on any execution that failed, timed out or was stopped in 5 minutes; `description` says what to do. */
export function abnormalEndsAlarm(scope: Construct, sm: sfn.StateMachine, words: { description: string; label: string }): cloudwatch.Alarm {
  const period = Duration.minutes(5);
  return new cloudwatch.Alarm(scope, 'ExecutionsFailedAlarm', {
    alarmDescription: words.description,
    metric: new cloudwatch.MathExpression({
      // A metric with no data at a timestamp would blank the sum: count it as zero.
      expression: 'FILL(failed, 0) + FILL(timedOut, 0) + FILL(aborted, 0)',
      usingMetrics: { failed: sm.metricFailed({ period }), timedOut: sm.metricTimedOut({ period }), aborted: sm.metricAborted({ period }) },
      period,
      label: words.label,
    }),
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
}

/**
 * Lets `fn` start executions of `sm`: the ARN in `envName`, states:StartExecution on this state
 * machine only, and the data-key use Step Functions makes on the caller's behalf for an encrypted
 * state machine (bound by encryption context to this state machine).
 */
export function bindWorkflowStarter(fn: ServiceFunction, envName: EnvName, sm: sfn.StateMachine, key: kms.IKey): ServiceFunction {
  fn.bindEnv(envName, sm.stateMachineArn);
  sm.grantStartExecution(fn.role);
  fn.role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: [key.keyArn],
      conditions: { StringEquals: { 'kms:EncryptionContext:aws:states:stateMachineArn': sm.stateMachineArn } },
    }),
  );
  return fn;
}

/** cdk-nag IAM5 for lambda:InvokeFunction on `<fn>:*`, the grant CDK writes for a function's versions and aliases; `who` invokes them. */
export function acknowledgeInvokeGrants(role: iam.IRole, fns: readonly ServiceFunction[], who: string): void {
  const stack = Stack.of(role);
  const policy = role.node.findChild('DefaultPolicy');
  for (const f of fns) {
    const logicalId = stack.resolve(stack.getLogicalId(f.fn.node.defaultChild as lambda.CfnFunction)) as string;
    Validations.of(policy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>:*]`,
      reason:
        `${who}: lambda:InvokeFunction on ${f.node.path} and its versions and aliases (the ":*" CDK's grant adds), ` +
        'that one function only; no other function or action.',
    });
  }
}

/** cdk-nag IAM5 for the `*` of the state machine role's logging and tracing, which support no resource-level permissions. */
export function acknowledgeLoggingGrants(sm: sfn.StateMachine): void {
  Validations.of(sm.role.node.findChild('DefaultPolicy')).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'CloudWatch Logs vended-log delivery (logs:CreateLogDelivery, GetLogDelivery, UpdateLogDelivery, ' +
      'DeleteLogDelivery, ListLogDeliveries, PutResourcePolicy, DescribeResourcePolicies, DescribeLogGroups) and X-Ray ' +
      '(PutTraceSegments, PutTelemetryRecords, GetSampling*) support no resource-level permissions; Step Functions ' +
      'needs them to log and trace executions. Every other statement of this policy names its resource.',
  });
}
