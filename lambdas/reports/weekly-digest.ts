/**
 * The weekly digest (EventBridge Scheduler, 07:00 Europe/London, Monday to Friday): makes this ISO
 * week's digest on Monday, once; a later day's run makes it if Monday's failed, or mails the team
 * if that failed.
 */
import { logger } from '#shared/core/log';
import { scheduleHandler } from '#shared/events/middleware';
import { runScheduledReport } from '#shared/reports/run';
import { reportRunDeps } from './deps';

const deps = reportRunDeps();

export const handler = scheduleHandler(async () => {
  const result = await runScheduledReport(deps, 'weekly');
  logger.info('Weekly digest run', result);
  return result;
});
