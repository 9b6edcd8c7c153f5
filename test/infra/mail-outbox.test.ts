/**
 * The outbox sweep in AWS: a schedule every minute, alarms on stuck mail and on the sweep
 * failing, and a function that may do exactly what sending owed mail takes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { STUCK_MAIL_MESSAGE } from '#infra/mail-outbox';
import { STUCK_AFTER_FAILURES } from '#domain/outbox';
import { synthesisedApp, type Statement } from './support';

let built: ReturnType<typeof synthesisedApp>;
beforeAll(() => {
  built = synthesisedApp();
});
const outbox = () => built.stack.outbox;
const fnId = () => built.logicalId(outbox().sweepFunction.fn);

describe('the outbox sweep', () => {
  it('runs every minute on EventBridge Scheduler, not retried (the next run is a minute away)', () => {
    const schedule = built.resources[built.logicalId(outbox().schedule)]!.Properties;
    expect(schedule).toMatchObject({
      ScheduleExpression: 'cron(* * * * ? *)',
      ScheduleExpressionTimezone: 'Europe/London',
      State: 'ENABLED',
      Target: { Arn: { 'Fn::GetAtt': [fnId(), 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 } },
    });
  });

  it('counts stuck mail from the sweep’s log and alarms on the first, on the shared alarm topic', () => {
    const filters = Object.values(built.resources).filter((r) => r.Type === 'AWS::Logs::MetricFilter');
    const stuck = filters.find((f) => JSON.stringify(f.Properties.FilterPattern).includes(STUCK_MAIL_MESSAGE));
    expect(stuck?.Properties).toMatchObject({
      LogGroupName: { Ref: built.logicalId(outbox().sweepFunction.logGroup) },
      MetricTransformations: [{ MetricNamespace: 'Rightsdesk', MetricName: 'OutboxMailStuck', MetricValue: '1', DefaultValue: 0 }],
    });
    const alarm = built.resources[built.logicalId(outbox().stuckMailAlarm)]!.Properties;
    expect(alarm).toMatchObject({
      MetricName: 'OutboxMailStuck',
      Namespace: 'Rightsdesk',
      Period: 3600,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: built.logicalId(built.stack.keeper.alarmTopic) }],
    });
    expect(alarm.AlarmDescription).toContain(`${STUCK_AFTER_FAILURES} times`);
    expect(built.resources[built.logicalId(outbox().sweepAlarm)]!.Properties).toMatchObject({ MetricName: 'Errors', Namespace: 'AWS/Lambda' });
  });

  it('the function sends from the sender address only and reads and writes the cases table, nothing else of the data', () => {
    const policies = Object.values(built.resources).filter(
      (r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(built.logicalId(outbox().sweepFunction.role)),
    );
    const actions = policies
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[])
      .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
    expect(actions.filter((a) => a.startsWith('s3:') || a.startsWith('states:') || a === 'dynamodb:Scan')).toEqual([]);
    expect(actions).toEqual(expect.arrayContaining(['ses:SendEmail', 'dynamodb:Query', 'dynamodb:UpdateItem', 'secretsmanager:GetSecretValue']));
    const env = built.resources[fnId()]!.Properties.Environment.Variables as Record<string, unknown>;
    expect(Object.keys(env).sort()).toEqual(
      [
        'CASES_TABLE',
        'DPO_ADDRESS',
        'MAIL_DAILY_LIMIT',
        'NODE_OPTIONS',
        'POWERTOOLS_LOG_LEVEL',
        'POWERTOOLS_SERVICE_NAME',
        'PUBLIC_BASE_URL',
        'SENDER_ADDRESS',
        'SIGNING_KEY_SECRET_ARN',
        'TEAM_ADDRESS',
      ].sort(),
    );
    expect(env.MAIL_DAILY_LIMIT).toBe('4');
  });

  it('reads recipients’ API tokens (Art. 19 notices by API): GetSecretValue on rightsdesk/recipients/* in this account and region, nothing more', () => {
    const statements = Object.values(built.resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(built.logicalId(outbox().sweepFunction.role)))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
    const recipients = statements.filter((s) => JSON.stringify(s.Resource).includes('rightsdesk/recipients/'));
    expect(recipients).toEqual([
      {
        Effect: 'Allow',
        Action: 'secretsmanager:GetSecretValue',
        Resource: {
          'Fn::Join': ['', ['arn:aws:secretsmanager:eu-west-2:', { Ref: 'AWS::AccountId' }, ':secret:rightsdesk/recipients/*']],
        },
      },
    ]);
    // No other function may read them: the fast path leaves API notices to the sweep.
    const others = Object.entries(built.resources).filter(
      ([, r]) =>
        r.Type === 'AWS::IAM::Policy' &&
        !JSON.stringify(r.Properties.Roles).includes(built.logicalId(outbox().sweepFunction.role)) &&
        JSON.stringify(r.Properties.PolicyDocument).includes('rightsdesk/recipients/'),
    );
    expect(others.map(([id]) => id)).toEqual([]);
  });
});
