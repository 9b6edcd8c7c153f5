/**
 * The machine-readable files of an answer: data.json and one CSV per source (access), or the
 * portable JSON and CSV per source (portability). RFC 4180 CSV with the formula guard of the
 * report CSV (csvField): a cell starting = + - @ is written with a leading apostrophe, so a
 * spreadsheet shows a phone number (+44…) as text instead of running it.
 */
import type { FoundRecord } from '#domain/search';
import { csvField } from '#shared/templates/report-csv';
import { fieldNames, type Answer, type SourceAnswer } from './answer';

const recordJson = (r: FoundRecord) => ({
  recordType: r.recordType,
  key: r.key,
  accountId: r.accountId ?? null,
  providedByYou: r.providedByPerson,
  fields: r.fields,
});

const sourceJson = (s: SourceAnswer) => ({
  source: s.system.id,
  name: s.system.name,
  searchedAt: s.searchedAt,
  records: s.records.map(recordJson),
});

/** data.json: every disclosed record, grouped by source, with the source's name and the register version. */
export function dataJson(a: Answer): string {
  const body = {
    about: `The personal data ${a.register.controller.name} holds about you, for request ${a.reference}.`,
    reference: a.reference,
    kind: a.kind,
    preparedOn: a.today,
    controller: { name: a.register.controller.name, dpoEmail: a.register.controller.dpoEmail },
    registerVersion: a.register.version,
    sources: a.sources.map(sourceJson),
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}

/** portable/<source>.json: the data the person provided, one source, machine-readable (Art. 20). */
export function portableJson(a: Answer, s: SourceAnswer): string {
  const body = {
    about: `Data you provided to ${a.register.controller.name} (or that records your own use of its service), for request ${a.reference}.`,
    reference: a.reference,
    registerVersion: a.register.version,
    ...sourceJson(s),
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}

/** One source's records as CSV: the record's type, key and account, then every field any of them has. */
export function sourceCsv(s: SourceAnswer): string {
  const fields = fieldNames(s.records);
  const header = ['record_type', 'record_key', 'account_id', ...fields];
  const rows = s.records.map((r) => [r.recordType, r.key, r.accountId ?? null, ...fields.map((f) => r.fields[f] ?? null)]);
  return [header, ...rows].map((cells) => `${cells.map(csvField).join(',')}\r\n`).join('');
}
