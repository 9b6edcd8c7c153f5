/**
 * The compliance report's CSV (issue 12): one row per case in the period (CaseRow), for the DPO
 * to sort and filter in a spreadsheet. RFC 4180: CRLF line ends, a header row, fields quoted
 * when they hold a comma, a quote or a line break. A CaseRow holds no names, addresses or
 * requester text, so neither can the file.
 *
 * Spreadsheets run a cell that starts with = + - @ (or a tab or CR before one) as a formula
 * (CSV injection), so such a cell is written with a leading apostrophe. Nothing in a CaseRow
 * should start so today; the guard is for whatever a field may hold tomorrow.
 */
import type { CaseRow } from '#domain/report-figures';

/** The columns, in order, and how each is written from a row. */
const COLUMNS: readonly (readonly [string, (r: CaseRow) => string | number | boolean | null])[] = [
  ['reference', (r) => r.reference],
  ['rights', (r) => r.rights.join(';')],
  ['channel', (r) => r.channel],
  ['complaint', (r) => r.complaint],
  ['received_on', (r) => r.receivedOn],
  ['clock_starts_on', (r) => r.clockStartsOn],
  ['due_on', (r) => r.dueOn],
  ['extended', (r) => r.extended],
  ['extension_ground', (r) => r.extensionGround],
  ['status', (r) => r.status],
  ['outcome', (r) => r.outcome],
  ['responded_on', (r) => r.respondedOn],
  ['on_time', (r) => r.timeliness],
  ['days_to_respond', (r) => r.daysToRespond],
  ['working_days_to_respond', (r) => r.workingDaysToRespond],
  ['refusal_ground', (r) => r.refusalGround],
  ['kept_because', (r) => r.keptBecause.join(';')],
  ['forwarded_on', (r) => r.forwardedOn],
  ['complaint_acknowledged_on', (r) => r.complaintAcknowledgedOn],
  ['received_in_period', (r) => r.receivedInPeriod],
  ['closed_in_period', (r) => r.closedInPeriod],
];

export const REPORT_CSV_HEADER: readonly string[] = COLUMNS.map(([name]) => name);

/** One CSV field: formula guard, then quoted when it holds a comma, a quote, CR or LF. */
export function csvField(value: string | number | boolean | null): string {
  let text = value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The CSV of `rows`: a header and one line per row, each ending CRLF. */
export function reportCsv(rows: readonly CaseRow[]): string {
  const lines = [REPORT_CSV_HEADER.map(csvField), ...rows.map((row) => COLUMNS.map(([, value]) => csvField(value(row))))];
  return lines.map((cells) => `${cells.join(',')}\r\n`).join('');
}
