/**
 * AWS SDK clients, built once per cold start by composition roots.
 * No client names an endpoint: the SDK takes it from its standard `AWS_ENDPOINT_URL_<SERVICE>`
 * or `AWS_ENDPOINT_URL` variables, which the local stack sets (to the emulators, or to what the
 * operator set before `npm start`: a proxy, a fault injector); in AWS they are absent and the
 * regional endpoints are used.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SFNClient } from '@aws-sdk/client-sfn';

export const dynamoClient = (): DynamoDBClient => new DynamoDBClient({});

/** S3 is the local stack's (s3rver, or what the operator put in front of it): an endpoint is set. */
export const isLocalS3 = (): boolean => Boolean(process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL);

export const s3Client = (): S3Client => {
  return new S3Client(
    isLocalS3()
      ? // s3rver serves path-style only and stores aws-chunked framing verbatim (TOOLCHAIN.md).
        { forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' }
      : {},
  );
};

export const sesClient = (): SESv2Client => new SESv2Client({});

export const sfnClient = (): SFNClient => new SFNClient({});

export const secretsManagerClient = (): SecretsManagerClient => new SecretsManagerClient({});
