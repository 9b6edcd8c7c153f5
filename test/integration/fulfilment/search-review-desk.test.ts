/**
 * Reviewing a search in the desk (issue 14), on the local stack with the real handlers and routes:
 * the case page lists each source's records with a form marking them as another person's data
 * (left out of the answer's ZIP); a manual source is recorded with an uploaded file (multipart),
 * which is validated (type, contents, size), stored under the case's searches/ prefix and put in
 * the answer's ZIP under the source's folder; the staff API takes the file as base64.
 */
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseStore, filesStore } from '#adapters/from-env';
import type { Case } from '#domain/case';
import { manualUploadKey, recordsKey } from '#domain/search';
import { startLocalStack, type LocalStack } from '#infra/local/stack';
import { ADA_RECORDS, RUN_ID, adaCase, filesOf } from '#test/fixtures/export/records';
import { anEntry } from '#test/support/cases';
import { bearerFor, signInAs, staffCall } from '#test/support/staff';
import { localDynamoClient } from '#infra/local/emulators';
import type { Staff } from '#shared/auth/staff';
import { act, parseAction } from '#shared/cases/act';
import { ICETRAK_REGISTER } from '#shared/fulfilment/icetrak-register';
import { systemClock, type CaseObjects, type OutboundEmail } from '#shared/ports';
import { recordingOutbox } from '#test/support/outbox';

const DPO = 'dpo.lead@icetrak.net';
let stack: LocalStack;
let dpo: string;
let session: { cookie: string; csrf: string };

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, sesPort: 0, oidcPort: 0, memory: true, outboxSweepSeconds: 3600, log: () => undefined });
  dpo = await bearerFor(stack, DPO);
  session = await signInAs(stack, DPO);
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

/** Ada's case, its search finished but for the support files, searched by hand (awaiting staff); its records files stored. */
async function ada(overrides: Partial<Case> = {}): Promise<Case> {
  const email = `ada+${Math.random().toString(36).slice(2, 8)}@example.org`;
  const c = adaCase({ requester: { fullName: 'Ada Lovelace', email, relationship: 'customer' }, ...overrides });
  const search = { ...c.search!, sources: [...c.search!.sources, { source: 'support-files', status: 'awaiting-staff' as const, identifiers: [] }] };
  const files = filesStore();
  for (const f of filesOf(c.id, ADA_RECORDS)) await files.put(recordsKey(c.id, RUN_ID, f.source), JSON.stringify(f));
  return caseStore().create({ ...c, search }, anEntry('RequestReceived'));
}

const deskGet = (path: string) => fetch(`${stack.urls.api}${path}`, { redirect: 'manual', headers: { cookie: session.cookie } });
const deskPost = (ref: string, body: URLSearchParams | FormData) =>
  fetch(`${stack.urls.api}/desk/cases/${ref}/actions`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: session.cookie, origin: stack.urls.api },
    body,
  });

const PDF = Buffer.from('%PDF-1.4\n% a scan of two support emails\n%%EOF\n');

function uploadForm(file: { bytes: Buffer; name: string; type: string }): FormData {
  const form = new FormData();
  form.set('action', 'record-manual-search');
  form.set('source', 'support-files');
  form.set('outcome', 'found');
  form.set('note', 'Two support emails, March 2026');
  form.set('_csrf', session.csrf);
  form.set('file', new Blob([file.bytes], { type: file.type }), file.name);
  return form;
}

describe('the case page’s records and third-party marks', () => {
  it('lists the records with mark forms; marking one from the desk leaves it out of the answer’s ZIP', async () => {
    const c = await ada();
    const page = await (await deskGet(`/desk/cases/${c.reference}`)).text();
    expect(page).toContain('data-record="accounts:sign_in:EVT-902"');
    expect(page).toContain('<input type="hidden" name="records" value="accounts:sign_in:EVT-902">');
    expect(page).not.toContain('data-record="traffic:');

    const mark = await deskPost(
      c.reference,
      new URLSearchParams({ action: 'mark-third-party', records: 'accounts:sign_in:EVT-902', thirdParty: 'true', _csrf: session.csrf }),
    );
    expect(mark.status, await mark.text()).toBe(303);
    const after = await (await deskGet(`/desk/cases/${c.reference}`)).text();
    expect(after).toMatch(/<li data-record="accounts:sign_in:EVT-902" data-third-party>[\s\S]*?left out of the answer/);
    expect((await caseStore().get(c.id)).search!.redact).toEqual(['accounts:sign_in:EVT-902']);

    const prepared = await staffCall(stack, `/api/cases/${c.reference}/actions`, dpo, {
      method: 'POST',
      body: { action: 'prepare-export', kind: 'access' },
    });
    expect(prepared.status, prepared.text).toBe(200);
    const zip = unzipSync(new Uint8Array(await (await deskGet(`/desk/cases/${c.reference}/export`)).arrayBuffer()));
    expect(strFromU8(zip['data.json']!)).toContain('EVT-901');
    expect(strFromU8(zip['data.json']!)).not.toContain('EVT-902');
    expect(strFromU8(zip['accounts.csv']!)).not.toContain('EVT-902');
  }, 60_000);
});

describe('a manual source recorded with an upload', () => {
  it('offers the upload in a multipart form that states the limit', async () => {
    const c = await ada();
    const page = await (await deskGet(`/desk/cases/${c.reference}`)).text();
    expect(page).toContain('enctype="multipart/form-data"');
    expect(page).toContain('<input type="file" id="manual-support-files-file" name="file"');
    expect(page).toContain('One file of at most 45 KB');
  });

  it('refuses a type it does not take, contents that are not its type, and a file over 45 KB; stores nothing', async () => {
    const c = await ada();
    const cases: Array<[{ bytes: Buffer; name: string; type: string }, string]> = [
      [{ bytes: Buffer.from('MZ\x90\x00'), name: 'tool.exe', type: 'application/x-msdownload' }, 'Upload a PDF, an image'],
      [{ bytes: Buffer.from('not a pdf at all'), name: 'scan.pdf', type: 'application/pdf' }, 'not what its type says'],
      [{ bytes: Buffer.concat([PDF, Buffer.alloc(46 * 1024, 0x20)]), name: 'big.pdf', type: 'application/pdf' }, 'at most 45 KB'],
    ];
    for (const [file, message] of cases) {
      const res = await deskPost(c.reference, uploadForm(file));
      expect(res.status, file.name).toBe(400);
      expect(await res.text(), file.name).toContain(message);
    }
    const stored = await caseStore().get(c.id);
    expect(stored.search!.sources.find((s) => s.source === 'support-files')!.status).toBe('awaiting-staff');
    await expect(filesStore().get(manualUploadKey(c.id, RUN_ID, 'support-files'))).rejects.toThrow();
  }, 60_000);

  it('stores the file under the case’s searches/ prefix, records it, and puts it in the answer under the source’s folder', async () => {
    const c = await ada();
    const res = await deskPost(c.reference, uploadForm({ bytes: PDF, name: 'C:\\scans\\support emails.pdf', type: 'application/pdf' }));
    expect(res.status, await res.text()).toBe(303);
    const key = manualUploadKey(c.id, RUN_ID, 'support-files');
    expect(key).toBe(`searches/${c.id}/${RUN_ID}/support-files.upload`);
    expect(Buffer.compare(await filesStore().get(key), PDF)).toBe(0);
    const source = (await caseStore().get(c.id)).search!.sources.find((s) => s.source === 'support-files')!;
    expect(source).toMatchObject({ status: 'done', recordCount: 1, manual: { outcome: 'found', fileKey: key, note: 'Two support emails, March 2026' } });
    const records = JSON.parse((await filesStore().get(recordsKey(c.id, RUN_ID, 'support-files'))).toString('utf8')) as {
      records: Array<{ fields: Record<string, unknown> }>;
    };
    expect(records.records[0]!.fields).toMatchObject({ file_name: 'support emails.pdf', file_type: 'application/pdf', file_bytes: PDF.length });

    const page = await (await deskGet(`/desk/cases/${c.reference}`)).text();
    expect(page).toContain('(a file was uploaded)');
    const prepared = await staffCall(stack, `/api/cases/${c.reference}/actions`, dpo, {
      method: 'POST',
      body: { action: 'prepare-export', kind: 'access' },
    });
    expect(prepared.status, prepared.text).toBe(200);
    const zip = unzipSync(new Uint8Array(await (await deskGet(`/desk/cases/${c.reference}/export`)).arrayBuffer()));
    expect(Buffer.compare(Buffer.from(zip['support-files/support emails.pdf']!), PDF)).toBe(0);
    expect(strFromU8(zip['data.json']!)).toContain('support emails.pdf');
  }, 60_000);

  it('leaves the file out of the answer when its record is marked as another person’s data', async () => {
    const c = await ada();
    expect((await deskPost(c.reference, uploadForm({ bytes: PDF, name: 'other.pdf', type: 'application/pdf' }))).status).toBe(303);
    const act = (body: Record<string, unknown>) => staffCall(stack, `/api/cases/${c.reference}/actions`, dpo, { method: 'POST', body });
    expect((await act({ action: 'mark-third-party', records: [`support-files:manual_note:${RUN_ID}`] })).status).toBe(200);
    expect((await act({ action: 'prepare-export', kind: 'access' })).status).toBe(200);
    const zip = unzipSync(new Uint8Array(await (await deskGet(`/desk/cases/${c.reference}/export`)).arrayBuffer()));
    expect(Object.keys(zip).filter((n) => n.startsWith('support-files/'))).toEqual([]);
  }, 60_000);

  it('takes the file as base64 in the staff API’s JSON', async () => {
    const c = await ada();
    const act = (file: Record<string, unknown>) =>
      staffCall(stack, `/api/cases/${c.reference}/actions`, dpo, {
        method: 'POST',
        body: { action: 'record-manual-search', source: 'support-files', outcome: 'found', file },
      });
    const bad = await act({ name: 'x.csv', contentType: 'text/csv', base64: 'not base64!' });
    expect(bad.status).toBe(400);
    expect(bad.json()).toMatchObject({ errors: { file: 'Send the file as base64.' } });
    const csv = Buffer.from('mailbox,date\nsupport@,2026-03-02\n');
    const res = await act({ name: 'found.csv', contentType: 'text/csv', base64: csv.toString('base64') });
    expect(res.status, res.text).toBe(200);
    expect((await filesStore().get(manualUploadKey(c.id, RUN_ID, 'support-files'))).toString('utf8')).toBe(csv.toString('utf8'));
  }, 60_000);
});

describe('an upload to a case on legal hold', () => {
  const staff: Staff = { sub: 's-1', email: DPO, name: 'Dana Lead', roles: ['dpo'] };
  /** The act use case with the stack's table and files bucket, and a recording stand-in for S3 Object Lock (s3rver has none). */
  const withObjects = () => {
    const calls: { on: boolean; keys: string[] }[] = [];
    const objects: CaseObjects = {
      list: async () => [],
      setLegalHold: async (list, on) => void calls.push({ on, keys: list.map((o) => `${o.bucket}:${o.key}`) }),
      deleteAllVersions: async () => 0,
    };
    const sent: OutboundEmail[] = [];
    const table = { client: localDynamoClient(stack.urls.dynamodb), tableName: stack.env.CASES_TABLE!, clock: systemClock };
    const deps = {
      cases: caseStore(),
      clock: systemClock,
      outbox: recordingOutbox(table, sent),
      objects,
      fulfilment: { files: filesStore(), register: ICETRAK_REGISTER },
    };
    return { deps, calls };
  };
  const upload = parseAction({
    action: 'record-manual-search',
    source: 'support-files',
    outcome: 'found',
    file: { name: 'scan.pdf', contentType: 'application/pdf', base64: PDF.toString('base64') },
  });

  it('holds the new file at once, as every other object of the case', async () => {
    const c = await ada({ legalHold: { since: '2026-12-01T09:00:00.000Z', reason: 'Litigation', placedBy: 'staff:dpo.lead@icetrak.net' } });
    const { deps, calls } = withObjects();
    await act(c.reference, upload, staff, deps);
    expect(calls).toEqual([{ on: true, keys: [`files:${manualUploadKey(c.id, RUN_ID, 'support-files')}`] }]);
  });

  it('places no hold on a case that is not held', async () => {
    const c = await ada();
    const { deps, calls } = withObjects();
    await act(c.reference, upload, staff, deps);
    expect(calls).toEqual([]);
  });
});
