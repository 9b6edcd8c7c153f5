/**
 * The compliance reports in AWS (issue 12): the monthly report and the weekly digest on
 * EventBridge Scheduler at 07:00 Europe/London, retried, alarmed, each function allowed exactly
 * what making a report takes (the cases table read by index, the reports bucket's `reports/`
 * keys, mail from the sender address), and the desk's and the API's report routes on the API.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { cronPattern } from '#infra/local/report-scheduler';
import { triggeredBy } from '#lambdas/manifest';
import { REPORTS } from '#lambdas/reports/manifest';
import { synthesisedApp, type Statement } from './support';

let built: ReturnType<typeof synthesisedApp>;
beforeAll(() => {
  built = synthesisedApp();
});
const reports = () => built.stack.reports;

describe('the report schedules', () => {
  it('the monthly report: 07:00 London time on days 1 to 7 (the handler waits for the first working day); the digest: 07:00 Monday to Friday', () => {
    const monthly = built.resources[built.logicalId(reports().schedules.MonthlyReport!)]!.Properties;
    expect(monthly).toMatchObject({
      ScheduleExpression: 'cron(0 7 1-7 * ? *)',
      ScheduleExpressionTimezone: 'Europe/London',
      State: 'ENABLED',
      Target: {
        Arn: { 'Fn::GetAtt': [built.logicalId(reports().functions.MonthlyReport!.fn), 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
      },
    });
    const weekly = built.resources[built.logicalId(reports().schedules.WeeklyDigest!)]!.Properties;
    expect(weekly).toMatchObject({ ScheduleExpression: 'cron(0 7 ? * MON-FRI *)', ScheduleExpressionTimezone: 'Europe/London' });
    // The retention review: half an hour before the monthly report (which shows it), on the same days (its handler waits for the first working day too).
    const review = built.resources[built.logicalId(reports().schedules.ReviewAccounts!)]!.Properties;
    expect(review).toMatchObject({ ScheduleExpression: 'cron(30 6 1-7 * ? *)', ScheduleExpressionTimezone: 'Europe/London' });
  });

  it('the local stack runs the same expressions (croner patterns from the same manifest fields)', () => {
    const patterns = Object.fromEntries(triggeredBy(REPORTS.handlers, 'schedule').map((h) => [h.id, cronPattern(h.trigger.cron)]));
    expect(patterns).toEqual({ MonthlyReport: '0 7 1-7 * *', WeeklyDigest: '0 7 * * MON-FRI' });
  });

  it('alarms when a scheduled run fails, on the shared alarm topic', () => {
    // The monthly report, the weekly digest, and the retention review of Icetrak's accounts (lambdas/retention/manifest.ts).
    expect(reports().alarms).toHaveLength(3);
    for (const alarm of reports().alarms) {
      expect(built.resources[built.logicalId(alarm)]!.Properties).toMatchObject({
        MetricName: 'Errors',
        Namespace: 'AWS/Lambda',
        Threshold: 1,
        AlarmActions: [{ Ref: built.logicalId(built.stack.keeper.alarmTopic) }],
      });
    }
  });

  it('a report function reads cases by index (no Scan), writes only reports/ keys of the reports bucket and sends mail', () => {
    const fn = reports().functions.MonthlyReport!;
    const policies = Object.values(built.resources).filter(
      (r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(built.logicalId(fn.role)),
    );
    const statements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
    const actions = statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
    expect(actions).not.toContain('dynamodb:Scan');
    expect(actions.filter((a) => a.startsWith('states:') || a.startsWith('secretsmanager:'))).toEqual([]);
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:Query', 'ses:SendEmail', 's3:PutObject', 's3:GetObject']));
    const s3Resources = JSON.stringify(statements.filter((s) => JSON.stringify(s.Action).includes('s3:')).map((s) => s.Resource));
    expect(s3Resources).toContain('/reports/*');
    expect(s3Resources).toContain(built.logicalId(built.stack.storage.reportsBucket));
    expect(s3Resources).not.toContain(built.logicalId(built.stack.storage.filesBucket));
    expect(s3Resources).not.toContain(built.logicalId(built.stack.storage.rawMailBucket));
  });

  it('the desk and the API serve the reports, staff only', () => {
    const routes = [...built.stack.publicApi.functions.keys()];
    expect(routes).toEqual(
      expect.arrayContaining([
        'GET /desk/reports',
        'POST /desk/reports',
        'GET /desk/reports/{id}/{file}',
        'GET /api/reports',
        'POST /api/reports',
        'GET /api/reports/{id}/{file}',
      ]),
    );
  });
});
