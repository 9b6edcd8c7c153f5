/**
 * The local stand-in for SES email receiving (DESIGN.md, Local stack): an SMTP server that
 * takes mail for the DPO address, stores the raw MIME in (local) S3 under `inbound/<id>`
 * exactly where SES's S3 action puts it, and then invokes the production handler
 * (lambdas/email/receive-email.ts) with an SES-shaped receipt event, as SES's Lambda action
 * does (InvocationType Event).
 *
 * Like SES: the sender hears 250 only once the message is safely in S3; recipients other than
 * the DPO address get 550; a message over the size limit gets 552 (SES accepts up to 40 MB).
 * Like Lambda's asynchronous invocation: a failing handler is retried twice, then the message
 * is dead-lettered (logged with its id; the raw MIME stays in S3 and `redeliver(id)` runs it
 * again). Trace headers are prepended as SES does (Return-Path, Received, X-SES-*-Verdict).
 *
 * Verdicts are PASS unless the message says otherwise in test headers that only this
 * listener reads (SES computes verdicts itself and the handler never reads these headers):
 *   X-Rightsdesk-Test-Spam, -Virus, -Spf, -Dkim, -Dmarc: PASS | FAIL | GRAY | PROCESSING_FAILED | DISABLED
 * No authentication and no TLS: it listens on the loopback interface only.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Context, SESEvent } from 'aws-lambda';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { isVerdict, type Verdicts } from '#domain/inbound-mail';
import { rawMailKey } from '#shared/email/keys';
import { readTopHeaders } from '#shared/email/parse-mail';
import { sesEventOf } from '#shared/email/ses-event';
import { LOCAL_REGION } from './emulators';
import { LOCAL_ACCOUNT, lambdaContext, localFunctionName } from './lambda-context';
import { describeError } from './http-adapter';

/** SES's largest accepted message, headers included. */
export const DEFAULT_MAX_MESSAGE_BYTES = 40 * 1024 * 1024;
/** Lambda retries a failed asynchronous invocation twice; locally after 1 s and 5 s (AWS: about 1 and 2 minutes). */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [1_000, 5_000];
const HANDLER_TIMEOUT_MS = 60_000;

export const TEST_VERDICT_HEADERS: { readonly [K in keyof Verdicts]: string } = {
  spam: 'x-rightsdesk-test-spam',
  virus: 'x-rightsdesk-test-virus',
  spf: 'x-rightsdesk-test-spf',
  dkim: 'x-rightsdesk-test-dkim',
  dmarc: 'x-rightsdesk-test-dmarc',
};

export interface SmtpListenerOptions {
  /** 0 picks a free port. */
  readonly port: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** Addresses mail is accepted for (case-insensitive); any other RCPT TO gets 550. */
  readonly recipients: readonly string[];
  readonly s3: S3Client;
  readonly rawMailBucket: string;
  /** Absolute path of the handler module (it exports `handler`). */
  readonly handlerEntry: string;
  /** Handlers are loaded only after this resolves (they read their configuration on import). */
  readonly ready?: Promise<void>;
  /** @default DEFAULT_MAX_MESSAGE_BYTES */
  readonly maxMessageBytes?: number;
  /** Waits before each retry; its length is the number of retries. @default DEFAULT_RETRY_DELAYS_MS */
  readonly retryDelaysMs?: readonly number[];
  readonly log?: (line: string) => void;
}

export interface SmtpListener {
  readonly port: number;
  readonly url: string;
  /** The handler's result for a message (by the id in the 250 reply); rejects once every attempt failed. */
  processed(sesMessageId: string): Promise<unknown>;
  /** Ids of messages whose every attempt failed; their raw MIME is still in S3. */
  readonly deadLetters: readonly string[];
  /** Runs a stored message through the handler again (a redrive). */
  redeliver(sesMessageId: string): Promise<unknown>;
  /** Stops accepting mail and waits for messages in flight. */
  close(): Promise<void>;
}

type Handler = (event: SESEvent, context: Context) => Promise<unknown>;

/** An SES-like message id: 40 lower-case base-32 characters, no personal data. */
export function newSesMessageId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  return [...randomBytes(40)].map((b) => alphabet[b % 32]).join('');
}

class SmtpError extends Error {
  constructor(
    message: string,
    readonly responseCode: number,
  ) {
    super(message);
  }
}

/** Verdicts for a message: PASS, or what its X-Rightsdesk-Test-* headers say. */
export function localVerdicts(raw: Buffer): Verdicts {
  const headers = readTopHeaders(raw);
  const out = { spam: 'PASS', virus: 'PASS', spf: 'PASS', dkim: 'PASS', dmarc: 'PASS' } as Verdicts;
  for (const [name, header] of Object.entries(TEST_VERDICT_HEADERS) as [keyof Verdicts, string][]) {
    const value = headers[header]?.trim().toUpperCase();
    if (isVerdict(value)) out[name] = value;
  }
  return out;
}

/** What SES prepends to a stored message: the envelope sender, a trace line and its verdicts. */
function traceHeaders(id: string, session: SMTPServerSession, source: string, verdicts: Verdicts, at: Date): Buffer {
  const rcpt = session.envelope.rcptTo[0]?.address ?? '';
  const client = `${session.clientHostname ?? 'unknown'} ([${session.remoteAddress}])`;
  return Buffer.from(
    [
      `Return-Path: <${source}>`,
      `Received: from ${client} by rightsdesk-local-smtp with SMTP id ${id} for ${rcpt}; ${at.toUTCString()}`,
      `X-SES-Spam-Verdict: ${verdicts.spam}`,
      `X-SES-Virus-Verdict: ${verdicts.virus}`,
      '',
    ].join('\r\n'),
    'utf8',
  );
}

export async function startSmtpListener(opts: SmtpListenerOptions): Promise<SmtpListener> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const accepted = new Set(opts.recipients.map((r) => r.trim().toLowerCase()));
  const maxBytes = opts.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const retryDelays = opts.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  const results = new Map<string, Promise<unknown>>();
  const events = new Map<string, SESEvent>();
  const inFlight = new Set<Promise<unknown>>();
  const deadLetters: string[] = [];
  const waits = new Set<() => void>();
  let closing = false;
  let handler: Promise<Handler> | undefined;

  const loadHandler = () =>
    (handler ??= (async () => {
      await opts.ready;
      const mod = (await import(pathToFileURL(opts.handlerEntry).href)) as { handler?: unknown };
      if (typeof mod.handler !== 'function') throw new Error(`${opts.handlerEntry} does not export a handler function`);
      return mod.handler as Handler;
    })().catch((err: unknown) => {
      handler = undefined; // retried on the next message, after the developer fixes it
      throw err;
    }));

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        waits.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      waits.add(done);
    });

  /** Lambda's asynchronous invocation: the first attempt, then one retry per delay. */
  async function invoke(id: string, event: SESEvent): Promise<unknown> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        const fn = await loadHandler();
        const result = await fn(event, lambdaContext(opts.handlerEntry, Date.now() + HANDLER_TIMEOUT_MS, 1024));
        log(`inbound mail ${id}: handled`);
        return result;
      } catch (err) {
        const retryIn = retryDelays[attempt - 1];
        if (retryIn === undefined || closing) {
          deadLetters.push(id);
          log(
            `inbound mail ${id}: handler failed ${attempt} time(s), last with ${describeError(err)}\n` +
              `  the raw message is kept at s3://${opts.rawMailBucket}/${rawMailKey(id)}; it will be processed again on redelivery`,
          );
          throw err;
        }
        log(`inbound mail ${id}: attempt ${attempt} failed (${err instanceof Error ? err.name : typeof err}); retrying in ${retryIn} ms`);
        await pause(retryIn);
      }
    }
  }

  function dispatch(id: string, event: SESEvent): Promise<unknown> {
    events.set(id, event);
    const run = invoke(id, event);
    run.catch(() => undefined); // reported above; `processed(id)` still rejects for whoever asks
    inFlight.add(run);
    void run.finally(() => inFlight.delete(run)).catch(() => undefined);
    results.set(id, run);
    return run;
  }

  async function onData(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    await new Promise<void>((resolve, reject) => {
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= maxBytes) chunks.push(chunk);
      });
      stream.once('end', resolve);
      stream.once('error', reject);
    });
    if (stream.sizeExceeded || size > maxBytes) throw new SmtpError(`Message exceeds the ${maxBytes}-byte limit`, 552);
    if (closing) throw new SmtpError('Service shutting down, try again later', 421);

    const id = newSesMessageId();
    const at = new Date();
    const body = Buffer.concat(chunks, size);
    const source = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
    const verdicts = localVerdicts(body);
    const raw = Buffer.concat([traceHeaders(id, session, source, verdicts, at), body]);
    // 250 only after this write: a failure here is a 451 and the sender's server tries again.
    await opts.s3.send(new PutObjectCommand({ Bucket: opts.rawMailBucket, Key: rawMailKey(id), Body: raw, ContentType: 'message/rfc822' }));
    const event = sesEventOf({
      messageId: id,
      timestamp: at,
      source,
      recipients: session.envelope.rcptTo.map((r) => r.address),
      verdicts,
      functionArn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${localFunctionName(opts.handlerEntry)}`,
    });
    void dispatch(id, event); // runs (and retries) after the 250, as SES invokes Lambda asynchronously
    return `Ok: queued as ${id}`;
  }

  const server = new SMTPServer({
    name: 'rightsdesk-local-smtp',
    banner: 'Rightsdesk local inbound mail (SES stand-in)',
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: maxBytes,
    logger: false,
    closeTimeout: 2_000,
    onRcptTo(address, _session, callback) {
      if (accepted.has(address.address.trim().toLowerCase())) return callback();
      return callback(new SmtpError('Mailbox unavailable: this server accepts mail for the DPO address only', 550));
    },
    onData(stream, session, callback) {
      onData(stream, session).then(
        (message) => callback(null, message),
        (err: unknown) => {
          if (err instanceof SmtpError) return callback(err);
          log(`inbound mail not stored: ${describeError(err)}`);
          callback(new SmtpError('Temporary failure storing the message, try again later', 451));
        },
      );
    },
  });
  server.on('error', (err) => log(`smtp listener: ${describeError(err)}`));

  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(opts.port, host, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;

  return {
    port,
    url: `smtp://localhost:${port}`,
    deadLetters,
    processed(id) {
      return results.get(id) ?? Promise.reject(new Error(`No inbound message ${id} was received.`));
    },
    redeliver(id) {
      const event = events.get(id);
      if (!event) return Promise.reject(new Error(`No inbound message ${id} was received.`));
      const index = deadLetters.indexOf(id);
      if (index !== -1) deadLetters.splice(index, 1);
      return dispatch(id, event);
    },
    async close() {
      closing = true;
      for (const wake of [...waits]) wake();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.allSettled([...inFlight]);
    },
  };
}
