/**
 * SesMailer: the Mailer port on SES v2 (aws-ses-v2-local under `npm start`).
 * Simple content keeps the message small; threading headers go in Simple.Headers.
 */
import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import type { Mailer, OutboundEmail } from '#shared/ports';

export class SesMailer implements Mailer {
  constructor(
    private readonly client: SESv2Client,
    private readonly from: string,
  ) {}

  async send(email: OutboundEmail): Promise<string> {
    const headers = email.inReplyTo
      ? [
          { Name: 'In-Reply-To', Value: email.inReplyTo },
          { Name: 'References', Value: email.inReplyTo },
        ]
      : undefined;
    const out = await this.client.send(
      new SendEmailCommand({
        FromEmailAddress: this.from,
        Destination: { ToAddresses: [email.to] },
        ReplyToAddresses: email.replyTo ? [email.replyTo] : undefined,
        Content: {
          Simple: {
            Subject: { Data: email.subject, Charset: 'UTF-8' },
            Body: { Text: { Data: email.text, Charset: 'UTF-8' }, Html: { Data: email.html, Charset: 'UTF-8' } },
            Headers: headers,
          },
        },
      }),
    );
    return out.MessageId ?? '';
  }
}
