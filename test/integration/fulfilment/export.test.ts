/**
 * The access answer end to end on the local stack (issue 14): dynalite, s3rver and
 * aws-ses-v2-local, the download handlers served by the local API adapter. Ada's case with a
 * finished search (its records files in the files bucket) is prepared → released (the letter with
 * the signed link goes out through SES) → the link's page → the download (the ZIP, the download
 * audited, no address stored). Then: preparing again revokes the first link; an expired link is
 * refused; a forged one is not found; a cross-site POST is forbidden.
 */
import { strFromU8, unzipSync } from 'fflate';
import { HtmlValidate } from 'html-validate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseStore, clock, filesStore, outbox } from '#adapters/from-env';
import { dispatchCase, type OutboxDeps } from '#shared/core/outbox';
import type { OutboundEmail } from '#shared/ports';
import type { Case } from '#domain/case';
import { ExportNotReleasableError, SearchNotFinishedError, ValidationError } from '#domain/errors';
import { exportKey } from '#domain/export';
import { recordsKey } from '#domain/search';
import { startLocalStack, type LocalStack } from '#infra/local/stack';
import type { Staff } from '#shared/auth/staff';
import { ICETRAK_REGISTER } from '#shared/fulfilment/icetrak-register';
import { EXPORT_LINK_LIMITS } from '#shared/fulfilment/export/download';
import { prepareExport, type PrepareExportDeps } from '#shared/fulfilment/export/prepare';
import { releaseExport, type ReleaseExportDeps } from '#shared/fulfilment/export/release';
import { ADA_RECORDS, RUN_ID, adaCase, filesOf } from '#test/fixtures/export/records';
import { anEntry } from '#test/support/cases';
import { sentEmails } from '#test/support/http';

const DPO: Staff = { sub: 'dpo-1', email: 'dpo.lead@icetrak.net', name: 'Dee Peo', roles: ['dpo'] };
// html-validate's recommended rules; the public pages' shared layout (shared/templates/layout.ts) writes a lower-case doctype, as every public page does.
const validator = new HtmlValidate({ extends: ['html-validate:recommended'], rules: { 'doctype-style': 'off' } });

let stack: LocalStack;
let prepareDeps: PrepareExportDeps;
let releaseDeps: ReleaseExportDeps;

beforeAll(async () => {
  stack = await startLocalStack({
    port: 0,
    sesPort: 0,
    oidcPort: 0,
    memory: true,
    outboxSweepSeconds: 3600,
    log: () => undefined,
  });
  // The real adapters, from the environment the stack set (its emulators, its signing key).
  prepareDeps = { cases: caseStore(), clock: clock(), files: filesStore(), register: ICETRAK_REGISTER };
  releaseDeps = { cases: caseStore(), clock: clock(), outbox: outbox() };
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

/** Ada's case with a finished search, its records files stored as the search writes them. */
async function adaWithSearch(email = `ada+${Math.random().toString(36).slice(2, 8)}@example.org`): Promise<Case> {
  const c = adaCase({ requester: { fullName: 'Ada Lovelace', email, relationship: 'customer' } });
  for (const f of filesOf(c.id, ADA_RECORDS)) await prepareDeps.files.put(recordsKey(c.id, RUN_ID, f.source), JSON.stringify(f));
  return caseStore().create(c, anEntry('RequestReceived'));
}

async function linkMailedTo(email: string): Promise<string[]> {
  const mails = (await sentEmails(stack.urls.ses)).filter((m) => m.destination.to.includes(email));
  return mails.map((m) => {
    const url = new RegExp(`${stack.urls.api}/export/[A-Za-z0-9_.%-]+`).exec(m.body.text ?? '')?.[0];
    expect(url, m.body.text).toBeDefined();
    return url!;
  });
}

const post = (url: string, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: '' });

async function expectValid(html: string): Promise<void> {
  const report = await validator.validateString(html);
  expect(report.results.flatMap((r) => r.messages.map((m) => `${m.line}:${m.column} ${m.ruleId}: ${m.message}`))).toEqual([]);
}

describe('prepare → release → page → download', () => {
  let ada: Case;
  let link: string;

  it('prepare: the ZIP stored under exports/<caseId>/ (ids only), the summary and ExportPrepared in the case', async () => {
    ada = await adaWithSearch();
    const { case: c, export: e } = await prepareExport(ada.reference, { kind: 'access' }, DPO, prepareDeps);
    expect(e.key).toBe(exportKey(ada.id, e.id));
    expect(e.key).toMatch(/^exports\/[0-9A-Z]{26}\/[0-9a-z]{26}\.zip$/);
    expect(e).toMatchObject({
      kind: 'access',
      runId: RUN_ID,
      registerVersion: ICETRAK_REGISTER.version,
      downloads: 0,
      redacted: 0,
      processorRecordsWithheld: 1,
    });
    expect(e.recordsBySource).toEqual({ accounts: 3, billing: 3, rightsdesk: 1 });
    expect(e.preparedBy).toBe('staff:dpo.lead@icetrak.net');
    expect(e.releasedAt).toBeUndefined();
    const zip = await prepareDeps.files.get(e.key);
    expect(zip.length).toBe(e.bytes);
    expect(Object.keys(unzipSync(new Uint8Array(zip))).sort()).toEqual([
      'accounts.csv',
      'billing.csv',
      'cover-letter.html',
      'data.json',
      'index.html',
      'rightsdesk.csv',
    ]);
    expect(c.audit.at(-1)).toMatchObject({
      action: 'ExportPrepared',
      actor: 'staff:dpo.lead@icetrak.net',
      detail: { exportId: e.id, records: 7, replaces: null },
    });
    // Nothing has gone to Ada yet: the DPO reviews first.
    expect(await linkMailedTo(ada.requester.email)).toEqual([]);
  });

  it('release: the link valid 7 days, ExportReleased, and the letter with the signed link mailed to her', async () => {
    const c = await releaseExport(ada.reference, DPO, releaseDeps);
    const e = c.export!;
    expect(Date.parse(e.linkExpiresAt!) - Date.parse(e.releasedAt!)).toBe(7 * 86_400_000);
    const stored = await caseStore().get(ada.id);
    expect(stored.audit.map((x) => x.action)).toEqual(expect.arrayContaining(['ExportReleased', 'LetterSent']));
    expect(stored.outbox?.find((m) => m.id === `letter:export-ready:${e.id}`)?.state).toBe('sent');
    const links = await linkMailedTo(ada.requester.email);
    expect(links).toHaveLength(1);
    link = links[0]!;
    const mail = (await sentEmails(stack.urls.ses)).find((m) => m.destination.to.includes(ada.requester.email))!;
    expect(mail.subject).toBe(`[${ada.reference}] Your data is ready to download`);
    expect(mail.body.text).toContain('The link works until');
    // The link names ids only: no email address, no name.
    expect(decodeURIComponent(link)).not.toMatch(/ada|lovelace/i);
    await expect(releaseExport(ada.reference, DPO, releaseDeps)).rejects.toBeInstanceOf(ExportNotReleasableError);
  });

  it('GET shows the page: reference, what the ZIP holds, its size, the expiry and a download button; changes nothing', async () => {
    const res = await fetch(link);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(ada.reference);
    for (const f of ['data.json', 'accounts.csv', 'cover-letter.html']) expect(html).toContain(`<li>${f}</li>`);
    expect(html).toContain('Customer account system: 3 records');
    expect(html).toMatch(/a ZIP file of \d+ KB/);
    expect(html).toContain('This link works until');
    expect(html).toContain(`<form method="post" action="/export/`);
    expect(html).toContain('<button type="submit">Download the ZIP file</button>');
    await expectValid(html);
    expect((await caseStore().get(ada.id)).export!.downloads).toBe(0);
  });

  it('POST downloads the ZIP and records ExportDownloaded (count, time, a hashed client tag, never the address)', async () => {
    const res = await post(link);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="icetrak-${ada.reference.toLowerCase()}-access.zip"`);
    const zip = new Uint8Array(await res.arrayBuffer());
    const files = unzipSync(zip);
    const data = JSON.parse(strFromU8(files['data.json']!)) as { reference: string; sources: { source: string }[] };
    expect(data.reference).toBe(ada.reference);
    expect(data.sources.map((s) => s.source)).toEqual(['accounts', 'billing', 'rightsdesk']);
    expect(zip.length).toBe((await caseStore().get(ada.id)).export!.bytes);

    await post(link);
    const c = await caseStore().get(ada.id);
    expect(c.export!.downloads).toBe(2);
    const downloads = c.audit.filter((x) => x.action === 'ExportDownloaded');
    expect(downloads.map((x) => [x.actor, x.detail?.download])).toEqual([
      ['requester', 1],
      ['requester', 2],
    ]);
    expect(downloads[0]!.detail?.client).toMatch(/^[0-9a-f]{12}$/);
    expect(JSON.stringify(c.audit)).not.toMatch(/127\.0\.0\.1|::1/);
  });

  it('refuses a cross-site POST (403) and a forged or truncated link (404)', async () => {
    expect((await post(link, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await fetch(`${link}x`)).status).toBe(404);
    expect((await post(link.slice(0, -3))).status).toBe(404);
    expect((await fetch(`${stack.urls.api}/export/not-a-token`)).status).toBe(404);
  });

  it('preparing again revokes the first link (410, "replaced"); the new release’s link works', async () => {
    const { export: second } = await prepareExport(ada.reference, { kind: 'access' }, DPO, prepareDeps);
    const stored = await caseStore().get(ada.id);
    expect(stored.audit.at(-1)?.detail?.replaces).not.toBeNull();
    const old = await fetch(link);
    expect(old.status).toBe(410);
    expect(await old.text()).toContain('This link has been replaced');
    expect((await post(link)).status).toBe(410);

    await releaseExport(ada.reference, DPO, releaseDeps);
    const links = await linkMailedTo(ada.requester.email);
    expect(links).toHaveLength(2);
    expect(links[1]).not.toBe(link);
    expect((await fetch(links[1]!)).status).toBe(200);
    const res = await post(links[1]!);
    expect(res.status).toBe(200);
    expect((await caseStore().get(ada.id)).export).toMatchObject({ id: second.id, downloads: 1 });
  });
});

describe('refusals', () => {
  it('an expired link: 410 and nothing downloads', async () => {
    const ada = await adaWithSearch();
    await prepareExport(ada.reference, { kind: 'access' }, DPO, prepareDeps);
    await releaseExport(ada.reference, DPO, releaseDeps);
    const [link] = await linkMailedTo(ada.requester.email);
    // Seven days later: the case's link expiry has passed (the token's own expiry is checked too, by its signature's claims).
    await caseStore().update(ada.id, (c) => ({ case: { ...c, export: { ...c.export!, linkExpiresAt: new Date(Date.now() - 1000).toISOString() } } }));
    const res = await fetch(link!);
    expect(res.status).toBe(410);
    const html = await res.text();
    expect(html).toContain('This link has expired');
    await expectValid(html);
    expect((await post(link!)).status).toBe(410);
    expect((await caseStore().get(ada.id)).export!.downloads).toBe(0);
  });

  it('each link is rate-limited: the download after the day’s allowance is refused (429), and not recorded', async () => {
    const ada = await adaWithSearch();
    await prepareExport(ada.reference, { kind: 'access' }, DPO, prepareDeps);
    await releaseExport(ada.reference, DPO, releaseDeps);
    const [link] = await linkMailedTo(ada.requester.email);
    for (let i = 0; i < EXPORT_LINK_LIMITS.downloadsPerDay; i++) expect((await post(link!)).status).toBe(200);
    expect((await post(link!)).status).toBe(429);
    expect((await caseStore().get(ada.id)).export!.downloads).toBe(EXPORT_LINK_LIMITS.downloadsPerDay);
  });

  it('a letter still owed when the answer is prepared again is withheld, never sent with a revoked link', async () => {
    const ada = await adaWithSearch();
    await prepareExport(ada.reference, { kind: 'access' }, DPO, prepareDeps);
    // SES refuses for now: the letter stays owed (pending, retried later).
    const down: OutboxDeps = { ...outbox(), mailer: { send: () => Promise.reject(Object.assign(new Error('down'), { name: 'ServiceUnavailable' })) } };
    const released = await releaseExport(ada.reference, DPO, { ...releaseDeps, outbox: down });
    const id = `letter:export-ready:${released.export!.id}`;
    expect((await caseStore().get(ada.id)).outbox?.find((m) => m.id === id)?.state).toBe('pending');
    await prepareExport(ada.reference, { kind: 'access' }, DPO, prepareDeps);
    const sent: OutboundEmail[] = [];
    const later = new Date(Date.now() + 2 * 3_600_000);
    await dispatchCase(ada.id, { ...outbox(), clock: { now: () => later }, mailer: { send: async (m) => (sent.push(m), 'm-1') } });
    expect(sent).toEqual([]);
    expect((await caseStore().get(ada.id)).outbox?.find((m) => m.id === id)).toMatchObject({ state: 'withheld', reason: 'no-longer-applies' });
  });

  it('no export before the search has finished (409), nor of a kind the case did not ask for', async () => {
    const ada = await adaWithSearch();
    await caseStore().update(ada.id, (c) => {
      const { finishedAt: _running, ...search } = c.search!;
      return { case: { ...c, search } };
    });
    await expect(prepareExport(ada.reference, { kind: 'access' }, DPO, prepareDeps)).rejects.toBeInstanceOf(SearchNotFinishedError);
    await expect(prepareExport(ada.reference, { kind: 'everything' }, DPO, prepareDeps)).rejects.toBeInstanceOf(ValidationError);
    await expect(releaseExport(ada.reference, DPO, releaseDeps)).rejects.toBeInstanceOf(ExportNotReleasableError);
  });
});
