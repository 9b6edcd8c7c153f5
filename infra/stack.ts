/**
 * The one Rightsdesk stack. It composes one construct per context (PublicApi for intake,
 * InboundMail for email, DeadlineKeeper for deadlines, ComplianceReports for the
 * scheduled reports, Retention for the purge of expired cases, Fulfilment for the search of
 * Icetrak's systems over TrafficSearch and the account database's secret) over Storage and OutboundMail, with
 * StaffSignIn (Cognito) for the desk and the staff API. Each
 * context construct creates the functions of its manifest (lambdas/<context>/manifest.ts) and
 * binds them through one HandlerResources, which the stack seeds with the storage, the mail
 * identity and the configuration.
 */
import { CfnOutput, Lazy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { CASES } from '#lambdas/cases/manifest';
import { FULFILMENT } from '#lambdas/fulfilment/manifest';
import { INTAKE } from '#lambdas/intake/manifest';
import { REPORTS } from '#lambdas/reports/manifest';
import { RETENTION } from '#lambdas/retention/manifest';
import { PublicApi, type PublicApiProps } from './api';
import { DEFAULT_MAIL_DAILY_LIMIT, type RightsdeskConfig } from './config';
import { ComplianceReports } from './compliance-reports';
import { DeadlineKeeper, type DeadlineKeeperProps } from './deadline-keeper';
import { Fulfilment, type FulfilmentProps } from './fulfilment';
import { PlanExecutionWorkflow } from './plan-execution';
import { HandlerResources } from './handler-resources';
import { InboundMail, type InboundMailProps } from './inbound-mail';
import { MailOutbox } from './mail-outbox';
import { OutboundMail } from './outbound-mail';
import { assertLondonRegion } from './residency';
import { Retention } from './retention';
import { SigningKeyRotation, type SigningKeyRotationProps } from './signing-key-rotation';
import { StaffSignIn } from './staff-sign-in';
import { Storage, type StorageProps } from './storage';
import { TrafficSearch, type TrafficSearchProps } from './traffic-search';

/** CDK context naming Icetrak's existing account-database secret (and its KMS key, when it has a customer-managed one). */
export const ACCOUNTS_DB_CONTEXT = { secretArn: 'icetrak:accountsDbSecretArn', keyArn: 'icetrak:accountsDbSecretKeyArn' } as const;

/** PublicApi props the stack leaves to the caller: the rest come from Storage, OutboundMail and the config. */
export type PublicApiOptions = Omit<PublicApiProps, 'key' | 'resources' | 'dpoAddress' | 'customDomain' | 'publicBaseUrl' | 'staffUserPool'>;

/** DeadlineKeeper props the stack leaves to the caller (offsets, schedule, alarm emails). */
export type DeadlineKeeperOptions = Omit<DeadlineKeeperProps, 'key' | 'resources'>;

/** InboundMail props the stack leaves to the caller (retries, retention, recipients, concurrency). */
export type InboundMailOptions = Omit<InboundMailProps, 'key' | 'resources' | 'rawMailBucket' | 'mail' | 'dpoAddress' | 'teamAddress' | 'alarmTopic'>;

/** Fulfilment props the stack leaves to the caller (the network, log retention); the traffic search is the stack's TrafficSearch. */
export type FulfilmentOptions = Omit<FulfilmentProps, 'key' | 'resources' | 'alarmTopic' | 'traffic'>;

/** TrafficSearch props the stack leaves to the caller (traffic bucket, first day, scan cutoff, names). */
export type TrafficSearchOptions = Omit<TrafficSearchProps, 'key' | 'filesBucket' | 'accessLogsBucket'>;

export interface RightsdeskStackProps extends StackProps {
  /** Validated deployment configuration (readConfig). */
  readonly config: RightsdeskConfig;
  /** @default - Storage's documented defaults */
  readonly storage?: StorageProps;
  /** @default - PublicApi's documented defaults */
  readonly api?: PublicApiOptions;
  /** @default - DeadlineKeeper's documented defaults */
  readonly keeper?: DeadlineKeeperOptions;
  /** @default - InboundMail's documented defaults */
  readonly inboundMail?: InboundMailOptions;
  /** @default - Fulfilment's documented defaults */
  readonly fulfilment?: FulfilmentOptions;
  /** @default - TrafficSearch's documented defaults (traffic bucket from context `rightsdesk:trafficBucket`, or created) */
  readonly trafficSearch?: TrafficSearchOptions;
  /** @default - SigningKeyRotation's documented defaults (every 30 days) */
  readonly signingKeyRotation?: Pick<SigningKeyRotationProps, 'rotateEvery'>;
}

export class RightsdeskStack extends Stack {
  public readonly config: RightsdeskConfig;
  public readonly storage: Storage;
  public readonly mail: OutboundMail;
  public readonly publicApi: PublicApi;
  public readonly keeper: DeadlineKeeper;
  public readonly inboundMail: InboundMail;
  public readonly outbox: MailOutbox;
  /** The scheduled monthly report and weekly digest. */
  public readonly reports: ComplianceReports;
  /** Deletion follows the item: the purge of expired cases' objects, on the table's stream. */
  public readonly retention: Retention;
  /** The search of Icetrak's systems per case (issue 14). */
  public readonly fulfilment: Fulfilment;
  /** The execution of approved change plans (issue 15). */
  public readonly planExecution: PlanExecutionWorkflow;
  /** Icetrak's message traffic as a searchable source: Glue tables, the Athena workgroup, its results bucket. */
  public readonly trafficSearch: TrafficSearch;
  /** Credentials of Icetrak's account database: imported from context, or created here for Icetrak's DBA to fill. */
  public readonly accountsDbSecret: secretsmanager.ISecret;
  /** Staff sign-in for the desk and the staff API (Cognito). */
  public readonly staffSignIn: StaffSignIn;
  /** The signing key's rotation; absent when the API was given an existing secret (its owner rotates it). */
  public readonly signingKeyRotation?: SigningKeyRotation;
  /** What every handler is bound to, by its manifest entry. */
  public readonly resources: HandlerResources;

  constructor(scope: Construct, id: string, props: RightsdeskStackProps) {
    super(scope, id, props);
    // Fails for a stack pinned elsewhere and for a region-agnostic one (no env.region).
    assertLondonRegion(this);
    const config = (this.config = props.config);

    // The lifecycle backstops are derived from the deployment's retention schedule, so they always come later than it.
    this.storage = new Storage(this, 'Storage', { retention: config.retention, ...props.storage });
    this.mail = new OutboundMail(this, 'OutboundMail', { domain: config.domain, senderAddress: config.senderAddress });
    this.resources = new HandlerResources(this, {
      casesTable: this.storage.casesTable,
      rawMailBucket: this.storage.rawMailBucket,
      filesBucket: this.storage.filesBucket,
      reportsBucket: this.storage.reportsBucket,
      mail: this.mail,
      settings: {
        DPO_ADDRESS: config.dpoAddress,
        TEAM_ADDRESS: config.teamAddress,
        NATION: config.nation,
        MAIL_DAILY_LIMIT: String(config.mailDailyLimit ?? DEFAULT_MAIL_DAILY_LIMIT),
        RETENTION_CASE_YEARS: String(config.retention.caseYears),
        RETENTION_REJECTED_DAYS: String(config.retention.rejectedDays),
        RETENTION_ACCOUNTABILITY_YEARS: String(config.retention.accountabilityYears),
      },
    });
    // The app client's redirect URLs are on the API's origin, known once the API exists.
    this.staffSignIn = new StaffSignIn(this, 'StaffSignIn', {
      publicBaseUrl: config.publicBaseUrl ?? Lazy.string({ produce: () => this.publicApi.publicBaseUrl }),
      ...(config.staffDomainPrefix ? { domainPrefix: config.staffDomainPrefix } : {}),
      ...(config.initialDpoEmail ? { initialDpoEmail: config.initialDpoEmail } : {}),
      key: this.storage.key,
      resources: this.resources,
    });
    this.resources.provide({ staffAuth: this.staffSignIn });
    // The API provides the signing key and PUBLIC_BASE_URL, the keeper the right to start
    // keepers and its offsets: each function is bound once what its manifest entry uses exists.
    this.publicApi = new PublicApi(this, 'PublicApi', {
      // The public form and the DPO desk (its sign-in, pages and staff API) share one API, one WAF and one domain;
      // of the retention context, the retention review's desk page and API; of the fulfilment context, its HTTP
      // routes (the answer's download link and the desk's review copy).
      handlers: [...INTAKE.handlers, ...CASES.handlers, ...REPORTS.handlers, ...RETENTION.handlers, ...FULFILMENT.handlers],
      ...props.api,
      key: this.storage.key,
      resources: this.resources,
      dpoAddress: config.dpoAddress,
      ...(config.customDomain ? { customDomain: { domainName: config.domain } } : {}),
      publicBaseUrl: config.publicBaseUrl,
      staffUserPool: this.staffSignIn.userPool,
    });
    this.keeper = new DeadlineKeeper(this, 'DeadlineKeeper', { ...props.keeper, key: this.storage.key, resources: this.resources });
    // The signing key the API made rotates on a schedule; its alarm notifies the keeper's topic.
    const secret = this.publicApi.signingKey;
    if (secret instanceof secretsmanager.Secret) {
      this.signingKeyRotation = new SigningKeyRotation(this, 'SigningKeyRotation', {
        ...props.signingKeyRotation,
        secret,
        key: this.storage.key,
        resources: this.resources,
        alarmTopic: this.keeper.alarmTopic,
      });
    }
    this.inboundMail = new InboundMail(this, 'InboundMail', {
      ...props.inboundMail,
      key: this.storage.key,
      resources: this.resources,
      rawMailBucket: this.storage.rawMailBucket,
      mail: this.mail,
      dpoAddress: config.dpoAddress,
      teamAddress: config.teamAddress,
      alarmTopic: this.keeper.alarmTopic,
    });
    this.trafficSearch = new TrafficSearch(this, 'TrafficSearch', {
      ...props.trafficSearch,
      key: this.storage.key,
      filesBucket: this.storage.filesBucket,
      accessLogsBucket: this.storage.accessLogsBucket,
    });
    this.accountsDbSecret = this.accountsDatabaseSecret();
    this.resources.provide({ accountsDb: this.accountsDbSecret });
    // Fulfilment provides the Athena results (from the traffic search) to the function that reads them.
    this.fulfilment = new Fulfilment(this, 'Fulfilment', {
      ...props.fulfilment,
      key: this.storage.key,
      resources: this.resources,
      alarmTopic: this.keeper.alarmTopic,
      traffic: this.trafficSearch,
    });
    this.planExecution = new PlanExecutionWorkflow(this, 'PlanExecution', {
      key: this.storage.key,
      resources: this.resources,
      alarmTopic: this.keeper.alarmTopic,
      ...(this.fulfilment.network ? { network: this.fulfilment.network } : {}),
    });
    this.outbox = new MailOutbox(this, 'MailOutbox', { key: this.storage.key, resources: this.resources, alarmTopic: this.keeper.alarmTopic });
    this.reports = new ComplianceReports(this, 'ComplianceReports', {
      key: this.storage.key,
      resources: this.resources,
      alarmTopic: this.keeper.alarmTopic,
    });
    this.retention = new Retention(this, 'Retention', {
      key: this.storage.key,
      resources: this.resources,
      casesTable: this.storage.casesTable,
      alarmTopic: this.keeper.alarmTopic,
    });

    const output = (id: string, value: string, description: string) => new CfnOutput(this, id, { value, description });
    output('CasesTableName', this.storage.casesTable.tableName, 'DynamoDB table holding the cases');
    output('RawMailBucketName', this.storage.rawMailBucket.bucketName, 'S3 bucket for inbound raw MIME');
    output('FilesBucketName', this.storage.filesBucket.bucketName, 'S3 bucket for attachments and exports');
    output('ReportsBucketName', this.storage.reportsBucket.bucketName, 'S3 bucket for compliance reports');
    output('AccessLogsBucketName', this.storage.accessLogsBucket.bucketName, 'S3 server access logs of the data buckets');
    output('DataKeyArn', this.storage.key.keyArn, 'Customer-managed KMS key encrypting all of the above');

    output('KeeperStateMachineArn', this.keeper.stateMachine.stateMachineArn, 'Deadline keeper: one execution per open case, named after the case id');
    output('KeeperAlarmTopicArn', this.keeper.alarmTopic.topicArn, 'Subscribe on-call here: a keeper failed or the keeper sweep failed');

    output(
      'SearchStateMachineArn',
      this.fulfilment.stateMachine.stateMachineArn,
      'Search of Icetrak systems: one execution per search run, named <caseId>-<runId>',
    );

    output(
      'ExecutionStateMachineArn',
      this.planExecution.stateMachine.stateMachineArn,
      'Execution of approved change plans: one execution per attempt, named <caseId>-<planId>-<attempt>',
    );

    output('TrafficWorkGroupName', this.trafficSearch.workGroupName, 'Athena workgroup of the traffic search (results KMS-encrypted, scan capped)');
    output('TrafficBucketName', this.trafficSearch.trafficBucket.bucketName, 'Traffic Parquet files, traffic/day=YYYY-MM-DD/ (imported or created)');
    output('AthenaResultsBucketName', this.trafficSearch.resultsBucket.bucketName, 'Athena results of the traffic search (expire after a day)');
    output(
      'AccountsDbSecretArn',
      this.accountsDbSecret.secretArn,
      'Icetrak account database credentials (RDS-style JSON {host, port, username, password, dbname}): Icetrak’s DBA fills it',
    );

    output('ApiUrl', `${this.publicApi.publicBaseUrl}/`, 'Public web form (PUBLIC_BASE_URL)');
    output('SigningKeySecretArn', this.publicApi.signingKey.secretArn, 'The link-signing key secret (docs/operations.md, Link-signing key)');
    output('StaffSignInUrl', `${this.publicApi.publicBaseUrl}/desk`, 'The DPO desk: staff sign in here (docs/operations.md, Staff sign-in)');
    output('StaffUserPoolId', this.staffSignIn.userPool.userPoolId, 'Cognito user pool of staff: create users and set groups here');
    output('StaffIssuer', this.staffSignIn.issuer, 'Issuer of staff tokens (STAFF_ISSUER); its JWKS verifies them');
    const domain = this.publicApi.domainName;
    if (domain) {
      output('ApiDomainTarget', domain.domainNameAliasDomainName, `DNS: CNAME (or Route 53 alias) ${config.domain} to this`);
      output('ApiDomainHostedZoneId', domain.domainNameAliasHostedZoneId, 'Hosted zone of ApiDomainTarget, for an alias record');
    }
    this.mail.identity.dkimRecords.forEach((record, i) =>
      output(`DkimRecord${i + 1}`, `${record.name} CNAME ${record.value}`, `DNS: Easy DKIM record ${i + 1} of 3 for ${config.domain}`),
    );

    const inbound = this.inboundMail;
    const dpoDomain = config.dpoAddress.slice(config.dpoAddress.lastIndexOf('@') + 1);
    output(
      'InboundMx',
      `${dpoDomain} MX 10 inbound-smtp.${this.region}.amazonaws.com`,
      'DNS: route mail for the DPO address to SES receiving (README, Inbound email)',
    );
    output('InboundRuleSetName', inbound.ruleSet.receiptRuleSetName, 'SES receipt rule set (made active by a custom resource)');
    output('InboundDeadLetterQueueUrl', inbound.deadLetterQueue.queueUrl, 'Inbound email events that failed every retry: redrive (README, Inbound email)');
    output('InboundFunctionName', inbound.function.fn.functionName, 'The receive-email function (redrive target)');
    inbound.receivingIdentity?.dkimRecords.forEach((record, i) =>
      output(`InboundDkimRecord${i + 1}`, `${record.name} CNAME ${record.value}`, `DNS: verifies ${dpoDomain} for SES receiving (record ${i + 1} of 3)`),
    );
  }

  /**
   * Icetrak's account-database secret: the existing one named by the context (imported by ARN, so
   * synthesis stays offline), or a new one, encrypted with the data key, that Icetrak's DBA fills
   * after the first deploy. The search functions read it at their first query (accountsDb use).
   */
  private accountsDatabaseSecret(): secretsmanager.ISecret {
    const arn = this.node.tryGetContext(ACCOUNTS_DB_CONTEXT.secretArn) as unknown;
    const keyArn = this.node.tryGetContext(ACCOUNTS_DB_CONTEXT.keyArn) as unknown;
    if (arn !== undefined) {
      if (typeof arn !== 'string' || !/^arn:aws[a-z-]*:secretsmanager:eu-west-2:\d{12}:secret:[\w/+=.@-]+$/.test(arn)) {
        throw new Error(`${ACCOUNTS_DB_CONTEXT.secretArn} must be the ARN of a Secrets Manager secret in eu-west-2.`);
      }
      if (keyArn !== undefined && (typeof keyArn !== 'string' || !/^arn:aws[a-z-]*:kms:eu-west-2:\d{12}:key\/[\w-]+$/.test(keyArn))) {
        throw new Error(`${ACCOUNTS_DB_CONTEXT.keyArn} must be the ARN of a KMS key in eu-west-2.`);
      }
      // A complete ARN ends in Secrets Manager's six-character suffix; without it, the grant matches any suffix.
      const complete = /-[A-Za-z0-9]{6}$/.test(arn);
      return secretsmanager.Secret.fromSecretAttributes(this, 'AccountsDbSecret', {
        ...(complete ? { secretCompleteArn: arn } : { secretPartialArn: arn }),
        ...(typeof keyArn === 'string' && { encryptionKey: kms.Key.fromKeyArn(this, 'AccountsDbSecretKey', keyArn) }),
      });
    }
    if (keyArn !== undefined) throw new Error(`${ACCOUNTS_DB_CONTEXT.keyArn} is only for an imported secret (${ACCOUNTS_DB_CONTEXT.secretArn}).`);
    const secret = new secretsmanager.Secret(this, 'AccountsDbSecret', {
      description:
        'Rightsdesk: credentials of Icetrak’s account database, read only. Icetrak’s DBA fills it after deploy with RDS-style JSON ' +
        '{"host","port","username","password","dbname"}; TLS is required.',
      encryptionKey: this.storage.key,
    });
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The password belongs to a database user of Icetrak’s account database, which Rightsdesk does not administer: Icetrak’s DBA ' +
        'rotates it on the database side and writes the new value here. The search functions read the secret afresh when the ' +
        'database rejects the old password.',
    });
    return secret;
  }
}
