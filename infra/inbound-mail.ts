/**
 * InboundMail: SES email receiving for the DPO mailbox (DESIGN.md, Email; issue 5).
 *
 *   MX ─► SES (eu-west-2) ─► receipt rule: TLS required, spam and virus scanning
 *            1. S3 action: raw MIME to the raw-mail bucket at `inbound/<SES message id>`
 *            2. Lambda action (InvocationType Event): lambdas/email/receive-email.ts
 *                 └─ 2 retries ─► on-failure destination: SQS dead-letter queue ─► alarm
 *
 * The S3 action writes as a role SES assumes (the action's IamRoleArn), so the bucket's own
 * encryption (SSE-KMS with the data key) applies and the handler reads objects with a plain
 * GetObject. The action's KmsKeyArn is deliberately not set: that would be SES client-side
 * encryption, readable only through an S3 encryption client, which the AWS SDK for JavaScript
 * v3 does not have.
 *
 * CloudFormation cannot make a rule set active; a custom resource calls SES
 * SetActiveReceiptRuleSet on create and update, and deactivates it on delete (a region has
 * one active rule set per account: README, Inbound email).
 *
 * Nothing is dropped on a handler error: Lambda retries twice, then the event (the message id
 * and verdicts, plus SES's header summary) goes to the dead-letter queue; the raw MIME stays
 * in S3 either way, and a redrive re-invokes the function with the event (the handler is
 * idempotent on the SES message id).
 */
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sesActions from 'aws-cdk-lib/aws-ses-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { EMAIL } from '#lambdas/email/manifest';
import { onlyTriggeredBy, type HandlerSpec } from '#lambdas/manifest';
import { RAW_MAIL_PREFIX } from '#shared/email/keys';
import type { HandlerResources } from './handler-resources';
import { ServiceFunction, type MailSender } from './service-function';

export interface InboundMailProps {
  /** Encrypts the function's logs and the dead-letter queue (Storage.key; also the buckets' key). */
  readonly key: kms.IKey;
  /** What the handler is bound to (what its manifest entry uses: the table, buckets, mail, keeper...). */
  readonly resources: HandlerResources;
  /**
   * The handler of the receipt rule's Lambda action.
   * @default the SES-triggered handler of EMAIL (lambdas/email/manifest.ts)
   */
  readonly handler?: HandlerSpec;
  /** Where SES stores raw MIME (Storage.rawMailBucket, SSE-KMS with `key`). */
  readonly rawMailBucket: s3.IBucket;
  /** The sending identity (OutboundMail): the DPO domain is verified for receiving unless it is this one. */
  readonly mail: MailSender;
  /** The DPO mailbox, the rule's recipient. */
  readonly dpoAddress: string;
  /** The DPO team's inbox, where staff notices go: refused as a recipient (its mail would loop back here). */
  readonly teamAddress: string;
  /**
   * Addresses the receipt rule accepts (for example also a forwarding target such as
   * dpo@inbound.privacy.icetrak.net, README: Inbound email). Never teamAddress (refused at synthesis).
   * @default [dpoAddress]
   */
  readonly recipients?: readonly string[];
  /**
   * Where the alarms notify (e.g. DeadlineKeeper.alarmTopic).
   * @default - alarms without actions (visible in CloudWatch only)
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * Lambda's retries of a failed asynchronous invocation before the event is dead-lettered.
   * @default 2
   */
  readonly retryAttempts?: number;
  /**
   * How long Lambda keeps an event it cannot run (throttling, errors) before dead-lettering it.
   * @default Duration.hours(6), the maximum
   */
  readonly maxEventAge?: Duration;
  /**
   * How long a dead-lettered event is kept for a redrive (the raw MIME stays in S3 regardless).
   * @default Duration.days(14), the maximum
   */
  readonly deadLetterRetention?: Duration;
  /**
   * Cap on concurrent handlers, protecting the table from a flood of mail (events wait in
   * Lambda's queue, up to maxEventAge).
   * @default - none: the account's unreserved pool
   */
  readonly reservedConcurrency?: number;
}

/** SES's S3 action writing as `role` (CfnReceiptRule S3Action.IamRoleArn), with no client-side encryption. */
class StoreRawMail implements ses.IReceiptRuleAction {
  constructor(private readonly props: { bucket: s3.IBucket; objectKeyPrefix: string; role: iam.IRole }) {}

  bind(): ses.ReceiptRuleActionConfig {
    // The L2 S3ActionConfig predates IamRoleArn; the rule passes the object through to the
    // L1, whose S3ActionProperty has it (the infra test asserts it reaches the template).
    const s3Action = {
      bucketName: this.props.bucket.bucketName,
      objectKeyPrefix: this.props.objectKeyPrefix,
      iamRoleArn: this.props.role.roleArn,
    };
    return { s3Action };
  }
}

/**
 * Lambda's on-failure destination on an encrypted queue, granting exactly what sending to it
 * takes: sqs:SendMessage on this queue, and the data-key use SQS makes on the sender's behalf
 * (SqsDestination's generic grant would add kms:ReEncrypt* and kms:GenerateDataKey*).
 */
class DeadLetterDestination implements lambda.IDestination {
  constructor(
    private readonly queue: sqs.IQueue,
    private readonly key: kms.IKey,
  ) {}

  bind(_scope: Construct, fn: lambda.IFunction): lambda.DestinationConfig {
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.queue.queueArn] }));
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [this.key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `sqs.${Stack.of(this.queue).region}.amazonaws.com` } },
      }),
    );
    return { destination: this.queue.queueArn };
  }
}

export class InboundMail extends Construct {
  public readonly ruleSet: ses.ReceiptRuleSet;
  public readonly rule: ses.ReceiptRule;
  /** The role SES assumes to write raw MIME (PutObject under `inbound/` and the data key via S3 only). */
  public readonly sesWriterRole: iam.Role;
  public readonly function: ServiceFunction;
  public readonly deadLetterQueue: sqs.Queue;
  /** Makes the rule set the region's active one (SetActiveReceiptRuleSet). */
  public readonly activation: cr.AwsCustomResource;
  public readonly deadLetterAlarm: cloudwatch.Alarm;
  public readonly errorsAlarm: cloudwatch.Alarm;
  /** The SES identity for the DPO address's domain, when it is not the sending domain. */
  public readonly receivingIdentity?: ses.EmailIdentity;
  public readonly recipients: readonly string[];

  constructor(scope: Construct, id: string, props: InboundMailProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.recipients = props.recipients ?? [props.dpoAddress];
    if (this.recipients.some((r) => r.trim().toLowerCase() === props.teamAddress.trim().toLowerCase())) {
      throw new Error(
        `InboundMail: ${props.teamAddress} is the team address, where staff notices go; as a recipient of the receipt ` +
          'rule its mail would come back into the intake, which ignores mail from our sender, and reach no one.',
      );
    }

    this.ruleSet = new ses.ReceiptRuleSet(this, 'RuleSet', { dropSpam: false });
    // Every rule of this set: SES names itself the source of the S3 write and the invocation.
    const ruleArns = stack.formatArn({
      service: 'ses',
      resource: 'receipt-rule-set',
      resourceName: `${this.ruleSet.receiptRuleSetName}:receipt-rule/*`,
    });

    this.sesWriterRole = new iam.Role(this, 'SesWriterRole', {
      description: 'Assumed by SES email receiving to store raw inbound mail for Rightsdesk',
      assumedBy: new iam.ServicePrincipal('ses.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: { 'aws:SourceArn': ruleArns },
        },
      }),
    });
    const rawObjects = props.rawMailBucket.arnForObjects(`${RAW_MAIL_PREFIX}*`);
    this.sesWriterRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [rawObjects] }));
    this.sesWriterRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        // SSE-KMS under the bucket key: S3 asks KMS for data keys on the writer's behalf.
        actions: ['kms:GenerateDataKey', 'kms:Encrypt'],
        resources: [props.key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${stack.region}.amazonaws.com` } },
      }),
    );
    Validations.of(this.sesWriterRole.node.findChild('DefaultPolicy')).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(props.rawMailBucket.node.defaultChild as s3.CfnBucket)}.Arn>/${RAW_MAIL_PREFIX}*]`,
      reason:
        'SES names each stored message after its own message id, unknown in advance; the statement allows only ' +
        `s3:PutObject under the ${RAW_MAIL_PREFIX} prefix of the raw-mail bucket, for SES assuming the role from this rule set.`,
    });

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.key,
      enforceSSL: true,
      retentionPeriod: props.deadLetterRetention ?? Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the dead-letter queue: the on-failure destination of the receive-email function. A DLQ of ' +
        'a DLQ would only move the same events once more; the raw MIME of every message also stays in S3.',
    });

    const handler = props.handler ?? onlyTriggeredBy(EMAIL.handlers, 'ses', EMAIL.context);
    this.function = ServiceFunction.forHandler(this, handler, {
      key: props.key,
      serviceName: EMAIL.context,
      resources: props.resources,
      ...(props.reservedConcurrency !== undefined && { reservedConcurrentExecutions: props.reservedConcurrency }),
    });

    this.function.fn.configureAsyncInvoke({
      retryAttempts: props.retryAttempts ?? 2,
      maxEventAge: props.maxEventAge ?? Duration.hours(6),
      onFailure: new DeadLetterDestination(this.deadLetterQueue, props.key),
    });

    // Added before the Lambda action binds, which then keeps it (it looks for this id) instead
    // of adding its own permission without a source ARN.
    this.function.fn.addPermission('AllowSes', {
      principal: new iam.ServicePrincipal('ses.amazonaws.com'),
      action: 'lambda:InvokeFunction',
      sourceAccount: stack.account,
      sourceArn: ruleArns,
    });

    this.rule = this.ruleSet.addRule('DpoMailbox', {
      recipients: [...this.recipients],
      enabled: true,
      scanEnabled: true,
      tlsPolicy: ses.TlsPolicy.REQUIRE,
      actions: [
        new StoreRawMail({ bucket: props.rawMailBucket, objectKeyPrefix: RAW_MAIL_PREFIX, role: this.sesWriterRole }),
        new sesActions.Lambda({ function: this.function.fn, invocationType: sesActions.LambdaInvocationType.EVENT }),
      ],
    });
    // SES checks at rule creation that it can write and invoke.
    this.rule.node.addDependency(this.sesWriterRole);

    this.activation = this.activateRuleSet(props.key);
    this.receivingIdentity = this.identityFor(props.dpoAddress, props.mail.senderAddress);

    const alarm = (alarmId: string, metric: cloudwatch.IMetric, description: string) => {
      const a = new cloudwatch.Alarm(this, alarmId, {
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      if (props.alarmTopic) a.addAlarmAction(new cwActions.SnsAction(props.alarmTopic));
      return a;
    };
    this.deadLetterAlarm = alarm(
      'DeadLetterAlarm',
      this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
      'Inbound email could not be turned into a case after every retry. The raw MIME is in S3; fix the cause and redrive (README, Inbound email).',
    );
    this.errorsAlarm = alarm(
      'ErrorsAlarm',
      this.function.fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      'The receive-email function failed; Lambda retries it twice before dead-lettering the event.',
    );
  }

  /** SetActiveReceiptRuleSet on create and update; on delete, no active rule set (so the set can be deleted). */
  private activateRuleSet(key: kms.IKey): cr.AwsCustomResource {
    const activate: cr.AwsSdkCall = {
      service: '@aws-sdk/client-ses',
      action: 'SetActiveReceiptRuleSet',
      parameters: { RuleSetName: this.ruleSet.receiptRuleSetName },
      // Constant: a renamed rule set is an update (activate the new one), never a delete of the old.
      physicalResourceId: cr.PhysicalResourceId.of('rightsdesk-active-receipt-rule-set'),
    };
    // Its own role: the provider's default one carries the AWSLambdaBasicExecutionRole managed policy.
    const logGroup = new logs.LogGroup(this, 'ActivationLogs', { encryptionKey: key, retention: logs.RetentionDays.ONE_YEAR });
    const role = new iam.Role(this, 'ActivationRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Rightsdesk: makes the inbound-mail receipt rule set active (custom resource)',
    });
    logGroup.grantWrite(role);
    const activation = new cr.AwsCustomResource(this, 'ActivateRuleSet', {
      onCreate: activate,
      onUpdate: activate,
      onDelete: { service: '@aws-sdk/client-ses', action: 'SetActiveReceiptRuleSet', parameters: {} },
      policy: cr.AwsCustomResourcePolicy.fromStatements([new iam.PolicyStatement({ actions: ['ses:SetActiveReceiptRuleSet'], resources: ['*'] })]),
      installLatestAwsSdk: false,
      role,
      logGroup,
      timeout: Duration.minutes(2),
    });
    Validations.of(activation.node.findChild('CustomResourcePolicy')).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'ses:SetActiveReceiptRuleSet acts on an account-and-region setting (which rule set is active), not on a resource, ' +
        'so IAM authorises it on "*" only; the policy holds this one action.',
    });
    activation.node.addDependency(this.rule);
    return activation;
  }

  /** SES receives only for verified domains: verify the DPO address's domain unless it is the sending one. */
  private identityFor(dpoAddress: string, senderAddress: string): ses.EmailIdentity | undefined {
    const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1).toLowerCase();
    const dpoDomain = domainOf(dpoAddress);
    if (dpoDomain === domainOf(senderAddress)) return undefined;
    return new ses.EmailIdentity(this, 'ReceivingIdentity', {
      identity: ses.Identity.domain(dpoDomain),
      dkimIdentity: ses.DkimIdentity.easyDkim(ses.EasyDkimSigningKeyLength.RSA_2048_BIT),
      // Verification only: this stack sends from the sending domain, never from this one.
      dkimSigning: false,
    });
  }
}
