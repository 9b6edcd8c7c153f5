/**
 * Issue 15's processor requests, end to end on the local stack as `npm start` runs it (the demo
 * data loaded): Cara, who received SMS that two of Icetrak's customers sent, asks through the
 * public form as a message recipient; confirming her address starts the search by itself; with
 * the manual source checked, one `forward` (no fields) sends the request to both customers'
 * privacy contacts through the outbox (SES), tells Cara both names, and closes the case as
 * forwarded. Ada's mixed request forwards Malvern Dental's part and stays open for Icetrak's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emailsTo, freshClient, request, type SentEmail } from '#test/support/http';
import { startLocalStack, type LocalStack } from '#infra/local/stack';
import { londonDateOf } from '#domain/calendar';
import { bearerFor, staffCall } from '#test/support/staff';

let stack: LocalStack;
let dpo: string;

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, sesPort: 0, oidcPort: 0, memory: true, outboxSweepSeconds: 3600, icetrak: true, log: () => undefined });
  dpo = await bearerFor(stack, 'dpo.lead@icetrak.net');
}, 180_000);
afterAll(async () => {
  await stack?.stop();
});

const call = (path: string, opts: { method?: string; body?: unknown } = {}) => staffCall(stack, path, dpo, opts);
const actOn = (ref: string, body: Record<string, unknown>) => call(`/api/cases/${ref}/actions`, { method: 'POST', body });

interface Forward {
  accountId: string;
  name: string;
  contact: string;
  records: number;
  phones: string[];
  by: string;
  mail: string | null;
}
interface Doc {
  status: string;
  outcome?: string;
  searches: Array<{ source: string; status: string; recordCount: number | null; customers?: Array<{ accountId: string }> }>;
  searchRun: { startedBy: string; finishedAt: string | null } | null;
  forwards: Forward[];
  timeline: Array<{ action: string; actor: string; detail?: Record<string, unknown> }>;
}

const doc = async (ref: string) => (await call(`/api/cases/${ref}`)).json<Doc>();

async function finishedSearch(ref: string): Promise<Doc> {
  for (let i = 0; i < 300; i++) {
    const d = await doc(ref);
    if (d.searchRun?.finishedAt) return d;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('The search did not finish.');
}

/** The mails to `address` about `ref`, waiting for at least `n`. */
async function mailsAbout(address: string, ref: string, n = 1): Promise<SentEmail[]> {
  let mails: SentEmail[] = [];
  for (let i = 0; i < 50; i++) {
    mails = (await emailsTo(stack.urls.ses, address)).filter((m) => m.subject.includes(ref));
    if (mails.length >= n) return mails;
    await new Promise((r) => setTimeout(r, 200));
  }
  return mails;
}

describe('processor requests (issue 15)', () => {
  it('Cara’s request: searched on confirmation, forwarded to Malvern Dental and Worcester Taxis, Cara told both, closed as forwarded', async () => {
    const submitted = await request(`${stack.urls.api}/requests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        rights: ['access', 'erasure'],
        fullName: 'Cara Jones',
        email: 'cara@example.org',
        phone: '07700 900456',
        relationship: 'message-recipient',
        details: 'I keep getting text messages and want to know who has my number.',
      }),
      from: freshClient(),
    });
    expect(submitted.status, submitted.text).toBe(201);
    const ref = submitted.json<{ reference: string }>().reference;
    const [ack] = await mailsAbout('cara@example.org', ref);
    const link = /(http:\/\/\S+\/verify\/[A-Za-z0-9_.%-]+)/.exec(ack!.body.text ?? '')?.[1];
    expect(link, 'the confirmation link').toBeDefined();
    // Nothing is searched before the address is confirmed.
    expect((await doc(ref)).searchRun).toBeNull();
    const confirmed = await request(link!, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
      from: freshClient(),
    });
    expect(confirmed.status).toBe(200);

    // The search started by itself (actor system) and found her messages from two customers, nothing of Icetrak's own.
    const searched = await finishedSearch(ref);
    expect(searched.searchRun?.startedBy).toBe('system');
    const by = Object.fromEntries(searched.searches.map((s) => [s.source, s]));
    expect(by.traffic).toMatchObject({ status: 'done', recordCount: 8 });
    expect(by.accounts).toMatchObject({ status: 'done', recordCount: 0 });
    expect(by['support-files']!.status).toBe('awaiting-staff');
    expect((await actOn(ref, { action: 'record-manual-search', source: 'support-files', outcome: 'nothing-found' })).status).toBe(200);

    // One approval: forward, no fields.
    const forwarded = await actOn(ref, { action: 'forward' });
    expect(forwarded.status, forwarded.text).toBe(200);
    const after = await doc(ref);
    expect(after).toMatchObject({ status: 'closed', outcome: 'forwarded' });
    expect(
      after.forwards.map(({ accountId, name, contact, records, phones, by: who }) => ({ accountId, name, contact, records, phones, by: who })),
    ).toEqual([
      {
        accountId: 'ACC-1001',
        name: 'Malvern Dental Practice',
        contact: 'privacy@malverndental.example',
        records: 5,
        phones: ['+447700900456'],
        by: 'staff:dpo.lead@icetrak.net',
      },
      {
        accountId: 'ACC-1002',
        name: 'Worcester Taxis',
        contact: 'dpo@worcestertaxis.example',
        records: 3,
        phones: ['+447700900456'],
        by: 'staff:dpo.lead@icetrak.net',
      },
    ]);

    // Each customer's privacy contact got the request: what was asked, the number to search, our reference, their own deadline.
    for (const [address, name] of [
      ['privacy@malverndental.example', 'Malvern Dental Practice'],
      ['dpo@worcestertaxis.example', 'Worcester Taxis'],
    ] as const) {
      const mails = await mailsAbout(address, ref);
      expect(mails, address).toHaveLength(1);
      const text = mails[0]!.body.text ?? '';
      expect(mails[0]!.subject).toContain(name);
      for (const needle of [
        'Cara Jones',
        'cara@example.org',
        '+447700900456',
        'access to their personal data',
        'erasure',
        'The deadline is your own',
        ref,
      ])
        expect(text, `${address}: ${needle}`).toContain(needle);
      expect(mails[0]!.replyTo).toContain('dpo@icetrak.net');
    }
    // Cara's letter names both organisations and how to reach them.
    const letters = (await mailsAbout('cara@example.org', ref, 3)).filter((m) => m.subject.includes('have been sent your request'));
    expect(letters).toHaveLength(1);
    for (const needle of [
      'Malvern Dental Practice',
      'privacy@malverndental.example',
      'Worcester Taxis',
      'dpo@worcestertaxis.example',
      'closes your request',
    ])
      expect(letters[0]!.body.text).toContain(needle);

    // Audited: the forward (account ids, no personal data) and each send.
    const forwardEntry = after.timeline.find((e) => e.action === 'ForwardedToController');
    expect(forwardEntry?.detail).toMatchObject({ outcome: 'forwarded', customers: 2, accounts: 'ACC-1001,ACC-1002' });
    expect(
      (await doc(ref)).timeline
        .filter((e) => e.action === 'ForwardSent')
        .map((e) => e.detail?.accountId)
        .sort(),
    ).toEqual(['ACC-1001', 'ACC-1002']);
    expect((await doc(ref)).forwards.map((f) => f.mail)).toEqual(['sent', 'sent']);

    // A retried forward changes nothing and sends nothing again.
    const retried = await actOn(ref, { action: 'forward' });
    expect(retried.status, retried.text).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    expect(await mailsAbout('privacy@malverndental.example', ref)).toHaveLength(1);
    expect((await doc(ref)).forwards).toHaveLength(2);
  }, 120_000);

  it('Ada’s mixed request: Malvern Dental’s part forwarded, the case stays open for Icetrak’s own records', async () => {
    const created = await call('/api/cases', {
      method: 'POST',
      body: {
        channel: 'email',
        receivedOn: londonDateOf(new Date()),
        rights: ['access'],
        fullName: 'Ada Lovelace',
        email: 'ada@example.org',
        phone: '+447700900123',
        relationship: 'customer',
      },
    });
    expect(created.status, created.text).toBe(201);
    const ref = created.json<{ reference: string }>().reference;
    expect((await actOn(ref, { action: 'confirm-identity', method: 'Replied from the address on the account' })).status).toBe(200);
    // Forwarding before a search has finished is refused.
    expect((await actOn(ref, { action: 'forward' })).status).toBe(409);
    expect((await actOn(ref, { action: 'search' })).status).toBe(200);
    await finishedSearch(ref);
    expect((await actOn(ref, { action: 'record-manual-search', source: 'support-files', outcome: 'nothing-found' })).status).toBe(200);

    const forwarded = await actOn(ref, { action: 'forward' });
    expect(forwarded.status, forwarded.text).toBe(200);
    const after = await doc(ref);
    expect(after.status).toBe('in_progress');
    expect(after.outcome).toBeUndefined();
    expect(after.forwards.map((f) => [f.accountId, f.contact])).toEqual([['ACC-1001', 'privacy@malverndental.example']]);
    expect(await mailsAbout('privacy@malverndental.example', ref)).toHaveLength(1);
    const [letter] = (await mailsAbout('ada@example.org', ref)).filter((m) => m.subject.includes('have been sent your request'));
    expect(letter?.body.text).toContain('We will answer the rest of your request ourselves');
  }, 120_000);
});
