/**
 * What the desk and the staff API do with reports (issue 12): run one now, list them, and read one
 * of a report's files. A report's files are read by the key its record names, never by a key built
 * from the URL, so a path in the URL can only ever reach a report's own files.
 */
import * as z from 'zod';
import { REPORT_KINDS, periodOfId, type ReportKind } from '#domain/report-period';
import { parseFields } from '#shared/cases/fields';
import type { BlobStore } from '#shared/ports';
import { REPORT_FILES, reportFileNamed, type ReportRecord, type ReportStore } from './record';

/** What POST /api/reports and the desk's run-now form take. */
export const runRequestSchema = z.strictObject({
  kind: z.enum(REPORT_KINDS, 'Choose a monthly report or a weekly digest.'),
  period: z.string('Give the period: a month (2026-11) or a week (2026-W48).').trim().max(10, 'A period is at most 10 characters, e.g. 2026-W48.'),
  /** The desk's form token (checked by the handler's stack, ignored here). */
  _csrf: z.string().optional(),
});

/** `{"kind": "monthly"|"weekly", "period": "2026-11"|"2026-W48"}`, or ValidationError naming each bad field. */
export function parseRunRequest(body: unknown): { kind: ReportKind; period: string } {
  const { kind, period } = parseFields(runRequestSchema, body ?? {}, 'report');
  return { kind, period };
}

export interface ReportsReadDeps {
  reports: ReportStore;
  files: BlobStore;
}

export const REPORTS_PAGE_SIZE = 50;

export async function listReports(deps: Pick<ReportsReadDeps, 'reports'>, cursor?: string): Promise<{ reports: ReportRecord[]; next?: string }> {
  const page = await deps.reports.list({ limit: REPORTS_PAGE_SIZE, ...(cursor ? { cursor } : {}) });
  return { reports: page.reports, ...(page.cursor ? { next: page.cursor } : {}) };
}

/** A report's file by report id and file name (`report.html`, `cases.csv`, `figures.json`), or undefined. */
export async function readReportFile(
  deps: ReportsReadDeps,
  id: string,
  name: string,
): Promise<{ record: ReportRecord; body: Buffer; contentType: string; name: string } | undefined> {
  const file = reportFileNamed(name);
  if (!file || !periodOfId(id)) return undefined;
  const record = await deps.reports.find(id);
  if (!record) return undefined;
  return { record, body: await deps.files.get(record.keys[file]), contentType: REPORT_FILES[file].contentType, name: REPORT_FILES[file].name };
}

/** The JSON the staff API gives for a report: its period, when it was made, its headline numbers and its files' URLs. */
export function reportJson(record: ReportRecord, apiBase: string) {
  const files = Object.fromEntries(Object.values(REPORT_FILES).map((f) => [f.name, `${apiBase}/api/reports/${record.id}/${f.name}`]));
  return {
    id: record.id,
    kind: record.kind,
    period: record.period,
    label: record.label,
    from: record.from,
    to: record.to,
    generatedAt: record.generatedAt,
    generatedBy: record.generatedBy,
    runs: record.runs,
    mailedAt: record.mailedAt ?? null,
    headline: record.headline,
    html: files[REPORT_FILES.html.name],
    csv: files[REPORT_FILES.csv.name],
    figures: files[REPORT_FILES.json.name],
    /** Where the files are in the reports bucket (keys hold the period, never personal data). */
    storedAt: { html: record.keys.html, csv: record.keys.csv, figures: record.keys.json },
  };
}
