import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { beforeAll, describe, expect, it } from 'vitest';
import { foreignRegionsIn, residencyViolations } from '#infra/residency';
import { Storage } from '#infra/storage';
import { DEFAULT_BYTES_SCANNED_CUTOFF, TRAFFIC_CONTEXT_KEYS, TrafficSearch, type TrafficSearchProps } from '#infra/traffic-search';
import { londonStack, nagFindings, TEST_CONTEXT, type Resources, type Statement } from './support';

function build(context: Record<string, unknown> = TEST_CONTEXT, props: Partial<TrafficSearchProps> = {}) {
  const stack = londonStack(context);
  const storage = new Storage(stack, 'Storage');
  const search = new TrafficSearch(stack, 'TrafficSearch', {
    key: storage.key,
    filesBucket: storage.filesBucket,
    accessLogsBucket: storage.accessLogsBucket,
    ...props,
  });
  const role = new iam.Role(stack, 'Searcher', { assumedBy: new iam.ServicePrincipal('states.amazonaws.com') });
  search.grantSearch(role);
  const template = Template.fromStack(stack);
  const id = (c: { node: { defaultChild?: unknown } }) => stack.getLogicalId(c.node.defaultChild as never);
  return { stack, storage, search, role, template, resources: template.toJSON().Resources as Resources, id };
}

let built: ReturnType<typeof build>;
beforeAll(() => {
  built = build(TEST_CONTEXT, { trafficFrom: '2022-07-01' });
});

const tableInput = (name: string) => {
  const table = Object.values(built.resources).find((r) => r.Type === 'AWS::Glue::Table' && r.Properties['TableInput'].Name === name);
  return table!.Properties['TableInput'] as { Parameters: Record<string, unknown>; PartitionKeys: unknown[]; StorageDescriptor: Record<string, any> };
};
const fnJoin = (value: unknown) => JSON.stringify(value);

describe('Glue tables', () => {
  it('traffic: Parquet, day partitions projected as dates from the first day of traffic to now, located by day', () => {
    const t = tableInput('traffic');
    expect(t.PartitionKeys).toEqual([{ Name: 'day', Type: 'date', Comment: 'The UTC day the messages were sent' }]);
    expect(t.Parameters).toMatchObject({
      classification: 'parquet',
      'projection.enabled': 'true',
      'projection.day.type': 'date',
      'projection.day.format': 'yyyy-MM-dd',
      'projection.day.range': '2022-07-01,NOW',
      'projection.day.interval': '1',
      'projection.day.interval.unit': 'DAYS',
    });
    const template = fnJoin(t.Parameters['storage.location.template']);
    expect(template).toContain(built.id(built.search.trafficBucket as never));
    expect(template).toContain('/traffic/day=${day}/');
    expect(t.StorageDescriptor['SerdeInfo'].SerializationLibrary).toBe('org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe');
    expect(t.StorageDescriptor['Columns'].map((c: { Name: string; Type: string }) => `${c.Name}:${c.Type}`)).toEqual([
      'message_id:string',
      'account_id:string',
      'channel:string',
      'sender:string',
      'recipient:string',
      'sent_at:timestamp',
      'status:string',
      'parts:int',
    ]);
  });

  it('search_identifiers: CSV of phone numbers under the files bucket, case_id and run_id injected from the query', () => {
    const t = tableInput('search_identifiers');
    expect(t.PartitionKeys).toEqual([
      { Name: 'case_id', Type: 'string' },
      { Name: 'run_id', Type: 'string' },
    ]);
    expect(t.Parameters).toMatchObject({ 'projection.enabled': 'true', 'projection.case_id.type': 'injected', 'projection.run_id.type': 'injected' });
    const template = fnJoin(t.Parameters['storage.location.template']);
    expect(template).toContain(built.id(built.storage.filesBucket));
    expect(template).toContain('/searches/${case_id}/${run_id}/identifiers/');
    expect(t.StorageDescriptor['SerdeInfo'].SerializationLibrary).toBe('org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe');
    expect(t.StorageDescriptor['Columns']).toEqual([{ Name: 'phone', Type: 'string', Comment: 'E.164' }]);
  });

  it('both live in the construct’s Glue database', () => {
    built.template.hasResourceProperties('AWS::Glue::Database', { DatabaseInput: { Name: built.search.databaseName } });
    built.template.resourcePropertiesCountIs('AWS::Glue::Table', { DatabaseName: built.search.databaseName }, 2);
  });
});

describe('Athena workgroup', () => {
  it('enforces KMS-encrypted results (the stack key) in the results bucket, a bytes-scanned cutoff and Athena’s engine choice', () => {
    built.template.hasResourceProperties('AWS::Athena::WorkGroup', {
      Name: built.search.workGroupName,
      WorkGroupConfiguration: {
        EnforceWorkGroupConfiguration: true,
        BytesScannedCutoffPerQuery: DEFAULT_BYTES_SCANNED_CUTOFF,
        EngineVersion: { SelectedEngineVersion: 'AUTO' },
        ResultConfiguration: {
          EncryptionConfiguration: { EncryptionOption: 'SSE_KMS', KmsKey: { 'Fn::GetAtt': [built.id(built.storage.key), 'Arn'] } },
          OutputLocation: { 'Fn::Join': ['', ['s3://', { Ref: built.id(built.search.resultsBucket) }, '/athena/']] },
        },
      },
    });
  });

  it('refuses a cutoff below Athena’s 10 MB minimum', () => {
    expect(() => build(TEST_CONTEXT, { bytesScannedCutoffPerQuery: 1_000 })).toThrow(/10 MB/);
  });
});

describe('buckets', () => {
  it('results: KMS with the stack key, no public access, access logs, expiring after a day', () => {
    built.template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [built.id(built.storage.key), 'Arn'] } },
            BucketKeyEnabled: true,
          },
        ],
      },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LoggingConfiguration: { DestinationBucketName: { Ref: built.id(built.storage.accessLogsBucket) }, LogFilePrefix: 'athena-results/' },
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ Id: 'expire-results', ExpirationInDays: 1, Status: 'Enabled' })]) },
    });
  });

  it('traffic (created when none is named): KMS, versioned, no public access, access logs', () => {
    const traffic = built.resources[built.id(built.search.trafficBucket)]!;
    expect(traffic.Properties).toMatchObject({
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } }] },
      LoggingConfiguration: { LogFilePrefix: 'traffic/' },
    });
  });

  it('results and traffic deny any request without TLS (1.2 or later)', () => {
    for (const bucket of [built.search.resultsBucket, built.search.trafficBucket]) {
      built.template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: built.id(bucket) },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
          ]),
        },
      });
    }
  });

  it('imports Icetrak’s traffic bucket by name from the context, creating none', () => {
    const imported = build({ ...TEST_CONTEXT, [TRAFFIC_CONTEXT_KEYS.trafficBucket]: 'icetrak-traffic-prod' });
    expect(imported.search.trafficBucket.bucketName).toBe('icetrak-traffic-prod');
    imported.template.resourceCountIs('AWS::S3::Bucket', 4 + 1); // Storage's four and the results bucket
    const t = Object.values(imported.resources).find((r) => r.Type === 'AWS::Glue::Table' && r.Properties['TableInput'].Name === 'traffic')!;
    expect(t.Properties['TableInput'].Parameters['storage.location.template']).toBe('s3://icetrak-traffic-prod/traffic/day=${day}/');
    expect(imported.search.trafficFrom).toBe('2020-01-01');
  });

  it('refuses a context value that is not a bucket name or a date', () => {
    expect(() => build({ ...TEST_CONTEXT, [TRAFFIC_CONTEXT_KEYS.trafficBucket]: 'Not A Bucket' })).toThrow(/bucket name/);
    expect(() => build({ ...TEST_CONTEXT, [TRAFFIC_CONTEXT_KEYS.trafficFrom]: '1 Jan 2020' })).toThrow(/YYYY-MM-DD/);
  });
});

describe('grantSearch (least privilege)', () => {
  const statements = () => {
    const policy = Object.values(built.resources).find(
      (r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties['Roles']).includes(built.id(built.role as never)),
    )!;
    return policy.Properties['PolicyDocument'].Statement as (Statement & { Sid?: string })[];
  };
  const bySid = (sid: string) => statements().find((s) => s.Sid === sid)!;

  it('runs queries in this workgroup only', () => {
    const s = bySid('TrafficSearchAthena');
    expect([s.Action].flat().sort()).toEqual(['athena:GetQueryExecution', 'athena:StartQueryExecution', 'athena:StopQueryExecution']);
    expect(JSON.stringify(s.Resource)).toContain(`:workgroup/${built.search.workGroupName}`);
  });

  it('reads only the two tables’ definitions', () => {
    const s = bySid('TrafficSearchGlue');
    expect([s.Action].flat().sort()).toEqual(['glue:GetDatabase', 'glue:GetPartitions', 'glue:GetTable']);
    const resources = JSON.stringify(s.Resource);
    expect(resources).toContain(`:table/${built.search.databaseName}/traffic`);
    expect(resources).toContain(`:table/${built.search.databaseName}/search_identifiers`);
    expect(resources).not.toMatch(/table\/[^"]*\*/);
  });

  it('reads the traffic and the runs’ identifiers files only, and writes nothing there', () => {
    const s = bySid('TrafficSearchReadTraffic');
    expect(s.Action).toBe('s3:GetObject');
    const resources = JSON.stringify(s.Resource);
    expect(resources).toContain('/traffic/*');
    expect(resources).toContain('/searches/*/*/identifiers/*');
    expect(bySid('TrafficSearchListIdentifiers').Condition).toEqual({ StringLike: { 's3:prefix': 'searches/*/*/identifiers/*' } });
    for (const st of statements()) {
      const actions = [st.Action].flat();
      if (actions.some((a) => /^s3:(Put|Delete)/.test(a))) expect(JSON.stringify(st.Resource), st.Sid).toContain(built.id(built.search.resultsBucket));
    }
  });

  it('uses the key to decrypt and to encrypt results, nothing more', () => {
    const kms = statements().filter((s) => [s.Action].flat().some((a) => a.startsWith('kms:')));
    expect(kms.flatMap((s) => [s.Action].flat()).sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
  });
});

describe('residency and cdk-nag', () => {
  it('puts nothing outside eu-west-2', () => {
    expect(built.stack.region).toBe('eu-west-2');
    expect(foreignRegionsIn(built.template.toJSON())).toEqual([]);
    expect(residencyViolations(built.stack)).toEqual([]);
  });

  it('has no unacknowledged AwsSolutions finding (the grantee’s wildcards acknowledged with reasons)', () => {
    expect(nagFindings(built.stack)).toEqual([]);
  });
});
