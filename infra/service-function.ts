/**
 * ServiceFunction: every Lambda default in one place (STYLE.md, after Powertools'
 * FunctionWithLogGroup), plus bind methods that set an environment variable and grant
 * exactly the matching IAM permissions in one call, so the two can never drift apart.
 */
import { fileURLToPath } from 'node:url';
import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Charset, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { CASES_TABLE } from '#adapters/cases-table-schema';
import { RECIPIENT_SECRET_PREFIX } from '#domain/register';
import type { HandlerSpec } from '#lambdas/manifest';
import { BUNDLE_ALIASES, BUNDLE_TARGET, ESM_REQUIRE_BANNER, LAZY_CHARSETS } from './bundling';
import type { HandlerResources } from './handler-resources';
import { ENV_NAMES, type EnvName, RUNTIME_ENV_NAMES } from './env-names';

/**
 * The newest GA Node.js runtime aws-cdk-lib 2.276 offers (cdk-nag L1 checks for it).
 * Developer machines run Node 20; the bundle targets the runtime, not the build machine.
 */
export const RUNTIME = lambda.Runtime.NODEJS_24_X;
/** Amazon's CA certificates as the Node.js 20+ Lambda runtimes ship them (see trustAmazonCertificates). */
export const AMAZON_CA_BUNDLE = '/var/runtime/ca-cert.pem';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
export type TableAccess = 'read' | 'readWrite';
/** 'write' creates or overwrites objects, without reading or deleting them; 'purge' lists and deletes versions; 'hold' lists versions and sets legal holds (lambdas/manifest.ts). */
export type BucketAccess = 'read' | 'write' | 'readWrite' | 'purge' | 'hold';

/** What bindMail needs from the outbound-mail construct (OutboundMail). */
export interface MailSender {
  readonly senderAddress: string;
  grantSend(grantee: iam.IGrantable): unknown;
}

/** The network a function runs in (a VPC's subnets and security groups), e.g. Icetrak's, to reach its account database. */
export interface FunctionNetwork {
  readonly vpc: ec2.IVpc;
  readonly subnets: readonly ec2.ISubnet[];
  readonly securityGroups: readonly ec2.ISecurityGroup[];
}

export interface ServiceFunctionProps {
  /** Absolute path of the handler module, e.g. lambdas/intake/submit-request.ts. */
  readonly entry: string;
  /**
   * Name of the exported handler.
   * @default 'handler'
   */
  readonly handler?: string;
  /**
   * The manifest entry the function is made from (use forHandler).
   * @default - none
   */
  readonly spec?: HandlerSpec;
  /** The bounded context (intake, email, cases, ...): POWERTOOLS_SERVICE_NAME. */
  readonly serviceName: string;
  /**
   * Encrypts the log group. Its key policy must let CloudWatch Logs in this region use it
   * (Storage.key does).
   */
  readonly key: kms.IKey;
  /** @default - no description */
  readonly description?: string;
  /**
   * 512 MB gives a proportionate CPU share: cold starts of a bundled SDK stay short.
   * @default 512
   */
  readonly memorySize?: number;
  /**
   * Short, so a stuck call fails fast; callers (API Gateway, Step Functions) retry.
   * @default Duration.seconds(10)
   */
  readonly timeout?: Duration;
  /**
   * Reserve (and cap) concurrency, e.g. to protect the table from a flood on a public route.
   * @default - none: the function uses the account's unreserved pool
   */
  readonly reservedConcurrentExecutions?: number;
  /**
   * Logs are operational and security evidence (breach investigation, who did what when
   * an audit entry is disputed); the case audit trail itself lives in DynamoDB. A year
   * matches the S3 access-log expiry and the ICO's expectation that breaches can be traced.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Application log level (POWERTOOLS_LOG_LEVEL and Lambda's application log filter).
   * @default 'INFO'
   */
  readonly logLevel?: LogLevel;
  /** @default - no VPC */
  readonly network?: FunctionNetwork;
}

/** What ServiceFunction.forHandler needs besides the manifest entry. */
export interface HandlerFunctionOptions extends Pick<
  ServiceFunctionProps,
  'key' | 'serviceName' | 'logRetention' | 'reservedConcurrentExecutions' | 'network'
> {
  /** Binds the entry's `uses`: its environment and grants, and nothing else. */
  readonly resources: HandlerResources;
}

export class ServiceFunction extends Construct implements iam.IGrantable {
  /**
   * The function of one manifest entry (lambdas/<context>/manifest.ts): its entry, description,
   * timeout and memory from the manifest, its environment and grants from the entry's `uses`.
   */
  public static forHandler(scope: Construct, spec: HandlerSpec, opts: HandlerFunctionOptions): ServiceFunction {
    const fn = new ServiceFunction(scope, spec.id, {
      entry: `${REPO_ROOT}${spec.entry}`,
      spec,
      serviceName: opts.serviceName,
      key: opts.key,
      description: spec.description,
      ...(spec.memoryMb !== undefined && { memorySize: spec.memoryMb }),
      ...(spec.timeoutSeconds !== undefined && { timeout: Duration.seconds(spec.timeoutSeconds) }),
      ...(opts.logRetention !== undefined && { logRetention: opts.logRetention }),
      ...(opts.reservedConcurrentExecutions !== undefined && { reservedConcurrentExecutions: opts.reservedConcurrentExecutions }),
      ...(opts.network && { network: opts.network }),
    });
    opts.resources.bind(fn, spec.uses);
    return fn;
  }

  public readonly fn: NodejsFunction;
  /** The manifest entry this function was made from (forHandler). */
  public readonly spec?: HandlerSpec;
  public readonly role: iam.Role;
  public readonly logGroup: logs.LogGroup;
  public readonly grantPrincipal: iam.IPrincipal;
  private readonly boundEnv = new Map<string, string>();

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    this.spec = props.spec;
    const logLevel = props.logLevel ?? 'INFO';

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      encryptionKey: props.key,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // An explicit role with no managed policy (AWSLambdaBasicExecutionRole would allow
    // writing to every log group in the account): only this function's log group.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Rightsdesk ${props.serviceName} function ${this.node.path}`,
    });
    this.grantPrincipal = this.role;
    this.logGroup.grantWrite(this.role);

    this.fn = new NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: props.handler ?? 'handler',
      description: props.description,
      runtime: RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      ...(props.network && {
        vpc: props.network.vpc,
        vpcSubnets: { subnets: [...props.network.subnets] },
        securityGroups: [...props.network.securityGroups],
      }),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel[logLevel],
      systemLogLevelV2: lambda.SystemLogLevel.INFO,
      projectRoot: REPO_ROOT,
      depsLockFilePath: `${REPO_ROOT}package-lock.json`,
      bundling: {
        format: OutputFormat.ESM,
        target: BUNDLE_TARGET,
        minify: true,
        sourceMap: true,
        // Stack traces map to file:line without shipping the sources in the bundle.
        sourcesContent: false,
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        // Bundle the SDK instead of using the runtime's copy: the exact versions pinned in
        // package-lock.json run in AWS, as they do in tests and locally.
        // Rare charset tables ship beside the bundle and load only for mail that needs them (infra/bundling.ts).
        externalModules: [...LAZY_CHARSETS.external],
        esbuildArgs: Object.fromEntries(Object.entries({ ...BUNDLE_ALIASES, ...LAZY_CHARSETS.alias }).map(([from, to]) => [`--alias:${from}`, to])),
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir, outputDir) => LAZY_CHARSETS.afterBundling(inputDir, outputDir),
        },
        // CJK charset tables as UTF-8, not \uXXXX escapes (half the size).
        charset: Charset.UTF8,
      },
      environment: {
        [RUNTIME_ENV_NAMES.NODE_OPTIONS]: '--enable-source-maps',
        [RUNTIME_ENV_NAMES.POWERTOOLS_SERVICE_NAME]: props.serviceName,
        [RUNTIME_ENV_NAMES.POWERTOOLS_LOG_LEVEL]: logLevel,
      },
    });

    if (props.network) {
      // Lambda's own ENI management in the VPC (CDK attaches the AWS managed policy for it to the role).
      Validations.of(this.role).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
        reason:
          'AWSLambdaVPCAccessExecutionRole holds only the EC2 network-interface actions Lambda needs to attach this function ' +
          'to its VPC subnets (and log writing); AWS maintains it as the service changes, which a copy would not follow.',
      });
    }

    // Active tracing, with its permissions in a policy of their own so the wildcard they need is
    // acknowledged on that policy alone and not on the role's grants. One policy for the stack,
    // attached to every function's role: a policy per function would cost a CloudFormation
    // resource each, against the stack's limit of 500.
    (this.fn.node.defaultChild as lambda.CfnFunction).tracingConfig = { mode: lambda.Tracing.ACTIVE };
    this.tracingPolicy = tracingPolicyOf(Stack.of(this));
    this.tracingPolicy.attachToRole(this.role);
    this.fn.node.addDependency(this.tracingPolicy);
  }

  /** The stack's one X-Ray policy, attached to this function's role (and every other function's). */
  public readonly tracingPolicy: iam.Policy;

  /** Sets an application environment variable; binding one name to two values throws. */
  public bindEnv(name: EnvName, value: string): this {
    const previous = this.boundEnv.get(name);
    if (previous !== undefined && previous !== value) {
      throw new Error(`${this.node.path}: ${name} is already bound to a different value`);
    }
    this.boundEnv.set(name, value);
    this.fn.addEnvironment(name, value);
    return this;
  }

  /**
   * CASES_TABLE plus the item-level actions DynamoCaseStore uses, on the table and its four
   * indexes by name. No Scan (every access pattern has a key or an index), no streams,
   * no table administration.
   */
  public bindCases(table: dynamodb.ITable, access: TableAccess = 'readWrite'): this {
    this.bindEnv(ENV_NAMES.CASES_TABLE, table.tableName);
    const actions = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'];
    if (access === 'readWrite') {
      actions.push('dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem');
    }
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions,
        resources: [table.tableArn, ...Object.keys(CASES_TABLE.indexes).map((index) => `${table.tableArn}/index/${index}`)],
      }),
    );
    // What DynamoDB calls on the caller's behalf to use the table key. The ReEncrypt* and
    // GenerateDataKey* variants CDK's own grants add are only used when the table moves to a
    // new key, which is an administrator's UpdateTable, not a function's job.
    table.encryptionKey?.grant(this.role, 'kms:Decrypt', 'kms:DescribeKey', ...(access === 'readWrite' ? ['kms:Encrypt', 'kms:GenerateDataKey'] : []));
    return this;
  }

  /**
   * Sets `envName` to the secret's ARN and grants reading its value (GetSecretValue and
   * DescribeSecret on this secret, and Decrypt on its key through Secrets Manager only).
   */
  public bindSecret(envName: EnvName, secret: secretsmanager.ISecret): this {
    this.bindEnv(envName, secret.secretArn);
    secret.grantRead(this.role);
    return this;
  }

  /**
   * Makes Node trust Amazon's certificate authorities, the RDS ones among them, so the account
   * database's certificate verifies (accounts-db.ts connects with `rejectUnauthorized: true`).
   * Since Node.js 20 the Lambda runtimes no longer load Amazon's CA certificates at start (it slowed
   * every cold start); they ship them in /var/runtime/ca-cert.pem and load them when
   * NODE_EXTRA_CA_CERTS names that file. Found with the search tool (corpus pages, "Lambda Node.js
   * NODE_EXTRA_CA_CERTS RDS ca-cert.pem"): https://dev.classmethod.jp/articles/node-extra-ca-certs-influence-cold-start/
   * summarising AWS's Node.js 20 runtime announcement. Only on the functions that need it: reading
   * the file costs cold-start time.
   */
  public trustAmazonCertificates(): this {
    this.fn.addEnvironment(RUNTIME_ENV_NAMES.NODE_EXTRA_CA_CERTS, AMAZON_CA_BUNDLE);
    return this;
  }

  /**
   * Sets `envName` to the secret's ARN and grants rotating it, and only it: reading its
   * versions, writing a new one and moving staging labels (DescribeSecret, GetSecretValue,
   * PutSecretValue, UpdateSecretVersionStage), and Decrypt and GenerateDataKey on its key through
   * Secrets Manager for this secret only. No GetRandomPassword (the key comes from node:crypto).
   */
  public bindSecretRotation(envName: EnvName, secret: secretsmanager.ISecret): this {
    this.bindEnv(envName, secret.secretArn);
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [
          'secretsmanager:DescribeSecret',
          'secretsmanager:GetSecretValue',
          'secretsmanager:PutSecretValue',
          'secretsmanager:UpdateSecretVersionStage',
        ],
        resources: [secret.secretFullArn ?? `${secret.secretArn}-??????`],
      }),
    );
    if (secret.encryptionKey) {
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: [secret.encryptionKey.keyArn],
          conditions: {
            StringEquals: {
              'kms:ViaService': `secretsmanager.${Stack.of(this).region}.amazonaws.com`,
              'kms:EncryptionContext:SecretARN': secret.secretArn,
            },
          },
        }),
      );
    }
    return this;
  }

  /**
   * Grants reading recipients' API tokens for Art. 19 notices (issue 15): GetSecretValue on the
   * secrets named `rightsdesk/recipients/*` in this stack's account and region, and no other. The
   * register names each recipient's secret; they are created by the operator (docs/operations.md),
   * not by this stack, so there is no ARN to name one by one, and no environment variable: the
   * name comes from the register. Secrets under the prefix use the aws/secretsmanager key, which
   * Secrets Manager decrypts for a caller allowed GetSecretValue: no KMS grant.
   */
  public bindRecipientSecrets(): this {
    const stack = Stack.of(this);
    const secrets = stack.formatArn({
      service: 'secretsmanager',
      resource: 'secret',
      resourceName: `${RECIPIENT_SECRET_PREFIX}*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secrets] }));
    Validations.of(this.role.node.findChild('DefaultPolicy')).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagReference(stack, secrets)}]`,
      reason:
        `Recipients' API tokens are secrets the operator creates per recipient under ${RECIPIENT_SECRET_PREFIX} (named in the ` +
        'processing register, which is configuration), so their ARNs (with Secrets Manager’s random suffix) are unknown when ' +
        'the stack is synthesised; the statement names that prefix in this account and region only, and only GetSecretValue.',
    });
    return this;
  }

  /**
   * Sets SENDER_ADDRESS to the mail construct's From address and grants sending from it, and
   * from nothing else (OutboundMail.grantSend).
   */
  public bindMail(mail: MailSender): this {
    this.bindEnv(ENV_NAMES.SENDER_ADDRESS, mail.senderAddress);
    mail.grantSend(this.role);
    return this;
  }

  /**
   * Sets `envName` to the bucket's name and grants `access` to its objects:
   * read = GetObject + ListBucket (a missing key is a 404, not a 403); write = PutObject +
   * AbortMultipartUpload; readWrite = both + DeleteObject (a delete marker: permanent
   * version deletion is left to the lifecycle rules). Plus the matching use of the bucket key.
   *
   * With a `prefix`, the object actions name only keys under it, and there is no ListBucket
   * (it would name every key in the bucket): a missing key under the prefix is then a 403
   * (AccessDenied), not a 404.
   */
  public bindBucket(envName: EnvName, bucket: s3.IBucket, access: BucketAccess, prefix = ''): this {
    this.bindEnv(envName, bucket.bucketName);
    if (access === 'purge') return this.bindBucketPurge(bucket, prefix);
    if (access === 'hold') return this.bindBucketHold(bucket, prefix);
    const reads = access !== 'write';
    const writes = access !== 'read';
    const objectActions = [
      ...(reads ? ['s3:GetObject'] : []),
      ...(writes ? ['s3:PutObject', 's3:AbortMultipartUpload'] : []),
      ...(access === 'readWrite' ? ['s3:DeleteObject'] : []),
    ];
    const objects = bucket.arnForObjects(`${prefix}*`);
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: objectActions, resources: [objects] }));
    if (reads && !prefix) {
      this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }));
    }
    // Reading needs Decrypt; writing needs GenerateDataKey, and Decrypt for multipart uploads.
    bucket.encryptionKey?.grant(this.role, 'kms:Decrypt', ...(writes ? ['kms:GenerateDataKey'] : []));

    Validations.of(this.role.node.findChild('DefaultPolicy')).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagReference(Stack.of(this), objects)}]`,
      reason: prefix
        ? `Objects under ${prefix} in ${bucket.node.path} are keyed by ids unknown in advance (a case id, an SES message ` +
          `id), so a function serving any of them needs every key under the prefix; the statement names only that prefix ` +
          `of this bucket and only the ${access} actions.`
        : `Objects in ${bucket.node.path} are keyed by case id, so a function serving any case needs every key in this ` +
          `one bucket; the statement names this bucket only and only the ${access} actions.`,
    });
    return this;
  }

  private bindBucketHold(bucket: s3.IBucket, prefix: string): this {
    for (const statement of holdStatements(bucket, prefix)) this.role.addToPrincipalPolicy(statement);
    Validations.of(this.role.node.findChild('DefaultPolicy')).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagReference(Stack.of(this), bucket.arnForObjects(`${prefix}*`))}]`,
      reason:
        `A legal hold covers every object of a case in ${bucket.node.path}${prefix ? ` under ${prefix}` : ''}, keyed by case and SES ` +
        'message ids unknown in advance, so it needs every key there; only s3:PutObjectLegalHold and s3:GetObjectLegalHold on this bucket.',
    });
    return this;
  }

  /**
   * Retention's access (issue 13): list every version under `prefix` and delete versions and delete
   * markers. No read, no write, no KMS (neither listing nor deleting decrypts), no legal-hold bypass
   * (s3:BypassGovernanceRetention is not granted; a held version fails to delete).
   */
  private bindBucketPurge(bucket: s3.IBucket, prefix: string): this {
    const objects = bucket.arnForObjects(`${prefix}*`);
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:DeleteObject', 's3:DeleteObjectVersion'], resources: [objects] }));
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucketVersions'],
        resources: [bucket.bucketArn],
        ...(prefix ? { conditions: { StringLike: { 's3:prefix': `${prefix}*` } } } : {}),
      }),
    );
    Validations.of(this.role.node.findChild('DefaultPolicy')).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagReference(Stack.of(this), objects)}]`,
      reason:
        `Retention deletes the objects of expired cases in ${bucket.node.path}${prefix ? ` under ${prefix}` : ''}, keyed by case and SES ` +
        'message ids unknown in advance, so it needs every key there; only s3:DeleteObject and s3:DeleteObjectVersion on this bucket.',
    });
    return this;
  }
}

/**
 * A legal hold's access (issue 13): list every version under `prefix` and place or lift the legal
 * hold on them. No read, no write, no delete, no KMS (neither call decrypts), no retention change.
 */
/** The stack's one policy with the X-Ray actions every function needs (made on first use). */
function tracingPolicyOf(stack: Stack): iam.Policy {
  const existing = stack.node.tryFindChild(TRACING_POLICY_ID);
  if (existing instanceof iam.Policy) return existing;
  if (existing) throw new Error(`${TRACING_POLICY_ID} is taken in ${stack.node.path} by something other than the tracing policy.`);
  const tracing = new iam.Policy(stack, TRACING_POLICY_ID, {
    statements: [new iam.PolicyStatement({ actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], resources: ['*'] })],
  });
  Validations.of(tracing).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions, so "*" is the only ' +
      'valid resource; this policy holds only those two actions, and is attached to the functions’ roles.',
  });
  return tracing;
}

/** Construct id of the stack's X-Ray policy (infra/service-function.ts tracingPolicyOf). */
export const TRACING_POLICY_ID = 'FunctionTracing';

function holdStatements(bucket: s3.IBucket, prefix: string): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({ actions: ['s3:PutObjectLegalHold', 's3:GetObjectLegalHold'], resources: [bucket.arnForObjects(`${prefix}*`)] }),
    new iam.PolicyStatement({
      actions: ['s3:ListBucketVersions'],
      resources: [bucket.bucketArn],
      ...(prefix ? { conditions: { StringLike: { 's3:prefix': `${prefix}*` } } } : {}),
    }),
  ];
}

/**
 * A token-bearing string as cdk-nag's IAM5 rule prints it in a finding id, e.g.
 * `<StorageRawMail1A2B3C4D.Arn>/*`.
 */
export function nagReference(stack: Stack, value: string): string {
  const flatten = (node: unknown): string => {
    if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
    if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (Array.isArray(o['Fn::Join'])) {
        const [delimiter, items] = o['Fn::Join'] as [string, unknown[]];
        return items.map(flatten).join(delimiter);
      }
      if (Array.isArray(o['Fn::GetAtt'])) {
        const [logicalId, attribute] = o['Fn::GetAtt'] as [unknown, unknown];
        return `<${flatten(logicalId)}.${flatten(attribute)}>`;
      }
      if ('Ref' in o) return `<${flatten(o.Ref)}>`;
      if ('Fn::Sub' in o) return flatten(o['Fn::Sub']);
    }
    return JSON.stringify(node);
  };
  return flatten(stack.resolve(value));
}
