/**
 * The staff API on the local stack (issue 11), end to end with the real handlers: tokens from
 * the local OpenID provider, cases in dynalite, letters through the outbox to aws-ses-v2-local.
 * A DPO logs a phone request and works it to its closing letter; an auditor reads but cannot
 * act; the rules' refusals are 409 with the named error, bad fields 400.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '#infra/local/stack';
import { londonDateOf } from '#domain/calendar';
import { emailsTo } from '#test/support/http';
import { bearerFor, staffCall } from '#test/support/staff';

const DPO = 'dpo.lead@icetrak.net';
const AUDITOR = 'auditor@icetrak.net';

let stack: LocalStack;
let dpo: string;
let auditor: string;

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, sesPort: 0, oidcPort: 0, memory: true, outboxSweepSeconds: 3600, log: () => undefined });
  dpo = await bearerFor(stack, DPO);
  auditor = await bearerFor(stack, AUDITOR);
});
afterAll(async () => {
  await stack?.stop();
});

const call = (path: string, token: string | undefined, opts: { method?: string; body?: unknown } = {}) => staffCall(stack, path, token, opts);

const actOn = (ref: string, body: Record<string, unknown>, token = dpo) => call(`/api/cases/${ref}/actions`, token, { method: 'POST', body });

interface CaseDoc {
  reference: string;
  status: string;
  dueOn: string | null;
  workingDaysLeft: number | null;
  dueExplanation: string[];
  allowedActions: string[];
  timeline: { at: string; action: string; actor: string }[];
  correspondence: { direction: string; title?: string; state?: string }[];
}

async function logPhoneRequest(email: string, receivedOn = londonDateOf(new Date())): Promise<string> {
  const res = await call('/api/cases', dpo, {
    method: 'POST',
    body: { channel: 'phone', receivedOn, rights: ['access'], fullName: 'Pat Caller', email, relationship: 'customer', details: 'Called the office.' },
  });
  expect(res.status, res.text).toBe(201);
  return res.json<{ reference: string }>().reference;
}

describe('staff API', () => {
  it('answers 401 without a valid token, and never reads a case for it', async () => {
    expect((await call('/api/cases', undefined)).status).toBe(401);
    expect((await call('/api/cases', 'not-a-token')).status).toBe(401);
    const forged = `${dpo.split('.').slice(0, 2).join('.')}.${'A'.repeat(43)}`; // the DPO's header and claims, a made-up signature
    expect((await call('/api/cases', forged)).status).toBe(401);
    expect((await call('/api/cases/RD-ABCDEF', undefined)).status).toBe(401);
    expect((await actOn('RD-ABCDEF', { action: 'reply', message: 'x' }, '')).status).toBe(401);
  });

  it('a DPO works a phone request from entry to its closing letter; every step is in the timeline with their name and in the requester’s mailbox', async () => {
    const email = `pat-${randomUUID()}@example.org`;
    const ref = await logPhoneRequest(email);
    const listed = (await call('/api/cases?view=open', dpo)).json<{ cases: { reference: string; workingDaysLeft: number | null }[] }>();
    expect(listed.cases.map((c) => c.reference)).toContain(ref);

    let doc = (await call(`/api/cases/${ref}`, dpo)).json<CaseDoc>();
    expect(doc.status).toBe('received');
    expect(doc.dueExplanation.join(' ')).toMatch(/clock started/i);
    expect(doc.allowedActions).toContain('confirm-identity');

    const steps: [Record<string, unknown>, string][] = [
      [{ action: 'confirm-identity', method: 'Knew the account PIN and the billing address on the call' }, 'IdentityConfirmed'],
      [{ action: 'request-clarification', question: 'Which of your two accounts do you mean?' }, 'ClarificationRequested'],
      [{ action: 'record-clarification', answer: 'The fax account.', receivedOn: londonDateOf(new Date()) }, 'ClarificationAnswered'],
      [{ action: 'mark-complex', reasons: 'Ten years of fax traffic across three systems.' }, 'MarkedComplex'],
      [{ action: 'extend', reasons: 'Ten years of fax traffic across three systems.' }, 'DeadlineExtended'],
      [{ action: 'reply', message: 'We have started the search of the fax archive.' }, 'ReplySent'],
      [
        {
          action: 'close',
          outcome: 'completed',
          summary: 'Sent a copy of your account and fax records.',
          systemsSearched: ['accounts', 'billing', 'fax traffic'],
        },
        'RequestCompleted',
      ],
    ];
    for (const [body, action] of steps) {
      const res = await actOn(ref, body);
      expect(res.status, `${String(body.action)}: ${res.text}`).toBe(200);
      doc = res.json<CaseDoc>();
      // Newest first: the staff member's move, after any LetterSent the outbox recorded for its letter.
      expect(doc.timeline.find((e) => e.actor !== 'system')).toMatchObject({ action, actor: `staff:${DPO}` });
    }
    expect(doc.status).toBe('closed');

    const mail = await emailsTo(stack.urls.ses, email);
    const subjects = mail.map((m) => m.subject);
    for (const words of [
      'We need more information about your request',
      'We need more time to answer your request',
      'About your request',
      'Our response to your request',
    ]) {
      expect(subjects).toContain(`[${ref}] ${words}`);
    }
    // Exactly once each.
    expect(new Set(subjects).size).toBe(subjects.length);
    expect(mail.find((m) => m.subject.endsWith('more time to answer your request'))!.body.text).toContain('Ten years of fax traffic');

    // Closed: nothing more can be done, and the API says which rule.
    const again = await actOn(ref, { action: 'reply', message: 'One more thing.' });
    expect(again.status).toBe(409);
    expect(again.json()).toMatchObject({ error: 'InvalidTransitionError' });
  });

  it('an auditor reads every view and case but cannot act: 403, nothing written', async () => {
    const ref = await logPhoneRequest(`viewer-${randomUUID()}@example.org`);
    for (const view of ['open', 'due-soon', 'overdue', 'triage', 'awaiting-requester', 'complaints', 'closed']) {
      expect((await call(`/api/cases?view=${view}`, auditor)).status).toBe(200);
    }
    const before = (await call(`/api/cases/${ref}`, auditor)).json<CaseDoc>();
    const res = await actOn(ref, { action: 'confirm-identity', method: 'by phone' }, auditor);
    expect(res.status).toBe(403);
    expect((await call('/api/cases', auditor, { method: 'POST', body: {} })).status).toBe(403);
    const after = (await call(`/api/cases/${ref}`, dpo)).json<CaseDoc>();
    expect(after.timeline).toEqual(before.timeline);
  });

  it('refuses what the rules do not allow with 409 and the named error, and bad fields with 400', async () => {
    const ref = await logPhoneRequest(`rules-${randomUUID()}@example.org`);
    const notComplex = await actOn(ref, { action: 'extend', reasons: 'We are busy.' });
    expect(notComplex.status).toBe(409);
    expect(notComplex.json<{ error: string }>().error).toMatch(/Complex/);

    const noGround = await actOn(ref, { action: 'refuse', reasons: 'Harassment.' });
    expect(noGround.status).toBe(400);
    expect(noGround.json()).toMatchObject({ error: 'ValidationError', errors: { ground: expect.any(String) } });
    expect((await actOn(ref, { action: 'fly-to-the-moon' })).status).toBe(400);
    const extra = await actOn(ref, { action: 'reply', message: 'hi', extra: 1 });
    expect(extra.status).toBe(400);
    expect(extra.json()).toMatchObject({ errors: { extra: expect.stringContaining('not part of it') } });
    expect((await call('/api/cases?view=everything', dpo)).status).toBe(400);
    expect((await call('/api/cases/RD-ZZZZZZ', dpo)).status).toBe(404);

    // Asking for identity owes a letter; a request dated in the future is a typing error.
    const asked = await actOn(ref, { action: 'request-identity', message: 'Please send a recent bill.' });
    expect(asked.status).toBe(200);
    expect(asked.json<CaseDoc>().status).toBe('awaiting_identity');
    const entry = await call('/api/cases', dpo, {
      method: 'POST',
      body: { channel: 'post', receivedOn: '2099-01-01', rights: ['access'], fullName: 'X', postalAddress: '1 High St' },
    });
    expect(entry.status).toBe(400);
  });

  it('logs a postal request with the day the letter arrived as the clock start, and its letters wait to be posted', async () => {
    const today = londonDateOf(new Date());
    const threeDaysAgo = new Date(Date.now() - 3 * 86_400_000);
    const res = await call('/api/cases', dpo, {
      method: 'POST',
      body: {
        channel: 'post',
        receivedOn: londonDateOf(threeDaysAgo),
        rights: ['erasure'],
        fullName: 'Lee Letter',
        postalAddress: '1 High Street\nMalvern WR14 1AA',
      },
    });
    expect(res.status, res.text).toBe(201);
    const ref = res.json<{ reference: string }>().reference;
    const doc = (await call(`/api/cases/${ref}`, dpo)).json<CaseDoc & { clockStartsOn: string; receivedOn: string }>();
    expect(doc.receivedOn).toBe(londonDateOf(threeDaysAgo));
    expect(doc.clockStartsOn).toBe(londonDateOf(threeDaysAgo));
    expect(doc.receivedOn < today).toBe(true);
    expect(doc.correspondence.some((c) => c.direction === 'out' && c.state === 'post')).toBe(true);
  });

  it('refuses with ground and reasons, forwards the processor part and keeps Icetrak’s, reclassifies, merges a duplicate; each letter once', async () => {
    const email = `more-${randomUUID()}@example.org`;
    const ref = await logPhoneRequest(email);
    expect((await actOn(ref, { action: 'confirm-identity', method: 'Account PIN' })).status).toBe(200);
    const reclassified = await actOn(ref, { action: 'reclassify', rights: ['access', 'erasure'] });
    expect(reclassified.status, reclassified.text).toBe(200);
    expect(reclassified.json<{ rights: string[] }>().rights).toEqual(['access', 'erasure']);

    const forwarded = await actOn(ref, { action: 'forward', controller: 'Acme Retail Ltd', contact: 'privacy@acme.example', icetrakPartRemains: true });
    expect(forwarded.status, forwarded.text).toBe(200);
    expect(forwarded.json<CaseDoc>().status).toBe('in_progress'); // Icetrak's own part is still to answer

    const duplicate = await logPhoneRequest(email);
    const merged = await actOn(duplicate, { action: 'merge', into: ref });
    expect(merged.status, merged.text).toBe(200);
    expect(merged.json()).toMatchObject({ status: 'closed', outcome: 'merged' });
    expect((await actOn(ref, { action: 'merge', into: ref })).status).toBeGreaterThanOrEqual(409);

    const refused = await actOn(ref, { action: 'refuse', ground: 'manifestly-excessive', reasons: 'The fourth identical request this month.' });
    expect(refused.status, refused.text).toBe(200);
    expect(refused.json()).toMatchObject({ status: 'closed', outcome: 'refused' });

    const mail = await emailsTo(stack.urls.ses, email);
    const refusal = mail.filter((m) => m.subject === `[${ref}] We cannot act on your request`);
    expect(refusal).toHaveLength(1);
    expect(refusal[0]!.body.text).toMatch(/manifestly excessive[\s\S]*fourth identical request[\s\S]*Information Commissioner[\s\S]*judicial remedy/);
    const fwd = mail.filter((m) => m.subject === `[${ref}] Part of your request has been passed to another organisation`);
    expect(fwd).toHaveLength(1);
    expect(fwd[0]!.body.text).toContain('privacy@acme.example');
  });

  it('works a complaint on its own track: no identity step, acknowledged, answered with its outcome', async () => {
    const email = `complaint-${randomUUID()}@example.org`;
    const res = await call('/api/cases', dpo, {
      method: 'POST',
      body: {
        channel: 'email',
        receivedOn: londonDateOf(new Date()),
        rights: ['complaint'],
        fullName: 'Cam Plaint',
        email,
        details: 'You ignored my last request.',
      },
    });
    expect(res.status, res.text).toBe(201);
    const ref = res.json<{ reference: string }>().reference;
    const doc = (await call(`/api/cases/${ref}`, dpo)).json<CaseDoc>();
    expect(doc.allowedActions).toContain('acknowledge-complaint');
    expect(doc.allowedActions).not.toContain('request-identity');
    expect((await actOn(ref, { action: 'request-identity', message: 'Send ID' })).status).toBe(409);
    expect((await call('/api/cases?view=complaints', dpo)).json<{ cases: { reference: string }[] }>().cases.map((c) => c.reference)).toContain(ref);

    expect((await actOn(ref, { action: 'acknowledge-complaint', message: 'We are looking into it.' })).status).toBe(200);
    const answered = await actOn(ref, { action: 'close-complaint', summary: 'We found the request had been missed, and have now answered it.' });
    expect(answered.status, answered.text).toBe(200);
    expect(answered.json<CaseDoc>().status).toBe('closed');
    const subjects = (await emailsTo(stack.urls.ses, email)).map((m) => m.subject);
    expect(subjects.filter((x) => x === `[${ref}] We have received your complaint`)).toHaveLength(1);
    expect(subjects.filter((x) => x === `[${ref}] The outcome of your complaint`)).toHaveLength(1);
  });
});
