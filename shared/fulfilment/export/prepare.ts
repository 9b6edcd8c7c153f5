/**
 * Use case: the DPO prepares the access or portability answer of a case (desk action
 * `prepare-export`, issue 14). Needs a finished search; reads its records files from the files
 * bucket, builds the ZIP (build.ts), stores it at `exports/<caseId>/<exportId>.zip` (ids only; the
 * bucket encrypts with the stack's KMS key), and records the summary with ExportPrepared in one
 * conditional write. Preparing again replaces the case's export, which revokes any earlier link.
 *
 * Nothing reaches the requester here: the DPO reviews the answer, then releases it (release.ts).
 */
import { londonDateOf } from '#domain/calendar';
import type { Case } from '#domain/case';
import { SearchNotFinishedError, ValidationError } from '#domain/errors';
import { EXPORT_KINDS, exportKey, exportPrepared, type CaseExport, type ExportKind } from '#domain/export';
import type { Register } from '#domain/register';
import type { SourceRecordsFile } from '#domain/search';
import { actorOf, type Staff } from '#shared/auth/staff';
import { caseByReference } from '#shared/cases/case-view';
import { newCaseId } from '#shared/core/ids';
import type { BlobStore, CaseStore, Clock } from '#shared/ports';
import { safeFileName } from '#domain/search';
import type { ManualUpload } from './answer';
import { buildExport } from './build';
import { parseRecordsFile } from './records-file';

export interface PrepareExportDeps {
  cases: CaseStore;
  clock: Clock;
  /** The files bucket: the search's records files are read from it, the ZIP written to it. */
  files: BlobStore;
  register: Register;
  /** New export ids (tests pin them). */
  exportId?: () => string;
}

export const newExportId = (): string => newCaseId().toLowerCase();

/** The records files of the case's latest search: one per source that found something. */
async function recordsFiles(c: Case, files: BlobStore): Promise<SourceRecordsFile[]> {
  const keys = (c.search?.sources ?? []).flatMap((s) => (s.status === 'done' && s.resultKey && (s.recordCount ?? 0) > 0 ? [s.resultKey] : []));
  return Promise.all(keys.map(async (key) => parseRecordsFile(await files.get(key), key)));
}

/** The files uploaded with the latest run's manual sources, each with the id of the record it belongs to. */
async function manualUploads(c: Case, files: BlobStore, records: readonly SourceRecordsFile[]): Promise<ManualUpload[]> {
  const search = c.search;
  if (!search) return [];
  const withFile = search.sources.filter((s) => s.status === 'done' && s.manual?.outcome === 'found' && s.manual.fileKey);
  return Promise.all(
    withFile.map(async (s) => {
      const recordId = `${s.source}:manual_note:${search.runId}`;
      const record = records.find((f) => f.source === s.source)?.records.find((r) => r.id === recordId);
      const name = typeof record?.fields.file_name === 'string' ? record.fields.file_name : 'upload';
      return { source: s.source, recordId, name: safeFileName(name), body: await files.get(s.manual!.fileKey!) };
    }),
  );
}

export async function prepareExport(
  reference: string,
  input: { kind: unknown },
  staff: Staff,
  deps: PrepareExportDeps,
): Promise<{ case: Case; export: CaseExport }> {
  if (!(EXPORT_KINDS as readonly unknown[]).includes(input.kind)) throw new ValidationError({ kind: 'Choose access or portability.' });
  const kind = input.kind as ExportKind;
  const c = await caseByReference(reference, deps);
  const search = c.search;
  // Checked before any work; exportPrepared checks again in the write, against the case as it is then.
  if (!search?.finishedAt) throw new SearchNotFinishedError('Search Icetrak’s systems and let the search finish before preparing the answer.');

  const now = deps.clock.now();
  const files = await recordsFiles(c, deps.files);
  const uploads = await manualUploads(c, deps.files, files);
  const built = buildExport({ case: c, kind, register: deps.register, files, uploads, today: londonDateOf(now) });
  const id = (deps.exportId ?? newExportId)();
  const key = exportKey(c.id, id);
  await deps.files.put(key, built.zip, { contentType: 'application/zip' });

  const at = now.toISOString();
  const saved = await deps.cases.update(
    c.id,
    (cur) =>
      exportPrepared(
        cur,
        {
          id,
          kind,
          runId: search.runId,
          registerVersion: deps.register.version,
          key,
          bytes: built.zip.length,
          recordsBySource: built.recordsBySource,
          redacted: built.redacted,
          processorRecordsWithheld: built.processorRecordsWithheld,
        },
        { at, actor: actorOf(staff) },
      ),
    { current: c },
  );
  return { case: saved, export: saved.export! };
}
