/**
 * The plan execution (issue 15): a Step Functions standard workflow started once per attempt at
 * an approved change plan (execution `<caseId>-<planId>-<attempt>`, input `{ caseId, planId }`):
 *
 *   Begin ─► IsCurrentPlan? ─no─► StalePlan
 *              │yes
 *              ▼
 *   EachSource (Map, ≤ 2 at a time) ─► FinishExecution ─► Done
 *     └ ByKind: sql       ─► ApplySource ──────────────► SourceApplied
 *               otherwise ─► UnsupportedSource ─┐
 *     ApplySource: Retry (transient) ─► Catch ──┴─► SourceFailed (the error's name only)
 *   Begin or the Map failing ─► NoResults ─► FinishExecution
 *
 * Begin moves the approved plan to executing and answers its sources; ApplySource writes one
 * source's lines in one transaction (SourceWriter) and records its erasures in the erasure
 * ledger; a failure becomes `{ source, error }` in the Map's results. FinishExecution records
 * each failure by name, then fails the plan (nothing reported done) or marks it executed (owing
 * the Art. 19 notices) and starts the verification search. Payloads hold ids, source names and
 * error names, nothing personal; the logs hold transitions, never execution data.
 *
 * Three functions, from the fulfilment manifest (trigger stateMachine 'execution'): the stack is
 * near CloudFormation's 500 resources, so failures are recorded by FinishExecution, not a function
 * of their own. The local stack runs this very definition (infra/local/execution.ts).
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { EXECUTION_TASK_STATES, FULFILMENT } from '#lambdas/fulfilment/manifest';
import { triggeredBy, type HandlerSpec } from '#lambdas/manifest';
import { LAMBDA_SERVICE_ERRORS, TRANSIENT_ERRORS } from './deadline-keeper';
import { ENV_NAMES } from './env-names';
import { networkFromContext } from './fulfilment';
import type { HandlerResources, SearchStarter } from './handler-resources';
import { ServiceFunction, type FunctionNetwork } from './service-function';
import {
  abnormalEndsAlarm,
  acknowledgeInvokeGrants,
  acknowledgeLoggingGrants,
  bindWorkflowStarter,
  workflowLogGroup,
  workflowStateMachine,
} from './workflow';

/** State names of the definition (the local runner and the tests refer to them). */
export const EXECUTION_STATES = {
  ...EXECUTION_TASK_STATES,
  isCurrent: 'IsCurrentPlan',
  stalePlan: 'StalePlan',
  eachSource: 'EachSource',
  byKind: 'ByKind',
  unsupported: 'UnsupportedSource',
  sourceApplied: 'SourceApplied',
  sourceFailed: 'SourceFailed',
  noResults: 'NoResults',
  done: 'Done',
  failed: 'ExecutionFailed',
} as const;

/** Sources written at once: the account database's connections are few, and each source is one transaction. */
export const EXECUTION_CONCURRENCY = 2;

/** Errors no retry can fix: a malformed input, a case gone. */
export const EXECUTION_PERMANENT_ERRORS = ['ExecutionInputError', 'CaseNotFoundError'];

/** A source that could not be reached: retried, like the transient errors (SqlSource's and SqlWriter's name for it). */
export const SOURCE_TRANSIENT_ERRORS = ['SourceUnavailableError'];

export interface PlanExecutionProps {
  /** Encrypts the state machine, its logs and the functions' logs (Storage.key). */
  readonly key: kms.IKey;
  /** What the functions are bound to; PlanExecutionWorkflow provides itself (the right to start executions). */
  readonly resources: HandlerResources;
  /** @default FULFILMENT.handlers (lambdas/fulfilment/manifest.ts), those whose trigger is the 'execution' state machine */
  readonly handlers?: readonly HandlerSpec[];
  /** Icetrak's network for ApplySource. @default - from the context (infra/fulfilment.ts NETWORK_CONTEXT), or none */
  readonly network?: FunctionNetwork;
  /** @default logs.RetentionDays.ONE_YEAR */
  readonly logRetention?: logs.RetentionDays;
  /** Failed, timed-out or aborted executions notify it. @default - no alarm action */
  readonly alarmTopic?: sns.ITopic;
}

export class PlanExecutionWorkflow extends Construct implements SearchStarter {
  public readonly stateMachine: sfn.StateMachine;
  public readonly logGroup: logs.LogGroup;
  /** The function behind each Task state, by state name. */
  public readonly taskFunctions: Readonly<Record<string, ServiceFunction>>;
  /** Failed, timed-out or aborted executions: a plan's outcome could not be recorded. */
  public readonly executionsAlarm: cloudwatch.Alarm;
  private readonly key: kms.IKey;

  constructor(scope: Construct, id: string, props: PlanExecutionProps) {
    super(scope, id);
    this.key = props.key;
    const retention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;
    const network = props.network ?? networkFromContext(this);
    const taskFunctions: Record<string, ServiceFunction> = {};
    for (const spec of triggeredBy(props.handlers ?? FULFILMENT.handlers, 'task')) {
      if (spec.trigger.stateMachine !== 'execution') continue;
      const inVpc = spec.network === 'icetrak' ? network : undefined;
      taskFunctions[spec.trigger.state] = ServiceFunction.forHandler(this, spec, {
        key: props.key,
        serviceName: FULFILMENT.context,
        resources: props.resources,
        logRetention: retention,
        ...(inVpc ? { network: inVpc } : {}),
      });
    }
    this.taskFunctions = taskFunctions;

    this.logGroup = workflowLogGroup(this, props.key, retention);
    this.stateMachine = workflowStateMachine(this, {
      comment: 'Rightsdesk plan execution: one execution per attempt at an approved plan, named <caseId>-<planId>-<attempt>',
      definition: this.definition(),
      // An attempt that outlives an hour is stuck: it fails (and alarms); the plan shows it, and staff execute it again.
      timeout: Duration.hours(1),
      key: props.key,
      logGroup: this.logGroup,
    });
    acknowledgeLoggingGrants(this.stateMachine);
    acknowledgeInvokeGrants(this.stateMachine.role, Object.values(this.taskFunctions), 'The plan execution invokes its task functions');
    props.resources.provide({ execution: this });

    this.executionsAlarm = abnormalEndsAlarm(this, this.stateMachine, {
      description:
        'A plan execution failed, timed out or was stopped: its outcome may not be on the case. The plan shows its sources; ' +
        'fix the cause and execute the plan again from the desk (writes are idempotent).',
      label: 'Plan executions ended abnormally',
    });
    if (props.alarmTopic) this.executionsAlarm.addAlarmAction(new cwActions.SnsAction(props.alarmTopic));
  }

  /** Lets `fn` start plan executions: EXECUTION_STATE_MACHINE_ARN, states:StartExecution on this one, and the data key's use for it. */
  public bindStarter(fn: ServiceFunction): ServiceFunction {
    return bindWorkflowStarter(fn, ENV_NAMES.EXECUTION_STATE_MACHINE_ARN, this.stateMachine, this.key);
  }

  private taskFunction(state: string): ServiceFunction {
    const f = this.taskFunctions[state];
    if (!f) throw new Error(`PlanExecutionWorkflow: no handler for the Task state ${state} (lambdas/fulfilment/manifest.ts).`);
    return f;
  }

  private definition(): sfn.IChainable {
    const input = { caseId: sfn.JsonPath.stringAt('$.caseId'), planId: sfn.JsonPath.stringAt('$.planId') };
    const backoff = { backoffRate: 2, jitterStrategy: sfn.JitterType.FULL };
    const lambdaTask = (state: string, payload: Record<string, unknown>, comment: string, resultPath?: string) => {
      const fn = this.taskFunction(state);
      const timeoutSeconds = (fn.spec?.timeoutSeconds ?? 10) + 5;
      return new tasks.LambdaInvoke(this, state, {
        comment,
        lambdaFunction: fn.fn,
        payload: sfn.TaskInput.fromObject(payload),
        payloadResponseOnly: true,
        retryOnServiceExceptions: false,
        ...(resultPath !== undefined ? { resultPath } : {}),
        taskTimeout: sfn.Timeout.duration(Duration.seconds(timeoutSeconds)),
      })
        .addRetry({ errors: EXECUTION_PERMANENT_ERRORS, maxAttempts: 0 })
        .addRetry({ errors: LAMBDA_SERVICE_ERRORS, interval: Duration.seconds(2), maxAttempts: 6, maxDelay: Duration.minutes(1), ...backoff })
        .addRetry({
          errors: [...TRANSIENT_ERRORS, ...SOURCE_TRANSIENT_ERRORS],
          interval: Duration.seconds(2),
          maxAttempts: 5,
          maxDelay: Duration.minutes(1),
          ...backoff,
        })
        .addRetry({ errors: ['States.Timeout'], interval: Duration.seconds(5), maxAttempts: 2, ...backoff });
    };

    // The iterator: one source. Its output is the item itself, or { source, error } when it failed.
    const applied = new sfn.Succeed(this, EXECUTION_STATES.sourceApplied, { comment: 'This source’s lines are written and recorded on the case.' });
    const sourceFailed = new sfn.Pass(this, EXECUTION_STATES.sourceFailed, {
      comment: 'The source failed: its name and the error’s name only (the message may quote a record); FinishExecution records it.',
      parameters: { source: sfn.JsonPath.stringAt('$.source'), error: sfn.JsonPath.stringAt('$.error.Error') },
    });
    const apply = lambdaTask(
      EXECUTION_STATES.applySource,
      { caseId: sfn.JsonPath.stringAt('$.caseId'), planId: sfn.JsonPath.stringAt('$.planId'), source: sfn.JsonPath.stringAt('$.source') },
      'Write the source’s lines in one transaction; erasures into the ledger; the source done on the case.',
      sfn.JsonPath.DISCARD,
    )
      .addCatch(sourceFailed, { errors: [sfn.Errors.ALL], resultPath: '$.error' })
      .next(applied);
    const unsupported = new sfn.Pass(this, EXECUTION_STATES.unsupported, {
      comment: 'A connector kind this workflow cannot write to.',
      parameters: { source: sfn.JsonPath.stringAt('$.source'), error: 'UnsupportedSource' },
    });
    const byKind = new sfn.Choice(this, EXECUTION_STATES.byKind, { comment: 'The register system’s connector kind.' })
      .when(sfn.Condition.stringEquals('$.kind', 'sql'), apply)
      .otherwise(unsupported);

    const eachSource = new sfn.Map(this, EXECUTION_STATES.eachSource, {
      comment: 'Every source with changes, two at a time; a failed source does not stop the others (its own transaction rolled back).',
      itemsPath: '$.sources',
      itemSelector: {
        caseId: sfn.JsonPath.stringAt('$.caseId'),
        planId: sfn.JsonPath.stringAt('$.planId'),
        source: sfn.JsonPath.stringAt('$$.Map.Item.Value.source'),
        kind: sfn.JsonPath.stringAt('$$.Map.Item.Value.kind'),
      },
      maxConcurrency: EXECUTION_CONCURRENCY,
      resultPath: '$.results',
    });
    eachSource.itemProcessor(byKind);

    const failed = new sfn.Fail(this, EXECUTION_STATES.failed, {
      comment: 'FinishExecution could not record the outcome: the alarm fires; execute the plan again.',
      errorPath: '$.error.Error',
      causePath: '$.error.Cause',
    });
    const finish = lambdaTask(
      EXECUTION_STATES.finish,
      { ...input, results: sfn.JsonPath.listAt('$.results') },
      'Record failures by name; the plan failed or executed (its notices owed); start the verification search.',
      sfn.JsonPath.DISCARD,
    )
      .addCatch(failed, { errors: [sfn.Errors.ALL], resultPath: '$.error' })
      .next(new sfn.Succeed(this, EXECUTION_STATES.done, { comment: 'The attempt’s outcome is on the case.' }));
    // Begin or the Map failing as a whole: Finish still runs, with no results (a source left running is failed as not recorded).
    const noResults = new sfn.Pass(this, EXECUTION_STATES.noResults, {
      comment: 'Nothing came back from the sources: FinishExecution fails those left running.',
      parameters: { caseId: sfn.JsonPath.stringAt('$.caseId'), planId: sfn.JsonPath.stringAt('$.planId'), results: [] },
    }).next(finish);
    eachSource.addCatch(noResults, { errors: [sfn.Errors.ALL], resultPath: sfn.JsonPath.DISCARD });

    const begin = lambdaTask(EXECUTION_STATES.begin, input, 'Is this the case’s approved plan? Executing now; the sources to apply, by kind.').addCatch(
      noResults,
      { errors: [sfn.Errors.ALL], resultPath: sfn.JsonPath.DISCARD },
    );
    return begin.next(
      new sfn.Choice(this, EXECUTION_STATES.isCurrent)
        .when(sfn.Condition.booleanEquals('$.current', true), eachSource.next(finish))
        .otherwise(new sfn.Succeed(this, EXECUTION_STATES.stalePlan, { comment: 'The plan was replaced, or is not approved: nothing to do.' })),
    );
  }
}
