/**
 * DeadlineKeeper: one Step Functions standard workflow per open case (DESIGN.md, Deadline
 * keeper), started by the intakes through the Keeper port and, for any case they failed to
 * start, by an hourly sweep.
 *
 *   Evaluate ─► IsDone? ─yes─► Done
 *      ▲           │no
 *      │           ▼
 *     Act ◄── WaitForCheckpoint (TimestampPath $.next.at)
 *
 * Evaluate reads the case and answers with its next checkpoint (shared/domain/checkpoints.ts);
 * the Wait sleeps until its instant; Act sends the notice if it still applies and records it.
 * Because each loop reads the case afresh, an extension, a pause or a closure needs no signal.
 * Payloads hold the case id and the checkpoint's id, kind and instant, nothing personal.
 *
 * Retries (with backoff and full jitter) and catches are in the definition, not in the
 * functions. A missing case ends the execution quietly (CaseGone); anything else that outlives
 * its retries fails it (KeeperFailed), and a failed, timed-out or aborted execution raises the
 * alarm. Redrive a failed execution (`aws stepfunctions redrive-execution`) once the cause is
 * fixed: it resumes the same keeper, under the same name.
 *
 * The functions come from the deadlines manifest (lambdas/deadlines/manifest.ts): one per Task
 * state, and the sweep's schedule. The local stack runs this very definition in
 * aws-local-stepfunctions (infra/local/keeper-*.ts), each Task state on its manifest entry.
 */
import { ArnFormat, Duration, Stack, TimeZone } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { keeperOffsets, type KeeperOffsets } from '#domain/checkpoints';
import { DEADLINES } from '#lambdas/deadlines/manifest';
import { ENV_NAMES } from './env-names';
import { onlyTriggeredBy, triggeredBy, type HandlerSpec } from '#lambdas/manifest';
import type { HandlerResources, KeeperStarter } from './handler-resources';
import { ServiceFunction } from './service-function';
import {
  abnormalEndsAlarm,
  acknowledgeInvokeGrants,
  acknowledgeLoggingGrants,
  bindWorkflowStarter,
  workflowLogGroup,
  workflowStateMachine,
} from './workflow';

/** State names of the definition (the local runner and the tests refer to them). */
export const KEEPER_STATES = {
  evaluate: 'Evaluate',
  isDone: 'IsDone',
  wait: 'WaitForCheckpoint',
  act: 'Act',
  done: 'Done',
  caseGone: 'CaseGone',
  failed: 'KeeperFailed',
} as const;

/** Where Evaluate's answer lives in the execution state; the Wait reads `${PLAN_PATH}.at`. */
export const PLAN_PATH = '$.next';

/** Lambda service faults: always worth retrying. */
export const LAMBDA_SERVICE_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  'Lambda.ClientExecutionTimeoutException',
];

/** Errors the functions raise that pass with time: throttling, conflicts, network. */
export const TRANSIENT_ERRORS = [
  'VersionConflictError',
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'LimitExceededException',
  'InternalServerError',
  'InternalFailure',
  'ServiceUnavailable',
  'TimeoutError',
];

/** Errors no retry can fix. */
export const PERMANENT_ERRORS = ['CaseNotFoundError', 'KeeperInputError'];

export interface DeadlineKeeperProps {
  /** Encrypts the state machine, its logs, the functions' logs and the alarm topic (Storage.key). */
  readonly key: kms.IKey;
  /**
   * What the keeper's functions are bound to (each to what its manifest entry uses). The keeper
   * provides itself (the right to start keepers) and KEEPER_OFFSETS to it.
   */
  readonly resources: HandlerResources;
  /**
   * The keeper's handlers: one per Task state of the definition (Evaluate, Act) and the sweep.
   * @default DEADLINES.handlers (lambdas/deadlines/manifest.ts)
   */
  readonly handlers?: readonly HandlerSpec[];
  /**
   * Checkpoint offsets (when reminders, warnings and the closure fall).
   * @default DEFAULT_KEEPER_OFFSETS: verify reminder after 7 days, closure after 30, DPO
   *   reminders 14, 7 and 2 working days before the due date, extension warning 5 working
   *   days before its limit, all at 09:00 London
   */
  readonly offsets?: Partial<KeeperOffsets>;
  /**
   * When the sweep runs (it starts a keeper for every open case without one).
   * @default the sweep's manifest schedule (hourly, at a quarter past), Europe/London
   */
  readonly sweepSchedule?: scheduler.ScheduleExpression;
  /**
   * Retention of the state machine's and the functions' logs (operational evidence; the case
   * record itself is the audit trail in DynamoDB).
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Email addresses subscribed to the alarm topic (each must confirm the subscription).
   * @default - none: subscribe on-call to the AlarmTopic output
   */
  readonly alarmEmails?: readonly string[];
}

export class DeadlineKeeper extends Construct implements KeeperStarter {
  public readonly stateMachine: sfn.StateMachine;
  public readonly logGroup: logs.LogGroup;
  public readonly evaluateFunction: ServiceFunction;
  public readonly actFunction: ServiceFunction;
  public readonly sweepFunction: ServiceFunction;
  /** The function behind each Task state, by state name (its manifest entry is `.spec`). */
  public readonly taskFunctions: Readonly<Record<string, ServiceFunction>>;
  public readonly sweepSchedule: scheduler.Schedule;
  /** Failed, timed-out or aborted executions: a case has lost its keeper. */
  public readonly executionsAlarm: cloudwatch.Alarm;
  /** The sweep could not start a keeper. */
  public readonly sweepAlarm: cloudwatch.Alarm;
  public readonly alarmTopic: sns.Topic;
  /** The offsets the functions run with (defaults filled in). */
  public readonly offsets: KeeperOffsets;
  private readonly key: kms.IKey;

  constructor(scope: Construct, id: string, props: DeadlineKeeperProps) {
    super(scope, id);
    this.key = props.key;
    this.offsets = keeperOffsets(props.offsets);
    const retention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;

    const handlers = props.handlers ?? DEADLINES.handlers;
    const fnOptions = { key: props.key, serviceName: DEADLINES.context, resources: props.resources, logRetention: retention };
    props.resources.provide({ settings: { KEEPER_OFFSETS: JSON.stringify(this.offsets) } });
    const taskFunctions: Record<string, ServiceFunction> = {};
    for (const spec of triggeredBy(handlers, 'task')) taskFunctions[spec.trigger.state] = ServiceFunction.forHandler(this, spec, fnOptions);
    this.taskFunctions = taskFunctions;
    const taskFunction = (state: string) => {
      const f = taskFunctions[state];
      if (!f) throw new Error(`DeadlineKeeper: no handler for the Task state ${state} (lambdas/deadlines/manifest.ts).`);
      return f;
    };
    this.evaluateFunction = taskFunction(KEEPER_STATES.evaluate);
    this.actFunction = taskFunction(KEEPER_STATES.act);

    this.logGroup = workflowLogGroup(this, props.key, retention);
    this.stateMachine = workflowStateMachine(this, {
      comment: 'Rightsdesk deadline keeper: one execution per open case, named after the case id',
      definition: this.definition(),
      key: props.key,
      logGroup: this.logGroup,
    });
    acknowledgeInvokeGrants(this.stateMachine.role, [this.evaluateFunction, this.actFunction], 'The keeper invokes its task functions');
    acknowledgeLoggingGrants(this.stateMachine);

    const sweepInvoker = new iam.Role(this, 'SweepInvokerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: 'EventBridge Scheduler: invoke the Rightsdesk keeper sweep',
    });
    const sweep = onlyTriggeredBy(handlers, 'schedule', DEADLINES.context);
    this.sweepFunction = ServiceFunction.forHandler(this, sweep, fnOptions);
    // Every function that starts keepers (this sweep, the intakes) is bound now.
    props.resources.provide({ keeper: this });
    this.sweepSchedule = new scheduler.Schedule(this, 'SweepSchedule', {
      description: sweep.trigger.description,
      schedule: props.sweepSchedule ?? scheduler.ScheduleExpression.cron({ ...sweep.trigger.cron, timeZone: TimeZone.EUROPE_LONDON }),
      target: new schedulerTargets.LambdaInvoke(this.sweepFunction.fn, { role: sweepInvoker, retryAttempts: 2, maxEventAge: Duration.hours(1) }),
    });
    acknowledgeInvokeGrants(sweepInvoker, [this.sweepFunction], 'EventBridge Scheduler invokes the keeper sweep');

    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      displayName: 'Rightsdesk deadline keeper alarms',
      masterKey: props.key,
      enforceSSL: true,
    });
    // CloudWatch publishes alarm notifications to the encrypted topic with the data key.
    props.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToNotifyEncryptedTopics',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    // The topic's policy (enforceSSL) replaces SNS's default one: CloudWatch alarms of this account
    // need an explicit allow to publish (other contexts' alarms use this topic too).
    const stack = Stack.of(this);
    this.alarmTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsOfThisAccount',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: {
            'aws:SourceArn': stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
          },
        },
      }),
    );
    for (const address of props.alarmEmails ?? []) this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(address));

    this.executionsAlarm = abnormalEndsAlarm(this, this.stateMachine, {
      description:
        'A deadline keeper execution failed, timed out or was stopped: that case gets no reminders or escalations. ' +
        'Find the execution, fix the cause, then redrive it (same name, same case).',
      label: 'Keeper executions ended abnormally',
    });
    this.sweepAlarm = new cloudwatch.Alarm(this, 'SweepFailedAlarm', {
      alarmDescription: 'The keeper sweep failed: some open cases may have no deadline keeper. It retries every hour.',
      metric: this.sweepFunction.fn.metricErrors({ period: Duration.hours(1) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    for (const alarm of [this.executionsAlarm, this.sweepAlarm]) alarm.addAlarmAction(new cwActions.SnsAction(this.alarmTopic));
  }

  /**
   * Lets `fn` start keepers: KEEPER_STATE_MACHINE_ARN, states:StartExecution on this state
   * machine only, and the data-key use Step Functions makes on the caller's behalf for an
   * encrypted state machine (bound by encryption context to this state machine).
   */
  public bindStarter(fn: ServiceFunction): ServiceFunction {
    return bindWorkflowStarter(fn, ENV_NAMES.KEEPER_STATE_MACHINE_ARN, this.stateMachine, this.key);
  }

  private definition(): sfn.IChainable {
    const done = new sfn.Succeed(this, KEEPER_STATES.done, { comment: 'The case is closed.' });
    const caseGone = new sfn.Succeed(this, KEEPER_STATES.caseGone, { comment: 'The case no longer exists: nothing to keep.' });
    const failed = new sfn.Fail(this, KEEPER_STATES.failed, {
      comment: 'Retries exhausted: the alarm fires; redrive once fixed.',
      errorPath: '$.error.Error',
      causePath: '$.error.Cause',
    });

    const task = (stateId: string, fn: ServiceFunction, payload: Record<string, unknown>, resultPath: string, comment: string) => {
      const t = new tasks.LambdaInvoke(this, stateId, {
        comment,
        lambdaFunction: fn.fn,
        payload: sfn.TaskInput.fromObject(payload),
        // The function's answer itself, not the Invoke envelope: the local runner's task
        // overrides return the same shape.
        payloadResponseOnly: true,
        retryOnServiceExceptions: false,
        resultPath,
        taskTimeout: sfn.Timeout.duration(Duration.minutes(1)),
      });
      const backoff = { backoffRate: 2, jitterStrategy: sfn.JitterType.FULL };
      return t
        .addRetry({ errors: PERMANENT_ERRORS, maxAttempts: 0 })
        .addRetry({ errors: LAMBDA_SERVICE_ERRORS, interval: Duration.seconds(2), maxAttempts: 6, maxDelay: Duration.minutes(1), ...backoff })
        .addRetry({ errors: TRANSIENT_ERRORS, interval: Duration.seconds(5), maxAttempts: 8, maxDelay: Duration.minutes(5), ...backoff })
        .addRetry({ errors: ['States.Timeout'], interval: Duration.seconds(10), maxAttempts: 3, ...backoff })
        .addRetry({ errors: [sfn.Errors.ALL], interval: Duration.seconds(30), maxAttempts: 2, ...backoff })
        .addCatch(caseGone, { errors: ['CaseNotFoundError'], resultPath: sfn.JsonPath.DISCARD })
        .addCatch(failed, { errors: [sfn.Errors.ALL], resultPath: '$.error' });
    };

    const evaluate = task(
      KEEPER_STATES.evaluate,
      this.evaluateFunction,
      { caseId: sfn.JsonPath.stringAt('$.caseId') },
      PLAN_PATH,
      'Read the case: its next checkpoint and when it falls, or done.',
    );
    const act = task(
      KEEPER_STATES.act,
      this.actFunction,
      { caseId: sfn.JsonPath.stringAt('$.caseId'), checkpoint: sfn.JsonPath.objectAt(PLAN_PATH) },
      sfn.JsonPath.DISCARD,
      'Send the checkpoint’s notice if it still applies; record it once.',
    );
    const wait = new sfn.Wait(this, KEEPER_STATES.wait, {
      comment: 'Until the checkpoint’s instant (09:00 London on its day).',
      time: sfn.WaitTime.timestampPath(`${PLAN_PATH}.at`),
    });
    act.next(evaluate);
    return evaluate.next(
      new sfn.Choice(this, KEEPER_STATES.isDone).when(sfn.Condition.stringEquals(`${PLAN_PATH}.kind`, 'done'), done).otherwise(wait.next(act)),
    );
  }
}
