/**
 * Retention in the synthesised stack (issue 13): the cases table's stream, the purge's event
 * source (TTL removals only, batched, bisected, retried, dead-lettered), its grants (least
 * privilege: list versions and delete, never read, write or bypass a hold), Object Lock without
 * default retention, and the bucket lifecycle a backstop never earlier than the schedule.
 */
import { describe, expect, it } from 'vitest';
import { RECORD_RETENTION_YEARS } from '#domain/lifecycle';
import { RETENTION, PURGE_BATCH_SIZE } from '#lambdas/retention/manifest';
import { nagFindings, synthesisedApp, type Statement } from './support';

const { stack, resources, logicalId } = synthesisedApp();
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
      const rules = resources[logicalId(bucket)]!.Properties.LifecycleConfiguration.Rules as Array<{ ExpirationInDays?: number }>;
      const expiry = rules.map((r) => r.ExpirationInDays).filter((d): d is number => d !== undefined);
      expect(expiry, bucket.node.path).toEqual([3653]);
      expect(Math.min(...expiry)).toBeGreaterThanOrEqual(scheduleDays + 4 * 365);
    }
  });

  it('is cdk-nag clean, each acknowledgement with its reason', () => {
    expect(nagFindings(retention)).toEqual([]);
  });
});
