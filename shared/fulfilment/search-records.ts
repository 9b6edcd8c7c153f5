/**
 * The records a case's latest search found, for the DPO's review on the case page (issue 14): per
 * controller source that found something, its records (read back from the records files under
 * `searches/`, validated), at most `limit` of them, each with a short summary of its fields, and
 * whether the DPO marked it as another person's data (left out of the answer, Art. 15(4)).
 * A record an earlier plan restricted, or whose marketing it stopped, carries the mark (the
 * register's queries return `restricted_at` and `marketing_opt_out_at`), shown beside its summary.
 * Processor sources (message traffic) are not listed: their records are never disclosed as
 * Icetrak's, so there is nothing to mark; the page names their customers instead.
 */
import type { Case } from '#domain/case';
import { isMarkField, recordMarks, type FieldValue, type FoundRecord, type RecordMarks } from '#domain/search';
import type { Register } from '#domain/register';
import { BlobNotFoundError, type BlobStore } from '#shared/ports';
import { parseRecordsFile } from './export/records-file';

/** Records shown per source on the case page; the answer holds them all. */
export const RECORDS_SHOWN_PER_SOURCE = 100;
/** Characters of a record's summary. */
export const SUMMARY_CHARS = 160;

export interface ReviewedRecord {
  id: string;
  recordType: string;
  key: string;
  summary: string;
  thirdParty: boolean;
  /** Since when it is restricted, or its marketing stopped (shown as such, not in the summary). */
  marks: RecordMarks;
}

export interface SourceRecords {
  records: ReviewedRecord[];
  /** Records found beyond those shown. */
  more: number;
  /** The records file could not be read (missing or damaged): the page says so; the answer cannot be prepared either. */
  unreadable?: true;
}

const valueText = (v: FieldValue): string => (v === null ? '—' : String(v));

/** "field: value; field: value…" (the marks aside), cut at SUMMARY_CHARS. Escaped where it is drawn. */
export function summaryOf(r: FoundRecord): string {
  const text = Object.entries(r.fields)
    .filter(([k, v]) => v !== null && v !== '' && !isMarkField(k))
    .map(([k, v]) => `${k.replace(/_/g, ' ')}: ${valueText(v).replace(/\s+/g, ' ')}`)
    .join('; ');
  return text.length > SUMMARY_CHARS ? `${text.slice(0, SUMMARY_CHARS - 1)}…` : text;
}

export async function searchRecordsOf(
  c: Case,
  deps: { files: BlobStore; register: Register },
  limit = RECORDS_SHOWN_PER_SOURCE,
): Promise<Record<string, SourceRecords>> {
  const search = c.search;
  if (!search) return {};
  const redact = new Set(search.redact);
  const controllerSources = new Set(deps.register.systems.filter((s) => s.role === 'controller').map((s) => s.id));
  const wanted = search.sources.filter((s) => s.status === 'done' && s.resultKey && (s.recordCount ?? 0) > 0 && controllerSources.has(s.source));
  const entries = await Promise.all(
    wanted.map(async (s): Promise<[string, SourceRecords]> => {
      try {
        const file = parseRecordsFile(await deps.files.get(s.resultKey!), s.resultKey!);
        const mine = file.caseId === c.id && file.runId === search.runId ? file.records.filter((r) => r.role === 'controller') : [];
        return [
          s.source,
          {
            records: mine.slice(0, limit).map((r) => ({
              id: r.id,
              recordType: r.recordType,
              key: r.key,
              summary: summaryOf(r),
              thirdParty: redact.has(r.id),
              marks: recordMarks(r),
            })),
            more: Math.max(0, mine.length - limit),
          },
        ];
      } catch (err) {
        if (err instanceof BlobNotFoundError || (err instanceof Error && /records file/.test(err.message)))
          return [s.source, { records: [], more: 0, unreadable: true }];
        throw err;
      }
    }),
  );
  return Object.fromEntries(entries);
}
