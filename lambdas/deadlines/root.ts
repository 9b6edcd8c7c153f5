/**
 * Composition root for the deadline keeper's task functions (Evaluate, Act): reads the
 * configuration and builds the real adapters once per cold start.
 *
 * It does not read KEEPER_STATE_MACHINE_ARN: the state machine names these functions, so they
 * cannot name it back (a CloudFormation cycle). The sweep, which starts keepers, has its own
 * root (sweep-root.ts).
 */
import { dynamoClient, sesClient } from '../../shared/adapters/aws-clients';
import { clockFromEnv } from '../../shared/adapters/clock';
import { DynamoCaseStore } from '../../shared/adapters/dynamo-case-store';
import { SesMailer } from '../../shared/adapters/ses-mailer';
import { signingKeySource } from '../../shared/adapters/signing-key';
import { readConfig } from '../../shared/config';
import type { ActDeps } from '../../shared/deadlines/act-on-checkpoint';
import type { EvaluateDeps } from '../../shared/deadlines/evaluate-case';
import { parseKeeperOffsets } from '../../shared/deadlines/offsets';

const config = readConfig(['CASES_TABLE', 'DPO_ADDRESS', 'SENDER_ADDRESS', 'PUBLIC_BASE_URL', 'KEEPER_OFFSETS']);
const clock = clockFromEnv();
const cases = new DynamoCaseStore({ client: dynamoClient(), tableName: config.CASES_TABLE, clock });
const offsets = parseKeeperOffsets(config.KEEPER_OFFSETS);

export const evaluateDeps: EvaluateDeps = { cases, clock, offsets };

export const actDeps: ActDeps = {
  cases,
  clock,
  offsets,
  mailer: new SesMailer(sesClient(), config.SENDER_ADDRESS),
  signingKey: signingKeySource(),
  settings: { dpoAddress: config.DPO_ADDRESS, publicBaseUrl: config.PUBLIC_BASE_URL },
};
