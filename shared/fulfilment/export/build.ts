/**
 * The ZIP of an access or portability answer (issue 14), from the case, its search's records
 * files and the processing register (answer.ts decides what is disclosed):
 *
 *   access:      data.json, <source>.csv per source, index.html, cover-letter.html, and <source>/<file> for a manual source's upload
 *   portability: portable/<source>.json and portable/<source>.csv per source, index.html, cover-letter.html
 *
 * Pure but for the compression: the same inputs make the same bytes (entry times are the
 * preparation day's midnight UTC, not the wall clock), so a retried preparation stores the same object.
 */
import { strToU8, zipSync, type Zippable } from 'fflate';
import type { ExportKind } from '#domain/export';
import { selectAnswer, type Answer, type ExportInput } from './answer';
import { coverLetterHtml, indexHtml } from './documents';
import { dataJson, portableJson, sourceCsv } from './tables';

export interface BuiltExport {
  zip: Buffer;
  /** The ZIP's file names, in order. */
  files: string[];
  answer: Answer;
  recordsBySource: Record<string, number>;
  redacted: number;
  processorRecordsWithheld: number;
}

/** The ZIP's file names for `a`, machine-readable files first. */
export function exportFileNames(kind: ExportKind, sources: readonly string[]): string[] {
  const data =
    kind === 'portability' ? sources.flatMap((s) => [`portable/${s}.json`, `portable/${s}.csv`]) : ['data.json', ...sources.map((s) => `${s}.csv`)];
  return [...data, 'index.html', 'cover-letter.html'];
}

/** Every file of the answer as text, by name. */
export function exportFiles(a: Answer): Record<string, string> {
  const names = exportFileNames(
    a.kind,
    a.sources.map((s) => s.system.id),
  );
  const out: Record<string, string> = {};
  if (a.kind === 'portability') {
    for (const s of a.sources) {
      out[`portable/${s.system.id}.json`] = portableJson(a, s);
      out[`portable/${s.system.id}.csv`] = sourceCsv(s);
    }
  } else {
    out['data.json'] = dataJson(a);
    for (const s of a.sources) out[`${s.system.id}.csv`] = sourceCsv(s);
  }
  out['index.html'] = indexHtml(a, names);
  out['cover-letter.html'] = coverLetterHtml(a, { files: names });
  return out;
}

export function buildExport(input: ExportInput): BuiltExport {
  const answer = selectAnswer(input);
  const texts = exportFiles(answer);
  const mtime = new Date(`${input.today}T00:00:00.000Z`);
  const entries: Zippable = {};
  for (const [name, text] of Object.entries(texts)) entries[name] = [strToU8(text), { mtime }];
  // Uploaded files go under their source's folder, and only with their record: a record marked as
  // another person's data, or left out of a portability answer, leaves its file out too.
  const disclosed = new Set(answer.sources.flatMap((s) => s.records.map((r) => r.id)));
  const uploads = (input.uploads ?? []).filter((u) => disclosed.has(u.recordId));
  for (const u of uploads) entries[`${u.source}/${u.name}`] = [new Uint8Array(u.body), { mtime }];
  const zip = Buffer.from(zipSync(entries, { level: 6 }));
  return {
    zip,
    files: [...Object.keys(texts), ...uploads.map((u) => `${u.source}/${u.name}`)],
    answer,
    recordsBySource: Object.fromEntries(answer.sources.map((s) => [s.system.id, s.records.length])),
    redacted: answer.redacted,
    processorRecordsWithheld: answer.processor.records,
  };
}
