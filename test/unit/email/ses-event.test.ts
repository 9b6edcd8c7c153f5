import { describe, expect, it } from 'vitest';
import { inboundOf, sesEventOf } from '#shared/email/ses-event';

describe('SES receipt events', () => {
  it('round-trips: the event the local listener builds reads back as the inbound message', () => {
    const event = sesEventOf({
      messageId: 'o3vrnil0e2ic28trm7dfhrc2v0clambda4nbp0g1',
      timestamp: new Date('2026-11-26T10:15:00Z'),
      source: 'ada@example.org',
      recipients: ['dpo@icetrak.net'],
      verdicts: { spam: 'PASS', virus: 'PASS', spf: 'GRAY', dkim: 'FAIL', dmarc: 'PASS' },
      functionArn: 'arn:aws:lambda:eu-west-2:000000000000:function:f',
    });
    expect(event.Records[0]!.ses.receipt.action).toEqual({
      type: 'Lambda',
      functionArn: 'arn:aws:lambda:eu-west-2:000000000000:function:f',
      invocationType: 'Event',
    });
    expect(inboundOf(event.Records[0]!)).toEqual({
      sesMessageId: 'o3vrnil0e2ic28trm7dfhrc2v0clambda4nbp0g1',
      receivedAt: '2026-11-26T10:15:00.000Z',
      envelopeFrom: 'ada@example.org',
      verdicts: { spam: 'PASS', virus: 'PASS', spf: 'GRAY', dkim: 'FAIL', dmarc: 'PASS' },
    });
  });

  it('reads missing or unknown verdicts as PROCESSING_FAILED (unscanned), and a missing record as empty', () => {
    const record = {
      eventSource: 'aws:ses',
      eventVersion: '1.0',
      ses: { mail: { messageId: 'abcdefghij1234' }, receipt: { virusVerdict: { status: 'MAYBE' } } },
    };
    expect(inboundOf(record as never).verdicts).toEqual({
      spam: 'PROCESSING_FAILED',
      virus: 'PROCESSING_FAILED',
      spf: 'PROCESSING_FAILED',
      dkim: 'PROCESSING_FAILED',
      dmarc: 'PROCESSING_FAILED',
    });
    expect(inboundOf({} as never)).toMatchObject({ sesMessageId: '', receivedAt: '', envelopeFrom: '' });
  });
});
