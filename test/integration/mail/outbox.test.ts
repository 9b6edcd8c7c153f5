/**
 * The outbox end to end on the local stack: the real handlers, dynalite, aws-ses-v2-local and
 * the outbox sweep handler. Each scenario counts what SES actually accepted, per recipient.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack } from '#infra/local/stack';
import { localDynamoClient } from '#infra/local/emulators';
import { DynamoCaseStore } from '#adapters/dynamo-case-store';
import { askForIdentity, receive } from '#domain/lifecycle';
import { mailEntry } from '#domain/outbox';
import { MAIL_IDS, oweAcknowledgement } from '#shared/core/acknowledge';
import { newCaseId, newReference } from '#shared/core/ids';
import { systemClock } from '#shared/ports';
import { emailsTo, freshClient, request } from '#test/support/http';

const TEAM = 'dpo-team@icetrak.net';
let stack: Awaited<ReturnType<typeof startLocalStack>>;
let cases: DynamoCaseStore;
let api: string;
let ses: string;

beforeAll(async () => {
  // The sweep timer is left far off: each test runs the sweep itself when it means to.
  stack = await startLocalStack({ port: 0, sesPort: 0, memory: true, outboxSweepSeconds: 3600, log: () => {} });
  api = stack.urls.api;
  ses = stack.urls.ses;
  cases = new DynamoCaseStore({ client: localDynamoClient(stack.urls.dynamodb), tableName: stack.env.CASES_TABLE!, clock: systemClock });
});
afterAll(async () => {
  await stack?.stop();
});

const uniqueEmail = () => `outbox-${randomUUID().slice(0, 8)}@example.org`;
const submit = (body: Record<string, unknown>, headers: Record<string, string> = {}, from = freshClient()) =>
  request(`${api}/requests`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), from });
const aRequest = (email = uniqueEmail(), fullName = 'Ada Lovelace') => ({ rights: ['access'], fullName, email, relationship: 'customer' });
const linkIn = (text: string) => /(http:\/\/\S+\/verify\/[A-Za-z0-9_.%-]+)/.exec(text)![1]!;
const confirm = (link: string) =>
  request(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '', from: freshClient() });

describe('races', () => {
  it('20 concurrent identical submissions (one Idempotency-Key): one case, one acknowledgement, none answered 429', async () => {
    const body = aRequest();
    const key = randomUUID();
    const from = freshClient();
    const answers = await Promise.all(Array.from({ length: 20 }, () => submit(body, { 'idempotency-key': key }, from)));
    expect(answers.map((a) => a.status).filter((s) => s !== 200 && s !== 201)).toEqual([]);
    expect(new Set(answers.map((a) => a.json<{ reference: string }>().reference)).size).toBe(1);
    expect(await cases.listByRequesterEmail(body.email)).toHaveLength(1);
    await stack.outboxSweeper.runOnce();
    expect(await emailsTo(ses, body.email)).toHaveLength(1);
  });

  it('20 concurrent presses of one confirmation button: one confirms, one confirmation email, one team notice', async () => {
    const body = aRequest();
    const res = await submit(body);
    const reference = res.json<{ reference: string }>().reference;
    const [ack] = await emailsTo(ses, body.email);
    const link = linkIn(ack!.body.text!);
    const presses = await Promise.all(Array.from({ length: 20 }, () => confirm(link)));
    expect(presses.map((p) => p.status)).toEqual(Array.from({ length: 20 }, () => 200));
    expect(presses.filter((p) => p.text.includes('Email address confirmed'))).toHaveLength(1);
    expect(presses.filter((p) => p.text.includes('already been used'))).toHaveLength(19);
    await stack.outboxSweeper.runOnce();
    expect(await emailsTo(ses, body.email)).toHaveLength(2); // the acknowledgement, then the one confirmation
    expect((await emailsTo(ses, TEAM)).filter((m) => m.subject.includes(reference))).toHaveLength(1);
    const [c] = await cases.listByRequesterEmail(body.email);
    expect(c!.audit.filter((e) => e.action === 'IdentityReceived')).toHaveLength(1);
    expect(c!.audit.filter((e) => e.action === 'ConfirmationSent')).toHaveLength(1);
    expect(c!.audit.filter((e) => e.action === 'DpoNotified')).toHaveLength(1);
  });
});

describe('a crash between the write and the send', () => {
  it('leaves the mail owed, and the sweep sends it exactly once', async () => {
    // What a kill -9 right after the create leaves: the case, owing its acknowledgement, nothing sent.
    const email = uniqueEmail();
    const at = new Date().toISOString();
    const r = receive({
      id: newCaseId(),
      reference: newReference(),
      rights: ['access'],
      channel: 'form',
      requester: { fullName: 'Crash Test', email, relationship: 'customer' },
      receivedAt: at,
      actor: 'requester',
    });
    const asked = askForIdentity(r.case, { at, actor: 'system' });
    const c = await cases.create(oweAcknowledgement(asked.case, at), r.entry, asked.entry);
    expect(await emailsTo(ses, email)).toHaveLength(0);
    expect(await cases.listMailDue(new Date().toISOString())).toContain(c.id);

    await Promise.all([stack.outboxSweeper.runOnce(), stack.outboxSweeper.runOnce()]);
    await stack.outboxSweeper.runOnce();
    const mails = await emailsTo(ses, email);
    expect(mails).toHaveLength(1);
    expect(linkIn(mails[0]!.body.text!)).toContain('/verify/');
    const after = await cases.get(c.id);
    expect(mailEntry(after, MAIL_IDS.acknowledgement(c.id))).toMatchObject({ state: 'sent', attempts: 1, failures: 0 });
    expect(after.audit.filter((e) => e.action === 'AcknowledgementSent')).toEqual([
      expect.objectContaining({ detail: expect.objectContaining({ mail: MAIL_IDS.acknowledgement(c.id), messageId: mails[0]!.messageId }) }),
    ]);
    expect(await cases.listMailDue(new Date().toISOString())).not.toContain(c.id);
  });
});

describe('not a mail cannon', () => {
  it('fifteen submissions naming one outside address: it gets at most MAIL_DAILY_LIMIT mails, greeted neutrally, without the submitted text', async () => {
    const victim = uniqueEmail();
    const limit = Number(stack.env.MAIL_DAILY_LIMIT);
    expect(limit).toBe(4);
    for (let i = 0; i < 15; i++) {
      const res = await submit({ ...aRequest(victim, `Visit https://spam.example/${i} now`), details: `Buy now https://spam.example/${i}` });
      expect(res.status).toBe(201);
    }
    await stack.outboxSweeper.runOnce();
    const mails = await emailsTo(ses, victim);
    expect(mails).toHaveLength(limit);
    for (const m of mails) {
      expect(m.body.text).not.toContain('spam.example');
      expect(m.body.html).not.toContain('spam.example');
      expect(m.body.text).toContain('Hello,');
      expect(m.body.text).not.toContain('Visit');
    }
    // Every case was still made; the ones over the limit say why on the case, for the DPO team.
    const all = await cases.listByRequesterEmail(victim);
    expect(all).toHaveLength(15);
    const withheld = all.filter((c) => c.flags.includes('mail-withheld'));
    expect(withheld).toHaveLength(15 - limit);
    for (const c of withheld) {
      expect(mailEntry(c, MAIL_IDS.acknowledgement(c.id))).toMatchObject({ state: 'withheld', reason: 'recipient-limit' });
      expect(c.audit.find((e) => e.action === 'MailWithheld')?.detail).toMatchObject({ reason: 'recipient-limit' });
    }
  });

  it('a replay never counts against the per-client limit: a retry with its own Idempotency-Key is not a 429', async () => {
    const from = freshClient();
    const key = randomUUID();
    const body = aRequest();
    const first = await submit(body, { 'idempotency-key': key }, from);
    expect(first.status).toBe(201);
    // Fill the client's hourly allowance with other submissions.
    let limited = 0;
    for (let i = 0; i < 12; i++) if ((await submit(aRequest(), {}, from)).status === 429) limited += 1;
    expect(limited).toBeGreaterThan(0);
    const replay = await submit(body, { 'idempotency-key': key }, from);
    expect(replay.status).toBe(200); // 200, not 201: the same request, answered again
    expect(replay.json()).toMatchObject({ reference: first.json<{ reference: string }>().reference });
  });
});
