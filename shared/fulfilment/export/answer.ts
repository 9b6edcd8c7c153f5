/**
 * What an access or portability answer discloses (issue 14), decided once from the case, its
 * search's records files and the processing register; the ZIP's files (build.ts) only render it.
 *
 * Left out, and counted so the letter can say so:
 *   - processor records (the register system's role, or the record's): the business customer is
 *     the controller, so they are never disclosed as Icetrak's; the request goes to the customer
 *     (LAW.md, Controller or processor);
 *   - the records the DPO marked as third-party data (`case.search.redact`);
 *   - for portability, what the person did not provide (`providedByPerson` false).
 *
 * Pure: no I/O, no clock (`today` is given).
 */
import { addMonthsClamped, type IsoDate } from '#domain/calendar';
import type { Case } from '#domain/case';
import type { ExportKind } from '#domain/export';
import { systemById, type Register, type RegisterSystem } from '#domain/register';
import type { FieldValue, FoundRecord, MatchedCustomer, SourceRecordsFile } from '#domain/search';

/** What building an answer needs. */
export interface ExportInput {
  case: Pick<Case, 'id' | 'reference' | 'requester' | 'search'>;
  kind: ExportKind;
  register: Register;
  /** The records files of the case's latest search run (one per source that found something). */
  files: readonly SourceRecordsFile[];
  /** The London date the answer is prepared on. */
  today: IsoDate;
  /**
   * Files staff uploaded with a manual source's search, each belonging to that source's record
   * (`recordId`): in the ZIP under `<source>/<name>` when the record is in the answer (not marked
   * as another person's data, not left out of a portability answer).
   */
  uploads?: readonly ManualUpload[];
}

export interface ManualUpload {
  source: string;
  recordId: string;
  name: string;
  body: Buffer;
}

/** One register system's disclosed records. */
export interface SourceAnswer {
  system: RegisterSystem;
  searchedAt: string;
  records: FoundRecord[];
}

/** A customer account the person's account-system records belong to, and how long they are kept. */
export interface AccountRetention {
  accountId: string;
  name: string | null;
  status: 'open' | 'closed' | null;
  closedOn: IsoDate | null;
  /** closedOn + 7 years (the retention schedule), for a closed account. */
  keptUntil: IsoDate | null;
  /** The register systems whose disclosed records belong to it. */
  systems: string[];
}

export interface Answer {
  kind: ExportKind;
  reference: string;
  requesterName: string;
  today: IsoDate;
  register: Register;
  /** Systems with disclosed records, in register order. */
  sources: SourceAnswer[];
  /** Records left out as third-party data. */
  redacted: number;
  /** Portability: records left out because the person did not provide them. */
  notProvided: number;
  /** Processor records withheld, their systems, and the customers (controllers) they belong to. */
  processor: { records: number; systems: RegisterSystem[]; customers: MatchedCustomer[] };
  /** The accounts of disclosed records kept under the 7-year rule. */
  accounts: AccountRetention[];
}

/** Years customer-account and billing records are kept after the account closes (Icetrak's retention schedule). */
export const ACCOUNT_RETENTION_YEARS = 7;

/** A records file that is not this case's latest run must never reach the answer: another person's data. */
export class ForeignRecordsError extends Error {
  override readonly name = 'ForeignRecordsError';
}

const text = (v: FieldValue | undefined): string | null => (typeof v === 'string' && v.trim() ? v.trim() : null);
const dateOf = (v: FieldValue | undefined): IsoDate | null => {
  const t = text(v);
  return t && /^\d{4}-\d{2}-\d{2}/.test(t) ? t.slice(0, 10) : null;
};

export function selectAnswer(input: ExportInput): Answer {
  const { register, kind } = input;
  const search = input.case.search;
  const redact = new Set(search?.redact ?? []);
  const bySource = new Map<string, SourceAnswer>();
  const processorSystems = new Map<string, RegisterSystem>();
  const processorAccounts = new Map<string, number>();
  let redacted = 0;
  let notProvided = 0;
  let processorRecords = 0;

  for (const file of input.files) {
    if (file.caseId !== input.case.id || (search && file.runId !== search.runId)) {
      throw new ForeignRecordsError(`The records file of ${file.source} belongs to another case or search run.`);
    }
    const system = systemById(register, file.source);
    for (const r of file.records) {
      if (r.source !== file.source) throw new ForeignRecordsError(`A record in the ${file.source} file names another source.`);
      if (system.role === 'processor' || r.role === 'processor') {
        processorRecords += 1;
        processorSystems.set(system.id, system);
        if (r.accountId) processorAccounts.set(r.accountId, (processorAccounts.get(r.accountId) ?? 0) + 1);
      } else if (redact.has(r.id)) {
        redacted += 1;
      } else if (kind === 'portability' && !r.providedByPerson) {
        notProvided += 1;
      } else {
        const s = bySource.get(system.id) ?? { system, searchedAt: file.searchedAt, records: [] };
        s.records.push(r);
        bySource.set(system.id, s);
      }
    }
  }

  const sources = register.systems.flatMap((s) => bySource.get(s.id) ?? []);
  return {
    kind,
    reference: input.case.reference,
    requesterName: input.case.requester.fullName,
    today: input.today,
    register,
    sources,
    redacted,
    notProvided,
    processor: {
      records: processorRecords,
      systems: [...processorSystems.values()],
      customers: matchedCustomers(input, [...processorSystems.keys()], processorAccounts),
    },
    accounts: accountsOf(sources),
  };
}

/** The customers the search named for the processor systems; else the sending accounts of the records, by id. */
function matchedCustomers(input: ExportInput, systems: string[], fromRecords: Map<string, number>): MatchedCustomer[] {
  const named = (input.case.search?.sources ?? []).filter((s) => systems.includes(s.source)).flatMap((s) => s.customers ?? []);
  if (named.length) return named;
  return [...fromRecords].map(([accountId, records]) => ({ accountId, name: accountId, records }));
}

/** Every account of a disclosed record under the 7-year rule, with its status and "kept until" date when closed. */
function accountsOf(sources: SourceAnswer[]): AccountRetention[] {
  const accounts = new Map<string, AccountRetention>();
  for (const s of sources) {
    if (s.system.retention !== 'account-7y') continue;
    for (const r of s.records) {
      const id = r.accountId ?? text(r.fields.account_id);
      if (!id) continue;
      const a = accounts.get(id) ?? { accountId: id, name: null, status: null, closedOn: null, keptUntil: null, systems: [] };
      if (!a.systems.includes(s.system.id)) a.systems.push(s.system.id);
      a.name ??= text(r.fields.account_name);
      const status = text(r.fields.account_status);
      if (status === 'open' || status === 'closed') a.status ??= status;
      a.closedOn ??= dateOf(r.fields.account_closed_on);
      if (a.closedOn) a.status = 'closed';
      accounts.set(id, a);
    }
  }
  return [...accounts.values()]
    .map((a) => ({ ...a, keptUntil: a.closedOn ? addMonthsClamped(a.closedOn, ACCOUNT_RETENTION_YEARS * 12) : null }))
    .sort((x, y) => x.accountId.localeCompare(y.accountId));
}

/** Records of one source grouped by record type, in first-seen order. */
export function byRecordType(records: readonly FoundRecord[]): Map<string, FoundRecord[]> {
  const out = new Map<string, FoundRecord[]>();
  for (const r of records) {
    const group = out.get(r.recordType);
    if (group) group.push(r);
    else out.set(r.recordType, [r]);
  }
  return out;
}

/** The field names of `records`, in first-seen order. */
export function fieldNames(records: readonly FoundRecord[]): string[] {
  const names = new Set<string>();
  for (const r of records) for (const k of Object.keys(r.fields)) names.add(k);
  return [...names];
}
