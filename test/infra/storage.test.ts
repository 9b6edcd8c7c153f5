import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '#infra/app';
import { Storage } from '#infra/storage';
import { CASES_TABLE } from '#adapters/cases-table-schema';
import { londonStack, logicalIdsOf, TEST_CONTEXT } from './support';

let template: Template;
let ids: { key: string; table: string; rawMail: string; files: string; reports: string; accessLogs: string; trafficSearch: string[] };

beforeAll(() => {
  const { stack } = buildApp({ context: TEST_CONTEXT, env: {}, nag: false });
  template = Template.fromStack(stack);
  const s = stack.storage;
  const id = (c: { node: { defaultChild?: unknown } }) => stack.getLogicalId(c.node.defaultChild as never);
  ids = {
    key: id(s.key),
    table: id(s.casesTable),
    rawMail: id(s.rawMailBucket),
    files: id(s.filesBucket),
    reports: id(s.reportsBucket),
    accessLogs: id(s.accessLogsBucket),
    // The Athena results bucket, and the traffic bucket the stack creates when the context names none.
    trafficSearch: [id(stack.trafficSearch.resultsBucket), id(stack.trafficSearch.trafficBucket)],
  };
});

const keyArn = () => ({ 'Fn::GetAtt': [ids.key, 'Arn'] });
const dataBuckets = () => [ids.rawMail, ids.files, ids.reports];
const allBuckets = () => [...dataBuckets(), ids.accessLogs];

describe('KMS key', () => {
  it('is one customer-managed key with rotation, kept on stack deletion', () => {
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResource('AWS::KMS::Key', {
      Properties: { EnableKeyRotation: true, PendingWindowInDays: 30 },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/rightsdesk/data', TargetKeyId: keyArn() });
  });

  it('lets CloudWatch Logs in eu-west-2 only use it, for this account’s log groups', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'logs.eu-west-2.amazonaws.com' },
            Condition: {
              ArnLike: {
                'kms:EncryptionContext:aws:logs:arn': {
                  'Fn::Join': ['', ['arn:aws:logs:eu-west-2:', { Ref: 'AWS::AccountId' }, ':log-group:*']],
                },
              },
            },
          }),
        ]),
      },
    });
  });
});

describe('cases table', () => {
  it('has the schema keys, on-demand billing and the TTL attribute', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: CASES_TABLE.partitionKey, KeyType: 'HASH' },
        { AttributeName: CASES_TABLE.sortKey, KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: CASES_TABLE.ttlAttribute, Enabled: true },
    });
  });

  it('has point-in-time recovery (35 days)', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true, RecoveryPeriodInDays: 35 },
    });
  });

  it('is encrypted with the customer-managed key', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: keyArn() },
    });
  });

  it('is protected from deletion by CloudFormation and by API', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      Properties: { DeletionProtectionEnabled: true },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it('has exactly the four sparse GSIs of the schema, all string keys, projecting ALL', () => {
    const table = template.findResources('AWS::DynamoDB::Table')[ids.table] as {
      Properties: {
        GlobalSecondaryIndexes: Array<{ IndexName: string; KeySchema: unknown; Projection: unknown }>;
        AttributeDefinitions: Array<{ AttributeName: string; AttributeType: string }>;
      };
    };
    const indexes = table.Properties.GlobalSecondaryIndexes;
    expect(indexes.map((i) => i.IndexName).sort()).toEqual(Object.keys(CASES_TABLE.indexes).sort());
    for (const [name, schema] of Object.entries(CASES_TABLE.indexes)) {
      const index = indexes.find((i) => i.IndexName === name)!;
      expect(index.KeySchema).toEqual([
        { AttributeName: schema.partitionKey, KeyType: 'HASH' },
        ...(schema.sortKey ? [{ AttributeName: schema.sortKey, KeyType: 'RANGE' }] : []),
      ]);
      expect(index.Projection).toEqual({ ProjectionType: 'ALL' });
    }
    expect(table.Properties.AttributeDefinitions.every((a) => a.AttributeType === 'S')).toBe(true);
  });
});

describe('buckets', () => {
  it('are the three data buckets and the access-log bucket, beside the traffic search’s own (infra/traffic-search.ts)', () => {
    expect(logicalIdsOf(template, 'AWS::S3::Bucket').sort()).toEqual([...allBuckets(), ...ids.trafficSearch].sort());
  });

  it('data buckets are encrypted with the customer-managed key, with bucket keys', () => {
    const buckets = template.findResources('AWS::S3::Bucket');
    for (const id of dataBuckets()) {
      expect(buckets[id]?.Properties.BucketEncryption).toEqual({
        ServerSideEncryptionConfiguration: [
          { BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyArn() } },
        ],
      });
    }
  });

  it('the access-log bucket uses SSE-S3, the only encryption S3 log delivery supports', () => {
    expect(template.findResources('AWS::S3::Bucket')[ids.accessLogs]?.Properties.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
  });

  it('every bucket blocks all public access, enforces bucket-owner ownership, is versioned and retained', () => {
    const buckets = template.findResources('AWS::S3::Bucket');
    for (const id of allBuckets()) {
      const bucket = buckets[id]!;
      expect(bucket.Properties.PublicAccessBlockConfiguration, id).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(bucket.Properties.OwnershipControls, id).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
      expect(bucket.Properties.VersioningConfiguration, id).toEqual({ Status: 'Enabled' });
      expect(bucket.DeletionPolicy, id).toBe('Retain');
    }
  });

  it('every bucket has a TLS-only policy (deny without aws:SecureTransport, and below TLS 1.2)', () => {
    for (const id of allBuckets()) {
      const arn = { 'Fn::GetAtt': [id, 'Arn'] };
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: id },
        PolicyDocument: {
          Statement: Match.arrayWith([
            {
              Effect: 'Deny',
              Principal: { AWS: '*' },
              Action: 's3:*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
              Resource: [arn, { 'Fn::Join': ['', [arn, '/*']] }],
            },
            Match.objectLike({ Effect: 'Deny', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
          ]),
        },
      });
    }
  });

  it('data buckets log access to the access-log bucket, each under its own prefix', () => {
    const buckets = template.findResources('AWS::S3::Bucket');
    const prefixes = dataBuckets().map((id) => {
      const logging = buckets[id]?.Properties.LoggingConfiguration as { DestinationBucketName: unknown; LogFilePrefix: string };
      expect(logging.DestinationBucketName).toEqual({ Ref: ids.accessLogs });
      return logging.LogFilePrefix;
    });
    expect(prefixes).toEqual(['raw-mail/', 'files/', 'reports/']);
    // Delivered by the logging service principal through the bucket policy, not an ACL.
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: ids.accessLogs },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'logging.s3.amazonaws.com' },
            Action: 's3:PutObject',
            Condition: Match.objectLike({ ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [ids.rawMail, 'Arn'] } } }),
          }),
        ]),
      },
    });
    expect(buckets[ids.accessLogs]?.Properties.AccessControl).toBeUndefined();
  });

  it('data buckets tier to IA at 30 days and Glacier IR at a year, expire after 10 years (case objects: a backstop) or 7 (reports), purge old versions after 30 days', () => {
    const buckets = template.findResources('AWS::S3::Bucket');
    for (const id of dataBuckets()) {
      expect(buckets[id]?.Properties.LifecycleConfiguration.Rules, id).toEqual([
        {
          Id: 'tier-and-expire',
          Status: 'Enabled',
          Transitions: [
            { StorageClass: 'STANDARD_IA', TransitionInDays: 30 },
            { StorageClass: 'GLACIER_IR', TransitionInDays: 365 },
          ],
          ExpirationInDays: id === ids.reports ? 2557 : 3653,
          NoncurrentVersionExpiration: { NoncurrentDays: 30 },
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
        },
        { Id: 'remove-expired-delete-markers', Status: 'Enabled', ExpiredObjectDeleteMarker: true },
      ]);
    }
  });

  it('access logs expire after a year', () => {
    expect(template.findResources('AWS::S3::Bucket')[ids.accessLogs]?.Properties.LifecycleConfiguration.Rules).toEqual([
      expect.objectContaining({ ExpirationInDays: 365, NoncurrentVersionExpiration: { NoncurrentDays: 30 } }),
    ]);
  });

  it('raw mail and files can hold objects under legal hold (Object Lock, no default retention)', () => {
    const buckets = template.findResources('AWS::S3::Bucket');
    expect(buckets[ids.rawMail]?.Properties.ObjectLockEnabled).toBe(true);
    expect(buckets[ids.files]?.Properties.ObjectLockEnabled).toBe(true);
    expect(buckets[ids.reports]?.Properties.ObjectLockEnabled).toBeUndefined();
    for (const id of allBuckets()) expect(buckets[id]?.Properties.ObjectLockConfiguration).toBeUndefined();
  });
});

describe('outputs', () => {
  it('name the table and the buckets', () => {
    template.hasOutput('CasesTableName', { Value: { Ref: ids.table } });
    template.hasOutput('RawMailBucketName', { Value: { Ref: ids.rawMail } });
    template.hasOutput('FilesBucketName', { Value: { Ref: ids.files } });
    template.hasOutput('ReportsBucketName', { Value: { Ref: ids.reports } });
  });
});

describe('Storage props', () => {
  it('override the documented defaults', () => {
    const stack = londonStack();
    const storage = new Storage(stack, 'Storage', {
      rawMailExpiry: Duration.days(4000),
      noncurrentVersionExpiry: Duration.days(7),
      infrequentAccessAfter: Duration.days(60),
      archiveAfter: Duration.days(4100),
      accessLogExpiry: Duration.days(90),
      objectLock: false,
      keyAlias: 'alias/test-key',
    });
    const t = Template.fromStack(stack);
    const buckets = t.findResources('AWS::S3::Bucket');
    const rawMail = buckets[stack.getLogicalId(storage.rawMailBucket.node.defaultChild as never)]!;
    expect(rawMail.Properties.ObjectLockEnabled).toBeUndefined();
    expect(rawMail.Properties.LifecycleConfiguration.Rules[0]).toMatchObject({
      ExpirationInDays: 4000,
      NoncurrentVersionExpiration: { NoncurrentDays: 7 },
      // Glacier IR at 4,100 days would come after expiry at 4,000: dropped.
      Transitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: 60 }],
    });
    const accessLogs = buckets[stack.getLogicalId(storage.accessLogsBucket.node.defaultChild as never)]!;
    expect(accessLogs.Properties.LifecycleConfiguration.Rules[0].ExpirationInDays).toBe(90);
    t.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/test-key' });
  });
});
