/**
 * Composition root for the keeper sweep: the cases table and the keeper state machine (which
 * the task functions' root cannot know: see root.ts).
 */
import { dynamoClient, sfnClient } from '../../shared/adapters/aws-clients';
import { clockFromEnv } from '../../shared/adapters/clock';
import { DynamoCaseStore } from '../../shared/adapters/dynamo-case-store';
import { SfnKeeper } from '../../shared/adapters/sfn-keeper';
import { readConfig } from '../../shared/config';
import type { StartKeeperDeps } from '../../shared/deadlines/start-keeper';

const config = readConfig(['CASES_TABLE', 'KEEPER_STATE_MACHINE_ARN']);
const clock = clockFromEnv();

export const sweepDeps: StartKeeperDeps = {
  cases: new DynamoCaseStore({ client: dynamoClient(), tableName: config.CASES_TABLE, clock }),
  keeper: new SfnKeeper(sfnClient(), config.KEEPER_STATE_MACHINE_ARN),
  clock,
};
