/**
 * ComplianceReports: the reports context's schedules (lambdas/reports/manifest.ts). Each scheduled
 * handler of the manifest gets its function and an EventBridge Scheduler schedule on its cron
 * expression in Europe/London time, so 07:00 is 07:00 in London in summer and in winter. The
 * handlers are idempotent and catch up: a run for a period already reported does nothing, and a
 * later day's run makes a report (or sends its mail) that an earlier run failed to. The desk's and
 * the API's report routes are served by PublicApi with the other staff routes.
 *
 * Alarm: a scheduled run that fails (after the Scheduler's retries) notifies the alarm topic.
 */
import { Duration, Stack, Validations } from 'aws-cdk-lib';
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
import { triggeredBy } from '#lambdas/manifest';
import { REPORTS } from '#lambdas/reports/manifest';
import { RETENTION } from '#lambdas/retention/manifest';
import type { HandlerResources } from './handler-resources';
import { ServiceFunction } from './service-function';

export interface ComplianceReportsProps {
  readonly key: kms.IKey;
  readonly resources: HandlerResources;
  readonly alarmTopic: sns.ITopic;
  /** @default logs.RetentionDays.ONE_YEAR */
  readonly logRetention?: logs.RetentionDays;
}

export class ComplianceReports extends Construct {
  /** By manifest id (MonthlyReport, WeeklyDigest, and the retention context's ReviewAccounts). */
  public readonly functions: Record<string, ServiceFunction> = {};
  public readonly schedules: Record<string, scheduler.Schedule> = {};
  public readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: ComplianceReportsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const invoker = new iam.Role(this, 'InvokerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': stack.account } } }),
      description: 'EventBridge Scheduler: invoke the Rightsdesk compliance report functions',
    });
    // The monthly retention review of Icetrak's accounts (the retention context) runs on the same kind of schedule, next to the report.
    const scheduled = [REPORTS, RETENTION].flatMap((m) => triggeredBy(m.handlers, 'schedule').map((spec) => ({ spec, context: m.context })));
    for (const { spec, context } of scheduled) {
      const fn = ServiceFunction.forHandler(this, spec, {
        key: props.key,
        serviceName: context,
        resources: props.resources,
        logRetention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      });
      this.functions[spec.id] = fn;
      this.schedules[spec.id] = new scheduler.Schedule(this, `${spec.id}Schedule`, {
        description: spec.trigger.description,
        schedule: scheduler.ScheduleExpression.cron({ ...spec.trigger.cron, timeZone: TimeZone.EUROPE_LONDON }),
        // Retried for an hour (throttling, a deploy); the next day's run catches up after that.
        target: new schedulerTargets.LambdaInvoke(fn.fn, { role: invoker, retryAttempts: 3, maxEventAge: Duration.hours(1) }),
      });
      const alarm = new cloudwatch.Alarm(this, `${spec.id}FailedAlarm`, {
        alarmDescription:
          context === REPORTS.context
            ? `${spec.description} failed. The next day's run retries; the report can also be run from the desk (Reports, Run now).`
            : `${spec.description} failed. The next day's run retries; the review can also be run from the desk (Retention review, Review now).`,
        metric: fn.fn.metricErrors({ period: Duration.hours(1) }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(new cwActions.SnsAction(props.alarmTopic));
      this.alarms.push(alarm);
    }
    const policy = invoker.node.tryFindChild('DefaultPolicy');
    if (policy) {
      for (const [specId, fn] of Object.entries(this.functions)) {
        const logicalId = stack.resolve(stack.getLogicalId(fn.fn.node.defaultChild as lambda.CfnFunction)) as string;
        Validations.of(policy).acknowledge({
          id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>:*]`,
          reason:
            `EventBridge Scheduler invokes the ${specId} function: lambda:InvokeFunction on ${fn.node.path} and its versions and aliases ` +
            '(the ":*" CDK\'s grant adds), that one function only; no other function or action.',
        });
      }
    }
  }
}
