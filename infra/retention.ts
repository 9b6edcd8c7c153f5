/**
 * Retention: deletion follows the item (issue 13; lambdas/retention/manifest.ts).
 *
 *   cases table ── TTL deletes an expired case ── stream (OLD_IMAGE)
 *        └─ event source mapping, filtered to REMOVE by dynamodb.amazonaws.com (TTL), batches of the manifest's size
 *              └─ PurgeExpired: list + delete every version of the case's objects, write its tombstone
 *                    ├─ a failed record: reported alone (ReportBatchItemFailures); the batch is split (bisect) and retried
 *                    └─ retries spent: the record's metadata goes to an SQS dead-letter queue (KMS) ─► alarm
 *
 * A record's metadata in the queue (shard, sequence numbers) lets on-call find it in the stream,
 * within the stream's 24 hours; the function's log names the case id. The case item itself is
 * already gone by then: its objects are found by the case id prefix (docs/operations.md, Retention).
 */
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { onlyTriggeredBy } from '#lambdas/manifest';
import { RETENTION } from '#lambdas/retention/manifest';
import { TTL_IDENTITY } from '#shared/retention/ttl-identity';
import type { HandlerResources } from './handler-resources';
import { ServiceFunction } from './service-function';

export interface RetentionProps {
  readonly key: kms.IKey;
  readonly resources: HandlerResources;
  /** The cases table, with its stream enabled (Storage). */
  readonly casesTable: dynamodb.ITable;
  readonly alarmTopic: sns.ITopic;
  /**
   * Retries of a failing batch before its records go to the dead-letter queue. Each retry splits
   * the batch (bisect), so one bad record ends up alone.
   * @default 5
   */
  readonly retryAttempts?: number;
  /** @default logs.RetentionDays.ONE_YEAR */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * The event source mapping's on-failure destination on an encrypted queue, granting only
 * sqs:SendMessage on it and the data-key use SQS makes on the sender's behalf (SqsDlq's generic
 * grant would add kms:ReEncrypt* and kms:GenerateDataKey*).
 */
class DeadLetterQueue implements lambda.IEventSourceDlq {
  constructor(
    private readonly queue: sqs.IQueue,
    private readonly key: kms.IKey,
  ) {}

  bind(_target: lambda.IEventSourceMapping, fn: lambda.IFunction): lambda.DlqDestinationConfig {
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.queue.queueArn] }));
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [this.key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `sqs.${Stack.of(this.queue).region}.amazonaws.com` } },
      }),
    );
    return { destination: this.queue.queueArn };
  }
}

/** An event filter's equality rule (FilterRule.isEqual is typed `any`). */
const isEqual = (value: string): unknown => lambda.FilterRule.isEqual(value) as unknown;

export class Retention extends Construct {
  public readonly purgeFunction: ServiceFunction;
  public readonly deadLetterQueue: sqs.Queue;
  public readonly eventSource: DynamoEventSource;
  /** Records that spent their retries (their cases' objects were not deleted). */
  public readonly deadLetterAlarm: cloudwatch.Alarm;
  /** The purge failing (a batch, or a record reported failed, each try). */
  public readonly errorsAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: RetentionProps) {
    super(scope, id);
    const spec = onlyTriggeredBy(RETENTION.handlers, 'stream', RETENTION.context);
    this.purgeFunction = ServiceFunction.forHandler(this, spec, {
      key: props.key,
      serviceName: RETENTION.context,
      resources: props.resources,
      logRetention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
    });

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of the retention purge; a dead-letter queue of a dead-letter queue would never be read.',
    });

    this.eventSource = new DynamoEventSource(props.casesTable, {
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      batchSize: spec.trigger.batchSize,
      maxBatchingWindow: Duration.seconds(30),
      bisectBatchOnError: true,
      retryAttempts: props.retryAttempts ?? 5,
      reportBatchItemFailures: true,
      onFailure: new DeadLetterQueue(this.deadLetterQueue, props.key),
      filters: [
        lambda.FilterCriteria.filter({
          eventName: isEqual('REMOVE'),
          userIdentity: { type: isEqual(TTL_IDENTITY.type), principalId: isEqual(TTL_IDENTITY.principalId) },
        }),
      ],
    });
    this.purgeFunction.fn.addEventSource(this.eventSource);
    Validations.of(this.purgeFunction.role.node.findChild('DefaultPolicy')).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'dynamodb:ListStreams has no resource-level permission (it is granted on "*" by the table\'s stream read grant); ' +
        "the stream read actions themselves name only the cases table's stream.",
    });

    this.deadLetterAlarm = new cloudwatch.Alarm(this, 'DeadLettersAlarm', {
      alarmDescription:
        'Retention purge records spent their retries: expired cases whose stored objects were NOT deleted. The queue holds each ' +
        "record's stream position; the purge's log names the case id. See docs/operations.md, Retention.",
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.errorsAlarm = new cloudwatch.Alarm(this, 'ErrorsAlarm', {
      alarmDescription: 'The retention purge failed for an hour: expired cases are waiting for their objects to be deleted.',
      metric: this.purgeFunction.fn.metricErrors({ period: Duration.hours(1) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    for (const alarm of [this.deadLetterAlarm, this.errorsAlarm]) alarm.addAlarmAction(new cwActions.SnsAction(props.alarmTopic));
  }
}
