import { describe, expect, it } from 'vitest';
import type { CaseRow } from '#domain/report-figures';
import { REPORT_CSV_HEADER, csvField, reportCsv } from '#shared/templates/report-csv';
import { SAMPLE_PERSONAL_DATA, SAMPLE_EXTENSION_REASON, sampleMonthlyFigures, sampleWeeklyFigures } from '#test/support/report-fixtures';

const HEADER =
  'reference,rights,channel,complaint,received_on,clock_starts_on,due_on,extended,extension_ground,status,outcome,responded_on,on_time,days_to_respond,working_days_to_respond,refusal_ground,kept_because,forwarded_on,complaint_acknowledged_on,received_in_period,closed_in_period';

/** Splits RFC 4180 text into records of fields (quoted fields may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted && ch === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (quoted && ch === '"') {
      quoted = false;
    } else if (quoted) {
      field += ch;
    } else if (ch === '"') {
      quoted = true;
    } else if (ch === ',') {
      record.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      field = '';
      record = [];
      i++;
    } else {
      field += ch;
    }
  }
  expect(field === '' && record.length === 0, 'the text ends with CRLF').toBe(true);
  return records;
}

describe('reportCsv', () => {
  const figures = sampleMonthlyFigures();
  const csv = reportCsv(figures.rows);
  const records = parseCsv(csv);

  it('starts with the header row, in the documented order', () => {
    expect(csv.startsWith(`${HEADER}\r\n`)).toBe(true);
    expect(REPORT_CSV_HEADER.join(',')).toBe(HEADER);
  });

  it('has one row per case row, each as wide as the header, in the rows’ order', () => {
    expect(records).toHaveLength(figures.rows.length + 1);
    expect(figures.rows.length).toBeGreaterThan(10);
    for (const r of records) expect(r).toHaveLength(REPORT_CSV_HEADER.length);
    expect(records.slice(1).map((r) => r[0])).toEqual(figures.rows.map((r) => r.reference));
  });

  it('ends every line with CRLF and has no bare LF', () => {
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('writes each field of a row: rights and kept reasons semicolon-separated, nulls empty, booleans as true/false', () => {
    const partial = figures.rows.find((r) => r.outcome === 'partially_completed')!;
    const line = records.find((r) => r[0] === partial.reference)!;
    const byName = Object.fromEntries(REPORT_CSV_HEADER.map((name, i) => [name, line[i]]));
    expect(byName).toMatchObject({
      rights: 'access;erasure',
      channel: 'email',
      complaint: 'false',
      received_on: '2026-11-03',
      extended: 'false',
      extension_ground: '',
      status: 'closed',
      outcome: 'partially_completed',
      responded_on: '2026-11-25',
      on_time: 'on-time',
      days_to_respond: '22',
      kept_because: 'legal-obligation;legal-hold',
      forwarded_on: '',
      received_in_period: 'true',
      closed_in_period: 'true',
    });
    const late = records.find((r) => r[0] === 'RD-CTAAA2')!;
    expect(late[REPORT_CSV_HEADER.indexOf('on_time')]).toBe('late');
    expect(late[REPORT_CSV_HEADER.indexOf('received_in_period')]).toBe('false');
  });

  it('quotes fields holding a comma, a quote or a line break, doubling quotes', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "no"')).toBe('"say ""no"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('plain')).toBe('plain');
    expect(csvField(null)).toBe('');
    expect(csvField(0)).toBe('0');
    const row: CaseRow = { ...figures.rows[0]!, reference: 'RD-"X",\r\nY' };
    expect(parseCsv(reportCsv([row]))[1]![0]).toBe('RD-"X",\r\nY');
  });

  it('guards cells a spreadsheet would run as a formula with a leading apostrophe', () => {
    for (const cell of ['=HYPERLINK("http://evil.example","x")', '+1+1', '-2+3', '@SUM(A1)', '\t=1', '\r=1']) {
      const written = csvField(cell);
      expect(written.replace(/^"/, '').startsWith("'"), JSON.stringify(cell)).toBe(true);
      expect(parseCsv(`${written}\r\n`)[0]![0]).toBe(`'${cell}`);
    }
    expect(csvField('RD-ABCDEF')).toBe('RD-ABCDEF');
    const hostile: CaseRow = { ...figures.rows[0]!, reference: '=cmd|" /C calc"!A0' };
    expect(parseCsv(reportCsv([hostile]))[1]![0]).toBe(`'=cmd|" /C calc"!A0`);
  });

  it('holds no name, email, address, phone, account number or requester text, monthly or weekly', () => {
    const weekly = reportCsv(sampleWeeklyFigures().rows);
    for (const text of [csv, weekly]) {
      for (const [what, value] of Object.entries(SAMPLE_PERSONAL_DATA)) {
        expect(text, what).not.toContain(value);
        // Nor any recognisable piece of it (surname, local part, postcode, street).
        for (const piece of value.split(/[\s,@.]+/).filter((p) => p.length >= 6))
          expect(text.toLowerCase(), `${what}: ${piece}`).not.toContain(piece.toLowerCase());
      }
      expect(text).not.toContain('@');
      // The DPO team's own words are not columns either.
      expect(text).not.toContain(SAMPLE_EXTENSION_REASON);
    }
  });

  it('is just the header for no rows', () => {
    expect(reportCsv([])).toBe(`${HEADER}\r\n`);
  });
});
