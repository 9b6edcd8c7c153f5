/**
 * Retention in the synthesised stack (issue 13): the cases table's stream, the purge's event
 * source (TTL removals only, batched, bisected, retried, dead-lettered), its grants (least
 * privilege: list versions and delete, never read, write or bypass a hold), Object Lock without
 * default retention, and the bucket lifecycle a backstop never earlier than the schedule.
 */
import { describe, expect, it } from 'vitest';
import { RECORD_RETENTION_YEARS } from '#domain/lifecycle';
import { RETENTION as RETENTION_DEFAULTS } from '#domain/retention';
import { RETENTION, PURGE_BATCH_SIZE } from '#lambdas/retention/manifest';
import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { envNamesOf, type HandlerSpec } from '#lambdas/manifest';
import { MANIFESTS } from '#lambdas/manifests';
import { caseObjectsBackstop, reportsBackstop, Storage } from '#infra/storage';
import { londonStack, nagFindings, synthesisedApp, TEST_CONTEXT, type Statement } from './support';

const { stack, resources, logicalId } = synthesisedApp();

/** The lifecycle expirations (days) of a bucket. */
function expiryDays(all: typeof resources, id: string): number[] {
  const rules = all[id]!.Properties.LifecycleConfiguration.Rules as Array<{ ExpirationInDays?: number }>;
  return rules.map((r) => r.ExpirationInDays).filter((d): d is number => d !== undefined);
}
const s = stack.storage;
const retention = stack.retention;
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

/** Every statement of the purge function's identity policies (its tracing policy aside). */
function purgeStatements(): Statement[] {
  const role = logicalId(retention.purgeFunction.role);
  const tracing = stack.getLogicalId(retention.purgeFunction.tracingPolicy.node.defaultChild as never);
  return ofType('AWS::IAM::Policy')
    .filter(([id, r]) => id !== tracing && (r.Properties.Roles as Array<{ Ref: string }>).some((x) => x.Ref === role))
    .flatMap(([, r]) => r.Properties.PolicyDocument.Statement as Statement[]);
}
const actions = (st: Statement) => [st.Action].flat();
const names = (value: unknown, id: string) => JSON.stringify(value).includes(`"${id}"`);

describe('retention', () => {
  it('the cases table streams old images (what the purge rebuilds a case from)', () => {
    expect(resources[logicalId(s.casesTable)]!.Properties.StreamSpecification).toEqual({ StreamViewType: 'OLD_IMAGE' });
  });

  it('the purge reads the stream through a mapping filtered to TTL removals, batched, bisected, retried, dead-lettered', () => {
    const mappings = ofType('AWS::Lambda::EventSourceMapping').map(([, r]) => r.Properties);
    const mine = mappings.filter((p) => names(p.FunctionName, logicalId(retention.purgeFunction.fn)));
    expect(mine).toHaveLength(1);
    const p = mine[0]!;
    expect(p.EventSourceArn).toEqual({ 'Fn::GetAtt': [logicalId(s.casesTable), 'StreamArn'] });
    expect(JSON.parse((p.FilterCriteria as { Filters: Array<{ Pattern: string }> }).Filters[0]!.Pattern)).toEqual({
      eventName: ['REMOVE'],
      userIdentity: { type: ['Service'], principalId: ['dynamodb.amazonaws.com'] },
    });
    expect(p).toMatchObject({
      BatchSize: PURGE_BATCH_SIZE,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 5,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      StartingPosition: 'TRIM_HORIZON',
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [logicalId(retention.deadLetterQueue), 'Arn'] } } },
    });
    expect(resources[logicalId(retention.deadLetterQueue)]!.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [logicalId(s.key), 'Arn'] });
    // Its timeout fits a batch: the manifest's.
    expect(RETENTION.handlers[0]!.trigger).toMatchObject({ kind: 'stream', batchSize: PURGE_BATCH_SIZE });
  });

  it('alarms on dead letters and on the purge failing, to the alarm topic', () => {
    const alarms = ofType('AWS::CloudWatch::Alarm').filter(([id]) => id.startsWith('Retention'));
    expect(alarms).toHaveLength(2);
    const dlq = alarms.find(([, r]) => names(r.Properties.Dimensions, logicalId(retention.deadLetterQueue)));
    expect(dlq?.[1].Properties).toMatchObject({ MetricName: 'ApproximateNumberOfMessagesVisible', Threshold: 1 });
    for (const [, a] of alarms) expect(a.Properties.AlarmActions).toEqual([{ Ref: logicalId(stack.keeper.alarmTopic) }]);
  });

  it('grants the purge list-versions and delete on the two buckets only, the stream, the table, the queue; never a read, a write or a hold bypass', () => {
    const st = purgeStatements();
    const all = new Set(st.flatMap(actions));
    for (const a of ['s3:ListBucketVersions', 's3:DeleteObject', 's3:DeleteObjectVersion', 'dynamodb:GetRecords', 'dynamodb:PutItem', 'sqs:SendMessage']) {
      expect(all.has(a), a).toBe(true);
    }
    for (const a of ['s3:GetObject', 's3:PutObject', 's3:BypassGovernanceRetention', 's3:PutObjectLegalHold', 's3:GetObjectVersion', 's3:ListBucket']) {
      expect(all.has(a), a).toBe(false);
    }
    expect(st.some((x) => names(x.Resource, logicalId(s.reportsBucket)))).toBe(false);
    // Raw mail: only under inbound/, for listing as for deleting.
    const rawList = st.find((x) => actions(x).includes('s3:ListBucketVersions') && names(x.Resource, logicalId(s.rawMailBucket)));
    expect(rawList?.Condition).toEqual({ StringLike: { 's3:prefix': 'inbound/*' } });
    const deletes = st.filter((x) => actions(x).includes('s3:DeleteObjectVersion')).flatMap((x) => [x.Resource].flat());
    expect(deletes).toContainEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId(s.rawMailBucket), 'Arn'] }, '/inbound/*']] });
    expect(deletes).toContainEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId(s.filesBucket), 'Arn'] }, '/*']] });
  });

  it('raw mail and files have Object Lock on, with no default retention (a legal hold only, never a retention-mode lock)', () => {
    for (const bucket of [s.rawMailBucket, s.filesBucket]) {
      const p = resources[logicalId(bucket)]!.Properties;
      expect(p.ObjectLockEnabled, bucket.node.path).toBe(true);
      expect(p.ObjectLockConfiguration, bucket.node.path).toBeUndefined();
      expect(JSON.stringify(p)).not.toContain('DefaultRetention');
    }
  });

  it('the lifecycle expiry of case objects is a backstop later than the schedule (close + 6 years, a case open up to 4)', () => {
    const scheduleDays = Math.ceil(RECORD_RETENTION_YEARS * 365.25);
    for (const bucket of [s.rawMailBucket, s.filesBucket]) {
      const expiry = expiryDays(resources, logicalId(bucket));
      expect(expiry, bucket.node.path).toEqual([3653]);
      expect(Math.min(...expiry)).toBeGreaterThanOrEqual(scheduleDays + 4 * 365);
    }
    expect(expiryDays(resources, logicalId(s.reportsBucket))).toEqual([2557]);
  });

  it('is cdk-nag clean, each acknowledgement with its reason', () => {
    expect(nagFindings(retention)).toEqual([]);
  });
});

describe('the retention schedule is a deploy-time setting (CDK context rightsdesk:retention*)', () => {
  const context = {
    ...TEST_CONTEXT,
    'rightsdesk:retentionCaseYears': 10,
    'rightsdesk:retentionRejectedDays': '30',
    'rightsdesk:retentionAccountabilityYears': 8,
  };
  const app = synthesisedApp(context);
  const functions = Object.values(app.resources).filter((r) => r.Type === 'AWS::Lambda::Function');
  const handlers: HandlerSpec[] = MANIFESTS.flatMap((m) => [...m.handlers]);

  it('every function that computes an expiry gets the periods from context; the others get none', () => {
    const withSchedule = handlers.filter((h) => envNamesOf(h.uses).includes('RETENTION_CASE_YEARS'));
    // Closing cases (desk, API, the keeper), reports, retention reviews and account holds.
    expect(withSchedule.map((h) => h.id)).toEqual(
      expect.arrayContaining(['DeskAct', 'ActOnCase', 'ActFunction', 'MonthlyReport', 'ReviewAccounts', 'ReleaseAccountHold']),
    );
    const envs = functions.map((f) => (f.Properties.Environment?.Variables ?? {}) as Record<string, unknown>);
    const given = envs.filter((e) => 'RETENTION_CASE_YEARS' in e);
    expect(given.length).toBeGreaterThanOrEqual(withSchedule.length);
    for (const e of given) expect(e).toMatchObject({ RETENTION_CASE_YEARS: '10', RETENTION_REJECTED_DAYS: '30', RETENTION_ACCOUNTABILITY_YEARS: '8' });
    expect(envs.filter((e) => 'RETENTION_REJECTED_DAYS' in e || 'RETENTION_ACCOUNTABILITY_YEARS' in e)).toHaveLength(given.length);
    expect(app.stack.config.retention).toEqual({ caseYears: 10, rejectedDays: 30, accountabilityYears: 8 });
  });

  it('the buckets’ backstops follow the setting: case objects after close + 10 years and 4 open, reports after 8 + 1', () => {
    const st = app.stack.storage;
    for (const bucket of [st.rawMailBucket, st.filesBucket]) {
      expect(expiryDays(app.resources, app.logicalId(bucket)), bucket.node.path).toEqual([Math.ceil(14 * 365.25)]);
      expect(Math.min(...expiryDays(app.resources, app.logicalId(bucket)))).toBeGreaterThan(Math.ceil(10 * 365.25) + 4 * 365);
    }
    expect(expiryDays(app.resources, app.logicalId(st.reportsBucket))).toEqual([Math.ceil(9 * 365.25)]);
    expect(caseObjectsBackstop({ ...RETENTION_DEFAULTS, caseYears: 10 }).toDays()).toBe(Math.ceil(14 * 365.25));
    expect(reportsBackstop({ ...RETENTION_DEFAULTS, accountabilityYears: 8 }).toDays()).toBe(Math.ceil(9 * 365.25));
  });

  it('an explicit bucket expiry earlier than the schedule’s backstop fails synthesis', () => {
    const retention = { caseYears: 10, rejectedDays: 90, accountabilityYears: 6 };
    expect(() => new Storage(londonStack(), 'Storage', { retention, filesExpiry: Duration.days(3653) })).toThrow(
      /filesExpiry \(3653 days\) would delete objects before the retention schedule does: it must be at least 5114 days/,
    );
    expect(() => new Storage(londonStack(), 'Storage', { retention, reportsExpiry: Duration.days(365) })).toThrow(/reportsExpiry/);
    const stack = londonStack();
    const ok = new Storage(stack, 'Storage', { retention, rawMailExpiry: Duration.days(6000) });
    const t = Template.fromStack(stack).toJSON().Resources as typeof resources;
    expect(expiryDays(t, stack.getLogicalId(ok.rawMailBucket.node.defaultChild as never))).toEqual([6000]);
  });
});
