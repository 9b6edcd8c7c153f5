/**
 * The one Rightsdesk stack. It composes one construct per context; later issues add the
 * API, email, deadline-keeper and reports constructs next to Storage.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { RightsdeskConfig } from './config';
import { assertLondonRegion } from './residency';
import { Storage, type StorageProps } from './storage';

export interface RightsdeskStackProps extends StackProps {
  /** Validated deployment configuration (readConfig). */
  readonly config: RightsdeskConfig;
  /** @default - Storage's documented defaults */
  readonly storage?: StorageProps;
}

export class RightsdeskStack extends Stack {
  public readonly config: RightsdeskConfig;
  public readonly storage: Storage;

  constructor(scope: Construct, id: string, props: RightsdeskStackProps) {
    super(scope, id, props);
    // Fails for a stack pinned elsewhere and for a region-agnostic one (no env.region).
    assertLondonRegion(this);
    this.config = props.config;

    this.storage = new Storage(this, 'Storage', props.storage);

    const output = (id: string, value: string, description: string) => new CfnOutput(this, id, { value, description });
    output('CasesTableName', this.storage.casesTable.tableName, 'DynamoDB table holding the cases');
    output('RawMailBucketName', this.storage.rawMailBucket.bucketName, 'S3 bucket for inbound raw MIME');
    output('FilesBucketName', this.storage.filesBucket.bucketName, 'S3 bucket for attachments and exports');
    output('ReportsBucketName', this.storage.reportsBucket.bucketName, 'S3 bucket for compliance reports');
    output('AccessLogsBucketName', this.storage.accessLogsBucket.bucketName, 'S3 server access logs of the data buckets');
    output('DataKeyArn', this.storage.key.keyArn, 'Customer-managed KMS key encrypting all of the above');
  }
}
