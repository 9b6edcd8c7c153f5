/**
 * SES receipt rule → Lambda (InvocationType Event), after the S3 action stored the raw MIME.
 * One record per inbound message. A thrown error is retried by Lambda (twice), then the event
 * goes to the dead-letter queue: no message is dropped (docs/operations.md, redrive).
 */
import { logger } from '#shared/core/log';
import { receiveEmail, type ReceiveEmailResult } from '#shared/email/receive-email';
import { inboundOf } from '#shared/email/ses-event';
import { sesHandler } from '#shared/events/middleware';
import { receiveDeps } from './deps';

const deps = receiveDeps();

/** What the log may say about a result: ids, outcome, reason, flags, counts. */
const summary = (r: ReceiveEmailResult) =>
  r.outcome === 'ignored'
    ? { outcome: r.outcome, sesMessageId: r.sesMessageId, reason: r.reason }
    : { outcome: r.outcome, sesMessageId: r.sesMessageId, caseId: r.caseId, flags: r.flags.join(',') };

export const handler = sesHandler(async (record) => {
  const result = await receiveEmail(inboundOf(record), deps);
  logger.info('Inbound email handled', summary(result));
  return result;
});
