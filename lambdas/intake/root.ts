/**
 * Composition root for the intake context: reads configuration and builds the real
 * adapters once per cold start (a missing variable fails here, not mid-request). What only
 * one handler needs lives in that handler's root (verify-root.ts).
 */
import { dynamoClient, sesClient, sfnClient } from '../../shared/adapters/aws-clients';
import { clockFromEnv } from '../../shared/adapters/clock';
import { DynamoCaseStore } from '../../shared/adapters/dynamo-case-store';
import { DynamoRateLimiter, DynamoSubmissionLedger } from '../../shared/adapters/dynamo-intake-guards';
import { SesMailer } from '../../shared/adapters/ses-mailer';
import { SfnKeeper } from '../../shared/adapters/sfn-keeper';
import { signingKeySource } from '../../shared/adapters/signing-key';
import { readConfig } from '../../shared/config';
import { newCaseId, newReference } from '../../shared/ids';
import type { SubmitDeps } from '../../shared/intake/submit-request';

const config = readConfig(['CASES_TABLE', 'DPO_ADDRESS', 'SENDER_ADDRESS', 'NATION', 'PUBLIC_BASE_URL', 'KEEPER_STATE_MACHINE_ARN']);
// The system clock in AWS; the local stack may run it faster (RIGHTSDESK_TIME_SCALE).
export const clock = clockFromEnv();
const dynamo = dynamoClient();
const table = { client: dynamo, tableName: config.CASES_TABLE, clock };
export const cases = new DynamoCaseStore(table);
export const mailer = new SesMailer(sesClient(), config.SENDER_ADDRESS);
export const signingKey = signingKeySource();
export const settings = { nation: config.NATION, publicBaseUrl: config.PUBLIC_BASE_URL, dpoAddress: config.DPO_ADDRESS };

export { site } from './site';

export const submitDeps: SubmitDeps = {
  cases,
  ledger: new DynamoSubmissionLedger(table),
  limiter: new DynamoRateLimiter(table),
  mailer,
  clock,
  keeper: new SfnKeeper(sfnClient(), config.KEEPER_STATE_MACHINE_ARN),
  signingKey,
  ids: { caseId: () => newCaseId(), reference: () => newReference() },
  settings,
};
