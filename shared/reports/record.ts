/**
 * A compliance report as the desk lists it (issue 12): which period, when and by whom it was made,
 * where its files are, its headline numbers, and whether the team was mailed. One record per
 * report id, so a re-run for the same period replaces the record (and the files) of the first.
 */
import type { Actor } from '#domain/case';
import type { ReportKind } from '#domain/report-period';

/** The files of a report, under its period's prefix in the reports bucket. */
export const REPORT_FILES = {
  html: { name: 'report.html', contentType: 'text/html; charset=utf-8' },
  csv: { name: 'cases.csv', contentType: 'text/csv; charset=utf-8' },
  json: { name: 'figures.json', contentType: 'application/json' },
} as const;
export type ReportFile = keyof typeof REPORT_FILES;

/** A file name in a URL (`report.html`) to its kind, or undefined. */
export function reportFileNamed(name: string): ReportFile | undefined {
  return (Object.keys(REPORT_FILES) as ReportFile[]).find((f) => REPORT_FILES[f].name === name);
}

export interface ReportRecord {
  id: string;
  kind: ReportKind;
  period: string;
  label: string;
  from: string;
  to: string;
  /** The latest run. */
  generatedAt: string;
  generatedBy: Actor;
  /** How many times the period has been run (re-runs replace the files). */
  runs: number;
  /** Bucket keys, by file. */
  keys: Record<ReportFile, string>;
  /** Headline numbers (no personal data), for the list and the mail. */
  headline: Record<string, number | null>;
  /** When the team was last mailed about this period. */
  mailedAt?: string;
  /** The headline numbers that mail gave (JSON): a re-run that changes them mails again, one that does not stays quiet. */
  mailedFor?: string;
}

export interface ReportStore {
  find(id: string): Promise<ReportRecord | undefined>;
  /** Creates or replaces the record of `record.id`, keeping `mailedAt` and counting the run. */
  save(record: Omit<ReportRecord, 'runs' | 'mailedAt' | 'mailedFor'>): Promise<ReportRecord>;
  /** Newest period first, a page at a time. */
  list(opts: { limit: number; cursor?: string }): Promise<{ reports: ReportRecord[]; cursor?: string }>;
  /**
   * Claims the right to mail the team about `id` with headline numbers `digest`: true when this
   * caller won (not yet mailed with these numbers, and no other claim younger than `leaseSeconds`).
   * The winner sends, then calls markMailed.
   */
  claimMail(id: string, digest: string, at: string, leaseSeconds: number): Promise<boolean>;
  markMailed(id: string, digest: string, at: string): Promise<void>;
}
