/**
 * The search workflow's task use cases (issue 14; infra/fulfilment.ts): each takes ids only
 * (`{ caseId, runId, source }`), reads the case for the rest, and records what it found on the
 * case through the pure transitions of shared/domain/search.ts. The records themselves go to the
 * files bucket (`recordsKey`), never into the workflow's payloads or the logs.
 *
 * Each is safe to retry: a stale run (the case has a newer one) and a result already recorded
 * are left alone, and the files written are keyed by run and source (same key, same bytes).
 * Retries, timeouts and catches live in the state machine, not here.
 */
import * as z from 'zod';
import type { Case } from '#domain/case';
import { VersionConflictError } from '#domain/errors';
import { DomainError } from '#domain/errors';
import { systemById, type Register, type SourceKind } from '#domain/register';
import {
  RUN_ID,
  finishSearch,
  identifiersPrefix,
  recordSourceResult,
  recordsKey,
  type FoundRecord,
  type MatchedCustomer,
  type SourceRecordsFile,
  type SourceResult,
} from '#domain/search';
import type { AuditEntry } from '#domain/case';
import { finishVerification, remainingErased } from '#domain/plan-execution';
import type { BlobStore, CaseStore, Clock, SourceConnector } from '#shared/ports';
import { parseRecordsFile } from './export/records-file';
import { readPlanLines } from './plan';

/** A task input that fails its schema: a defect in the definition, never retried. */
export class SearchInputError extends DomainError {
  override readonly name = 'SearchInputError';
}

const CASE_ID = /^[0-9A-Z]{26}$/;
const ids = { caseId: z.string().regex(CASE_ID), runId: z.string().regex(RUN_ID) };
const source = z.string().regex(/^[a-z][a-z0-9-]{1,40}$/);
const runInput = z.object(ids);
const sourceInput = z.object({ ...ids, source });
const collectInput = z.object({ ...ids, source, queryExecutionId: z.string().regex(/^[A-Za-z0-9-]{1,128}$/) });
const failureInput = z.object({ ...ids, source, error: z.string().max(200).optional() });

function parse<S extends z.ZodType>(schema: S, raw: unknown): z.infer<S> {
  const parsed = schema.safeParse(raw);
  // The issues' paths only: a payload holds ids, but nothing of it is echoed back.
  if (!parsed.success) throw new SearchInputError(`Invalid task input: ${parsed.error.issues.map((i) => i.path.join('.') || '(root)').join(', ')}.`);
  return parsed.data;
}

export type RunInput = z.infer<typeof runInput>;
export type SourceInput = z.infer<typeof sourceInput>;
export type CollectInput = z.infer<typeof collectInput>;
export type FailureInput = z.infer<typeof failureInput>;
export const parseRunInput = (raw: unknown): RunInput => parse(runInput, raw);
export const parseSourceInput = (raw: unknown): SourceInput => parse(sourceInput, raw);
export const parseCollectInput = (raw: unknown): CollectInput => parse(collectInput, raw);
export const parseFailureInput = (raw: unknown): FailureInput => parse(failureInput, raw);

export interface SearchTaskDeps {
  cases: CaseStore;
  clock: Clock;
  register: Register;
}

export interface RecordsDeps extends SearchTaskDeps {
  /** The files bucket: records files and the traffic identifiers file. */
  files: BlobStore;
}

/** What Plan answers: the sources the Map searches (ids and kinds only). */
export interface SearchPlan {
  caseId: string;
  runId: string;
  /** False for a run the case has since replaced (or finished, or a case gone): the workflow ends quietly. */
  current: boolean;
  sources: Array<{ source: string; kind: SourceKind }>;
}

/**
 * S3 key of a run's phone numbers for the traffic query (the `search_identifiers` table reads it).
 * The traffic context's shared/fulfilment/traffic-identifiers.ts owns this key at merge; the key
 * is the contract's, `identifiersPrefix(caseId, runId) + 'phones.csv'`.
 */
export const phonesKey = (caseId: string, runId: string): string => `${identifiersPrefix(caseId, runId)}phones.csv`;

/** Writes the run's phone numbers, one E.164 number a line, no header (same run, same bytes: idempotent). */
export async function writeTrafficIdentifiers(files: BlobStore, caseId: string, runId: string, phones: readonly string[]): Promise<void> {
  await files.put(phonesKey(caseId, runId), phones.map((p) => `${p}\n`).join(''), { contentType: 'text/csv' });
}

/**
 * Plan: is `runId` still the case's run? If so, writes the identifiers file the traffic query
 * joins on (when a traffic source is searched) and answers the sources to search: those the
 * run started as `running` (manual sources are already awaiting staff, unidentifiable ones not
 * searched: startSearch decided both in the write that started the run).
 */
export async function planSearch(input: RunInput, deps: RecordsDeps): Promise<SearchPlan> {
  const c = await deps.cases.find(input.caseId);
  const search = c?.search;
  if (!search || search.runId !== input.runId || search.finishedAt) return { ...input, current: false, sources: [] };
  const running = search.sources.filter((s) => s.status === 'running');
  const sources = running.map((s) => ({ source: s.source, kind: systemById(deps.register, s.source).connector.kind as SourceKind }));
  const traffic = running.filter((s, i) => sources[i]!.kind === 'traffic');
  const phones = [...new Set(traffic.flatMap((s) => s.identifiers.filter((x) => x.kind === 'phone').map((x) => x.value)))];
  if (phones.length) await writeTrafficIdentifiers(deps.files, input.caseId, input.runId, phones);
  return { ...input, current: true, sources };
}

/**
 * Applies `fn` to the stored case and writes it; nothing is written when `fn` answers undefined
 * (a stale run, a result already recorded). A version conflict re-reads and re-applies.
 */
async function updateIf(cases: CaseStore, id: string, fn: (c: Case) => { case: Case; entry: AuditEntry } | undefined): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    const current = await cases.get(id);
    const change = fn(current);
    if (!change) return false;
    try {
      await cases.save(change);
      return true;
    } catch (err) {
      if (!(err instanceof VersionConflictError) || attempt >= 5) throw err;
    }
  }
}

/** What a source task answers: counts only. */
export interface SourceOutcome {
  source: string;
  recorded: boolean;
  recordCount: number;
}

/** The source `source` of run `runId`, if the run is current and the source still waits for its result. */
function pendingSource(c: Case | undefined, runId: string, source: string) {
  const s = c?.search?.runId === runId ? c.search.sources.find((x) => x.source === source) : undefined;
  return s?.status === 'running' ? s : undefined;
}

async function writeRecords(deps: RecordsDeps, input: SourceInput, records: FoundRecord[], at: string): Promise<string | undefined> {
  if (!records.length) return undefined;
  const key = recordsKey(input.caseId, input.runId, input.source);
  const file: SourceRecordsFile = { caseId: input.caseId, runId: input.runId, source: input.source, searchedAt: at, records };
  await deps.files.put(key, JSON.stringify(file), { contentType: 'application/json' });
  return key;
}

async function record(deps: RecordsDeps, input: SourceInput, result: SourceResult, at: string): Promise<boolean> {
  return updateIf(deps.cases, input.caseId, (c) => recordSourceResult(c, input.runId, input.source, result, at));
}

/**
 * A source searched through a SourceConnector (the account system over SQL, Rightsdesk's own
 * records): finds the records by the identifiers the run gave this source, writes the records
 * file, records the count. The connector is made for the register system (`connectorFor`).
 */
export async function searchSource(
  input: SourceInput,
  deps: RecordsDeps & { connectorFor: (system: ReturnType<typeof systemById>) => SourceConnector },
): Promise<SourceOutcome> {
  const pending = pendingSource(await deps.cases.find(input.caseId), input.runId, input.source);
  if (!pending) return { source: input.source, recorded: false, recordCount: 0 };
  const records = await deps.connectorFor(systemById(deps.register, input.source)).find(pending.identifiers);
  const at = deps.clock.now().toISOString();
  const resultKey = await writeRecords(deps, input, records, at);
  const recorded = await record(deps, input, { status: 'done', recordCount: records.length, ...(resultKey ? { resultKey } : {}) }, at);
  return { source: input.source, recorded, recordCount: records.length };
}

/** Names and privacy contacts of customer accounts (the accounts context's AccountDirectory satisfies it). */
export interface CustomerNames {
  describe(accountIds: string[]): Promise<Array<{ accountId: string; name: string; privacyContact?: string }>>;
}

export interface CollectDeps extends RecordsDeps {
  /** Athena's results (the workgroup's output location): `<prefix><QueryExecutionId>.csv`. */
  results: BlobStore;
  resultsPrefix: string;
  /** The traffic results CSV → records (shared/fulfilment/traffic-results.ts). */
  parseResults: (csv: string, source: string) => FoundRecord[];
  customers: CustomerNames;
}

/**
 * The traffic query's results: the records (processor data: the sending customer is their
 * controller), the records file, and which customers' traffic matched, by name, so the desk can
 * forward the request to them (never disclosed as Icetrak's).
 */
export async function collectTraffic(input: CollectInput, deps: CollectDeps): Promise<SourceOutcome> {
  const pending = pendingSource(await deps.cases.find(input.caseId), input.runId, input.source);
  if (!pending) return { source: input.source, recorded: false, recordCount: 0 };
  const csv = (await deps.results.get(`${deps.resultsPrefix}${input.queryExecutionId}.csv`)).toString('utf8');
  const records = deps.parseResults(csv, input.source);
  const counts = new Map<string, number>();
  for (const r of records) if (r.accountId) counts.set(r.accountId, (counts.get(r.accountId) ?? 0) + 1);
  const named = counts.size ? await deps.customers.describe([...counts.keys()]) : [];
  const customers: MatchedCustomer[] = [...counts].map(([accountId, n]) => {
    const account = named.find((a) => a.accountId === accountId);
    // The privacy contact is where the `forward` action sends the request (issue 15): read now, with the name.
    return { accountId, name: account?.name ?? accountId, records: n, ...(account?.privacyContact ? { privacyContact: account.privacyContact } : {}) };
  });
  const at = deps.clock.now().toISOString();
  const resultKey = await writeRecords(deps, input, records, at);
  const recorded = await record(deps, input, { status: 'done', recordCount: records.length, customers, ...(resultKey ? { resultKey } : {}) }, at);
  return { source: input.source, recorded, recordCount: records.length };
}

/** What staff read for a failure, by the error's name: never the error's own message, which may quote what was searched. */
const FAILURE_TEXT: Record<string, string> = {
  'States.Timeout': 'the source did not answer in time',
  'States.TaskFailed': 'the source’s query failed',
  TrafficSearchNotConfigured: 'the traffic search is not configured in this deployment',
  UnsupportedSource: 'the register names a kind of source this workflow cannot search',
  NotWiredError: 'this source’s connector is not wired in this deployment',
};

/** A failure as recorded: the error's name (if it looks like one) and a fixed sentence. */
export function failureText(error: string | undefined): string {
  const name = error && /^[A-Za-z][A-Za-z0-9_.:-]{0,99}$/.test(error) ? error : 'Error';
  return `${name}: ${FAILURE_TEXT[name] ?? 'the search of this source failed'}; run the search again, or search the source by hand.`;
}

/** RecordSourceFailure: the catch of every branch. Only the error's name reaches it. */
export async function recordSourceFailure(input: FailureInput, deps: SearchTaskDeps): Promise<{ source: string; recorded: boolean }> {
  const at = deps.clock.now().toISOString();
  const recorded = await updateIf(deps.cases, input.caseId, (c) =>
    recordSourceResult(c, input.runId, input.source, { status: 'failed', failure: failureText(input.error) }, at),
  );
  return { source: input.source, recorded };
}

/** Finish's dependencies: the files bucket too, for a plan's verification run (the plan's lines and the run's records). */
export interface FinishSearchDeps extends SearchTaskDeps {
  files: BlobStore;
}

/**
 * Finish: the run's finishedAt and its SearchFinished audit line (once). When the run is a plan's
 * verification search (issue 15), what it still found of the erased records is recorded on the
 * plan: verified, or verification-failed (also when a source to verify could not be searched).
 */
export async function finishCaseSearch(input: RunInput, deps: FinishSearchDeps): Promise<{ finished: boolean; verified?: boolean }> {
  const at = deps.clock.now().toISOString();
  const c = await deps.cases.find(input.caseId);
  if (!c) return { finished: false };
  const finished = await updateIf(deps.cases, input.caseId, (cur) => finishSearch(cur, input.runId, at));
  const after = await deps.cases.get(input.caseId);
  const v = after.plan?.verification;
  if (v?.runId !== input.runId || v.finishedAt !== undefined || after.search?.runId !== input.runId) return { finished };
  const { lines } = await readPlanLines(deps.files, after.plan!.linesKey);
  const found = new Set<string>();
  for (const s of after.search.sources) {
    if (s.status !== 'done' || !s.resultKey) continue;
    for (const r of parseRecordsFile(await deps.files.get(s.resultKey), s.resultKey).records) found.add(r.id);
  }
  const remaining = remainingErased(lines, found).length;
  const unsearched = after.search.sources.filter((s) => s.status === 'failed').map((s) => s.source);
  await updateIf(deps.cases, input.caseId, (cur) => finishVerification(cur, input.runId, { remaining, unsearched }, at));
  return { finished, verified: remaining === 0 && unsearched.length === 0 };
}
