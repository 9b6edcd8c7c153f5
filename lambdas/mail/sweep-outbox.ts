/**
 * Every minute (EventBridge Scheduler): sends the mail cases still owe (shared/core/outbox.ts),
 * found through the sparse mail-due index, never a Scan. Logs its figures; an entry that has
 * failed STUCK_AFTER_FAILURES times logs 'Outbox mail stuck' at ERROR, which the stuck-mail
 * alarm counts (infra/outbound-mail.ts).
 */
import { logger } from '#shared/core/log';
import { sweepOutbox } from '#shared/core/outbox';
import { scheduleHandler } from '#shared/events/middleware';
import { sweepOutboxDeps } from './deps';

const deps = sweepOutboxDeps();

export const handler = scheduleHandler(async () => {
  const { cases, reports } = await sweepOutbox(deps);
  const count = (outcome: string) => reports.filter((r) => r.outcome === outcome).length;
  const result = { cases, sent: count('sent'), retrying: count('retrying'), failed: count('failed'), withheld: count('withheld') };
  if (cases > 0) logger.info('Outbox sweep', result);
  return result;
});
