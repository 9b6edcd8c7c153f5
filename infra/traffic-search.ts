/**
 * TrafficSearch: Icetrak's message traffic records as a searchable source (issue 14). The traffic
 * (billions of rows) is Parquet in S3 partitioned by day; Athena searches it by recipient number
 * with the one query in shared/fulfilment/traffic-query.ts, started by the search workflow's
 * `athena:startQueryExecution.sync` task. No servers of ours; locally DuckDB runs the same query on
 * the same files (infra/local/athena-local.ts).
 *
 * - Glue database with two tables, both with partition projection (no crawler, no partitions to
 *   register, no MSCK REPAIR):
 *   - `traffic`: Parquet under `s3://<traffic bucket>/traffic/day=YYYY-MM-DD/`, `day` a date
 *     projected from the first day of traffic to today;
 *   - `search_identifiers`: a run's phones file (shared/fulfilment/traffic-identifiers.ts) under
 *     `s3://<files bucket>/searches/<case_id>/<run_id>/identifiers/`, case_id and run_id injected
 *     from the query's WHERE clause: the query names ids, never a phone number.
 * - An Athena workgroup that enforces its configuration: results SSE-KMS with the stack's key in a
 *   results bucket of this stack, engine version chosen by Athena, and a cap on the bytes one
 *   query may scan (a runaway query costs at most that; Athena bills $5 per TB scanned).
 * - The results bucket (KMS, TLS only, no public access, server access logs, results expire after a
 *   day: the workflow reads them once into the case's records file).
 * - The traffic bucket: Icetrak's existing one, imported by name (context `rightsdesk:trafficBucket`),
 *   or created here (KMS, versioned, TLS only) when there is none yet.
 */
import { Arn, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { SEARCH_IDENTIFIERS_TABLE, TRAFFIC_TABLE } from '#shared/fulfilment/traffic-query';
import { nagReference } from './service-function';

/** CDK context keys this construct reads when its props leave them out. */
export const TRAFFIC_CONTEXT_KEYS = {
  trafficBucket: 'rightsdesk:trafficBucket',
  trafficFrom: 'rightsdesk:trafficFrom',
} as const;

/** Where in the results bucket the workgroup writes (and CollectTraffic reads) each query's results. */
export const RESULTS_PREFIX = 'athena/';

/** The first day of traffic the `day` projection covers unless told otherwise. */
export const DEFAULT_TRAFFIC_FROM = '2020-01-01';

/** 100 GB: a search of every day of a billion rows reads 3.6 to 13 GB (npm run bench -- search); a query reading ten times that is a mistake. */
export const DEFAULT_BYTES_SCANNED_CUTOFF = 100 * 1024 ** 3;

/** The traffic Parquet files' columns, as the delivery platform writes them (and infra/local/icetrak/traffic-data.ts). */
const TRAFFIC_COLUMNS: glue.CfnTable.ColumnProperty[] = [
  { name: 'message_id', type: 'string', comment: 'The message’s id on the platform' },
  { name: 'account_id', type: 'string', comment: 'The sending customer (the controller)' },
  { name: 'channel', type: 'string', comment: 'sms or fax' },
  { name: 'sender', type: 'string', comment: 'Sender id or number shown to the recipient' },
  { name: 'recipient', type: 'string', comment: 'Recipient number, E.164' },
  { name: 'sent_at', type: 'timestamp', comment: 'When the platform sent it (UTC)' },
  { name: 'status', type: 'string', comment: 'Delivery status' },
  { name: 'parts', type: 'int', comment: 'Message parts billed' },
];

export interface TrafficSearchProps {
  /** The stack's data key: encrypts the results (and a traffic bucket created here); the files bucket uses it too. */
  readonly key: kms.IKey;
  /** Rightsdesk's files bucket, where each run's identifiers file is written. */
  readonly filesBucket: s3.IBucket;
  /** Where the results and a created traffic bucket deliver their server access logs (Storage.accessLogsBucket). */
  readonly accessLogsBucket: s3.IBucket;
  /**
   * Name of Icetrak's existing traffic bucket (in this account and eu-west-2; its objects
   * encrypted with `key` or SSE-S3).
   * @default - context `rightsdesk:trafficBucket`; when that is unset too, a bucket is created
   */
  readonly trafficBucketName?: string;
  /**
   * First day (YYYY-MM-DD) of the `day` partition projection; days before it are never read.
   * @default - context `rightsdesk:trafficFrom`, else DEFAULT_TRAFFIC_FROM
   */
  readonly trafficFrom?: string;
  /**
   * Most bytes one query may scan before Athena cancels it.
   * @default DEFAULT_BYTES_SCANNED_CUTOFF (100 GB)
   */
  readonly bytesScannedCutoffPerQuery?: number;
  /**
   * How long query results are kept.
   * @default Duration.days(1)
   */
  readonly resultsExpiry?: Duration;
  /**
   * Glue database name (lower-case letters, digits, underscores).
   * @default `<stack name, lower case>_traffic`
   */
  readonly databaseName?: string;
  /**
   * Athena workgroup name.
   * @default `<stack name>-traffic-search`
   */
  readonly workGroupName?: string;
}

export class TrafficSearch extends Construct {
  public readonly databaseName: string;
  public readonly trafficTableName = TRAFFIC_TABLE;
  public readonly identifiersTableName = SEARCH_IDENTIFIERS_TABLE;
  public readonly workGroupName: string;
  public readonly workGroup: athena.CfnWorkGroup;
  public readonly resultsBucket: s3.Bucket;
  /** The key prefix Athena writes results under in the results bucket (`<prefix><QueryExecutionId>.csv`). */
  public readonly resultsPrefix = RESULTS_PREFIX;
  /** Where Athena writes results: `s3://<results bucket>/athena/`. */
  public readonly outputLocation: string;
  public readonly trafficBucket: s3.IBucket;
  /** The first day of the `day` projection. */
  public readonly trafficFrom: string;
  private readonly key: kms.IKey;
  private readonly filesBucket: s3.IBucket;

  constructor(scope: Construct, id: string, props: TrafficSearchProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.key = props.key;
    this.filesBucket = props.filesBucket;

    const trafficBucketName = props.trafficBucketName ?? (this.node.tryGetContext(TRAFFIC_CONTEXT_KEYS.trafficBucket) as unknown);
    if (trafficBucketName !== undefined && (typeof trafficBucketName !== 'string' || !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(trafficBucketName))) {
      throw new Error(`${TRAFFIC_CONTEXT_KEYS.trafficBucket} must be an S3 bucket name.`);
    }
    const trafficFrom = props.trafficFrom ?? (this.node.tryGetContext(TRAFFIC_CONTEXT_KEYS.trafficFrom) as unknown) ?? DEFAULT_TRAFFIC_FROM;
    if (typeof trafficFrom !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(trafficFrom) || Number.isNaN(Date.parse(trafficFrom))) {
      throw new Error(`${TRAFFIC_CONTEXT_KEYS.trafficFrom} must be a date, YYYY-MM-DD.`);
    }
    this.trafficFrom = trafficFrom;
    const cutoff = props.bytesScannedCutoffPerQuery ?? DEFAULT_BYTES_SCANNED_CUTOFF;
    if (!Number.isInteger(cutoff) || cutoff < 10_000_000) throw new Error('bytesScannedCutoffPerQuery must be at least 10 MB (Athena’s minimum).');

    this.trafficBucket =
      typeof trafficBucketName === 'string' ? s3.Bucket.fromBucketName(this, 'TrafficBucket', trafficBucketName) : this.createTrafficBucket(props);

    this.resultsBucket = new s3.Bucket(this, 'Results', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: props.key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: 'athena-results/',
      lifecycleRules: [
        // Results hold the traffic found for a person: read once into the case's records file, then gone.
        { id: 'expire-results', expiration: props.resultsExpiry ?? Duration.days(1), abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.outputLocation = `s3://${this.resultsBucket.bucketName}/${RESULTS_PREFIX}`;

    this.databaseName = props.databaseName ?? `${stack.stackName.toLowerCase().replace(/[^a-z0-9_]/g, '_')}_traffic`;
    const database = new glue.CfnDatabase(this, 'Database', {
      catalogId: stack.account,
      databaseInput: {
        name: this.databaseName,
        description: 'Rightsdesk: Icetrak’s message traffic records, searched by recipient number for rights requests',
      },
    });

    const trafficTable = new glue.CfnTable(this, 'TrafficTable', {
      catalogId: stack.account,
      databaseName: this.databaseName,
      tableInput: {
        name: TRAFFIC_TABLE,
        description: 'SMS and fax delivery records, Parquet by day (Icetrak is the sending customer’s processor)',
        tableType: 'EXTERNAL_TABLE',
        parameters: {
          classification: 'parquet',
          EXTERNAL: 'TRUE',
          'projection.enabled': 'true',
          'projection.day.type': 'date',
          'projection.day.format': 'yyyy-MM-dd',
          'projection.day.range': `${trafficFrom},NOW`,
          'projection.day.interval': '1',
          'projection.day.interval.unit': 'DAYS',
          'storage.location.template': `s3://${this.trafficBucket.bucketName}/traffic/day=\${day}/`,
        },
        partitionKeys: [{ name: 'day', type: 'date', comment: 'The UTC day the messages were sent' }],
        storageDescriptor: {
          columns: TRAFFIC_COLUMNS,
          location: `s3://${this.trafficBucket.bucketName}/traffic/`,
          inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
          serdeInfo: { serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
        },
      },
    });
    trafficTable.node.addDependency(database);

    const identifiersTable = new glue.CfnTable(this, 'IdentifiersTable', {
      catalogId: stack.account,
      databaseName: this.databaseName,
      tableInput: {
        name: SEARCH_IDENTIFIERS_TABLE,
        description: 'A search run’s phone numbers (one E.164 number a line), by case and run id',
        tableType: 'EXTERNAL_TABLE',
        parameters: {
          classification: 'csv',
          EXTERNAL: 'TRUE',
          'projection.enabled': 'true',
          // Injected: Athena takes each value from the query's WHERE clause, which must name both.
          'projection.case_id.type': 'injected',
          'projection.run_id.type': 'injected',
          'storage.location.template': `s3://${props.filesBucket.bucketName}/searches/\${case_id}/\${run_id}/identifiers/`,
        },
        partitionKeys: [
          { name: 'case_id', type: 'string' },
          { name: 'run_id', type: 'string' },
        ],
        storageDescriptor: {
          columns: [{ name: 'phone', type: 'string', comment: 'E.164' }],
          location: `s3://${props.filesBucket.bucketName}/searches/`,
          inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          serdeInfo: {
            serializationLibrary: 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe',
            parameters: { 'field.delim': ',', 'serialization.format': ',' },
          },
        },
      },
    });
    identifiersTable.node.addDependency(database);

    this.workGroupName = props.workGroupName ?? `${stack.stackName}-traffic-search`;
    this.workGroup = new athena.CfnWorkGroup(this, 'WorkGroup', {
      name: this.workGroupName,
      description: 'Rightsdesk: searches of the message traffic for rights requests',
      state: 'ENABLED',
      recursiveDeleteOption: true, // its query history only; results live in the results bucket
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: cutoff,
        engineVersion: { selectedEngineVersion: 'AUTO' },
        resultConfiguration: {
          outputLocation: this.outputLocation,
          encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKey: props.key.keyArn },
          expectedBucketOwner: stack.account,
        },
      },
    });
  }

  private createTrafficBucket(props: TrafficSearchProps): s3.Bucket {
    return new s3.Bucket(this, 'Traffic', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: props.key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: 'traffic/',
      lifecycleRules: [
        { id: 'expire-noncurrent', noncurrentVersionExpiration: Duration.days(30), abortIncompleteMultipartUploadAfter: Duration.days(1) },
        { id: 'remove-expired-delete-markers', expiredObjectDeleteMarker: true },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /**
   * What a searcher needs (the search workflow's role): run queries in this workgroup only, read
   * the two tables' definitions, read the traffic and the runs' identifiers files (Athena reads S3
   * with the caller's permissions), write and read the results, and use the key for all three.
   */
  public grantSearch(grantable: iam.IGrantable): void {
    const stack = Stack.of(this);
    const arn = (service: string, resource: string) => Arn.format({ service, resource }, stack);
    const statements = [
      new iam.PolicyStatement({
        sid: 'TrafficSearchAthena',
        actions: ['athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:StopQueryExecution'],
        resources: [arn('athena', `workgroup/${this.workGroupName}`)],
      }),
      new iam.PolicyStatement({
        sid: 'TrafficSearchGlue',
        actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartitions'],
        resources: [
          arn('glue', 'catalog'),
          arn('glue', `database/${this.databaseName}`),
          arn('glue', `table/${this.databaseName}/${TRAFFIC_TABLE}`),
          arn('glue', `table/${this.databaseName}/${SEARCH_IDENTIFIERS_TABLE}`),
        ],
      }),
      new iam.PolicyStatement({
        sid: 'TrafficSearchReadTraffic',
        actions: ['s3:GetObject'],
        resources: [this.trafficBucket.arnForObjects('traffic/*'), this.filesBucket.arnForObjects('searches/*/*/identifiers/*')],
      }),
      new iam.PolicyStatement({
        sid: 'TrafficSearchListTraffic',
        actions: ['s3:ListBucket'],
        resources: [this.trafficBucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': 'traffic/*' } },
      }),
      new iam.PolicyStatement({
        sid: 'TrafficSearchListIdentifiers',
        actions: ['s3:ListBucket'],
        resources: [this.filesBucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': 'searches/*/*/identifiers/*' } },
      }),
      new iam.PolicyStatement({
        sid: 'TrafficSearchBucketLocation',
        actions: ['s3:GetBucketLocation'],
        resources: [this.trafficBucket.bucketArn, this.filesBucket.bucketArn],
      }),
      new iam.PolicyStatement({
        sid: 'TrafficSearchResults',
        actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
        resources: [this.resultsBucket.arnForObjects(`${RESULTS_PREFIX}*`)],
      }),
      new iam.PolicyStatement({
        sid: 'TrafficSearchResultsBucket',
        actions: ['s3:ListBucket', 's3:GetBucketLocation', 's3:ListBucketMultipartUploads'],
        resources: [this.resultsBucket.bucketArn],
      }),
    ];
    for (const statement of statements) grantable.grantPrincipal.addToPrincipalPolicy(statement);
    // Decrypt to read the traffic, the identifiers and the results; GenerateDataKey for Athena to write the results (SSE-KMS).
    this.key.grant(grantable, 'kms:Decrypt', 'kms:GenerateDataKey');

    const policy = grantable.grantPrincipal instanceof iam.Role ? grantable.grantPrincipal.node.tryFindChild('DefaultPolicy') : undefined;
    if (!policy) return;
    const wildcards: [string, string][] = [
      [
        this.trafficBucket.arnForObjects('traffic/*'),
        'The traffic is one Parquet object per day partition and file (traffic/day=YYYY-MM-DD/…), thousands of keys Athena reads for ' +
          'one search; s3:GetObject only, under the traffic/ prefix of the traffic bucket only.',
      ],
      [
        this.filesBucket.arnForObjects('searches/*/*/identifiers/*'),
        'Athena reads the identifiers file of the run it searches (searches/<caseId>/<runId>/identifiers/), ids unknown in advance; ' +
          's3:GetObject only, only on identifiers folders, never on the records, exports or mail in the files bucket.',
      ],
      [
        this.resultsBucket.arnForObjects(`${RESULTS_PREFIX}*`),
        'Athena writes each query’s results as athena/<QueryExecutionId>.csv, an id made per query, and the workflow reads them back; ' +
          'only the results bucket of this workgroup, whose objects expire after a day.',
      ],
    ];
    for (const [resource, reason] of wildcards) {
      Validations.of(policy).acknowledge({ id: `AwsSolutions-IAM5[Resource::${nagReference(stack, resource)}]`, reason });
    }
  }
}
