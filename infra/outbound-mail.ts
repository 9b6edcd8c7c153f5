/**
 * OutboundMail: the SES v2 side of the Mailer port. One domain identity (Easy DKIM) for the
 * configured domain, and one configuration set that every message from it goes through.
 *
 * The configuration set is the identity's default, so SES applies it to every message sent
 * from the identity without the Mailer naming it: SesMailer needs no configuration variable.
 * Inbound mail (receipt rules) belongs to the email context, not here.
 */
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ses from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';

export interface OutboundMailProps {
  /** The SES domain identity, e.g. privacy.icetrak.net (RightsdeskConfig.domain). */
  readonly domain: string;
  /** The only From address the granted functions may use; at `domain` or a subdomain of it. */
  readonly senderAddress: string;
  /**
   * Refuse delivery to a mail server that cannot do TLS, rather than send personal data
   * (case references, confirmation links, DSAR answers) in clear text. The cost: a recipient
   * whose mail server has no STARTTLS gets nothing, and the message bounces after SES's retries.
   * @default ses.ConfigurationSetTlsPolicy.REQUIRE
   */
  readonly tlsPolicy?: ses.ConfigurationSetTlsPolicy;
}

export class OutboundMail extends Construct {
  public readonly identity: ses.EmailIdentity;
  public readonly configurationSet: ses.ConfigurationSet;
  /** ARN of the configuration set (the L2 has no attribute for it). */
  public readonly configurationSetArn: string;
  public readonly senderAddress: string;

  constructor(scope: Construct, id: string, props: OutboundMailProps) {
    super(scope, id);
    this.senderAddress = props.senderAddress;

    this.configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      tlsPolicy: props.tlsPolicy ?? ses.ConfigurationSetTlsPolicy.REQUIRE,
      // Bounce and complaint rates in CloudWatch: SES pauses accounts whose rates climb.
      reputationMetrics: true,
      sendingEnabled: true,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    this.configurationSetArn = Stack.of(this).formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: this.configurationSet.configurationSetName,
    });

    this.identity = new ses.EmailIdentity(this, 'Identity', {
      identity: ses.Identity.domain(props.domain),
      dkimIdentity: ses.DkimIdentity.easyDkim(ses.EasyDkimSigningKeyLength.RSA_2048_BIT),
      dkimSigning: true,
      configurationSet: this.configurationSet,
    });
  }

  /**
   * Lets `grantee` send from `senderAddress` only: SES authorises SendEmail against the
   * sending identity and the configuration set in use, so those two ARNs are the resources,
   * and ses:FromAddress pins the From address within the identity's domain.
   */
  public grantSend(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['ses:SendEmail', 'ses:SendRawEmail'],
      resourceArns: [this.identity.emailIdentityArn, this.configurationSetArn],
      conditions: { StringEquals: { 'ses:FromAddress': this.senderAddress } },
    });
  }
}
