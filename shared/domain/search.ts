/**
 * A case's search of Icetrak's systems (issue 14): the identifiers searched by, one result per
 * register system, and the records found. Pure types and rules; the workflow
 * (shared/fulfilment, lambdas/fulfilment) runs it.
 *
 * Where things live (no personal data in Step Functions payloads, logs or S3 keys):
 *   - the case item holds `search` (below): identifiers, per-source status and counts;
 *   - the records found are a JSON file per source in the files bucket,
 *     `searches/<caseId>/<runId>/<sourceId>.json` (KMS; under the case's prefix, so retention
 *     and legal holds cover them);
 *   - the workflow's input is `{ caseId, runId }` and nothing else personal ever enters it.
 */
import { isComplaint, type Actor, type AuditEntry, type Case } from './case';
import { InvalidTransitionError, MissingReasonError, NotForComplaintsError } from './errors';
import { normaliseLine } from './text';
import { formatLongDate, londonDateOf, type IsoDate } from './calendar';
import type { IdentifierKind, Role, SourceKind } from './register';

/** The identifiers a search uses, normalised (lower-case emails, E.164 phone numbers, upper-case account ids). */
export interface Identifiers {
  emails: string[];
  phones: string[];
  accountIds: string[];
}

export const EMPTY_IDENTIFIERS: Identifiers = { emails: [], phones: [], accountIds: [] };

/** One identifier a source was searched by. */
export interface IdentifierUse {
  kind: IdentifierKind;
  value: string;
}

/** Where a source's search stands. `awaiting-staff`: a manual source's desk task is open. */
export const SOURCE_SEARCH_STATUSES = ['running', 'done', 'failed', 'awaiting-staff', 'not-searched'] as const;
export type SourceSearchStatus = (typeof SOURCE_SEARCH_STATUSES)[number];

/** A customer (controller) whose message traffic matched the person: Icetrak is only its processor. */
export interface MatchedCustomer {
  accountId: string;
  name: string;
  records: number;
  /** Its contract's privacy contact from the account system, where a request about its traffic is forwarded (issue 15). */
  privacyContact?: string;
}

/** One register system's result in a search run. */
export interface SourceSearch {
  /** The register system's id. */
  source: string;
  status: SourceSearchStatus;
  /** The identifiers it was searched by (those of the run its register entry can use). */
  identifiers: IdentifierUse[];
  startedAt?: string;
  finishedAt?: string;
  /** How many records were found (status done). */
  recordCount?: number;
  /** Why it failed: an error name and a message without personal data. */
  failure?: string;
  /** S3 key of the records file (status done, recordCount > 0). */
  resultKey?: string;
  /** Traffic sources: the customers whose traffic matched. */
  customers?: MatchedCustomer[];
  /** Manual sources: who did it, when, and what they found. */
  manual?: { by: Actor; at: string; outcome: 'found' | 'nothing-found'; note?: string; fileKey?: string };
}

/** A case's latest search run (`Case.search`). Re-running replaces the sources' results; the audit trail keeps every run. */
export interface CaseSearch {
  /** Opaque id of the run (the workflow execution's name ends with it). */
  runId: string;
  /** The register version the run was built from. */
  registerVersion: string;
  startedAt: string;
  startedBy: Actor;
  finishedAt?: string;
  identifiers: Identifiers;
  sources: SourceSearch[];
  /** Records the DPO marked as third-party data, to be redacted from the answer (FoundRecord.id). */
  redact: string[];
}

/** A field value of a record found. */
export type FieldValue = string | number | boolean | null;

/** One record found in a source. */
export interface FoundRecord {
  /** Unique in the run: `<source>:<recordType>:<key>`. */
  id: string;
  source: string;
  /** E.g. "account", "account_user", "billing_contact", "invoice", "message", "case". */
  recordType: string;
  /** The record's key in its source. */
  key: string;
  /** The customer account the record belongs to (for traffic: the sending customer, the controller). */
  accountId?: string;
  /** Icetrak's role for it: processor records are never disclosed as Icetrak's (they are forwarded). */
  role: Role;
  /** The identifier that matched. */
  matchedBy: IdentifierKind;
  /** Whether the person provided it (or it observes their own use): portability. */
  providedByPerson: boolean;
  fields: Record<string, FieldValue>;
}

/**
 * The marks a change plan sets on a record (issue 15), as the register's queries return them:
 * `restricted_at` (Art. 18: stored, not otherwise used) and an account user's
 * `marketing_opt_out_at` (Art. 21(3)). Fields, not data the person gave: never corrected.
 */
export const MARK_FIELDS = ['restricted_at', 'marketing_opt_out_at'] as const;

/** Since when a record is restricted, or its marketing stopped (ISO instants); empty when neither. */
export interface RecordMarks {
  restrictedAt?: string;
  marketingStoppedAt?: string;
}

/** The marks of a record found; a field that is not a non-empty string (null: not marked) is no mark. */
export function recordMarks(r: Pick<FoundRecord, 'fields'>): RecordMarks {
  const at = (field: (typeof MARK_FIELDS)[number]): string | undefined => {
    const v = r.fields[field];
    return typeof v === 'string' && v !== '' ? v : undefined;
  };
  const restrictedAt = at('restricted_at');
  const marketingStoppedAt = at('marketing_opt_out_at');
  return { ...(restrictedAt !== undefined && { restrictedAt }), ...(marketingStoppedAt !== undefined && { marketingStoppedAt }) };
}

/** A mark's instant as the desk, the plan and the letter show it: its London date, "10 April 2025" (the instant itself when it is not one). */
export function markSince(instant: string): string {
  let day: IsoDate;
  try {
    day = londonDateOf(instant, 'mark');
  } catch {
    return instant;
  }
  return formatLongDate(day).replace(/^\S+ /, '');
}

/** Whether `field` is one of the marks (MARK_FIELDS). */
export const isMarkField = (field: string): boolean => (MARK_FIELDS as readonly string[]).includes(field);

/** The records file of one source (`searches/<caseId>/<runId>/<sourceId>.json`). */
export interface SourceRecordsFile {
  caseId: string;
  runId: string;
  source: string;
  searchedAt: string;
  records: FoundRecord[];
}

/** S3 key of a source's records file: ids only. */
export const recordsKey = (caseId: string, runId: string, source: string): string => `searches/${caseId}/${runId}/${source}.json`;

/** S3 key under which a run's identifiers are written for the traffic query (Athena's search_identifiers table). */
export const identifiersPrefix = (caseId: string, runId: string): string => `searches/${caseId}/${runId}/identifiers/`;

/** Ids are lower-case letters and digits (a run id is safe in SQL text, S3 keys and execution names). */
export const RUN_ID = /^[0-9a-z]{10,40}$/;

/** A normalised email: trimmed, lower-case; undefined when it is not an email. */
export function normaliseEmail(raw: string): string | undefined {
  const e = raw.trim().toLowerCase();
  return /^[^\s@]{1,64}@[^\s@]{1,255}\.[a-z0-9-]{2,}$/.test(e) ? e : undefined;
}

/**
 * A normalised UK-first phone number in E.164 (+447700900123): spaces, dashes, dots and brackets
 * dropped; a leading 0 is read as a UK number, 00 as an international prefix. Undefined when what
 * is left is not 8 to 15 digits.
 */
export function normalisePhone(raw: string): string | undefined {
  let d = raw.trim().replace(/[\s\-().]/g, '');
  if (d.startsWith('00')) d = `+${d.slice(2)}`;
  else if (d.startsWith('0')) d = `+44${d.slice(1)}`;
  if (!d.startsWith('+')) return undefined;
  d = d.replace(/^\+44\(?0\)?/, '+44');
  return /^\+[1-9]\d{7,14}$/.test(d) ? d : undefined;
}

/** A normalised account id (ACC-1001); undefined when it is not one. */
export function normaliseAccountId(raw: string): string | undefined {
  const a = raw.trim().toUpperCase();
  return /^ACC-\d{3,10}$/.test(a) ? a : undefined;
}

/** `a` and `b` merged, each value once, in order. */
export function mergeIdentifiers(a: Identifiers, b: Partial<Identifiers>): Identifiers {
  const u = (x: string[], y: string[] = []) => [...new Set([...x, ...y])];
  return { emails: u(a.emails, b.emails), phones: u(a.phones, b.phones), accountIds: u(a.accountIds, b.accountIds) };
}

/** The identifiers of a run a system identified by `kinds` can be searched with. */
export function identifiersFor(ids: Identifiers, kinds: readonly IdentifierKind[]): IdentifierUse[] {
  return [
    ...(kinds.includes('email') ? ids.emails.map((value) => ({ kind: 'email' as const, value })) : []),
    ...(kinds.includes('phone') ? ids.phones.map((value) => ({ kind: 'phone' as const, value })) : []),
    ...(kinds.includes('accountId') ? ids.accountIds.map((value) => ({ kind: 'accountId' as const, value })) : []),
  ];
}

// ---------------------------------------------------------------------------------------
// Transitions of a case's search (pure: the store writes each in one conditional update)
// ---------------------------------------------------------------------------------------

/** What the search runs against: one entry per searchable register system, in register order. */
export interface PlannedSource {
  source: string;
  kind: SourceKind;
  /** The run's identifiers this system can be searched by (identifiersFor). */
  identifiers: IdentifierUse[];
}

export interface StartSearchInput {
  runId: string;
  registerVersion: string;
  identifiers: Identifiers;
  sources: PlannedSource[];
  /** How many identifiers staff added to the case's own for this run (counted in the audit, never listed). */
  added?: number;
}

/** What a source's search came to (a Task of the workflow records it). */
export type SourceResult =
  { status: 'done'; recordCount: number; resultKey?: string; customers?: MatchedCustomer[] } | { status: 'failed'; failure: string };

/**
 * The identifiers a case gives of the person its request is about, normalised: the requester's
 * email (or, for a request made for someone else, that person's email: the agent's own address
 * and phone are not the data subject's), the requester's phone, and the account reference they
 * gave when it is an account id. Values that do not normalise are left out.
 */
export function caseIdentifiers(c: Pick<Case, 'requester'>): Identifiers {
  const r = c.requester;
  const forOther = r.onBehalfOf !== undefined;
  const email = forOther ? r.onBehalfOf?.email : r.email;
  const e = email ? normaliseEmail(email) : undefined;
  const p = !forOther && r.phone ? normalisePhone(r.phone) : undefined;
  const a = r.accountReference ? normaliseAccountId(r.accountReference) : undefined;
  return { emails: e ? [e] : [], phones: p ? [p] : [], accountIds: a ? [a] : [] };
}

/** The status a planned source starts in: a manual source is a desk task, a source nothing identifies is not searched. */
function initialStatus(p: PlannedSource): SourceSearchStatus {
  if (p.identifiers.length === 0) return 'not-searched';
  return p.kind === 'manual' ? 'awaiting-staff' : 'running';
}

/**
 * Starts a search run on an open request (not a complaint: there is nothing to search for). The run
 * replaces the case's previous one (its results and sources); the records marked as third-party
 * data stay marked (record ids are stable across runs), and the audit trail keeps every run.
 */
export function startSearch(c: Case, input: StartSearchInput, ctx: { at: string; actor: Actor }): { case: Case; entry: AuditEntry } {
  if (c.status === 'closed') throw new InvalidTransitionError('This case is closed: a search can only be run on an open case.');
  if (isComplaint(c)) throw new NotForComplaintsError('A complaint is not a request for data: there is nothing to search for.');
  if (!RUN_ID.test(input.runId)) throw new InvalidTransitionError('A search run needs a lower-case run id.');
  const sources: SourceSearch[] = input.sources.map((p) => {
    const status = initialStatus(p);
    return { source: p.source, status, identifiers: p.identifiers, ...(status === 'running' ? { startedAt: ctx.at } : {}) };
  });
  const search: CaseSearch = {
    runId: input.runId,
    registerVersion: input.registerVersion,
    startedAt: ctx.at,
    startedBy: ctx.actor,
    identifiers: input.identifiers,
    sources,
    redact: c.search?.redact ?? [],
  };
  const count = (s: SourceSearchStatus) => sources.filter((x) => x.status === s).length;
  return {
    case: { ...c, search, updatedAt: ctx.at },
    entry: {
      at: ctx.at,
      actor: ctx.actor,
      action: 'SearchStarted',
      // Counts only: the identifiers are personal data and stay on the case's search.
      detail: {
        runId: input.runId,
        registerVersion: input.registerVersion,
        emails: input.identifiers.emails.length,
        phones: input.identifiers.phones.length,
        accountIds: input.identifiers.accountIds.length,
        ...(input.added ? { added: input.added } : {}),
        searching: count('running'),
        awaitingStaff: count('awaiting-staff'),
        notSearched: count('not-searched'),
      },
    },
  };
}

/** The run's source `source`, if `runId` is still the case's current run. */
function currentSource(c: Case, runId: string, source: string): SourceSearch | undefined {
  return c.search?.runId === runId ? c.search.sources.find((s) => s.source === source) : undefined;
}

/**
 * Records a source's result in run `runId`. Undefined (nothing to write) for a run the case has
 * since replaced, for a source not in the run, and for a source that already has its result: a
 * task retried after its first result was written records nothing twice, and a result is final.
 */
export function recordSourceResult(
  c: Case,
  runId: string,
  source: string,
  result: SourceResult,
  at: string,
): { case: Case; entry: AuditEntry } | undefined {
  const current = currentSource(c, runId, source);
  if (!current || current.status !== 'running') return undefined;
  const next: SourceSearch =
    result.status === 'done'
      ? {
          ...current,
          status: 'done',
          finishedAt: at,
          recordCount: result.recordCount,
          ...(result.resultKey && result.recordCount > 0 ? { resultKey: result.resultKey } : {}),
          ...(result.customers ? { customers: result.customers } : {}),
        }
      : { ...current, status: 'failed', finishedAt: at, failure: result.failure };
  const search = { ...c.search!, sources: c.search!.sources.map((s) => (s.source === source ? next : s)) };
  return {
    case: { ...c, search, updatedAt: at },
    entry:
      result.status === 'done'
        ? { at, actor: 'system', action: 'SourceSearched', detail: { runId, source, records: result.recordCount } }
        : { at, actor: 'system', action: 'SourceSearchFailed', detail: { runId, source, failure: result.failure } },
  };
}

/** Why a source still running when its run finished is recorded as failed (its task never reported). */
export const NOT_RECORDED = 'NotRecorded: the workflow ended without this source’s result; run the search again.';

/**
 * Finishes run `runId`: `finishedAt`, and any source still running is failed (the workflow
 * records every result, so one left running means its recording failed). Undefined for a
 * replaced run or one already finished.
 */
export function finishSearch(c: Case, runId: string, at: string): { case: Case; entry: AuditEntry } | undefined {
  if (c.search?.runId !== runId || c.search.finishedAt) return undefined;
  const sources = c.search.sources.map((s): SourceSearch =>
    s.status === 'running' ? { ...s, status: 'failed', finishedAt: at, failure: NOT_RECORDED } : s,
  );
  const count = (s: SourceSearchStatus) => sources.filter((x) => x.status === s).length;
  return {
    case: { ...c, search: { ...c.search, sources, finishedAt: at }, updatedAt: at },
    entry: {
      at,
      actor: 'system',
      action: 'SearchFinished',
      detail: {
        runId,
        done: count('done'),
        failed: count('failed'),
        awaitingStaff: count('awaiting-staff'),
        notSearched: count('not-searched'),
        records: sources.reduce((n, s) => n + (s.recordCount ?? 0), 0),
      },
    },
  };
}

/**
 * A file staff upload with a manual source's search (what was found: a scan, an export, an email).
 * The bound is the stack's: WAF and the HTTP middleware refuse request bodies over 64 KB
 * (infra/api.ts MAX_BODY_BYTES), and the staff API carries the file base64-encoded (4 bytes for 3),
 * so 45 KB leaves room for the encoding and the note. Larger files: see docs/operations.md.
 */
export const MANUAL_UPLOAD_MAX_BYTES = 45 * 1024;

/** The content types a manual upload may have: PDF, images, text, CSV, common office formats. */
export const MANUAL_UPLOAD_TYPES = [
  'application/pdf',
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/tiff',
  'text/plain',
  'text/csv',
  'application/msword',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.ms-excel',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.spreadsheet',
] as const;

/** How each type's bytes begin (a file whose bytes do not match its declared type is refused); text types must be UTF-8 without NUL. */
const SIGNATURES: Record<string, readonly number[][]> = {
  'application/pdf': [[0x25, 0x50, 0x44, 0x46]],
  'image/png': [[0x89, 0x50, 0x4e, 0x47]],
  'image/jpeg': [[0xff, 0xd8, 0xff]],
  'image/gif': [[0x47, 0x49, 0x46, 0x38]],
  'image/webp': [[0x52, 0x49, 0x46, 0x46]],
  'image/tiff': [
    [0x49, 0x49, 0x2a, 0x00],
    [0x4d, 0x4d, 0x00, 0x2a],
  ],
};
const ZIP = [[0x50, 0x4b, 0x03, 0x04]];
const OLE = [[0xd0, 0xcf, 0x11, 0xe0]];
for (const t of MANUAL_UPLOAD_TYPES) {
  if (t.includes('openxmlformats') || t.includes('opendocument')) SIGNATURES[t] = ZIP;
  if (t === 'application/msword' || t === 'application/vnd.ms-excel') SIGNATURES[t] = OLE;
}

/** Whether `bytes` look like `contentType` (magic numbers; text: UTF-8, no NUL). */
export function uploadMatchesType(contentType: string, bytes: Uint8Array): boolean {
  const sigs = SIGNATURES[contentType];
  if (sigs) return sigs.some((sig) => sig.every((b, i) => bytes[i] === b));
  if (contentType === 'text/plain' || contentType === 'text/csv') {
    if (bytes.includes(0)) return false;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      return true;
    } catch {
      return false;
    }
  }
  return false;
}

/** A file name safe inside a ZIP and a Content-Disposition: its last path part, printable, at most 100 characters. */
export function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const clean = normaliseLine(base)
    .replace(/["<>|:*?]/g, '')
    .replace(/^\.+/, '')
    .trim()
    .slice(-100);
  return clean || 'upload';
}

/** S3 key of a manual source's uploaded file: ids only, under the case's searches/ prefix (retention and legal holds cover it). */
export const manualUploadKey = (caseId: string, runId: string, source: string): string => `searches/${caseId}/${runId}/${source}.upload`;

/** What a member of staff found searching a manual source by hand. */
export interface ManualSearchInput {
  source: string;
  outcome: 'found' | 'nothing-found';
  /** What was found and where (for `found`: becomes the source's one record, disclosed in the answer unless marked third-party). */
  note?: string;
  /** The records file written for `found` (`recordsKey`), set by the use case. */
  resultKey?: string;
  /** The uploaded file's key (`manualUploadKey`), set by the use case when a file came with `found`. */
  fileKey?: string;
}

/**
 * A member of staff records a manual source's search ("search X for this person"): who, when, and
 * what was found (a note that becomes the source's record) or that nothing was. Only a source of
 * the current run that is awaiting staff; `found` needs the note. The note stays on the case, never
 * in the audit trail.
 */
export function recordManualSearch(c: Case, input: ManualSearchInput, ctx: { at: string; actor: Actor }): { case: Case; entry: AuditEntry } {
  const current = c.search?.sources.find((s) => s.source === input.source);
  if (!c.search || !current) throw new InvalidTransitionError('That source is not part of this case’s search.');
  if (current.status !== 'awaiting-staff') throw new InvalidTransitionError('That source is not waiting to be searched by hand.');
  const note = input.note?.trim() ?? '';
  if (input.outcome === 'found' && note === '' && !input.fileKey) throw new MissingReasonError('Say what was found, and where, or upload it.');
  const next: SourceSearch = {
    ...current,
    status: 'done',
    finishedAt: ctx.at,
    recordCount: input.outcome === 'found' ? 1 : 0,
    ...(input.outcome === 'found' && input.resultKey ? { resultKey: input.resultKey } : {}),
    manual: {
      by: ctx.actor,
      at: ctx.at,
      outcome: input.outcome,
      ...(note ? { note } : {}),
      ...(input.outcome === 'found' && input.fileKey ? { fileKey: input.fileKey } : {}),
    },
  };
  const search = { ...c.search, sources: c.search.sources.map((s) => (s.source === input.source ? next : s)) };
  return {
    case: { ...c, search, updatedAt: ctx.at },
    entry: {
      at: ctx.at,
      actor: ctx.actor,
      action: 'ManualSearchRecorded',
      detail: { runId: c.search.runId, source: input.source, outcome: input.outcome },
    },
  };
}

/** The one record a manual source's `found` note becomes (a `manual_note`), so the answer carries it like any other. */
export function manualRecord(
  c: Case,
  source: string,
  role: Role,
  note: string,
  at: string,
  file?: { name: string; contentType: string; bytes: number },
): SourceRecordsFile {
  const runId = c.search!.runId;
  return {
    caseId: c.id,
    runId,
    source,
    searchedAt: at,
    records: [
      {
        id: `${source}:manual_note:${runId}`,
        source,
        recordType: 'manual_note',
        key: runId,
        role,
        matchedBy: 'email',
        providedByPerson: false,
        fields: {
          found: note,
          ...(file ? { file_name: file.name, file_type: file.contentType, file_bytes: file.bytes } : {}),
          searched_at: at,
        },
      },
    ],
  };
}

/** Record ids as FoundRecord makes them: `<source>:<recordType>:<key>`. */
const RECORD_ID = /^[a-z][a-z0-9-]{1,40}:[a-z][a-z0-9_]{1,40}:[^\s]{1,200}$/;

/**
 * The DPO marks records as another person's data (or unmarks them): they are left out of the
 * answer (Art. 15(4); shared/fulfilment/export). Each id must be a record id of a source of the
 * current run; marks survive a re-run (ids are stable). Counts only in the audit trail.
 */
export function markThirdParty(
  c: Case,
  input: { records: readonly string[]; thirdParty: boolean },
  ctx: { at: string; actor: Actor },
): { case: Case; entry: AuditEntry } {
  if (!c.search) throw new InvalidTransitionError('Run a search first: there are no records to mark.');
  const ids = [...new Set(input.records.map((r) => r.trim()))];
  if (ids.length === 0) throw new MissingReasonError('Name at least one record.');
  const sources = new Set(c.search.sources.map((s) => s.source));
  const bad = ids.filter((id) => !RECORD_ID.test(id) || !sources.has(id.split(':')[0]!));
  if (bad.length) throw new InvalidTransitionError(`Not a record of this case’s search: ${bad.slice(0, 3).join(', ')}.`);
  const redact = input.thirdParty ? [...new Set([...c.search.redact, ...ids])] : c.search.redact.filter((id) => !ids.includes(id));
  return {
    case: { ...c, search: { ...c.search, redact }, updatedAt: ctx.at },
    entry: {
      at: ctx.at,
      actor: ctx.actor,
      action: input.thirdParty ? 'RecordsMarkedThirdParty' : 'RecordsUnmarkedThirdParty',
      detail: { runId: c.search.runId, records: ids.length, marked: redact.length },
    },
  };
}
