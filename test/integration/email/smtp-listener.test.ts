/**
 * The local SMTP listener on its own (real s3rver, a stand-in handler): what an SMTP client
 * sees, what lands in S3, the SES-shaped event, and Lambda-like retries without losing mail.
 */
import { fileURLToPath } from 'node:url';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import nodemailer, { type Transporter } from 'nodemailer';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { localS3Client, startS3, type Running } from '#infra/local/emulators';
import { startSmtpListener, type SmtpListener } from '#infra/local/smtp-listener';
import type { InboundTestControl } from '#test/fixtures/email-handlers/recording';

const BUCKET = 'raw-mail-test';
const HANDLER = fileURLToPath(new URL('../../fixtures/email-handlers/recording.ts', import.meta.url));
const control: InboundTestControl = { events: [], failures: 0, delayMs: 0 };
(globalThis as { __inboundTest?: InboundTestControl }).__inboundTest = control;

let s3server: Running;
let s3: S3Client;
let listener: SmtpListener;
let smtp: Transporter;
const logs: string[] = [];

beforeAll(async () => {
  s3server = await startS3({ buckets: [BUCKET] });
  s3 = localS3Client(s3server.url);
  listener = await startSmtpListener({
    port: 0,
    recipients: ['DPO@icetrak.net'],
    s3,
    rawMailBucket: BUCKET,
    handlerEntry: HANDLER,
    retryDelaysMs: [10, 10],
    maxMessageBytes: 64 * 1024,
    log: (line) => logs.push(line),
  });
  smtp = nodemailer.createTransport({ host: '127.0.0.1', port: listener.port, secure: false, ignoreTLS: true });
});

afterAll(async () => {
  smtp?.close();
  await listener?.close();
  s3?.destroy();
  await s3server?.close();
});

beforeEach(() => {
  control.events.length = 0;
  control.failures = 0;
  control.delayMs = 0;
  logs.length = 0;
});

const RAW = 'From: Ada <ada@example.org>\r\nTo: dpo@icetrak.net\r\nSubject: hello\r\nMessage-ID: <t1@example.org>\r\n\r\nPlease send me my data.\r\n';

async function send(raw: string | Buffer, opts: { from?: string; to?: string[] } = {}) {
  const info = await smtp.sendMail({ envelope: { from: opts.from ?? 'ada@example.org', to: opts.to ?? ['dpo@icetrak.net'] }, raw });
  return { info, id: /queued as ([a-z0-9]+)/.exec(info.response ?? '')![1]! };
}

async function stored(id: string): Promise<string> {
  const out = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `inbound/${id}` }));
  return out.Body!.transformToString('utf8');
}

describe('local SMTP listener', () => {
  it('answers 250 with an SES-like id only once the raw MIME is in S3 under inbound/<id>, with SES-style trace headers', async () => {
    control.delayMs = 200; // the handler is still running when the client hears 250
    const { info, id } = await send(RAW);
    expect(info.response).toMatch(/^250 /);
    expect(id).toMatch(/^[a-z2-7]{40}$/);
    const raw = await stored(id);
    expect(raw.endsWith(RAW)).toBe(true);
    expect(raw).toMatch(/^Return-Path: <ada@example\.org>\r\nReceived: from .* by rightsdesk-local-smtp with SMTP id [a-z0-9]+ for dpo@icetrak\.net; /);
    expect(raw).toContain('X-SES-Spam-Verdict: PASS\r\nX-SES-Virus-Verdict: PASS\r\n');
    await expect(listener.processed(id)).resolves.toEqual({ handled: id });
  });

  it('invokes the handler with an SES receipt event: Lambda action, Event invocation, PASS verdicts', async () => {
    const { id } = await send(RAW);
    await listener.processed(id);
    const [event] = control.events;
    expect(event!.Records).toHaveLength(1);
    const { mail, receipt } = event!.Records[0]!.ses;
    expect(mail).toMatchObject({ messageId: id, source: 'ada@example.org', destination: ['dpo@icetrak.net'] });
    expect(Date.now() - Date.parse(mail.timestamp)).toBeLessThan(10_000);
    expect(receipt).toMatchObject({
      recipients: ['dpo@icetrak.net'],
      spamVerdict: { status: 'PASS' },
      virusVerdict: { status: 'PASS' },
      spfVerdict: { status: 'PASS' },
      dkimVerdict: { status: 'PASS' },
      dmarcVerdict: { status: 'PASS' },
      action: { type: 'Lambda', invocationType: 'Event' },
    });
  });

  it('takes verdicts from X-Rightsdesk-Test-* headers, and a null reverse-path as an empty source', async () => {
    const raw = `X-Rightsdesk-Test-Virus: fail\r\nX-Rightsdesk-Test-Dkim: GRAY\r\nX-Rightsdesk-Test-Spam: nonsense\r\n${RAW}`;
    const { id } = await send(raw, { from: '' });
    await listener.processed(id);
    const { mail, receipt } = control.events[0]!.Records[0]!.ses;
    expect(mail.source).toBe('');
    expect(receipt).toMatchObject({ virusVerdict: { status: 'FAIL' }, dkimVerdict: { status: 'GRAY' }, spamVerdict: { status: 'PASS' } });
    expect(await stored(id)).toMatch(/^Return-Path: <>\r\n/);
  });

  it('refuses recipients other than the DPO address with 550, and accepts the DPO among them', async () => {
    await expect(send(RAW, { to: ['someone@icetrak.net'] })).rejects.toMatchObject({ responseCode: 550 });
    const { info, id } = await send(RAW, { to: ['someone@icetrak.net', 'Dpo@Icetrak.net'] });
    expect(info.accepted).toEqual(['Dpo@icetrak.net']); // nodemailer lower-cases the domain
    expect(info.rejected).toEqual(['someone@icetrak.net']);
    await listener.processed(id);
    expect(control.events).toHaveLength(1);
  });

  it('refuses a message over the size limit with 552 and hands nothing to the handler', async () => {
    const big = `${RAW}${'x'.repeat(70 * 1024)}\r\n`;
    await expect(send(big)).rejects.toMatchObject({ responseCode: 552 });
    expect(control.events).toHaveLength(0);
  });

  it('retries a failing handler twice, as Lambda does, and succeeds on the third attempt', async () => {
    control.failures = 2;
    const { id } = await send(RAW);
    await expect(listener.processed(id)).resolves.toEqual({ handled: id });
    expect(control.events).toHaveLength(3);
    expect(new Set(control.events.map((e) => e.Records[0]!.ses.mail.messageId))).toEqual(new Set([id]));
    expect(logs.filter((l) => l.includes('retrying'))).toHaveLength(2);
  });

  it('dead-letters a message after three failures, keeps it in S3, and redelivers it once fixed', async () => {
    control.failures = 3;
    const { id } = await send(RAW);
    await expect(listener.processed(id)).rejects.toMatchObject({ name: 'ProvisionedThroughputExceededException' });
    expect(listener.deadLetters).toContain(id);
    expect(logs.join('\n')).toContain(`s3://${BUCKET}/inbound/${id}`);
    expect(logs.join('\n')).not.toContain('ada@example.org'); // ids and error names only
    expect(await stored(id)).toContain('Please send me my data.');

    await expect(listener.redeliver(id)).resolves.toEqual({ handled: id });
    expect(listener.deadLetters).not.toContain(id);
    expect(control.events).toHaveLength(4);
  });

  it('accepts a zero-byte message (it still becomes a case downstream)', async () => {
    const { id } = await send('');
    await listener.processed(id);
    expect(control.events[0]!.Records[0]!.ses.mail.messageId).toBe(id);
  });
});
