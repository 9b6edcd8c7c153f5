/** The export's transitions (issue 14): prepared from a finished search, released once, downloaded while its link is the current one and unexpired. */
import { describe, expect, it } from 'vitest';
import type { Actor } from '#domain/case';
import { ExportNotReleasableError, InvalidTransitionError, SearchNotFinishedError } from '#domain/errors';
import {
  EXPORT_LINK_DAYS,
  exportActions,
  exportDownloaded,
  exportKey,
  exportLinkState,
  exportPrepared,
  exportReleased,
  exportReviewed,
  type PreparedExport,
} from '#domain/export';
import { signToken } from '#shared/core/tokens';
import { readExportLink, exportLink } from '#shared/fulfilment/export/link';
import { letter } from '#shared/templates/letters';
import { RUN_ID, adaCase } from '#test/fixtures/export/records';

const DPO: Actor = 'staff:dpo.lead@icetrak.net';
const AT = '2026-12-02T10:00:00.000Z';
const prepared = (id = 'exp0000000001', over: Partial<PreparedExport> = {}): PreparedExport => ({
  id,
  kind: 'access',
  runId: RUN_ID,
  registerVersion: '2026-12-02.1',
  key: exportKey('CASE', id),
  bytes: 4321,
  recordsBySource: { accounts: 3, billing: 3 },
  redacted: 1,
  processorRecordsWithheld: 1,
  ...over,
});

describe('exportPrepared', () => {
  it('records the summary (no downloads yet) and ExportPrepared with the figures', () => {
    const t = exportPrepared(adaCase(), prepared(), { at: AT, actor: DPO });
    expect(t.case.export).toEqual({ ...prepared(), preparedAt: AT, preparedBy: DPO, downloads: 0 });
    expect(t.entry).toEqual({
      at: AT,
      actor: DPO,
      action: 'ExportPrepared',
      detail: {
        exportId: 'exp0000000001',
        kind: 'access',
        runId: RUN_ID,
        registerVersion: '2026-12-02.1',
        bytes: 4321,
        records: 6,
        redacted: 1,
        processorRecordsWithheld: 1,
        replaces: null,
      },
    });
  });

  it('needs a finished search of the same run, a case asking for that kind, and an open case', () => {
    const c = adaCase();
    const { finishedAt: _f, ...running } = c.search!;
    expect(() => exportPrepared({ ...c, search: running }, prepared(), { at: AT, actor: DPO })).toThrow(SearchNotFinishedError);
    const { search: _s, ...never } = c;
    expect(() => exportPrepared(never, prepared(), { at: AT, actor: DPO })).toThrow(SearchNotFinishedError);
    expect(() => exportPrepared(c, prepared('exp0000000001', { runId: 'otherrun0001' }), { at: AT, actor: DPO })).toThrow(SearchNotFinishedError);
    expect(() => exportPrepared(c, prepared('exp0000000001', { kind: 'portability' }), { at: AT, actor: DPO })).toThrow(InvalidTransitionError);
    expect(() => exportPrepared({ ...c, status: 'closed' }, prepared(), { at: AT, actor: DPO })).toThrow(InvalidTransitionError);
  });

  it('replacing a released export revokes its link and starts again unreleased', () => {
    const first = exportReleased(exportPrepared(adaCase(), prepared('exp0000000001'), { at: AT, actor: DPO }).case, { at: AT, actor: DPO }).case;
    const second = exportPrepared(first, prepared('exp0000000002'), { at: AT, actor: DPO });
    expect(second.entry.detail?.replaces).toBe('exp0000000001');
    expect(second.case.export?.releasedAt).toBeUndefined();
    expect(exportLinkState(second.case, 'exp0000000001', new Date(AT))).toBe('revoked');
    expect(exportLinkState(second.case, 'exp0000000002', new Date(AT))).toBe('not-released');
  });
});

describe('exportReleased and exportDownloaded', () => {
  const ready = () => exportPrepared(adaCase(), prepared(), { at: AT, actor: DPO }).case;

  it('release: the link expires EXPORT_LINK_DAYS later; once only; never unprepared', () => {
    const t = exportReleased(ready(), { at: AT, actor: DPO });
    expect(EXPORT_LINK_DAYS).toBe(7);
    expect(t.case.export).toMatchObject({ releasedAt: AT, releasedBy: DPO, linkExpiresAt: '2026-12-09T10:00:00.000Z' });
    expect(t.entry).toMatchObject({ action: 'ExportReleased', detail: { exportId: 'exp0000000001', linkExpiresAt: '2026-12-09T10:00:00.000Z' } });
    expect(() => exportReleased(t.case, { at: AT, actor: DPO })).toThrow(ExportNotReleasableError);
    expect(() => exportReleased(adaCase(), { at: AT, actor: DPO })).toThrow(ExportNotReleasableError);
  });

  it('download: counted and timed, by the requester; refused before release, for an old export and from the expiry instant', () => {
    const released = exportReleased(ready(), { at: AT, actor: DPO }).case;
    const one = exportDownloaded(released, 'exp0000000001', '2026-12-03T08:00:00.000Z', 'a1b2c3d4e5f6');
    expect(one.case.export).toMatchObject({ downloads: 1, lastDownloadedAt: '2026-12-03T08:00:00.000Z' });
    expect(one.entry).toEqual({
      at: '2026-12-03T08:00:00.000Z',
      actor: 'requester',
      action: 'ExportDownloaded',
      detail: { exportId: 'exp0000000001', download: 1, client: 'a1b2c3d4e5f6' },
    });
    expect(exportDownloaded(one.case, 'exp0000000001', '2026-12-09T09:59:59.999Z').case.export?.downloads).toBe(2);
    expect(() => exportDownloaded(one.case, 'exp0000000001', '2026-12-09T10:00:00.000Z')).toThrow(ExportNotReleasableError);
    expect(() => exportDownloaded(one.case, 'exp0000000009', '2026-12-03T08:00:00.000Z')).toThrow(ExportNotReleasableError);
    expect(() => exportDownloaded(ready(), 'exp0000000001', '2026-12-03T08:00:00.000Z')).toThrow(ExportNotReleasableError);
  });
});

describe('the download link and its letter', () => {
  const key = Buffer.alloc(32, 7);
  const released = () => exportReleased(exportPrepared(adaCase(), prepared(), { at: AT, actor: DPO }).case, { at: AT, actor: DPO }).case;

  it('names the case and the export only, verifies with the key, expires with the export, and is refused for another purpose', async () => {
    const c = released();
    const url = await exportLink(c, { signingKey: async () => key, settings: { publicBaseUrl: 'https://rights.icetrak.net/' } });
    expect(url).toMatch(/^https:\/\/rights\.icetrak\.net\/export\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    const token = url.split('/').at(-1)!;
    expect(Buffer.from(token.split('.')[0]!, 'base64url').toString()).not.toMatch(/ada|example/i);
    const keys = async () => [key];
    expect(await readExportLink(token, keys, new Date(AT))).toEqual({ caseId: c.id, exportId: 'exp0000000001' });
    await expect(readExportLink(token, keys, new Date('2026-12-09T10:00:00.000Z'))).rejects.toMatchObject({ name: 'ExpiredTokenError' });
    await expect(readExportLink(token, async () => [Buffer.alloc(32, 8)], new Date(AT))).rejects.toMatchObject({ name: 'InvalidTokenError' });
    const verify = signToken(key, { caseId: c.id, purpose: 'verify', expiresAt: 1_900_000_000, nonce: 'exp0000000001' });
    await expect(readExportLink(verify, keys, new Date(AT))).rejects.toMatchObject({ name: 'InvalidTokenError' });
  });

  it('the export-ready letter carries the link and its expiry; printed without a link it asks the requester to write', () => {
    const c = released();
    const p = { letter: 'export-ready', exportId: 'exp0000000001', exportKind: 'access', linkExpiresAt: '2026-12-09T10:00:00.000Z' };
    const mail = letter(c, 'export-ready', p, { dpoAddress: 'dpo@icetrak.net', downloadUrl: 'https://rights.icetrak.net/export/abc.def' });
    expect(mail.subject).toBe(`[${c.reference}] Your data is ready to download`);
    expect(mail.text).toContain('https://rights.icetrak.net/export/abc.def');
    expect(mail.text).toContain('The link works until Wednesday 9 December 2026.');
    expect(mail.html).toContain('href="https://rights.icetrak.net/export/abc.def"');
    const printed = letter(c, 'export-ready', p, { dpoAddress: 'dpo@icetrak.net' });
    expect(printed.text).toContain('Write to us and we will send you a link');
    expect(printed.text).not.toContain('/export/');
  });
});

describe('exportActions (the desk actions of the answer)', () => {
  const ada = adaCase();
  const { finishedAt: _f, ...running } = ada.search!;

  it('offers prepare-export on an open case asking for access or portability once its search has finished', () => {
    expect(exportActions(ada)).toEqual(['prepare-export']);
    expect(exportActions({ ...ada, rights: ['portability'] })).toEqual(['prepare-export']);
    expect(exportActions({ ...ada, search: running })).toEqual([]);
    expect(exportActions({ ...ada, search: undefined })).toEqual([]);
    expect(exportActions({ ...ada, rights: ['erasure'] })).toEqual([]);
  });

  it('offers release-export while the prepared answer is not released; nothing on a closed case', () => {
    const p = exportPrepared(ada, prepared(), { at: AT, actor: DPO }).case;
    expect(exportActions(p)).toEqual(['prepare-export', 'release-export']);
    const r = exportReleased(p, { at: AT, actor: DPO }).case;
    expect(exportActions(r)).toEqual(['prepare-export']);
    expect(exportActions({ ...p, status: 'closed' })).toEqual([]);
  });
});

describe('exportReviewed', () => {
  it('records the DPO team’s review download, leaving the requester’s download count alone', () => {
    const p = exportPrepared(adaCase(), prepared(), { at: AT, actor: DPO }).case;
    const t = exportReviewed(p, { at: AT, actor: DPO });
    expect(t.entry).toEqual({ at: AT, actor: DPO, action: 'ExportReviewed', detail: { exportId: 'exp0000000001', kind: 'access', released: false } });
    expect(t.case.export).toEqual(p.export);
    expect(() => exportReviewed(adaCase(), { at: AT, actor: DPO })).toThrow(ExportNotReleasableError);
  });
});
