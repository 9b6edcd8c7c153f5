/**
 * The public web form end to end through the local HTTP adapter: real handlers, dynalite,
 * aws-ses-v2-local. Each test uses its own loopback client address and its own email
 * address so per-IP limits and mailbox assertions do not interfere.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack } from '#infra/local/stack';
import { localDynamoClient } from '#infra/local/emulators';
import { DynamoCaseStore } from '#adapters/dynamo-case-store';
import { formatLongDate } from '#domain/calendar';
import { computeDeadline, londonDateOf } from '#domain/deadlines';
import { askForIdentity } from '#domain/lifecycle';
import { systemClock } from '#shared/ports';
import { signToken } from '#shared/core/tokens';
import { OPENAPI_FILE } from '#infra/tools/openapi';
import { emailsTo, form, freshClient, request, sentEmails } from '#test/support/http';

/** The local stack's DPO mailbox (the email intake) and the DPO team's inbox (staff notices). */
const DPO = 'dpo@icetrak.net';
const TEAM = 'dpo-team@icetrak.net';

let stack: Awaited<ReturnType<typeof startLocalStack>>;
let cases: DynamoCaseStore;
let api: string;
let ses: string;

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, sesPort: 0, memory: true, log: () => {} });
  api = stack.urls.api;
  ses = stack.urls.ses;
  cases = new DynamoCaseStore({ client: localDynamoClient(stack.urls.dynamodb), tableName: stack.env.CASES_TABLE!, clock: systemClock });
});
afterAll(async () => {
  await stack?.stop();
});

const uniqueEmail = () => `req-${randomUUID().slice(0, 8)}@example.org`;
const aRequest = (email = uniqueEmail()) => ({ rights: ['access', 'erasure'], fullName: 'Ada Lovelace', email, relationship: 'customer' });

function postJson(body: unknown, opts: { from?: string; headers?: Record<string, string> } = {}) {
  return request(`${api}/requests`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...opts.headers },
    body: JSON.stringify(body),
    from: opts.from ?? freshClient(),
  });
}

function linkIn(text: string): string {
  const m = /(http:\/\/\S+\/verify\/[A-Za-z0-9_.%-]+)/.exec(text);
  if (!m) throw new Error('no confirmation link in email');
  return m[1]!;
}

/** Presses the button on the confirmation page: a POST to the link itself. */
function confirm(link: string, headers: Record<string, string> = {}) {
  return request(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: '', from: freshClient() });
}

async function casesFor(email: string) {
  return cases.listByRequesterEmail(email);
}

describe('GET / (the form)', () => {
  it('serves an accessible, self-contained page', async () => {
    const res = await request(`${api}/`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain('<html lang="en-GB">');
    expect(res.text).toMatch(/<form method="post" action="\/requests" novalidate>/);
    for (const name of [
      'fullName',
      'email',
      'postalAddress',
      'phone',
      'requestFor',
      'onBehalfOf.fullName',
      'onBehalfOf.email',
      'onBehalfOf.postalAddress',
      'onBehalfOf.capacity',
      'onBehalfOf.authority',
      'relationship',
      'details',
      'accountReference',
      'website',
      'idempotencyKey',
    ]) {
      expect(res.text).toContain(`name="${name}"`);
    }
    for (const right of ['access', 'rectification', 'erasure', 'restriction', 'objection', 'portability', 'complaint']) {
      expect(res.text).toContain(`value="${right}"`);
    }
    expect(res.text).not.toMatch(/<script|https?:\/\/(?!localhost)[^"]*\.(css|js)/);
    expect(res.text).toContain('<a href="https://www.icetrak.net/privacy">privacy notice</a>');
    expect(res.text).toContain('written proof that you may act for them');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
  });
});

describe('GET /openapi.json', () => {
  it('serves the committed contract, naming this deployment as its server', async () => {
    const res = await request(`${api}/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    const { servers, ...rest } = res.json<{ servers: { url: string }[] }>();
    expect(servers).toEqual([{ url: api }]);
    expect(rest).toEqual(JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')));
  });
});

describe('POST /requests (JSON)', () => {
  it('creates one case awaiting identity and sends the acknowledgement with a confirmation link', async () => {
    const body = aRequest();
    const res = await postJson(body);
    expect(res.status).toBe(201);
    const { reference, status } = res.json<{ reference: string; status: string }>();
    expect(reference).toMatch(/^RD-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{6}$/);
    expect(status).toBe('awaiting_identity');

    const [c, ...more] = await casesFor(body.email);
    expect(more).toHaveLength(0);
    expect(c).toMatchObject({ reference, status: 'awaiting_identity', channel: 'form', rights: ['access', 'erasure'] });
    expect(c!.audit.map((e) => e.action)).toEqual(['RequestReceived', 'IdentityRequested', 'KeeperStarted', 'AcknowledgementSent']);
    // Its deadline keeper runs (named after the case id), waiting for the verify reminder.
    expect(stack.keeper.runner.get(c!.id)?.status).toBe('RUNNING');

    const [ack, ...others] = await emailsTo(ses, body.email);
    expect(others).toHaveLength(0);
    expect(ack!.subject).toContain(`[${reference}]`);
    expect(ack!.body.text).toContain('Get a copy of my data');
    expect(ack!.body.text).toContain('Delete my data');
    expect(linkIn(ack!.body.text!)).toMatch(/\/verify\//);
  });

  it('answers 400 with one message per field, creates nothing and sends nothing', async () => {
    const before = (await sentEmails(ses)).length;
    const res = await postJson({ rights: ['access', 'sell'], fullName: '', email: 'nope', relationship: 'x' });
    expect(res.status).toBe(400);
    expect(res.json<{ errors: Record<string, string> }>().errors).toEqual({
      rights: expect.any(String),
      fullName: expect.any(String),
      email: expect.any(String),
      relationship: expect.any(String),
    });
    expect((await sentEmails(ses)).length).toBe(before);
  });

  it.each([
    ['malformed JSON', '{"rights": [', 'application/json', 400],
    ['a JSON array', '[]', 'application/json', 400],
    ['a wrong content type', 'rights=access', 'text/plain', 415],
    ['a 100 KB body', JSON.stringify({ ...aRequest(), details: 'x'.repeat(100 * 1024) }), 'application/json', 413],
  ])('rejects %s with a clear %s-class answer', async (_what, body, type, status) => {
    const before = (await sentEmails(ses)).length;
    const res = await request(`${api}/requests`, { method: 'POST', headers: { 'content-type': type }, body, from: freshClient() });
    expect(res.status).toBe(status);
    expect(res.json<{ message: string }>().message).toEqual(expect.any(String));
    expect((await sentEmails(ses)).length).toBe(before);
  });

  it.each<[string, Record<string, unknown>]>([
    ['rights holding objects', { rights: [{}, { toString: 1 }] }],
    ['a name that is an object', { fullName: { toString: 1 } }],
    ['rights that are null', { rights: null }],
  ])('answers a schema failure (%s) with 400 whatever the Accept header says', async (_what, patch) => {
    const before = (await sentEmails(ses)).length;
    for (const accept of ['text/html', 'application/json', '*/*']) {
      const res = await postJson({ ...aRequest(), ...patch }, { headers: { accept } });
      expect(res.status, accept).toBe(400);
    }
    expect((await sentEmails(ses)).length).toBe(before);
  });

  it('makes one case for a retried submission with the same Idempotency-Key', async () => {
    const body = aRequest();
    const key = randomUUID();
    const first = await postJson(body, { headers: { 'idempotency-key': key } });
    const again = await Promise.all([1, 2, 3].map(() => postJson(body, { headers: { 'idempotency-key': key } })));
    expect(first.status).toBe(201);
    for (const r of again) expect(r.json().reference).toBe(first.json().reference);
    expect(await casesFor(body.email)).toHaveLength(1);
    expect(await emailsTo(ses, body.email)).toHaveLength(1);
  });

  it('makes one case for the same content sent twice within minutes, and a new one for different content', async () => {
    const body = aRequest();
    const a = await postJson(body);
    const b = await postJson(body);
    expect(b.status).toBe(200);
    expect(b.json().reference).toBe(a.json().reference);
    const c = await postJson({ ...body, rights: ['portability'] });
    expect(c.status).toBe(201);
    expect(c.json().reference).not.toBe(a.json().reference);
    expect(await casesFor(body.email)).toHaveLength(2);
  });

  it('refuses a field the contract does not name, and a single string for rights', async () => {
    const body = aRequest();
    const unknown = await postJson({ ...body, website: 'http://spam.example' });
    expect(unknown.status).toBe(400);
    expect(unknown.json<{ errors: Record<string, string> }>().errors).toEqual({ website: expect.any(String) });
    const single = await postJson({ ...body, rights: 'access' });
    expect(single.status).toBe(400);
    expect(single.json<{ errors: Record<string, string> }>().errors).toEqual({ rights: expect.any(String) });
    expect(await casesFor(body.email)).toHaveLength(0);
  });

  it('turns a flood from one client into 429s after the limit, without cases for the rejected ones', async () => {
    const from = freshClient();
    const statuses: number[] = [];
    for (let i = 0; i < 14; i++) statuses.push((await postJson(aRequest(), { from })).status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(201));
    expect(statuses.slice(10)).toEqual([429, 429, 429, 429]);
  });
});

describe('POST /requests (form)', () => {
  function postForm(fields: [string, string][], from = freshClient()) {
    return request(`${api}/requests`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form(fields), from });
  }

  it('answers 303 See Other to a receipt page; a refresh of that page posts nothing again', async () => {
    const email = uniqueEmail();
    const res = await postForm([
      ['rights', 'access'],
      ['rights', 'complaint'],
      ['fullName', 'Grace Hopper'],
      ['email', email],
      ['relationship', 'message-recipient'],
      ['idempotencyKey', randomUUID()],
    ]);
    expect(res.status).toBe(303);
    const [c] = await casesFor(email);
    expect(res.headers.location).toBe(`/requests/${c!.reference}/received`);
    expect(c!.rights).toEqual(['access', 'complaint']);
    expect((await emailsTo(ses, email))[0]!.body.text).toContain('pass that part of your request to them');

    for (let i = 0; i < 2; i++) {
      const receipt = await request(`${api}${String(res.headers.location)}`);
      expect(receipt.status).toBe(200);
      expect(receipt.text).toContain(c!.reference);
      expect(receipt.text).toContain('We have sent an email to the address you gave');
      expect(receipt.text).not.toContain(email);
      expect(receipt.text).not.toContain('Grace Hopper');
    }
    expect(await casesFor(email)).toHaveLength(1);
    expect(await emailsTo(ses, email)).toHaveLength(1);
  });

  it('takes a postal address instead of an email address and sends the browser to the postal receipt', async () => {
    const name = `Postal ${randomUUID().slice(0, 8)}`;
    const res = await postForm([
      ['rights', 'access'],
      ['fullName', name],
      ['email', ''],
      ['postalAddress', '1 High Street\r\nMalvern WR14 1AA'],
      ['relationship', 'customer'],
      ['requestFor', 'myself'],
    ]);
    expect(res.status).toBe(303);
    const location = String(res.headers.location);
    expect(location).toMatch(/^\/requests\/RD-[A-Z0-9]{6}\/received\?reply=post$/);
    const c = (await casesFor('')).find((x) => x.requester.fullName === name)!;
    expect(c).toMatchObject({ status: 'received', flags: ['reply-by-post'], requester: { email: '', postalAddress: '1 High Street\nMalvern WR14 1AA' } });
    expect(location).toContain(c.reference);
    const receipt = await request(`${api}${location}`);
    expect(receipt.text).toContain('We will write to you at the postal address you gave');
    expect(receipt.text).not.toContain('High Street');
  });

  it('takes a request made for someone else and records it for the DPO team to check', async () => {
    const email = uniqueEmail();
    const res = await postForm([
      ['rights', 'access'],
      ['requestFor', 'someone-else'],
      ['fullName', 'Alan Agent'],
      ['email', email],
      ['onBehalfOf.fullName', 'Ada Lovelace'],
      ['onBehalfOf.capacity', 'parent-or-guardian'],
      ['onBehalfOf.authority', 'She is my daughter, aged 12.'],
      ['relationship', 'customer'],
    ]);
    expect(res.status).toBe(303);
    const [c] = await casesFor(email);
    expect(c!.requester.onBehalfOf).toEqual({ fullName: 'Ada Lovelace', capacity: 'parent-or-guardian', authority: 'She is my daughter, aged 12.' });
    expect(c!.flags).toEqual(['on-behalf']);
  });

  it('serves a receipt page for any well-formed reference without looking it up, and 404 for anything else', async () => {
    const guessed = await request(`${api}/requests/RD-222222/received`);
    expect(guessed.status).toBe(200);
    expect(guessed.text).toContain('RD-222222');
    const junk = await request(`${api}/requests/%3Cscript%3E/received`);
    expect(junk.status).toBe(404);
    expect(junk.text).not.toContain('<script>');
  });

  it('accepts a honeypot hit silently without a case or an email', async () => {
    const email = uniqueEmail();
    const res = await request(`${api}/requests`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form([
        ['rights', 'access'],
        ['fullName', 'Spam Bot'],
        ['email', email],
        ['relationship', 'other'],
        ['website', 'http://spam.example'],
      ]),
      from: freshClient(),
    });
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/^\/requests\/RD-[A-Z0-9]{6}\/received$/);
    expect(await casesFor(email)).toHaveLength(0);
    expect(await emailsTo(ses, email)).toHaveLength(0);
  });

  it('re-renders the form with an error summary, inline messages and the values typed', async () => {
    const res = await request(`${api}/requests`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form([
        ['fullName', 'Grace Hopper'],
        ['email', 'grace@'],
        ['details', 'keep me'],
      ]),
      from: freshClient(),
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain('There is a problem');
    expect(res.text).toContain('href="#email"');
    expect(res.text).toContain('href="#rights-access"');
    expect(res.text).toContain('value="Grace Hopper"');
    expect(res.text).toContain('>keep me</textarea>');
    expect(res.text).toContain('<title>Error: ');
  });

  it('re-renders a request for someone else that lacks the person, keeping what was typed and linking each problem', async () => {
    const res = await postForm([
      ['rights', 'access'],
      ['requestFor', 'someone-else'],
      ['fullName', 'Alan Agent'],
      ['email', uniqueEmail()],
      ['onBehalfOf.authority', 'keep me too'],
      ['relationship', 'customer'],
    ]);
    expect(res.status).toBe(400);
    expect(res.text).toContain('href="#onBehalfOf-fullName"');
    expect(res.text).toContain('href="#onBehalfOf-capacity-parent-or-guardian"');
    expect(res.text).not.toContain('href="#onBehalfOf-authority"');
    expect(res.text).toContain('>keep me too</textarea>');
    expect(res.text).toMatch(/id="requestFor-someone-else"[^>]*checked/);
  });

  it('escapes script and markup in every field, in pages and emails', async () => {
    const evil = `"><script>alert(1)</script><img src=x onerror=alert(2)>`;
    const email = uniqueEmail();
    const fields: [string, string][] = [
      ['rights', 'access'],
      ['fullName', evil],
      ['email', email],
      ['relationship', 'other'],
      ['details', evil],
      ['phone', evil],
      ['accountReference', evil],
    ];
    const rejected = await request(`${api}/requests`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form(fields),
      from: freshClient(),
    });
    expect(rejected.status).toBe(400); // phone and account reference refuse markup outright
    expect(rejected.text).not.toContain('<script>alert');
    expect(rejected.text).not.toContain('<img src=x');
    expect(rejected.text).toContain('&lt;script&gt;');

    const accepted = await request(`${api}/requests`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form(fields.filter(([k]) => k !== 'phone' && k !== 'accountReference')),
      from: freshClient(),
    });
    expect(accepted.status).toBe(303);
    const receipt = await request(`${api}${String(accepted.headers.location)}`);
    expect(receipt.text).not.toContain('<script>alert');
    const [ack] = await emailsTo(ses, email);
    expect(ack!.body.html).not.toContain('<script>alert');
    expect(ack!.body.html).not.toContain('<img src=x');
    // The address is not confirmed yet: nothing the submitter typed is in the mail at all, escaped or not.
    expect(ack!.body.html).not.toContain('script');
    expect(ack!.body.text).not.toContain('script');
    expect(ack!.subject).not.toContain('<script>');

    const link = linkIn(ack!.body.text!);
    await confirm(link);
    const teamMail = (await emailsTo(ses, TEAM)).find((m) => m.subject.includes((receipt.text.match(/RD-[A-Z0-9]{6}/) ?? [''])[0]));
    expect(teamMail!.body.html).not.toContain('<script>alert');
    expect(teamMail!.subject).not.toContain('script');
  });
});

describe('the confirmation link: GET shows a button, POST /verify/{token} confirms', () => {
  async function submitAndGetLink() {
    const body = aRequest();
    const res = await postJson(body);
    const [ack] = await emailsTo(ses, body.email);
    return { email: body.email, reference: res.json<{ reference: string }>().reference, link: linkIn(ack!.body.text!) };
  }

  it('opening the link changes nothing (mail scanners fetch every link): the page offers a button that posts to it', async () => {
    const { email, reference, link } = await submitAndGetLink();
    const [before] = await casesFor(email);
    const mailsBefore = (await sentEmails(ses)).length;
    for (let i = 0; i < 3; i++) {
      const page = await request(link);
      expect(page.status).toBe(200);
      expect(page.text).toContain(reference);
      expect(page.text).toMatch(
        new RegExp(`<form method="post" action="[^"]*/verify/${link.split('/verify/')[1]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`),
      );
      expect(page.text).toContain('Confirm my email address</button>');
    }
    const [after] = await casesFor(email);
    expect(after).toMatchObject({ status: 'awaiting_identity', version: before!.version });
    expect((await sentEmails(ses)).length).toBe(mailsBefore);
  });

  it('refuses a cross-site POST (a forged form elsewhere), changing nothing', async () => {
    const { email, link } = await submitAndGetLink();
    const forged = await confirm(link, { origin: 'https://evil.example', accept: 'text/html' });
    expect(forged.status).toBe(403);
    const fetchSite = await confirm(link, { 'sec-fetch-site': 'cross-site' });
    expect(fetchSite.status).toBe(403);
    expect((await casesFor(email))[0]!.status).toBe('awaiting_identity');
    const sameSite = await confirm(link, { origin: new URL(api).origin, 'sec-fetch-site': 'same-origin' });
    expect(sameSite.status).toBe(200);
  });

  it('confirms the address, starts the clock, shows and emails the due date, and tells the DPO team', async () => {
    const { email, reference, link } = await submitAndGetLink();
    const res = await confirm(link);
    expect(res.status).toBe(200);
    const today = londonDateOf(new Date());
    const { dueOn } = computeDeadline({ receivedOn: today, identityReceivedOn: today });
    const due = formatLongDate(dueOn!);
    expect(res.text).toContain(reference);
    expect(res.text).toContain(due);

    const [c] = await casesFor(email);
    expect(c).toMatchObject({ status: 'in_progress', identityReceivedOn: today, clockStartsOn: today, dueOn });

    const mails = await emailsTo(ses, email);
    expect(mails).toHaveLength(2);
    expect(mails[1]!.subject).toContain(`[${reference}]`);
    expect(mails[1]!.body.text).toContain(due.replace(/^\w+ /, '')); // "28 December 2026", weekday optional
    for (const m of mails) expect(m.replyTo).toEqual([DPO]); // the requester's replies thread into the case

    // To the team's inbox: the DPO mailbox is Rightsdesk's own intake, which would ignore it.
    const notice = (await emailsTo(ses, TEAM)).filter((m) => m.subject.includes(reference));
    expect(notice).toHaveLength(1);
    expect(notice[0]!.subject).toContain(due);
    expect(notice[0]!.subject).toContain('access, erasure');
    expect((await emailsTo(ses, DPO)).filter((m) => m.subject.includes(reference))).toEqual([]);
  });

  it('treats a second use as already used: clear page, nothing changes, no more email', async () => {
    const { email, link } = await submitAndGetLink();
    await confirm(link);
    const before = await casesFor(email);
    const mailsBefore = (await sentEmails(ses)).length;
    const again = await confirm(link);
    expect(again.status).toBe(200);
    expect(again.text).toContain('already been used');
    const after = await casesFor(email);
    expect(after[0]!.status).toBe(before[0]!.status);
    expect(after[0]!.dueOn).toBe(before[0]!.dueOn);
    expect((await sentEmails(ses)).length).toBe(mailsBefore);
  });

  it('a used link does not satisfy a later request for stronger proof of identity from the DPO', async () => {
    const { email, link } = await submitAndGetLink();
    await confirm(link);
    const [confirmed] = await casesFor(email);
    const asked = await cases.update(confirmed!.id, (cur) => askForIdentity(cur, { at: new Date().toISOString(), actor: 'staff:dpo@icetrak.net' }));
    expect(asked.status).toBe('awaiting_identity');
    const again = await confirm(link);
    expect(again.status).toBe(200);
    const after = await cases.get(confirmed!.id);
    expect(after.status).toBe('awaiting_identity');
    expect(after.identityReceivedOn).toBe(confirmed!.identityReceivedOn);
    expect(after.audit.filter((e) => e.action === 'IdentityReceived')).toHaveLength(1);
    expect(after.audit.at(-1)).toMatchObject({ action: 'ConfirmationLinkReused', actor: 'requester' });
  });

  it('refuses a tampered token and an expired one with a page, changing nothing', async () => {
    const { email, link } = await submitAndGetLink();
    const [c] = await casesFor(email);
    const tampered = link.replace(/.$/, (ch) => (ch === 'A' ? 'B' : 'A'));
    const bad = await request(tampered);
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('not valid');

    const key = Buffer.from(stack.env.SIGNING_KEY!, 'base64url');
    const expiredToken = signToken(key, { caseId: c!.id, purpose: 'verify', expiresAt: Math.floor(Date.now() / 1000) - 1 });
    const expired = await request(`${api}/verify/${expiredToken}`);
    expect(expired.status).toBe(410);
    expect(expired.text).toContain('expired');

    const junk = await request(`${api}/verify/%3Cscript%3E`);
    expect(junk.status).toBe(400);
    expect(junk.text).not.toContain('<script>');

    const [after] = await casesFor(email);
    expect(after!.status).toBe('awaiting_identity');
    expect(after!.version).toBe(c!.version);
  });

  it('sends nothing to the DPO mailbox (it would loop into the intake): staff notices go to the team', async () => {
    expect(stack.env).toMatchObject({ DPO_ADDRESS: DPO, TEAM_ADDRESS: TEAM });
    const { link } = await submitAndGetLink();
    await confirm(link);
    const all = await sentEmails(ses);
    expect(all.some((m) => m.destination.to.includes(TEAM))).toBe(true);
    expect(all.filter((m) => m.destination.to.some((to) => to.toLowerCase() === DPO))).toEqual([]);
  });
});
