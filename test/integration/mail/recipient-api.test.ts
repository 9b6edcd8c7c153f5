/**
 * Art. 19 notices by a recipient's API (issue 15), end to end but for the network beyond this
 * machine: a test register whose recipient has `noticeApi` pointing at a real HTTP server
 * (node:http on an ephemeral port, started here), cases in dynalite owing the notice in the write
 * that executes their plan, the outbox sweep (shared/core/outbox.ts) with the real adapter
 * (FetchRecipientApi on Node's fetch). The token comes from the local stand-in for Secrets
 * Manager, RECIPIENT_TOKENS (envRecipientTokens): there is no Secrets Manager emulator here, so
 * the token is read through the same RecipientTokens port with its env-backed local adapter.
 *
 * The server answers as each test scripts it, and, like a well-behaved recipient, applies a notice
 * once per Idempotency-Key, answering a repeat with the first answer.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoCaseStore } from '#adapters/dynamo-case-store';
import { DynamoRateLimiter } from '#adapters/dynamo-intake-guards';
import { FetchRecipientApi } from '#adapters/fetch-recipient-api';
import { envRecipientTokens } from '#adapters/recipient-tokens';
import type { Actor, Case } from '#domain/case';
import { confirmIdentity, receive } from '#domain/lifecycle';
import { mailEntry } from '#domain/outbox';
import type { PlanLine } from '#domain/plan';
import { approvePlan, finishExecution, noticeId, proposePlan, recordSourceExecution, startExecution } from '#domain/plan-execution';
import { parseRegister, type Register } from '#domain/register';
import { finishSearch, startSearch } from '#domain/search';
import { dispatchCase, sweepOutbox, OUTBOX_FLAGS, type OutboxDeps } from '#shared/core/outbox';
import { newCaseId, newReference } from '#shared/core/ids';
import { ICETRAK_REGISTER } from '#shared/fulfilment/icetrak-register';
import type { Clock, Mailer } from '#shared/ports';
import { planSection } from '#shared/templates/desk-plan';
import { planJson } from '#shared/cases/case-json';
import { useDynamo } from '#test/support/emulators';

const db = useDynamo();
const DPO: Actor = 'staff:dpo@icetrak.net';
const PLAN = 'plan000000001';
const SECRET = 'rightsdesk/recipients/kashflow-test';
const TOKEN = 'test-token-7f3a9c2e5b1d4a6f';
const AT = '2026-12-02T10:00:00.000Z';

/** What the recipient's server does with the next request: answer with a status, or (hang) take longer than the client waits. */
type Script = number | 'hang';
interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server;
let url: string;
let script: Script[] = [];
let received: Received[] = [];
/** Notices applied, by Idempotency-Key, with the status first answered. */
let applied = new Map<string, number>();

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const key = String(req.headers['idempotency-key'] ?? '');
      const known = applied.get(key);
      const next = known ?? script.shift() ?? 200;
      if (next === 'hang') {
        // Applied, but the answer comes after the client has given up: its retry must not apply it twice.
        applied.set(key, 200);
        setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'), 1_500).unref();
        return;
      }
      if (next >= 200 && next < 300) applied.set(key, next);
      res.writeHead(next, { 'content-type': 'application/json' }).end(JSON.stringify({ status: next }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/art19/notices`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  script = [];
  received = [];
  applied = new Map();
});

/** Icetrak's register with Kashflow told by API instead of email. */
const register = (): Register =>
  parseRegister({
    ...ICETRAK_REGISTER,
    recipients: ICETRAK_REGISTER.recipients.map((r) => ({ ...r, noticeEmail: undefined, noticeApi: { url, tokenSecret: SECRET } })),
  });

let now = new Date('2026-12-02T10:10:00.000Z');
const clock: Clock = { now: () => now };
/** Past any retry's backoff (at most an hour) and any lease. */
const later = () => (now = new Date(now.getTime() + 2 * 3_600_000));
const cases = () => new DynamoCaseStore({ client: db.client, tableName: db.tableName, clock });

/** No email may go: every Art. 19 notice here goes by API. */
const noMail: Mailer = {
  send: () => Promise.reject(new Error('No email is sent for a recipient with an API.')),
};

const deps = (): OutboxDeps => ({
  cases: cases(),
  mailer: noMail,
  clock,
  limiter: new DynamoRateLimiter({ client: db.client, tableName: db.tableName, clock }),
  signingKey: async () => Buffer.alloc(32, 1),
  settings: { dpoAddress: 'dpo@icetrak.net', teamAddress: 'dpo-team@icetrak.net', publicBaseUrl: 'http://localhost', mailDailyLimit: 4 },
  random: () => 0.5,
  recipientApi: new FetchRecipientApi(envRecipientTokens(JSON.stringify({ [SECRET]: TOKEN })), { timeoutMs: 300 }),
});

/**
 * Ada's erasure and rectification case with its plan executed: her billing contact's name
 * corrected, an invoice erased (Kashflow received both). The notice is owed in the write that
 * marks the plan executed; nothing is sent yet.
 */
async function executedCase(): Promise<Case> {
  const r = receive({
    id: newCaseId(),
    reference: newReference(),
    rights: ['erasure', 'rectification'],
    channel: 'email',
    requester: { fullName: 'Ada Lovelace', email: 'ada@example.org' },
    receivedAt: '2026-12-01T09:15:00.000Z',
    actor: 'requester',
  });
  let c = confirmIdentity(r.case, { at: '2026-12-01T10:00:00.000Z', actor: DPO }).case;
  c = startSearch(
    c,
    {
      runId: 'run0000000001',
      registerVersion: ICETRAK_REGISTER.version,
      identifiers: { emails: ['ada@example.org'], phones: [], accountIds: [] },
      sources: [{ source: 'billing', kind: 'sql', identifiers: [{ kind: 'email', value: 'ada@example.org' }] }],
    },
    { at: AT, actor: DPO },
  ).case;
  c = finishSearch(c, 'run0000000001', AT)!.case;
  const lines: PlanLine[] = [
    {
      recordId: 'billing:billing_contact:BC-1001-01',
      source: 'billing',
      recordType: 'billing_contact',
      key: 'BC-1001-01',
      accountId: 'ACC-1001',
      action: 'rectify',
      field: 'full_name',
      from: 'Ada Lovelace',
      to: 'Ada King',
      reason: 'Corrected: full_name changed as you asked.',
      recipients: ['kashflow'],
    },
    {
      recordId: 'billing:invoice:INV-1001-202511',
      source: 'billing',
      recordType: 'invoice',
      key: 'INV-1001-202511',
      accountId: 'ACC-1001',
      action: 'erase',
      reason: 'Erased.',
      recipients: ['kashflow'],
    },
  ];
  const groups = [
    { source: 'billing', recordType: 'billing_contact', action: 'rectify' as const, field: 'full_name', count: 1 },
    { source: 'billing', recordType: 'invoice', action: 'erase' as const, count: 1 },
  ];
  c = proposePlan(
    c,
    { planId: PLAN, registerVersion: ICETRAK_REGISTER.version, lines, groups, kinds: { billing: 'sql' }, register: register() },
    { at: AT, actor: DPO },
  ).case;
  c = approvePlan(c, PLAN, { at: AT, actor: DPO }).case;
  c = startExecution(c, PLAN, AT).step!.case;
  c = recordSourceExecution(c, PLAN, 'billing', { status: 'done', applied: { rectify: 1, erase: 1 } }, AT)!.case;
  c = finishExecution(c, PLAN, AT)!.case;
  return cases().create(c, r.entry);
}

const ID = noticeId(PLAN, 'kashflow');
const notified = (c: Case) => c.audit.filter((e) => e.action === 'RecipientNotified');

describe('an Art. 19 notice to a recipient’s API', () => {
  it('is POSTed as JSON with the bearer token and the outbox id as Idempotency-Key: ids and corrected values, nothing else of the person', async () => {
    const c = await executedCase();
    expect(mailEntry(c, ID)).toMatchObject({ state: 'pending', kind: 'recipient-notice' });
    const { reports } = await sweepOutbox(deps());
    expect(reports).toContainEqual({ mail: ID, outcome: 'sent' });

    expect(received).toHaveLength(1);
    const [req] = received;
    expect(req!.headers).toMatchObject({
      authorization: `Bearer ${TOKEN}`,
      'idempotency-key': ID,
      'content-type': 'application/json',
    });
    expect(JSON.parse(req!.body)).toEqual({
      kind: 'art19-notice',
      reference: c.reference,
      planId: PLAN,
      from: 'Icetrak Ltd',
      law: 'UK GDPR Article 19',
      records: { erase: 1, rectify: 1, restrict: 0, lift: 0 },
      changes: [
        { action: 'rectify', recordType: 'billing_contact', key: 'BC-1001-01', accountId: 'ACC-1001', field: 'full_name', to: 'Ada King' },
        { action: 'erase', recordType: 'invoice', key: 'INV-1001-202511', accountId: 'ACC-1001' },
      ],
      more: 0,
      replyTo: 'dpo@icetrak.net',
    });
    // Not the old name, not her email, not her name as the requester: record ids and the corrected value only.
    for (const personal of ['Lovelace', 'ada@example.org']) expect(req!.body).not.toContain(personal);

    const after = await cases().get(c.id);
    expect(mailEntry(after, ID)).toMatchObject({ state: 'sent', messageId: 'http-200', failures: 0 });
    expect(notified(after)).toEqual([expect.objectContaining({ detail: expect.objectContaining({ mail: ID, planId: PLAN, recipient: 'kashflow' }) })]);
    const html = planSection({ c: after, staff: { sub: 's', email: 'dpo@icetrak.net', name: 'Dana', roles: ['dpo'] }, csrf: 't', basePath: '' }).value;
    expect(html).toContain(`(by its API, 127.0.0.1:${(server.address() as AddressInfo).port})`);
    expect(html).toMatch(/notice owed <time[^>]*>[^<]+<\/time>; sent <time/);
    expect(planJson(after)).toMatchObject({ notices: [{ outboxId: ID, mail: 'sent', sentAt: expect.any(String), error: null }] });
  });

  it('2xx is sent once even when delivery is retried: the answer lost to a timeout, the retry carries the same Idempotency-Key', async () => {
    const c = await executedCase();
    script = ['hang'];
    expect((await dispatchCase(c.id, deps())).reports).toEqual([{ mail: ID, outcome: 'retrying', failures: 1 }]);
    expect(mailEntry(await cases().get(c.id), ID)).toMatchObject({ state: 'pending', failures: 1, lastError: 'RecipientApiUnavailable' });

    later();
    expect((await dispatchCase(c.id, deps())).reports).toEqual([{ mail: ID, outcome: 'sent' }]);
    later();
    expect((await sweepOutbox(deps())).reports.filter((r) => r.mail === ID)).toEqual([]); // nothing left to send

    expect(received.map((r) => r.headers['idempotency-key'])).toEqual([ID, ID]);
    expect(applied.size).toBe(1); // applied by the recipient once
    const after = await cases().get(c.id);
    expect(mailEntry(after, ID)).toMatchObject({ state: 'sent', attempts: 2 });
    expect(notified(after)).toHaveLength(1);
  });

  it('500 then 200: retried with the outbox’s backoff, then sent', async () => {
    const c = await executedCase();
    script = [500, 200];
    expect((await dispatchCase(c.id, deps())).reports).toEqual([{ mail: ID, outcome: 'retrying', failures: 1 }]);
    const waiting = mailEntry(await cases().get(c.id), ID)!;
    expect(waiting).toMatchObject({ state: 'pending', failures: 1, lastError: 'RecipientApiUnavailable' });
    expect(waiting.nextAttemptAt > now.toISOString()).toBe(true);
    // Not before its time: the entry is not claimable yet.
    expect((await dispatchCase(c.id, deps())).reports).toEqual([]);
    later();
    expect((await dispatchCase(c.id, deps())).reports).toEqual([{ mail: ID, outcome: 'sent' }]);
    expect(received.map((r) => r.headers['idempotency-key'])).toEqual([ID, ID]);
    expect(notified(await cases().get(c.id))).toHaveLength(1);
  });

  it('400: failed for good, flagged, and shown on the case page for the DPO team to tell the recipient by hand', async () => {
    const c = await executedCase();
    script = [400];
    expect((await dispatchCase(c.id, deps())).reports).toEqual([{ mail: ID, outcome: 'failed', failures: 1 }]);
    later();
    expect((await sweepOutbox(deps())).reports.filter((r) => r.mail === ID)).toEqual([]); // never retried
    expect(received).toHaveLength(1);

    const after = await cases().get(c.id);
    expect(mailEntry(after, ID)).toMatchObject({ state: 'failed', lastError: 'RecipientApiRejected', reason: 'refused-by-provider' });
    expect(after.flags).toContain(OUTBOX_FLAGS.undelivered);
    expect(after.audit.filter((e) => e.action === 'MailFailed')).toEqual([
      expect.objectContaining({ detail: expect.objectContaining({ mail: ID, kind: 'recipient-notice', errorName: 'RecipientApiRejected' }) }),
    ]);
    expect(notified(after)).toEqual([]);
    const html = planSection({ c: after, staff: { sub: 's', email: 'dpo@icetrak.net', name: 'Dana', roles: ['dpo'] }, csrf: 't', basePath: '' }).value;
    expect(html).toContain('refused (RecipientApiRejected): tell the recipient by hand');
    // The staff API's case says the same.
    expect(planJson(after)).toMatchObject({
      recipients: [{ recipient: 'kashflow', noticeEmail: null, noticeApi: url }],
      notices: [{ recipient: 'kashflow', outboxId: ID, mail: 'failed', sentAt: null, error: 'RecipientApiRejected' }],
    });
  });

  it('401 once (the token rotated since it was cached): read again and sent; the fast path, without the API client, leaves it to the sweep', async () => {
    const c = await executedCase();
    const { recipientApi: _api, ...fastPath } = deps();
    expect((await dispatchCase(c.id, fastPath)).reports).toEqual([]);
    expect(received).toEqual([]);

    script = [401, 200];
    expect((await dispatchCase(c.id, deps())).reports).toEqual([{ mail: ID, outcome: 'sent' }]);
    expect(received.map((r) => r.headers.authorization)).toEqual([`Bearer ${TOKEN}`, `Bearer ${TOKEN}`]);
  });
});
