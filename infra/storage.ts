/**
 * Storage: everything that holds personal data at rest, under one customer-managed KMS key.
 *
 * - the cases table (shape from shared/adapters/cases-table-schema.ts),
 * - rawMail (inbound MIME written by SES), files (attachments, exports), reports,
 * - an access-log bucket receiving S3 server access logs of the three data buckets.
 *
 * Lifecycle expiry on the data buckets is a backstop, not the retention schedule: the
 * retention context deletes a case's objects when the case's own retention ends (TTL on the
 * item). The backstop guarantees nothing outlives the longest retention by accident. Objects
 * of a case under legal hold get an S3 Object Lock legal hold, which lifecycle rules cannot
 * override; hence Object Lock is enabled (with no default retention) on rawMail and files.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { CASES_TABLE } from '#adapters/cases-table-schema';
import { RETENTION, type RetentionSchedule } from '#domain/retention';

/**
 * Years a case may stay open after an object of it was stored (complaints, stopped clocks, a
 * reopened case taking new correspondence): the case objects' backstop allows for them on top of
 * the schedule's caseYears, counted from the object's creation.
 */
export const CASE_OPEN_ALLOWANCE_YEARS = 4;

const yearsInDays = (years: number): number => Math.ceil(years * 365.25);

/**
 * The backstop expiry of a case's objects (raw mail, files), counted from the object's creation,
 * derived from the schedule so it always comes later: the schedule keeps them until the case
 * closes plus caseYears; the backstop adds CASE_OPEN_ALLOWANCE_YEARS for a case still open after
 * an object was stored. 3,653 days (ten years) for the default six. It is a backstop: the
 * retention purge (infra/retention.ts) deletes the objects when the case item expires. Under a
 * legal hold an object version is never deleted: lifecycle may only put a delete marker on it.
 */
export function caseObjectsBackstop(schedule: RetentionSchedule): Duration {
  return Duration.days(yearsInDays(schedule.caseYears + CASE_OPEN_ALLOWANCE_YEARS));
}

/**
 * The expiry of compliance report files, counted from when each is written: accountabilityYears
 * from the end of the period (the report record's TTL), plus a year for a file written late or
 * re-run. 2,557 days (seven years) for the default six.
 */
export function reportsBackstop(schedule: RetentionSchedule): Duration {
  return Duration.days(yearsInDays(schedule.accountabilityYears + 1));
}

export interface StorageProps {
  /**
   * The retention schedule (RightsdeskConfig.retention): the lifecycle backstops are derived from
   * it, so they always come later than it; an explicit expiry below is refused when it would not.
   * @default RETENTION (shared/domain/retention.ts)
   */
  readonly retention?: RetentionSchedule;
  /**
   * Backstop expiry of raw inbound mail, counted from receipt. Raw MIME is the evidence of
   * what was asked and when the clock started. Never earlier than caseObjectsBackstop(retention).
   * @default caseObjectsBackstop(retention) (3,653 days for the default schedule)
   */
  readonly rawMailExpiry?: Duration;
  /**
   * Backstop expiry of attachments and exports (evidence of what was disclosed). Never earlier than caseObjectsBackstop(retention).
   * @default caseObjectsBackstop(retention) (3,653 days for the default schedule)
   */
  readonly filesExpiry?: Duration;
  /**
   * Expiry of compliance reports (the accountability record, Art. 5(2) UK GDPR).
   * Never earlier than reportsBackstop(retention).
   * @default reportsBackstop(retention) (2,557 days for the default schedule)
   */
  readonly reportsExpiry?: Duration;
  /**
   * Age at which objects move to S3 Standard-IA: cases are worked within about three
   * months, and are rarely read after the first month.
   * @default Duration.days(30)
   */
  readonly infrequentAccessAfter?: Duration;
  /**
   * Age at which objects move to Glacier Instant Retrieval (millisecond reads if a
   * complaint or claim needs them).
   * @default Duration.days(365)
   */
  readonly archiveAfter?: Duration;
  /**
   * How long an overwritten or deleted object version is kept. Short on purpose: after an
   * erasure the old version must not linger; 30 days still allows recovery from a mistake.
   * @default Duration.days(30)
   */
  readonly noncurrentVersionExpiry?: Duration;
  /**
   * Expiry of S3 server access logs (who read or wrote personal data, for breach
   * investigation; one year matches the Lambda log retention).
   * @default Duration.days(365)
   */
  readonly accessLogExpiry?: Duration;
  /**
   * Enable S3 Object Lock (no default retention) on rawMail and files so objects of a case
   * under legal hold can be locked against deletion. Cannot be turned off once deployed.
   * @default true
   */
  readonly objectLock?: boolean;
  /**
   * Alias of the data key.
   * @default `alias/<stack name, lower case>/data`
   */
  readonly keyAlias?: string;
}

export class Storage extends Construct {
  /** Customer-managed key for the table, the data buckets and the log groups. */
  public readonly key: kms.Key;
  public readonly casesTable: dynamodb.Table;
  public readonly rawMailBucket: s3.Bucket;
  public readonly filesBucket: s3.Bucket;
  public readonly reportsBucket: s3.Bucket;
  /** Target of the data buckets' server access logs (SSE-S3: the only encryption S3 log delivery supports). */
  public readonly accessLogsBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: StorageProps = {}) {
    super(scope, id);
    // Deliver server access logs through a bucket policy for logging.s3.amazonaws.com,
    // scoped to the source bucket, instead of the legacy LogDeliveryWrite ACL.
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);
    const stack = Stack.of(this);

    this.key = new kms.Key(this, 'Key', {
      description: 'Rightsdesk data key: cases table, mail, files, reports, logs',
      alias: props.keyAlias ?? `alias/${stack.stackName.toLowerCase()}/data`,
      enableKeyRotation: true,
      // The longest window: a scheduled deletion of this key would make every case unreadable.
      pendingWindow: Duration.days(30),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // CloudWatch Logs encrypts log groups with this key (ServiceFunction), only for log
    // groups in this account and region.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchLogsInThisRegion',
        principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:*`,
          },
        },
      }),
    );

    this.casesTable = this.createCasesTable();

    this.accessLogsBucket = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      lifecycleRules: [
        {
          id: 'expire-access-logs',
          expiration: props.accessLogExpiry ?? Duration.days(365),
          // A deleted or overwritten log survives 30 days: tampering with logs stays visible.
          noncurrentVersionExpiration: Duration.days(30),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const tiers = {
      infrequentAccessAfter: props.infrequentAccessAfter ?? Duration.days(30),
      archiveAfter: props.archiveAfter ?? Duration.days(365),
      noncurrentVersionExpiry: props.noncurrentVersionExpiry ?? Duration.days(30),
    };
    const objectLock = props.objectLock ?? true;
    const retention = props.retention ?? RETENTION;
    const caseBackstop = caseObjectsBackstop(retention);
    const reportsMinimum = reportsBackstop(retention);
    const atLeast = (name: string, given: Duration | undefined, minimum: Duration): Duration => {
      if (given !== undefined && given.toDays() < minimum.toDays()) {
        throw new Error(
          `Storage ${name} (${String(given.toDays())} days) would delete objects before the retention schedule does: it must be at least ${String(minimum.toDays())} days`,
        );
      }
      return given ?? minimum;
    };
    this.rawMailBucket = this.dataBucket('RawMail', 'raw-mail/', {
      ...tiers,
      expiry: atLeast('rawMailExpiry', props.rawMailExpiry, caseBackstop),
      objectLock,
    });
    this.filesBucket = this.dataBucket('Files', 'files/', { ...tiers, expiry: atLeast('filesExpiry', props.filesExpiry, caseBackstop), objectLock });
    this.reportsBucket = this.dataBucket('Reports', 'reports/', {
      ...tiers,
      expiry: atLeast('reportsExpiry', props.reportsExpiry, reportsMinimum),
      objectLock: false,
    });
  }

  /**
   * dynamodb.Table rather than TableV2: TableV2 synthesises AWS::DynamoDB::GlobalTable,
   * whose replicas are one property away from another region, and whose PITR setting
   * cdk-nag's DDB3 rule cannot see. The storage test asserts PITR either way.
   */
  private createCasesTable(): dynamodb.Table {
    const attr = (name: string): dynamodb.Attribute => ({ name, type: dynamodb.AttributeType.STRING });
    const table = new dynamodb.Table(this, 'CasesTable', {
      partitionKey: attr(CASES_TABLE.partitionKey),
      sortKey: attr(CASES_TABLE.sortKey),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: CASES_TABLE.ttlAttribute,
      // The retention purge (infra/retention.ts) reads TTL deletions' old images. Enabling a stream
      // updates the table in place (StreamSpecification: no interruption), never replaces it.
      stream: dynamodb.StreamViewType.OLD_IMAGE,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true, recoveryPeriodInDays: 35 },
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const [indexName, index] of Object.entries(CASES_TABLE.indexes)) {
      table.addGlobalSecondaryIndex({
        indexName,
        partitionKey: attr(index.partitionKey),
        ...(index.sortKey ? { sortKey: attr(index.sortKey) } : {}),
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }
    return table;
  }

  private dataBucket(
    id: string,
    logPrefix: string,
    opts: {
      expiry: Duration;
      infrequentAccessAfter: Duration;
      archiveAfter: Duration;
      noncurrentVersionExpiry: Duration;
      objectLock: boolean;
    },
  ): s3.Bucket {
    return new s3.Bucket(this, id, {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      // One KMS call per bucket key instead of per object: cheaper, and fewer KMS throttles.
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      ...(opts.objectLock ? { objectLockEnabled: true } : {}),
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: logPrefix,
      lifecycleRules: [
        {
          id: 'tier-and-expire',
          transitions: [
            { storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: opts.infrequentAccessAfter },
            { storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: opts.archiveAfter },
          ].filter((t) => t.transitionAfter.toDays() < opts.expiry.toDays()),
          expiration: opts.expiry,
          noncurrentVersionExpiration: opts.noncurrentVersionExpiry,
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
        // Once the last noncurrent version expires, drop the orphaned delete marker.
        { id: 'remove-expired-delete-markers', expiredObjectDeleteMarker: true },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
