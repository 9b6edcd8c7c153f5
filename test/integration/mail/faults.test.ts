/**
 * Fault injection on the local stack (docs/operations.md, Fault injection): the real handlers
 * reach SES and DynamoDB through fault proxies (test/support/fault-proxy.ts), set with the SDK's
 * standard AWS_ENDPOINT_URL_<SERVICE> variables before the stack starts. No AWS API is mocked:
 * the proxies answer exactly what SES and DynamoDB answer when they are down or throttling.
 *
 * The stack's clock runs 60 times faster (RIGHTSDESK_TIME_SCALE), so the outbox's retry backoff
 * (30 s and up) passes in well under a second of the test's time.
 */
import { randomUUID } from 'node:crypto';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '#infra/local/stack';
import { localDynamoClient } from '#infra/local/emulators';
import { DynamoCaseStore } from '#adapters/dynamo-case-store';
import { mailEntry } from '#domain/outbox';
import { MAIL_IDS } from '#shared/core/acknowledge';
import { clockFromEnv } from '#adapters/clock';
import { faultProxy, type FaultProxy } from '#test/support/fault-proxy';
import { emailsTo, freshClient, request } from '#test/support/http';

const VARS = ['AWS_ENDPOINT_URL_SESV2', 'AWS_ENDPOINT_URL_DYNAMODB'] as const;
const saved = Object.fromEntries(VARS.map((name) => [name, process.env[name]]));
const TEAM = 'dpo-team@icetrak.net';
const DPO = 'dpo@icetrak.net';

let stack: LocalStack | undefined;
let ses: FaultProxy;
let dynamo: FaultProxy;
let cases: DynamoCaseStore;

const isWrite = (target: unknown) => typeof target === 'string' && /\.(PutItem|UpdateItem)$/.test(target);

beforeAll(async () => {
  ses = await faultProxy({ target: () => stack?.urls.ses, failWith: 503 });
  dynamo = await faultProxy({ target: () => stack?.urls.dynamodb, failWith: 'throttle', match: (r) => isWrite(r.headers['x-amz-target']) });
  process.env.AWS_ENDPOINT_URL_SESV2 = ses.url;
  process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamo.url;
  stack = await startLocalStack({ port: 0, sesPort: 0, smtpPort: 0, memory: true, timeScale: 60, outboxSweepSeconds: 3600, log: () => undefined });
  cases = new DynamoCaseStore({ client: localDynamoClient(stack.urls.dynamodb), tableName: stack.env.CASES_TABLE!, clock: clockFromEnv() });
});
afterAll(async () => {
  await stack?.stop();
  await ses?.close();
  await dynamo?.close();
  for (const name of VARS) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

const anEmail = () => `fault-${randomUUID().slice(0, 8)}@example.org`;
const submit = (email: string, headers: Record<string, string> = {}) =>
  request(`${stack!.urls.api}/requests`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ rights: ['access'], fullName: 'Ada Lovelace', email, relationship: 'customer' }),
    from: freshClient(),
  });
const linkIn = (text: string) => /(http:\/\/\S+\/verify\/[A-Za-z0-9_.%-]+)/.exec(text)![1]!;
const press = (link: string) =>
  request(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '', from: freshClient() });
/** Sweeps until nothing is due (the backoff passes quickly on the stack's fast clock). */
async function drain(): Promise<void> {
  for (let i = 0; i < 40; i++) {
    await stack!.outboxSweeper.runOnce();
    if ((await cases.listMailDue(clockFromEnv().now().toISOString())).length === 0) {
      const anyPending = await cases.listMailDue(new Date(clockFromEnv().now().getTime() + 7_200_000).toISOString(), { limit: 1 });
      if (anyPending.length === 0) return;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('the outbox did not drain');
}

describe('SES down, then up', () => {
  it('answers every requester normally, sends nothing while SES is down, then every owed mail exactly once', async () => {
    // Before the outage: a request whose confirmation will be pressed during it.
    const early = anEmail();
    expect((await submit(early)).status).toBe(201);
    const [ack] = await emailsTo(stack!.urls.ses, early);
    const link = linkIn(ack!.body.text!);

    ses.fail();
    const during = [anEmail(), anEmail(), anEmail()];
    for (const email of during) expect((await submit(email)).status).toBe(201); // not 500: the case is stored, the mail will follow
    const pressed = await press(link);
    expect(pressed.status).toBe(200);
    expect(pressed.text).toContain('Email address confirmed');
    // Inbound email too: a case, not a dead letter.
    const smtp = nodemailer.createTransport({ host: '127.0.0.1', port: stack!.inboundMail!.port, secure: false, ignoreTLS: true });
    const sender = anEmail();
    const info = await smtp.sendMail({ from: sender, to: DPO, subject: 'Subject access request', text: 'Please send me a copy of my personal data.' });
    smtp.close();
    const sesId = /queued as ([a-z0-9]+)/.exec(info.response)![1]!;
    const [received] = (await stack!.inboundMail!.processed(sesId)) as [{ outcome: string; caseId: string }];
    expect(received.outcome).toBe('created');

    await stack!.outboxSweeper.runOnce(); // a sweep during the outage sends nothing either
    expect(ses.forwarded).toBe(1);
    for (const email of [...during, sender]) expect(await emailsTo(stack!.urls.ses, email)).toEqual([]);
    const [waiting] = await cases.listByRequesterEmail(during[0]!);
    expect(mailEntry(waiting!, MAIL_IDS.acknowledgement(waiting!.id))).toMatchObject({ state: 'pending', lastError: 'ServiceUnavailable' });

    ses.heal();
    await drain();
    for (const email of [...during, sender]) expect(await emailsTo(stack!.urls.ses, email)).toHaveLength(1);
    expect(await emailsTo(stack!.urls.ses, early)).toHaveLength(2); // the acknowledgement before, the confirmation after
    const [confirmed] = await cases.listByRequesterEmail(early);
    expect((await emailsTo(stack!.urls.ses, TEAM)).filter((m) => m.subject.includes(confirmed!.reference))).toHaveLength(1);
    const byEmail = await cases.get(received.caseId);
    expect((await emailsTo(stack!.urls.ses, TEAM)).filter((m) => m.subject.includes(byEmail.reference))).toHaveLength(1);

    // And no more: another sweep sends nothing.
    const forwarded = ses.forwarded;
    await stack!.outboxSweeper.runOnce();
    expect(ses.forwarded).toBe(forwarded);
  });
});

describe('DynamoDB throttling the write', () => {
  it('answers 503 with Retry-After and a page that says nothing was saved; nothing half-done; the retry works once it passes', async () => {
    const email = anEmail();
    const key = randomUUID();
    dynamo.fail();
    const json = await submit(email, { 'idempotency-key': key });
    const page = await request(`${stack!.urls.api}/requests`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      body: new URLSearchParams({ rights: 'access', fullName: 'Ada Lovelace', email, relationship: 'customer', requestFor: 'myself' }).toString(),
      from: freshClient(),
    });
    dynamo.heal();
    expect(dynamo.failed).toBeGreaterThan(0);
    expect(json.status).toBe(503);
    expect(json.headers['retry-after']).toBe('30');
    expect(json.json()).toMatchObject({ error: 'ServiceUnavailable', correlationId: expect.any(String) });
    expect(page.status).toBe(503);
    expect(page.headers['retry-after']).toBe('30');
    expect(page.text).toContain('nothing was lost');
    expect(await cases.listByRequesterEmail(email)).toEqual([]);
    expect(await emailsTo(stack!.urls.ses, email)).toEqual([]);

    const retried = await submit(email, { 'idempotency-key': key });
    expect(retried.status).toBe(201);
    expect(await cases.listByRequesterEmail(email)).toHaveLength(1);
    expect(await emailsTo(stack!.urls.ses, email)).toHaveLength(1);
  });
});
