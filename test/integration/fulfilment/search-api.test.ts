/**
 * The `search` action through the staff API on the local stack (issue 14): the production act
 * handler starts the synthesised search workflow through the SfnSearchWorkflow adapter and the
 * local Step Functions endpoint; its tasks are the real handler modules. Until the accounts and
 * traffic contexts are merged, the SQL sources end `failed` (NotWiredError) and the app's stack has
 * no Athena task (traffic is failed as not configured); Rightsdesk's own source is searched.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '#infra/local/stack';
import { londonDateOf } from '#domain/calendar';
import { bearerFor, staffCall } from '#test/support/staff';

let stack: LocalStack;
let dpo: string;
let auditor: string;

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, sesPort: 0, oidcPort: 0, memory: true, outboxSweepSeconds: 3600, log: () => undefined });
  dpo = await bearerFor(stack, 'dpo.lead@icetrak.net');
  auditor = await bearerFor(stack, 'auditor@icetrak.net');
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

const call = (path: string, token: string | undefined, opts: { method?: string; body?: unknown } = {}) => staffCall(stack, path, token, opts);
const actOn = (ref: string, body: Record<string, unknown>, token = dpo) => call(`/api/cases/${ref}/actions`, token, { method: 'POST', body });

interface Doc {
  searches: Array<{
    source: string;
    name: string;
    status: string;
    identifiers: Array<{ kind: string; value: string }>;
    recordCount: number | null;
    failure?: string;
  }>;
  searchRun: { runId: string; finishedAt: string | null } | null;
  timeline: Array<{ action: string }>;
}

async function logRequest(email: string, rights = ['access']): Promise<string> {
  const res = await call('/api/cases', dpo, {
    method: 'POST',
    body: { channel: 'phone', receivedOn: londonDateOf(new Date()), rights, fullName: 'Pat Caller', email, relationship: 'customer', details: 'Called.' },
  });
  expect(res.status, res.text).toBe(201);
  return res.json<{ reference: string }>().reference;
}

async function finished(ref: string): Promise<Doc> {
  for (let i = 0; i < 100; i++) {
    const doc = (await call(`/api/cases/${ref}`, dpo)).json<Doc>();
    if (doc.searchRun?.finishedAt) return doc;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('The search did not finish.');
}

describe('the search action (staff API, local stack)', () => {
  it('starts the workflow; GET shows every source’s result and the finished run', async () => {
    const email = `pat-${randomUUID().slice(0, 8)}@example.org`;
    const ref = await logRequest(email);
    const res = await actOn(ref, { action: 'search', phones: ['07700 900456'] });
    expect(res.status, res.text).toBe(200);
    expect(res.json<Doc>().searchRun).toMatchObject({ finishedAt: null });
    const doc = await finished(ref);
    const by = Object.fromEntries(doc.searches.map((s) => [s.source, s]));
    expect(Object.keys(by).sort()).toEqual(['accounts', 'billing', 'rightsdesk', 'support-files', 'traffic']);
    expect(by.rightsdesk).toMatchObject({ status: 'done', name: expect.any(String), identifiers: [{ kind: 'email', value: email }] });
    expect(by.rightsdesk!.recordCount).toBeGreaterThanOrEqual(1);
    expect(by['support-files']!.status).toBe('awaiting-staff');
    expect(by.traffic!.identifiers).toEqual([{ kind: 'phone', value: '+447700900456' }]);
    for (const s of ['accounts', 'billing', 'traffic']) expect(['done', 'failed']).toContain(by[s]!.status);
    expect(doc.timeline.map((e) => e.action)).toEqual(expect.arrayContaining(['SearchStarted', 'SourceSearched', 'SearchFinished']));
  }, 60_000);

  it('refuses a viewer (403), a bad identifier (400, named) and a complaint (409), writing nothing', async () => {
    const ref = await logRequest(`v-${randomUUID().slice(0, 8)}@example.org`);
    expect((await actOn(ref, { action: 'search' }, auditor)).status).toBe(403);
    const bad = await actOn(ref, { action: 'search', emails: ['nope'] });
    expect(bad.status).toBe(400);
    expect(bad.json<{ errors: Record<string, string> }>().errors.emails).toContain('“nope” is not an email address');
    const complaint = await logRequest(`c-${randomUUID().slice(0, 8)}@example.org`, ['complaint']);
    const refused = await actOn(complaint, { action: 'search' });
    expect(refused.status).toBe(409);
    expect(refused.json()).toMatchObject({ error: 'NotForComplaintsError' });
    expect((await call(`/api/cases/${ref}`, dpo)).json<Doc>().searchRun).toBeNull();
  }, 60_000);

  it('records a manual source searched by hand (its note becomes the source’s record) and marks records as third-party data', async () => {
    const ref = await logRequest(`m-${randomUUID().slice(0, 8)}@example.org`);
    expect((await actOn(ref, { action: 'search' })).status).toBe(200);
    await finished(ref);
    const noNote = await actOn(ref, { action: 'record-manual-search', source: 'support-files', outcome: 'found' });
    expect(noNote.status).toBe(422);
    expect((await actOn(ref, { action: 'record-manual-search', source: 'support-files', outcome: 'found', note: 'x' }, auditor)).status).toBe(403);
    const res = await actOn(ref, { action: 'record-manual-search', source: 'support-files', outcome: 'found', note: 'Two support emails, March 2026' });
    expect(res.status, res.text).toBe(200);
    const doc = res.json<Doc & { timeline: Array<{ action: string; detail?: Record<string, unknown> }> }>();
    expect(doc.searches.find((s) => s.source === 'support-files')).toMatchObject({ status: 'done', recordCount: 1 });
    expect(doc.timeline[0]).toMatchObject({ action: 'ManualSearchRecorded' });
    expect(JSON.stringify(doc.timeline[0])).not.toContain('March 2026');
    const again = await actOn(ref, { action: 'record-manual-search', source: 'support-files', outcome: 'nothing-found' });
    expect(again.status).toBe(409);

    const marked = await actOn(ref, { action: 'mark-third-party', records: ['support-files:manual_note:x', 'rightsdesk:case:01ABC'] });
    expect(marked.status, marked.text).toBe(200);
    expect((await actOn(ref, { action: 'mark-third-party', records: ['nosuchsource:case:1'] })).status).toBe(409);
    expect((await actOn(ref, { action: 'mark-third-party', records: [] })).status).toBe(400);
    const unmarked = await actOn(ref, { action: 'mark-third-party', records: ['rightsdesk:case:01ABC'], thirdParty: false });
    expect(unmarked.json<{ timeline: Array<{ action: string; detail?: Record<string, unknown> }> }>().timeline[0]).toMatchObject({
      action: 'RecordsUnmarkedThirdParty',
      detail: { records: 1, marked: 1 },
    });
  }, 60_000);
});
