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
import type { Actor } from './case';
import type { IdentifierKind, Role } from './register';

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
