/**
 * Composition root for the email context: reads configuration and builds the real adapters
 * once per cold start (a missing variable fails here, not mid-message).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { dynamoClient, s3Client, sesClient, sfnClient } from '../../shared/adapters/aws-clients';
import { clockFromEnv } from '../../shared/adapters/clock';
import { DynamoCaseStore } from '../../shared/adapters/dynamo-case-store';
import { DynamoSubmissionLedger } from '../../shared/adapters/dynamo-intake-guards';
import { S3BlobStore } from '../../shared/adapters/s3-blob-store';
import { SesMailer } from '../../shared/adapters/ses-mailer';
import { SfnKeeper } from '../../shared/adapters/sfn-keeper';
import { signingKeySource } from '../../shared/adapters/signing-key';
import { readConfig } from '../../shared/config';
import type { ReceiveEmailDeps } from '../../shared/email/receive-email';
import { newCaseId, newReference } from '../../shared/ids';

const config = readConfig([
  'CASES_TABLE',
  'RAW_MAIL_BUCKET',
  'FILES_BUCKET',
  'DPO_ADDRESS',
  'TEAM_ADDRESS',
  'SENDER_ADDRESS',
  'NATION',
  'PUBLIC_BASE_URL',
  'KEEPER_STATE_MACHINE_ARN',
]);

export const logger = new Logger();

// The system clock in AWS; the local stack may run it faster (RIGHTSDESK_TIME_SCALE).
const clock = clockFromEnv();
const table = { client: dynamoClient(), tableName: config.CASES_TABLE, clock };
const s3 = s3Client();

export const receiveDeps: ReceiveEmailDeps = {
  rawMail: new S3BlobStore(s3, config.RAW_MAIL_BUCKET),
  files: new S3BlobStore(s3, config.FILES_BUCKET),
  cases: new DynamoCaseStore(table),
  ledger: new DynamoSubmissionLedger(table),
  mailer: new SesMailer(sesClient(), config.SENDER_ADDRESS),
  clock,
  keeper: new SfnKeeper(sfnClient(), config.KEEPER_STATE_MACHINE_ARN),
  signingKey: signingKeySource(),
  ids: { caseId: () => newCaseId(), reference: () => newReference() },
  settings: {
    nation: config.NATION,
    publicBaseUrl: config.PUBLIC_BASE_URL,
    dpoAddress: config.DPO_ADDRESS,
    teamAddress: config.TEAM_ADDRESS,
    senderAddress: config.SENDER_ADDRESS,
  },
  log: logger,
};
