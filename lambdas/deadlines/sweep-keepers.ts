/**
 * Hourly (EventBridge Scheduler): starts a deadline keeper for every open case without one.
 * Fails the invocation when a start failed, so it shows in the function's error metric (and
 * alarm) and the scheduler's retry tries again; the sweep is idempotent.
 */
import { logger } from '#shared/core/log';
import { sweepKeepers } from '#shared/deadlines/sweep-keepers';
import { scheduleHandler } from '#shared/events/middleware';
import { sweepDeps } from './deps';

/** A plain Error, not a DomainError: a sweep that left cases without keepers is logged at ERROR. */
export class KeeperSweepIncompleteError extends Error {
  override readonly name = 'KeeperSweepIncompleteError';
}

const deps = sweepDeps();

export const handler = scheduleHandler(async () => {
  const result = await sweepKeepers(deps);
  logger.info('Keeper sweep', { ...result });
  if (result.failed > 0) throw new KeeperSweepIncompleteError(`${result.failed} keeper(s) could not be started.`);
  return result;
});
