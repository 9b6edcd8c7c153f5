/**
 * SES receipt rule → Lambda (InvocationType Event), after the S3 action stored the raw MIME.
 * One record per inbound message. A thrown error is retried by Lambda (twice), then the event
 * goes to the dead-letter queue: no message is dropped (README, Inbound email: redrive).
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { SESEvent } from 'aws-lambda';
import { receiveEmail, type ReceiveEmailResult } from '../../shared/email/receive-email';
import { inboundOf } from '../../shared/email/ses-event';
import { logger, receiveDeps } from './root';

/** What the log may say about a result: ids, outcome, reason, flags, counts. */
const summary = (r: ReceiveEmailResult) =>
  r.outcome === 'ignored'
    ? { outcome: r.outcome, sesMessageId: r.sesMessageId, reason: r.reason }
    : { outcome: r.outcome, sesMessageId: r.sesMessageId, caseId: r.caseId, flags: r.flags.join(',') };

export const handler = middy<SESEvent, ReceiveEmailResult[]>()
  .use(injectLambdaContext(logger))
  .handler(async (event) => {
    const results: ReceiveEmailResult[] = [];
    for (const record of event.Records ?? []) {
      const result = await receiveEmail(inboundOf(record), receiveDeps);
      logger.info('Inbound email handled', summary(result));
      results.push(result);
    }
    return results;
  });
