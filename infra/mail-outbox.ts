/**
 * MailOutbox: the mail context (lambdas/mail/manifest.ts). Its one function, the outbox sweep,
 * runs every minute on EventBridge Scheduler and sends whatever mail cases still owe
 * (shared/core/outbox.ts): after an SES outage, a crash between a write and its send, or a
 * fast path that ran out of time. Handlers send their own mail at once; this is the safety net.
 *
 * Alarms, on the shared alarm topic:
 *   - stuck mail: an outbox entry has failed STUCK_AFTER_FAILURES times (the sweep logs
 *     'Outbox mail stuck'; a metric filter counts it). The entry is still retried, hourly,
 *     and the case is flagged for the DPO team; the alarm tells on-call that SES needs a look;
 *   - the sweep itself failing.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { TimeZone } from 'aws-cdk-lib/core';
import { Construct } from 'constructs';
import { Validations } from 'aws-cdk-lib';
import { MAIL } from '#lambdas/mail/manifest';
import { onlyTriggeredBy } from '#lambdas/manifest';
import type { HandlerResources } from './handler-resources';
import { ServiceFunction } from './service-function';

export interface MailOutboxProps {
  readonly key: kms.IKey;
  readonly resources: HandlerResources;
  /** Where the alarms go (the stack's alarm topic). */
  readonly alarmTopic: sns.ITopic;
  /** @default logs.RetentionDays.ONE_YEAR */
  readonly logRetention?: logs.RetentionDays;
}

/** The line the sweep logs for an entry that has failed STUCK_AFTER_FAILURES times or more. */
export const STUCK_MAIL_MESSAGE = 'Outbox mail stuck';

export class MailOutbox extends Construct {
  public readonly sweepFunction: ServiceFunction;
  public readonly schedule: scheduler.Schedule;
  public readonly stuckMailAlarm: cloudwatch.Alarm;
  public readonly sweepAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: MailOutboxProps) {
    super(scope, id);
    const sweep = onlyTriggeredBy(MAIL.handlers, 'schedule', MAIL.context);
    this.sweepFunction = ServiceFunction.forHandler(this, sweep, {
      key: props.key,
      serviceName: MAIL.context,
      resources: props.resources,
      logRetention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
    });

    const invoker = new iam.Role(this, 'SweepInvokerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: 'EventBridge Scheduler: invoke the Rightsdesk outbox sweep',
    });
    this.schedule = new scheduler.Schedule(this, 'SweepSchedule', {
      description: sweep.trigger.description,
      schedule: scheduler.ScheduleExpression.cron({ ...sweep.trigger.cron, timeZone: TimeZone.EUROPE_LONDON }),
      // The next run is a minute away: a late or retried invocation is worth nothing.
      target: new schedulerTargets.LambdaInvoke(this.sweepFunction.fn, { role: invoker, retryAttempts: 0, maxEventAge: Duration.minutes(1) }),
    });
    const stack = Stack.of(this);
    const logicalId = stack.resolve(stack.getLogicalId(this.sweepFunction.fn.node.defaultChild as lambda.CfnFunction)) as string;
    Validations.of(invoker.node.findChild('DefaultPolicy')).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>:*]`,
      reason:
        `EventBridge Scheduler invokes the outbox sweep: lambda:InvokeFunction on ${this.sweepFunction.node.path} and its versions and aliases ` +
        '(the ":*" CDK\'s grant adds), that one function only; no other function or action.',
    });

    const stuck = new logs.MetricFilter(this, 'StuckMailFilter', {
      logGroup: this.sweepFunction.logGroup,
      // Powertools writes one JSON object per line; the message is fixed, the fields are ids and counts.
      filterPattern: logs.FilterPattern.stringValue('$.message', '=', STUCK_MAIL_MESSAGE),
      metricNamespace: 'Rightsdesk',
      metricName: 'OutboxMailStuck',
      metricValue: '1',
      defaultValue: 0,
    });
    this.stuckMailAlarm = new cloudwatch.Alarm(this, 'StuckMailAlarm', {
      alarmDescription:
        'Outbox mail has failed to send 5 times or more (SES refusing or unreachable). It is still retried hourly and the case is flagged ' +
        '"mail-undelivered" for the DPO team. Check SES (sending paused? quota?) and the sweep function\'s log for the error class.',
      metric: stuck.metric({ period: Duration.hours(1), statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.sweepAlarm = new cloudwatch.Alarm(this, 'SweepFailedAlarm', {
      alarmDescription: 'The outbox sweep failed 5 minutes running: owed mail (acknowledgements, notices) is not being sent.',
      metric: this.sweepFunction.fn.metricErrors({ period: Duration.minutes(5) }),
      threshold: 5,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    for (const alarm of [this.stuckMailAlarm, this.sweepAlarm]) alarm.addAlarmAction(new cwActions.SnsAction(props.alarmTopic));
  }
}
