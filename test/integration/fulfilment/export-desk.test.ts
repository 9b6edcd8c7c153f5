/**
 * The answer wired into the desk and the staff API (issue 14), on the local stack with the real
 * handlers and routes (the manifests'): dynalite, s3rver, aws-ses-v2-local, the local OpenID
 * provider. prepare-export is refused until the search has finished; a DPO prepares Ada's access
 * answer (the API answers the case with its `export`, without the S3 key); a viewer may not; the
 * case page shows the Answer section; the staff route serves the ZIP for review to a signed-in DPO
 * only, audited; release-export mails her the letter with the signed link.
 */
import { strFromU8, unzipSync } from 'fflate';
import { HtmlValidate } from 'html-validate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseStore, filesStore } from '#adapters/from-env';
import type { Case } from '#domain/case';
import { recordsKey } from '#domain/search';
import { startLocalStack, type LocalStack } from '#infra/local/stack';
import { ADA_RECORDS, RUN_ID, adaCase, filesOf } from '#test/fixtures/export/records';
import { anEntry } from '#test/support/cases';
import { emailsTo } from '#test/support/http';
import { bearerFor, signInAs, staffCall } from '#test/support/staff';

const DPO = 'dpo.lead@icetrak.net';
const AUDITOR = 'auditor@icetrak.net';
// html-validate's recommended rules, less three the desk's existing page parts break by design: its layout's doctype and
// inline styles, checkbox groups sharing one name (a multi-select: rights=access&rights=erasure), and the scrollable
// table wrapper (role="region" with a label, which <section> would not make focusable).
const validator = new HtmlValidate({
  extends: ['html-validate:recommended'],
  rules: {
    'doctype-style': 'off',
    'no-inline-style': 'off',
    'form-dup-name': ['error', { shared: ['radio', 'checkbox', 'button', 'reset', 'submit'] }],
    'prefer-native-element': 'off',
  },
});

let stack: LocalStack;
let dpo: string;
let auditor: string;
let session: { cookie: string; csrf: string };

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, sesPort: 0, oidcPort: 0, memory: true, outboxSweepSeconds: 3600, log: () => undefined });
  dpo = await bearerFor(stack, DPO);
  auditor = await bearerFor(stack, AUDITOR);
  session = await signInAs(stack, DPO);
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

interface ExportDoc {
  id: string;
  kind: string;
  recordsBySource: Record<string, number>;
  processorRecordsWithheld: number;
  releasedAt: string | null;
  linkExpiresAt: string | null;
  downloads: number;
}
interface CaseDoc {
  reference: string;
  allowedActions: string[];
  export: ExportDoc | null;
  timeline: { action: string; actor: string; detail?: Record<string, unknown> }[];
}

const actOn = (ref: string, body: Record<string, unknown>, token = dpo) => staffCall(stack, `/api/cases/${ref}/actions`, token, { method: 'POST', body });

/** Ada's case; with `finished`, its search finished and its records files stored as the search writes them. */
async function ada(finished: boolean): Promise<Case> {
  const email = `ada+${Math.random().toString(36).slice(2, 8)}@example.org`;
  const c = adaCase({ requester: { fullName: 'Ada Lovelace', email, relationship: 'customer' } });
  if (!finished) {
    const { finishedAt: _f, ...search } = c.search!;
    return caseStore().create({ ...c, search }, anEntry('RequestReceived'));
  }
  const files = filesStore();
  for (const f of filesOf(c.id, ADA_RECORDS)) await files.put(recordsKey(c.id, RUN_ID, f.source), JSON.stringify(f));
  return caseStore().create(c, anEntry('RequestReceived'));
}

async function expectValid(html: string): Promise<void> {
  const report = await validator.validateString(html);
  expect(report.results.flatMap((r) => r.messages.map((m) => `${m.line}:${m.column} ${m.ruleId}: ${m.message}`))).toEqual([]);
}

const deskGet = (path: string, cookie?: string) => fetch(`${stack.urls.api}${path}`, { redirect: 'manual', headers: cookie ? { cookie } : {} });

describe('prepare-export before the search has finished', () => {
  it('is not offered, and the API refuses it with 409 SearchNotFinishedError; nothing is written', async () => {
    const c = await ada(false);
    const doc = (await staffCall(stack, `/api/cases/${c.reference}`, dpo)).json<CaseDoc>();
    expect(doc.allowedActions).not.toContain('prepare-export');
    expect(doc.export).toBeNull();
    const res = await actOn(c.reference, { action: 'prepare-export', kind: 'access' });
    expect(res.status, res.text).toBe(409);
    expect(res.json()).toMatchObject({ error: 'SearchNotFinishedError' });
    expect((await caseStore().get(c.id)).export).toBeUndefined();
  });
});

describe('the answer through the API and the desk', () => {
  let c: Case;
  let doc: CaseDoc;

  beforeAll(async () => {
    c = await ada(true);
  });

  it('offers prepare-export once the search has finished; a bad kind is 400', async () => {
    const before = (await staffCall(stack, `/api/cases/${c.reference}`, dpo)).json<CaseDoc>();
    expect(before.allowedActions).toContain('prepare-export');
    expect(before.allowedActions).not.toContain('release-export');
    const bad = await actOn(c.reference, { action: 'prepare-export', kind: 'everything' });
    expect(bad.status).toBe(400);
    expect(bad.json()).toMatchObject({ errors: { kind: 'Choose access or portability.' } });
  });

  it('a viewer may not prepare it (403), and nothing is written', async () => {
    const res = await actOn(c.reference, { action: 'prepare-export', kind: 'access' }, auditor);
    expect(res.status).toBe(403);
    expect((await caseStore().get(c.id)).export).toBeUndefined();
  });

  it('a DPO prepares it: 200 with the case’s `export` (records by source, no S3 key), release-export offered', async () => {
    const res = await actOn(c.reference, { action: 'prepare-export', kind: 'access' });
    expect(res.status, res.text).toBe(200);
    doc = res.json<CaseDoc>();
    expect(doc.export).toMatchObject({
      kind: 'access',
      recordsBySource: { accounts: 3, billing: 3, rightsdesk: 1 },
      processorRecordsWithheld: 1,
      releasedAt: null,
      linkExpiresAt: null,
      downloads: 0,
    });
    expect(doc.export).not.toHaveProperty('key');
    expect(JSON.stringify(doc.export)).not.toContain('exports/');
    expect(doc.allowedActions).toEqual(expect.arrayContaining(['prepare-export', 'release-export']));
    expect(doc.timeline[0]).toMatchObject({ action: 'ExportPrepared', actor: `staff:${DPO}` });
    // GET answers the same.
    expect((await staffCall(stack, `/api/cases/${c.reference}`, dpo)).json<CaseDoc>().export).toEqual(doc.export);
    // Nothing has gone to Ada yet.
    expect(await emailsTo(stack.urls.ses, c.requester.email)).toEqual([]);
  });

  it('the case page shows the Answer section: the summary, the review link and the release and prepare buttons (valid HTML)', async () => {
    const res = await deskGet(`/desk/cases/${c.reference}`, session.cookie);
    expect(res.status).toBe(200);
    const html = await res.text();
    const answer = html.slice(html.indexOf('<h2 id="answer">'), html.indexOf('<h2 id="actions">'));
    expect(answer).toContain('<h2 id="answer">Answer</h2>');
    expect(answer).toContain('Customer account system: 3 records');
    expect(answer).toContain('Processor records withheld');
    expect(answer).toMatch(/\d+ KB ZIP file/);
    expect(answer).toContain('Not yet: the requester has been sent nothing');
    expect(answer).toContain(`<a href="/desk/cases/${c.reference}/export" download>Download the ZIP to review it`);
    expect(answer).toContain('<input type="hidden" name="action" value="release-export">');
    expect(answer).toContain('<input type="hidden" name="kind" value="access">');
    await expectValid(html);
  });

  it('the review copy: the ZIP for a signed-in DPO, audited; a sign-in redirect without a session; 403 for a viewer', async () => {
    const res = await deskGet(`/desk/cases/${c.reference}/export`, session.cookie);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="icetrak-${c.reference.toLowerCase()}-access-for-review.zip"`);
    const files = unzipSync(new Uint8Array(await res.arrayBuffer()));
    expect(Object.keys(files).sort()).toEqual(['accounts.csv', 'billing.csv', 'cover-letter.html', 'data.json', 'index.html', 'rightsdesk.csv']);
    expect(strFromU8(files['cover-letter.html']!)).toContain('Information Commissioner');
    const stored = await caseStore().get(c.id);
    expect(stored.audit.at(-1)).toMatchObject({ action: 'ExportReviewed', actor: `staff:${DPO}`, detail: { exportId: doc.export!.id, released: false } });

    const anonymous = await deskGet(`/desk/cases/${c.reference}/export`);
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toContain('/desk/sign-in');
    const viewer = await signInAs(stack, AUDITOR);
    expect((await deskGet(`/desk/cases/${c.reference}/export`, viewer.cookie)).status).toBe(403);
    // Neither read the ZIP nor wrote to the case.
    expect((await caseStore().get(c.id)).audit.filter((e) => e.action === 'ExportReviewed')).toHaveLength(1);
  });

  it('release-export: 200, the link valid 7 days, and the letter with the signed link in SES; not offered again', async () => {
    const res = await actOn(c.reference, { action: 'release-export' });
    expect(res.status, res.text).toBe(200);
    const released = res.json<CaseDoc>();
    expect(Date.parse(released.export!.linkExpiresAt!) - Date.parse(released.export!.releasedAt!)).toBe(7 * 86_400_000);
    expect(released.allowedActions).not.toContain('release-export');
    const mail = await emailsTo(stack.urls.ses, c.requester.email);
    expect(mail.map((m) => m.subject)).toEqual([`[${c.reference}] Your data is ready to download`]);
    const link = new RegExp(`${stack.urls.api}/export/[A-Za-z0-9_.%-]+`).exec(mail[0]!.body.text ?? '')?.[0];
    expect(link, mail[0]!.body.text).toBeDefined();
    // The link's page is served by the stack's own routes (the fulfilment manifest).
    const page = await fetch(link!);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(c.reference);

    const again = await actOn(c.reference, { action: 'release-export' });
    expect(again.status).toBe(409);
    expect(again.json()).toMatchObject({ error: 'ExportNotReleasableError' });
  });

  it('the desk page after release: released when, the link’s expiry and the downloads', async () => {
    const html = await (await deskGet(`/desk/cases/${c.reference}`, session.cookie)).text();
    const answer = html.slice(html.indexOf('<h2 id="answer">'), html.indexOf('<h2 id="actions">'));
    expect(answer).toContain('<dt>Link works until</dt>');
    expect(answer).toContain('<dt>Downloads by the requester</dt><dd>0</dd>');
    expect(answer).not.toContain('value="release-export"');
    await expectValid(html);
  });
});
