/**
 * Composition root for the deadline keeper's task functions (Evaluate, Act): reads the
 * configuration and builds the real adapters once per cold start. What only Act needs, to
 * send notices, lives in act-root.ts, so Evaluate starts cold without it.
 *
 * It does not read KEEPER_STATE_MACHINE_ARN: the state machine names these functions, so they
 * cannot name it back (a CloudFormation cycle). The sweep, which starts keepers, has its own
 * root (sweep-root.ts).
 */
import { dynamoClient } from '../../shared/adapters/aws-clients';
import { clockFromEnv } from '../../shared/adapters/clock';
import { DynamoCaseStore } from '../../shared/adapters/dynamo-case-store';
import { readConfig } from '../../shared/config';
import type { EvaluateDeps } from '../../shared/deadlines/evaluate-case';
import { parseKeeperOffsets } from '../../shared/deadlines/offsets';

const config = readConfig(['CASES_TABLE', 'KEEPER_OFFSETS']);
export const clock = clockFromEnv();
export const cases = new DynamoCaseStore({ client: dynamoClient(), tableName: config.CASES_TABLE, clock });
export const offsets = parseKeeperOffsets(config.KEEPER_OFFSETS);

export const evaluateDeps: EvaluateDeps = { cases, clock, offsets };
