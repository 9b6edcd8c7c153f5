/**
 * The one Rightsdesk stack. It composes one construct per context; later issues add the
 * email, deadline-keeper and reports constructs next to Storage, OutboundMail and PublicApi.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { PublicApi, type PublicApiProps } from './api';
import type { RightsdeskConfig } from './config';
import { OutboundMail } from './outbound-mail';
import { assertLondonRegion } from './residency';
import { Storage, type StorageProps } from './storage';

/** PublicApi props the stack leaves to the caller: the rest come from Storage, OutboundMail and the config. */
export type PublicApiOptions = Omit<
  PublicApiProps,
  'key' | 'casesTable' | 'mail' | 'dpoAddress' | 'nation' | 'customDomain' | 'publicBaseUrl'
>;

export interface RightsdeskStackProps extends StackProps {
  /** Validated deployment configuration (readConfig). */
  readonly config: RightsdeskConfig;
  /** @default - Storage's documented defaults */
  readonly storage?: StorageProps;
  /** @default - PublicApi's documented defaults */
  readonly api?: PublicApiOptions;
}

export class RightsdeskStack extends Stack {
  public readonly config: RightsdeskConfig;
  public readonly storage: Storage;
  public readonly mail: OutboundMail;
  public readonly publicApi: PublicApi;

  constructor(scope: Construct, id: string, props: RightsdeskStackProps) {
    super(scope, id, props);
    // Fails for a stack pinned elsewhere and for a region-agnostic one (no env.region).
    assertLondonRegion(this);
    const config = (this.config = props.config);

    this.storage = new Storage(this, 'Storage', props.storage);
    this.mail = new OutboundMail(this, 'OutboundMail', { domain: config.domain, senderAddress: config.senderAddress });
    this.publicApi = new PublicApi(this, 'PublicApi', {
      ...props.api,
      key: this.storage.key,
      casesTable: this.storage.casesTable,
      mail: this.mail,
      dpoAddress: config.dpoAddress,
      nation: config.nation,
      ...(config.customDomain ? { customDomain: { domainName: config.domain } } : {}),
      publicBaseUrl: config.publicBaseUrl,
    });

    const output = (id: string, value: string, description: string) => new CfnOutput(this, id, { value, description });
    output('CasesTableName', this.storage.casesTable.tableName, 'DynamoDB table holding the cases');
    output('RawMailBucketName', this.storage.rawMailBucket.bucketName, 'S3 bucket for inbound raw MIME');
    output('FilesBucketName', this.storage.filesBucket.bucketName, 'S3 bucket for attachments and exports');
    output('ReportsBucketName', this.storage.reportsBucket.bucketName, 'S3 bucket for compliance reports');
    output('AccessLogsBucketName', this.storage.accessLogsBucket.bucketName, 'S3 server access logs of the data buckets');
    output('DataKeyArn', this.storage.key.keyArn, 'Customer-managed KMS key encrypting all of the above');

    output('ApiUrl', `${this.publicApi.publicBaseUrl}/`, 'Public web form (PUBLIC_BASE_URL)');
    const domain = this.publicApi.domainName;
    if (domain) {
      output('ApiDomainTarget', domain.domainNameAliasDomainName, `DNS: CNAME (or Route 53 alias) ${config.domain} to this`);
      output('ApiDomainHostedZoneId', domain.domainNameAliasHostedZoneId, 'Hosted zone of ApiDomainTarget, for an alias record');
    }
    this.mail.identity.dkimRecords.forEach((record, i) =>
      output(`DkimRecord${i + 1}`, `${record.name} CNAME ${record.value}`, `DNS: Easy DKIM record ${i + 1} of 3 for ${config.domain}`),
    );
  }
}
