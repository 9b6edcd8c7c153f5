/**
 * Hourly (EventBridge Scheduler): starts a deadline keeper for every open case without one.
 * Fails the invocation when a start failed, so it shows in the function's error metric (and
 * alarm) and the scheduler's retry tries again; the sweep is idempotent.
 */
import { sweepKeepers, type SweepResult } from '../../shared/deadlines/sweep-keepers';
import { logger } from '../../shared/log';
import { sweepDeps } from './sweep-root';

export class KeeperSweepIncompleteError extends Error {
  override readonly name = 'KeeperSweepIncompleteError';
}

export const handler = async (): Promise<SweepResult> => {
  const result = await sweepKeepers(sweepDeps);
  logger.info('Keeper sweep', { ...result });
  if (result.failed > 0) throw new KeeperSweepIncompleteError(`${result.failed} keeper(s) could not be started.`);
  return result;
};
