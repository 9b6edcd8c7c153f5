/**
 * Fulfilment (issue 14): the search of Icetrak's systems for a case, a Step Functions standard
 * workflow started once per search run (execution `<caseId>-<runId>`, input `{ caseId, runId }`):
 *
 *   Plan ─► IsCurrentRun? ─no─► StaleRun
 *             │yes
 *             ▼
 *   EachSource (Map, ≤ 4 at a time) ─► Finish ─► Done
 *     └ ByKind: sql        ─► SearchAccounts ─────────────┐
 *               rightsdesk ─► SearchRightsdesk ───────────┤
 *               traffic    ─► TrafficQuery (Athena .sync) ─► CollectTraffic ─┤─► SourceDone
 *               otherwise  ─► UnsupportedSource ─► RecordSourceFailure ──────┘
 *     every task: Retry (transient) ─► Catch ─► RecordSourceFailure (the error's name only)
 *
 * Plan checks the run is still the case's (a re-run replaces it: an older execution ends
 * quietly) and writes the traffic identifiers file; each source's task writes its records file
 * and records its count on the case; a failure is recorded on its source and the Map carries on
 * with the others; Finish stamps the run. Payloads hold ids, source names and Athena's query
 * execution id, nothing personal; the logs hold transitions, never execution data.
 *
 * The functions come from the fulfilment manifest (lambdas/fulfilment/manifest.ts); the local
 * stack runs this very definition in aws-local-stepfunctions (infra/local/keeper-*.ts).
 *
 * Network: the SQL-reading functions (manifest `network: 'icetrak'`) run in Icetrak's VPC when the
 * context gives it (`icetrak:vpcId`, `icetrak:subnetIds`, `icetrak:securityGroupId`), imported by
 * id so `cdk synth` stays offline. Without that context they are created outside any VPC and
 * synthesis warns: production needs the context (README), but a developer's synth and the tests
 * need no Icetrak network, and a made-up placeholder VPC id would only fail later, at deploy.
 */
import { Annotations, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { FULFILMENT, SEARCH_TASK_STATES } from '#lambdas/fulfilment/manifest';
import { triggeredBy, type HandlerSpec } from '#lambdas/manifest';
import { TRAFFIC_QUERY_TEMPLATE } from '#shared/fulfilment/traffic-query';
import { LAMBDA_SERVICE_ERRORS, TRANSIENT_ERRORS } from './deadline-keeper';
import { ENV_NAMES } from './env-names';
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
export const SEARCH_STATES = {
  ...SEARCH_TASK_STATES,
  isCurrent: 'IsCurrentRun',
  staleRun: 'StaleRun',
  eachSource: 'EachSource',
  byKind: 'ByKind',
  trafficQuery: 'TrafficQuery',
  trafficNotConfigured: 'TrafficNotConfigured',
  unsupported: 'UnsupportedSource',
  sourceDone: 'SourceDone',
  failureNotRecorded: 'FailureNotRecorded',
  done: 'Done',
  failed: 'SearchFailed',
} as const;

/** Sources searched at once: the account database serves a handful of connections, Athena a few queries per account. */
export const SEARCH_CONCURRENCY = 4;

/** Errors no retry can fix: a malformed input, a case gone. */
export const SEARCH_PERMANENT_ERRORS = ['SearchInputError', 'CaseNotFoundError'];

/** Athena's own "try again" answers (a .sync task raises them as Athena.<name>). */
export const ATHENA_TRANSIENT_ERRORS = ['Athena.TooManyRequestsException', 'Athena.InternalServerException', 'Athena.AmazonAthenaException'];

/** CDK context naming Icetrak's network (issue 14: the account database is reached from inside it). */
export const NETWORK_CONTEXT = { vpcId: 'icetrak:vpcId', subnetIds: 'icetrak:subnetIds', securityGroupId: 'icetrak:securityGroupId' } as const;

/** What the traffic search needs from the TrafficSearch construct (infra/traffic-search.ts). */
export interface TrafficSearchRefs {
  readonly workGroupName: string;
  readonly databaseName: string;
  /** Where the workgroup writes `<QueryExecutionId>.csv` (CollectTraffic reads it). */
  readonly resultsBucket: s3.IBucket;
  /** The key prefix of the workgroup's output location in that bucket, e.g. `athena/`. */
  readonly resultsPrefix: string;
  /** Lets the state machine run the query (Athena, Glue, the data and results buckets and their keys). */
  grantSearch(grantable: iam.IGrantable): void;
}

export interface FulfilmentProps {
  /** Encrypts the state machine, its logs and the functions' logs (Storage.key). */
  readonly key: kms.IKey;
  /** What the functions are bound to; Fulfilment provides itself (the right to start searches). */
  readonly resources: HandlerResources;
  /** @default FULFILMENT.handlers (lambdas/fulfilment/manifest.ts) */
  readonly handlers?: readonly HandlerSpec[];
  /**
   * The Athena traffic search. Absent, a traffic source is recorded as failed
   * (TrafficSearchNotConfigured) and the other sources are searched.
   * @default - none
   */
  readonly traffic?: TrafficSearchRefs;
  /**
   * Icetrak's network for the functions whose manifest entry says `network: 'icetrak'`.
   * @default - from the context NETWORK_CONTEXT, or none (with a synthesis warning)
   */
  readonly network?: FunctionNetwork;
  /** @default logs.RetentionDays.ONE_YEAR */
  readonly logRetention?: logs.RetentionDays;
  /** Failed, timed-out or aborted executions notify it. @default - no alarm action */
  readonly alarmTopic?: sns.ITopic;
}

export class Fulfilment extends Construct implements SearchStarter {
  public readonly stateMachine: sfn.StateMachine;
  public readonly logGroup: logs.LogGroup;
  /** The function behind each Task state, by state name (its manifest entry is `.spec`). */
  public readonly taskFunctions: Readonly<Record<string, ServiceFunction>>;
  /** Failed, timed-out or aborted executions: a case's search never finished. */
  public readonly executionsAlarm: cloudwatch.Alarm;
  public readonly network?: FunctionNetwork;
  private readonly key: kms.IKey;
  private readonly traffic?: TrafficSearchRefs;

  constructor(scope: Construct, id: string, props: FulfilmentProps) {
    super(scope, id);
    this.key = props.key;
    this.traffic = props.traffic;
    const retention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;
    this.network = props.network ?? networkFromContext(this);

    const handlers = props.handlers ?? FULFILMENT.handlers;
    const taskFunctions: Record<string, ServiceFunction> = {};
    for (const spec of triggeredBy(handlers, 'task')) {
      if (spec.trigger.stateMachine !== 'search') continue;
      const inVpc = spec.network === 'icetrak' ? this.network : undefined;
      taskFunctions[spec.trigger.state] = ServiceFunction.forHandler(this, spec, {
        key: props.key,
        serviceName: FULFILMENT.context,
        resources: props.resources,
        logRetention: retention,
        ...(inVpc ? { network: inVpc } : {}),
      });
      if (spec.network === 'icetrak' && !inVpc) {
        Annotations.of(taskFunctions[spec.trigger.state]!).addWarningV2(
          'rightsdesk:icetrak-network',
          `${spec.id} reads Icetrak's account database but no VPC is configured: set the context ${Object.values(NETWORK_CONTEXT).join(', ')} for production.`,
        );
      }
    }
    this.taskFunctions = taskFunctions;

    this.logGroup = workflowLogGroup(this, props.key, retention);
    this.stateMachine = workflowStateMachine(this, {
      comment: 'Rightsdesk search of Icetrak systems: one execution per search run of a case, named <caseId>-<runId>',
      definition: this.definition(),
      // A run that outlives an hour is stuck: it fails (and alarms), and staff run the search again.
      timeout: Duration.hours(1),
      key: props.key,
      logGroup: this.logGroup,
    });
    // Everything the traffic query needs, scoped to the workgroup, its two tables and their buckets
    // (TrafficSearch.grantSearch); the Athena task itself adds nothing (AthenaQuery below).
    props.traffic?.grantSearch(this.stateMachine);
    acknowledgeLoggingGrants(this.stateMachine);
    acknowledgeInvokeGrants(this.stateMachine.role, Object.values(this.taskFunctions), 'The search workflow invokes its task functions');
    props.resources.provide({
      search: this,
      ...(props.traffic && { athenaResults: { bucket: props.traffic.resultsBucket, prefix: props.traffic.resultsPrefix } }),
    });

    this.executionsAlarm = abnormalEndsAlarm(this, this.stateMachine, {
      description:
        'A search execution failed, timed out or was stopped: a case’s search never finished. Its sources show as failed ' +
        'or running on the case; fix the cause and run the search again from the desk.',
      label: 'Search executions ended abnormally',
    });
    if (props.alarmTopic) this.executionsAlarm.addAlarmAction(new cwActions.SnsAction(props.alarmTopic));
  }

  /** Lets `fn` start searches: SEARCH_STATE_MACHINE_ARN, states:StartExecution on this state machine only, and the data key's use for it. */
  public bindStarter(fn: ServiceFunction): ServiceFunction {
    return bindWorkflowStarter(fn, ENV_NAMES.SEARCH_STATE_MACHINE_ARN, this.stateMachine, this.key);
  }

  private taskFunction(state: string): ServiceFunction {
    const f = this.taskFunctions[state];
    if (!f) throw new Error(`Fulfilment: no handler for the Task state ${state} (lambdas/fulfilment/manifest.ts).`);
    return f;
  }

  private definition(): sfn.IChainable {
    const input = { caseId: sfn.JsonPath.stringAt('$.caseId'), runId: sfn.JsonPath.stringAt('$.runId') };
    const sourceInput = { ...input, source: sfn.JsonPath.stringAt('$.source') };
    const backoff = { backoffRate: 2, jitterStrategy: sfn.JitterType.FULL };

    const lambdaTask = (state: string, payload: Record<string, unknown>, comment: string, resultPath?: string) => {
      const fn = this.taskFunction(state);
      const timeoutSeconds = (fn.spec?.timeoutSeconds ?? 10) + 5;
      return new tasks.LambdaInvoke(this, state, {
        comment,
        lambdaFunction: fn.fn,
        payload: sfn.TaskInput.fromObject(payload),
        // The function's answer itself, not the Invoke envelope: the local runner's handlers return the same shape.
        payloadResponseOnly: true,
        retryOnServiceExceptions: false,
        ...(resultPath !== undefined ? { resultPath } : {}),
        // A little over the function's own timeout: a hung invocation is a States.Timeout, retried.
        taskTimeout: sfn.Timeout.duration(Duration.seconds(timeoutSeconds)),
      })
        .addRetry({ errors: SEARCH_PERMANENT_ERRORS, maxAttempts: 0 })
        .addRetry({ errors: LAMBDA_SERVICE_ERRORS, interval: Duration.seconds(2), maxAttempts: 6, maxDelay: Duration.minutes(1), ...backoff })
        .addRetry({ errors: TRANSIENT_ERRORS, interval: Duration.seconds(2), maxAttempts: 5, maxDelay: Duration.minutes(1), ...backoff })
        .addRetry({ errors: ['States.Timeout'], interval: Duration.seconds(5), maxAttempts: 2, ...backoff });
    };

    // The iterator: one source.
    const sourceDone = new sfn.Succeed(this, SEARCH_STATES.sourceDone, { comment: 'This source’s result (or failure) is on the case.' });
    const failureNotRecorded = new sfn.Succeed(this, SEARCH_STATES.failureNotRecorded, {
      comment: 'Even the failure could not be recorded: Finish marks the source failed (NotRecorded).',
    });
    const recordFailure = lambdaTask(
      SEARCH_STATES.recordFailure,
      { ...sourceInput, error: sfn.JsonPath.stringAt('$.error.Error') },
      'Record the source as failed, by the error’s name (its message may quote what was searched).',
      sfn.JsonPath.DISCARD,
    )
      .addCatch(failureNotRecorded, { errors: [sfn.Errors.ALL], resultPath: sfn.JsonPath.DISCARD })
      .next(sourceDone);
    const catching = <T extends sfn.TaskStateBase>(t: T): T => t.addCatch(recordFailure, { errors: [sfn.Errors.ALL], resultPath: '$.error' }) as T;

    const searchAccounts = catching(
      lambdaTask(SEARCH_STATES.searchAccounts, sourceInput, 'Search the account system (SQL, read-only).', sfn.JsonPath.DISCARD),
    ).next(sourceDone);
    const searchRightsdesk = catching(
      lambdaTask(SEARCH_STATES.searchRightsdesk, sourceInput, 'Search Rightsdesk’s own cases.', sfn.JsonPath.DISCARD),
    ).next(sourceDone);
    const failWith = (state: string, error: string, comment: string) =>
      new sfn.Pass(this, state, { comment, result: sfn.Result.fromObject({ Error: error }), resultPath: '$.error' }).next(recordFailure);

    let traffic: sfn.IChainable;
    if (this.traffic) {
      const query = new AthenaQuery(this, SEARCH_STATES.trafficQuery, {
        comment: 'The traffic query over the day-partitioned Parquet files, by the run’s identifiers file: ids only in the SQL text.',
        integrationPattern: sfn.IntegrationPattern.RUN_JOB,
        queryString: sfn.JsonPath.format(TRAFFIC_QUERY_TEMPLATE, sfn.JsonPath.stringAt('$.caseId'), sfn.JsonPath.stringAt('$.runId')),
        workGroup: this.traffic.workGroupName,
        queryExecutionContext: { databaseName: this.traffic.databaseName },
        resultSelector: { queryExecutionId: sfn.JsonPath.stringAt('$.QueryExecution.QueryExecutionId') },
        resultPath: '$.query',
        taskTimeout: sfn.Timeout.duration(Duration.minutes(15)),
      })
        .addRetry({ errors: ATHENA_TRANSIENT_ERRORS, interval: Duration.seconds(5), maxAttempts: 4, maxDelay: Duration.minutes(2), ...backoff })
        .addRetry({ errors: ['States.Timeout'], interval: Duration.seconds(30), maxAttempts: 1, ...backoff });
      const collect = catching(
        lambdaTask(
          SEARCH_STATES.collectTraffic,
          { ...sourceInput, queryExecutionId: sfn.JsonPath.stringAt('$.query.queryExecutionId') },
          'Read the query’s results CSV: the records file, and the customers whose traffic matched.',
          sfn.JsonPath.DISCARD,
        ),
      ).next(sourceDone);
      traffic = catching(query).next(collect);
    } else {
      traffic = failWith(SEARCH_STATES.trafficNotConfigured, 'TrafficSearchNotConfigured', 'No Athena traffic search in this deployment.');
    }

    const byKind = new sfn.Choice(this, SEARCH_STATES.byKind, { comment: 'The register system’s connector kind.' })
      .when(sfn.Condition.stringEquals('$.kind', 'sql'), searchAccounts)
      .when(sfn.Condition.stringEquals('$.kind', 'rightsdesk'), searchRightsdesk)
      .when(sfn.Condition.stringEquals('$.kind', 'traffic'), traffic)
      .otherwise(failWith(SEARCH_STATES.unsupported, 'UnsupportedSource', 'A connector kind this workflow has no branch for.'));

    const eachSource = new sfn.Map(this, SEARCH_STATES.eachSource, {
      comment: 'Every searchable source of the run, a few at a time; a failed source does not stop the others.',
      itemsPath: '$.sources',
      itemSelector: {
        caseId: sfn.JsonPath.stringAt('$.caseId'),
        runId: sfn.JsonPath.stringAt('$.runId'),
        source: sfn.JsonPath.stringAt('$$.Map.Item.Value.source'),
        kind: sfn.JsonPath.stringAt('$$.Map.Item.Value.kind'),
      },
      maxConcurrency: SEARCH_CONCURRENCY,
      resultPath: sfn.JsonPath.DISCARD,
    });
    eachSource.itemProcessor(byKind);

    const failed = new sfn.Fail(this, SEARCH_STATES.failed, {
      comment: 'Finish could not be recorded: the alarm fires; run the search again.',
      errorPath: '$.error.Error',
      causePath: '$.error.Cause',
    });
    const finish = lambdaTask(SEARCH_STATES.finish, input, 'Stamp the run finished; a source left running is failed.', sfn.JsonPath.DISCARD)
      .addCatch(failed, { errors: [sfn.Errors.ALL], resultPath: '$.error' })
      .next(new sfn.Succeed(this, SEARCH_STATES.done, { comment: 'The run is finished.' }));
    // Whatever happens in the Map, Finish runs: it fails any source left running.
    eachSource.addCatch(finish, { errors: [sfn.Errors.ALL], resultPath: sfn.JsonPath.DISCARD });

    // A plan that cannot be made still ends in Finish, which fails the run's sources on the case (NotRecorded).
    const plan = lambdaTask(SEARCH_STATES.plan, input, 'Is this the case’s current run? The sources to search, by kind.').addCatch(finish, {
      errors: [sfn.Errors.ALL],
      resultPath: sfn.JsonPath.DISCARD,
    });
    return plan.next(
      new sfn.Choice(this, SEARCH_STATES.isCurrent)
        .when(sfn.Condition.booleanEquals('$.current', true), eachSource.next(finish))
        .otherwise(new sfn.Succeed(this, SEARCH_STATES.staleRun, { comment: 'A newer run replaced this one (or the case is gone): nothing to do.' })),
    );
  }
}

/**
 * CDK's Athena task without the policy CDK writes for it: that one grants s3:* reads and writes
 * on every bucket ("*"), Glue catalogue changes (CreateTable, DeleteDatabase, …) on the whole
 * database and Lake Formation data access on "*", for any query any workgroup might run. The
 * state machine's role gets exactly what this one query needs instead (TrafficSearch.grantSearch:
 * Start/Get/StopQueryExecution on the workgroup, which the .sync pattern polls and stops; Glue
 * reads of the two tables; the traffic, identifiers and results objects; the data key). Athena's
 * .sync integration polls the query: it needs no EventBridge rule, unlike Batch or ECS.
 */
class AthenaQuery extends tasks.AthenaStartQueryExecution {
  protected override readonly taskPolicies: iam.PolicyStatement[];

  constructor(scope: Construct, id: string, props: tasks.AthenaStartQueryExecutionProps) {
    super(scope, id, props);
    this.taskPolicies = [];
  }
}

/** Icetrak's network from the CDK context, or undefined when the context does not give all three values. */
export function networkFromContext(scope: Construct): FunctionNetwork | undefined {
  const ctx = (key: string): unknown => scope.node.tryGetContext(key);
  const vpcId = ctx(NETWORK_CONTEXT.vpcId);
  const rawSubnets = ctx(NETWORK_CONTEXT.subnetIds);
  const securityGroupId = ctx(NETWORK_CONTEXT.securityGroupId);
  const subnetIds = Array.isArray(rawSubnets)
    ? rawSubnets.map(String)
    : typeof rawSubnets === 'string'
      ? rawSubnets
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : [];
  const given = [vpcId, securityGroupId].filter((v) => v !== undefined).length + (subnetIds.length ? 1 : 0);
  if (given === 0) return undefined;
  if (given < 3 || typeof vpcId !== 'string' || typeof securityGroupId !== 'string') {
    throw new Error(`Icetrak's network needs all of ${Object.values(NETWORK_CONTEXT).join(', ')} (subnet ids comma-separated), or none.`);
  }
  const network = new Construct(scope, 'IcetrakNetwork');
  return {
    // Imported by attributes, not looked up: synthesis needs no AWS account or network access.
    vpc: ec2.Vpc.fromVpcAttributes(network, 'Vpc', { vpcId, availabilityZones: Stack.of(scope).availabilityZones }),
    subnets: subnetIds.map((id, i) => ec2.Subnet.fromSubnetId(network, `Subnet${i + 1}`, id)),
    securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(network, 'SecurityGroup', securityGroupId, { mutable: false })],
  };
}
