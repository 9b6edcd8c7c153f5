/**
 * The monthly retention review of Icetrak's accounts (EventBridge Scheduler, 06:30 Europe/London on
 * days 1–7 of each month, before the compliance report that shows it): from the first working day of the month it reviews the month before,
 * once; a later day's run catches a failed one up (shared/retention/account-review.ts).
 * Logs the month and the counts only, never an account.
 */
import { logger } from '#shared/core/log';
import { scheduleHandler } from '#shared/events/middleware';
import { runScheduledAccountReview } from '#shared/retention/account-review';
import { accountReviewDeps, reviewNation } from './review-deps';

const deps = accountReviewDeps();
const nation = reviewNation();

export const handler = scheduleHandler(async () => {
  const result = await runScheduledAccountReview(deps, nation);
  logger.info('Account retention review run', result);
  return result;
});
