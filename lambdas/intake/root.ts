/**
 * Composition root for the intake context: reads configuration and builds the real
 * adapters once per cold start (a missing variable fails here, not mid-request).
 */
import { dynamoClient, sesClient } from '../../shared/adapters/aws-clients';
import { DynamoCaseStore } from '../../shared/adapters/dynamo-case-store';
import { DynamoRateLimiter, DynamoSubmissionLedger } from '../../shared/adapters/dynamo-intake-guards';
import { SesMailer } from '../../shared/adapters/ses-mailer';
import { signingKeySource } from '../../shared/adapters/signing-key';
import { readConfig } from '../../shared/config';
import { newCaseId, newReference } from '../../shared/ids';
import type { SubmitDeps } from '../../shared/intake/submit-request';
import type { VerifyDeps } from '../../shared/intake/verify-email';
import { systemClock } from '../../shared/ports';
import type { SiteContext } from '../../shared/templates/pages';

const config = readConfig(['CASES_TABLE', 'DPO_ADDRESS', 'SENDER_ADDRESS', 'NATION', 'PUBLIC_BASE_URL']);
const dynamo = dynamoClient();
const table = { client: dynamo, tableName: config.CASES_TABLE, clock: systemClock };
const cases = new DynamoCaseStore(table);
const mailer = new SesMailer(sesClient(), config.SENDER_ADDRESS);
const signingKey = signingKeySource();
const settings = { nation: config.NATION, publicBaseUrl: config.PUBLIC_BASE_URL, dpoAddress: config.DPO_ADDRESS };

export const site: SiteContext = {
  basePath: new URL(config.PUBLIC_BASE_URL).pathname.replace(/\/+$/, ''),
  dpoAddress: config.DPO_ADDRESS,
};

export const submitDeps: SubmitDeps = {
  cases,
  ledger: new DynamoSubmissionLedger(table),
  limiter: new DynamoRateLimiter(table),
  mailer,
  clock: systemClock,
  signingKey,
  ids: { caseId: () => newCaseId(), reference: () => newReference() },
  settings,
};

export const verifyDeps: VerifyDeps = { cases, mailer, clock: systemClock, signingKey, settings };
