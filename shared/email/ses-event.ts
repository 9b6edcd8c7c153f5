/**
 * The SES receipt event, both ways: what the handler reads from a record, and the record the
 * local SMTP listener builds so the same handler runs locally. Verdicts SES did not give (a
 * hand-made redrive event, say) count as PROCESSING_FAILED: unscanned mail is quarantined.
 */
import type { SESEvent, SESEventRecord } from 'aws-lambda';
import { isVerdict, type Verdict, type Verdicts } from '#domain/inbound-mail';
import type { InboundEmail } from './receive-email';

const verdict = (status: unknown): Verdict => (isVerdict(status) ? status : 'PROCESSING_FAILED');

export function inboundOf(record: SESEventRecord): InboundEmail {
  const { mail, receipt } = record.ses ?? ({} as Partial<SESEventRecord['ses']>);
  return {
    sesMessageId: mail?.messageId ?? '',
    receivedAt: receipt?.timestamp ?? mail?.timestamp ?? '',
    envelopeFrom: mail?.source ?? '',
    verdicts: {
      spam: verdict(receipt?.spamVerdict?.status),
      virus: verdict(receipt?.virusVerdict?.status),
      spf: verdict(receipt?.spfVerdict?.status),
      dkim: verdict(receipt?.dkimVerdict?.status),
      dmarc: verdict(receipt?.dmarcVerdict?.status),
    },
  };
}

export interface SesEventInput {
  messageId: string;
  /** When the message was received. */
  timestamp: Date;
  /** SMTP MAIL FROM ('' for a null reverse-path). */
  source: string;
  /** SMTP RCPT TO. */
  recipients: string[];
  verdicts: Verdicts;
  functionArn: string;
}

/**
 * An SES receipt event for a Lambda action (InvocationType Event). Like SES's, its mail
 * headers are omitted here (SES sends them; the handler reads the raw MIME from S3 instead).
 */
export function sesEventOf(input: SesEventInput): SESEvent {
  const at = input.timestamp.toISOString();
  const status = (v: Verdict) => ({ status: v });
  return {
    Records: [
      {
        eventSource: 'aws:ses',
        eventVersion: '1.0',
        ses: {
          mail: {
            timestamp: at,
            source: input.source,
            messageId: input.messageId,
            destination: input.recipients,
            headersTruncated: false,
            headers: [],
            commonHeaders: { returnPath: input.source, date: at, messageId: input.messageId },
          },
          receipt: {
            timestamp: at,
            processingTimeMillis: 0,
            recipients: input.recipients,
            spamVerdict: status(input.verdicts.spam),
            virusVerdict: status(input.verdicts.virus),
            spfVerdict: status(input.verdicts.spf),
            dkimVerdict: status(input.verdicts.dkim),
            dmarcVerdict: status(input.verdicts.dmarc),
            action: { type: 'Lambda', functionArn: input.functionArn, invocationType: 'Event' },
          },
        },
      },
    ],
  };
}
