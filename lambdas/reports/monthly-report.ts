/**
 * The monthly compliance report (EventBridge Scheduler, 07:00 Europe/London on days 1–7 of each
 * month): from the first working day of the month it makes the report for the month before, once;
 * a later day's run makes it if an earlier one failed, or mails the team if that failed.
 */
import { logger } from '#shared/core/log';
import { scheduleHandler } from '#shared/events/middleware';
import { runScheduledReport } from '#shared/reports/run';
import { reportRunDeps } from './deps';

const deps = reportRunDeps();

export const handler = scheduleHandler(async () => {
  const result = await runScheduledReport(deps, 'monthly');
  logger.info('Monthly report run', result);
  return result;
});
