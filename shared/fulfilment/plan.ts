/**
 * The change plan's use cases (issue 15; desk and API actions `plan`, `approve-plan`,
 * `execute-plan`, `confirm-manual-execution`) and the verification search they share with the
 * execution workflow's Finish.
 *
 *   plan        the records of the case's finished search (its records files) → computePlan
 *               (shared/domain/plan-rules.ts, pure) → the lines file (`plans/<caseId>/<planId>.json`)
 *               → proposePlan on the case, in one conditional write. Nothing changes in a source.
 *   approve     approvePlan, then the execution workflow started with `{ caseId, planId }`.
 *   execute     a failed plan approved again (retryPlan), then a new attempt started.
 *   confirm     a manual source's changes confirmed; when that executes the plan, its notices go
 *               out (the outbox's fast path) and the verification search starts.
 *   lift        the case's restriction lifted (Art. 18(3), once the person was told): a lift plan
 *               made from the restricting plans' lines files (restriction.ts liftLines), proposed
 *               for approval like any plan, on an open or a closed case.
 *
 * The accounts a plan weighs (open or closed, and when) come from the search's own records (the
 * account system's rows carry `account_status` and `account_closed_on`), so the desk's handlers
 * need no connection to the account database; the accounts' legal holds from the cases table.
 */
import * as z from 'zod';
import { londonDateOf } from '#domain/calendar';
import type { Actor, AuditEntry, Case } from '#domain/case';
import { InvalidTransitionError, SearchNotFinishedError } from '#domain/errors';
import { PLAN_ACTIONS, KEEP_GROUNDS, planKey, type PlanLine, type PlanLinesFile } from '#domain/plan';
import {
  approvePlan,
  confirmManualExecution,
  needsVerification,
  proposeLiftPlan,
  proposePlan,
  retryPlan,
  sourcesToVerify,
  startVerification,
  type ProposePlanInput,
} from '#domain/plan-execution';
import { computePlan, groupLines, type Correction, type PlanAccount } from '#domain/plan-rules';
import type { Register, SourceKind } from '#domain/register';
import { liftBlocked, liftLines } from '#domain/restriction';
import { startSearch, type FoundRecord, type SourceRecordsFile } from '#domain/search';
import { actorOf, type Staff } from '#shared/auth/staff';
import { errorFields, logger } from '#shared/core/log';
import { deliver, type OutboxDeps } from '#shared/core/outbox';
import type { AccountHolds, BlobStore, CaseStore, Clock, PlanExecution, SearchWorkflow } from '#shared/ports';
import { parseRecordsFile } from './export/records-file';
import { planSources } from './search';

export interface PlanDeps {
  cases: CaseStore;
  clock: Clock;
  /** The files bucket: the search's records files read, the plan's lines written. */
  files: BlobStore;
  register: Register;
  /** Legal holds on customer accounts (only `list` is used). */
  holds: Pick<AccountHolds, 'list'>;
  /** New plan ids (lower-case letters and digits). */
  planId: () => string;
}

export interface ExecuteDeps {
  cases: CaseStore;
  clock: Clock;
  execution: PlanExecution;
}

/** What starting the verification search needs: the search workflow and new run ids. */
export interface VerifyDeps {
  cases: CaseStore;
  clock: Clock;
  register: Register;
  workflow: SearchWorkflow;
  runId: () => string;
}

const fieldValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const planLine = z.object({
  recordId: z.string().min(1).max(500),
  source: z.string().min(1).max(60),
  recordType: z.string().min(1).max(60),
  key: z.string().max(500),
  accountId: z.string().max(60).optional(),
  action: z.enum(PLAN_ACTIONS),
  reason: z.string().max(2_000),
  ground: z.enum(KEEP_GROUNDS).optional(),
  keptUntil: z.string().nullable().optional(),
  field: z.string().max(100).optional(),
  from: fieldValue.optional(),
  to: fieldValue.optional(),
  purpose: z.string().max(200).optional(),
  recipients: z.array(z.string()).optional(),
});
const linesFileSchema = z.object({ caseId: z.string(), planId: z.string(), runId: z.string(), lines: z.array(planLine) });

/** A plan's lines file read back, validated (what a source is changed by must be exactly what was approved). */
export async function readPlanLines(files: BlobStore, key: string): Promise<PlanLinesFile> {
  const parsed = linesFileSchema.safeParse(JSON.parse((await files.get(key)).toString('utf8')));
  if (!parsed.success) throw new Error(`The plan's lines file ${key} is not valid.`);
  return parsed.data;
}

/** The records files of the case's latest search: one per source that found something. */
async function searchRecords(c: Case, files: BlobStore): Promise<FoundRecord[]> {
  const keys = (c.search?.sources ?? []).flatMap((s) => (s.status === 'done' && s.resultKey && (s.recordCount ?? 0) > 0 ? [s.resultKey] : []));
  const read: SourceRecordsFile[] = await Promise.all(keys.map(async (key) => parseRecordsFile(await files.get(key), key)));
  return read.flatMap((f) => f.records);
}

/** The accounts the records belong to, as the account system's rows state them (`account_status`, `account_closed_on`). */
export function accountsOfRecords(records: readonly FoundRecord[]): PlanAccount[] {
  const out = new Map<string, PlanAccount>();
  for (const r of records) {
    if (!r.accountId || r.role !== 'controller') continue;
    const status = r.fields.account_status;
    if (status !== 'open' && status !== 'closed') continue;
    const closed = r.fields.account_closed_on;
    out.set(r.accountId, { accountId: r.accountId, status, closedOn: typeof closed === 'string' && closed ? closed.slice(0, 10) : null });
  }
  return [...out.values()].sort((a, b) => a.accountId.localeCompare(b.accountId));
}

/** The plan of the case's finished search: computed, its lines written, proposed for review. */
export async function proposeCasePlan(
  found: Case,
  input: { corrections?: Correction[]; objections?: string[] },
  staff: Staff,
  deps: PlanDeps,
): Promise<Case> {
  if (!found.search?.finishedAt) throw new SearchNotFinishedError('Search Icetrak’s systems first, and wait for the search to finish.');
  const now = deps.clock.now();
  const records = await searchRecords(found, deps.files);
  const accounts = accountsOfRecords(records);
  const holds = (await deps.holds.list()).filter((h) => accounts.some((a) => a.accountId === h.accountId));
  const lines: PlanLine[] = computePlan({
    rights: found.rights,
    register: deps.register,
    records,
    accounts,
    accountHolds: holds.map(({ accountId, reason }) => ({ accountId, reason })),
    ...(found.legalHold ? { caseHold: { reason: found.legalHold.reason } } : {}),
    corrections: input.corrections ?? [],
    objections: input.objections ?? [],
    today: londonDateOf(now),
  });
  const runId = found.search.runId;
  return writeAndPropose(found, { runId, lines }, staff, now, deps, (cur, input, ctx) => {
    if (cur.search?.runId !== runId) throw new InvalidTransitionError('The search was run again meanwhile: make the plan again.');
    return proposePlan(cur, input, ctx);
  });
}

/**
 * A plan's lines written to the files bucket, then the plan proposed on the case by `propose`
 * (which checks that the case has not moved on meanwhile). Written before the case names it: a
 * failed write leaves the case as it was; a write whose case update fails is an orphan under the
 * case's prefix, which retention removes with the case.
 */
async function writeAndPropose(
  found: Case,
  plan: { runId: string; lines: PlanLine[] },
  staff: Staff,
  now: Date,
  deps: PlanDeps,
  propose: (cur: Case, input: ProposePlanInput, ctx: { at: string; actor: Actor }) => { case: Case; entry: AuditEntry },
): Promise<Case> {
  const planId = deps.planId();
  const file: PlanLinesFile = { caseId: found.id, planId, runId: plan.runId, lines: plan.lines };
  await deps.files.put(planKey(found.id, planId), JSON.stringify(file), { contentType: 'application/json' });
  const kinds = Object.fromEntries(deps.register.systems.map((s) => [s.id, s.connector.kind])) as Record<string, SourceKind>;
  const input: ProposePlanInput = {
    planId,
    registerVersion: deps.register.version,
    lines: plan.lines,
    groups: groupLines(plan.lines),
    kinds,
    register: deps.register,
  };
  const ctx = { at: now.toISOString(), actor: actorOf(staff) };
  return deps.cases.update(found.id, (cur) => propose(cur, input, ctx), { current: found });
}

/**
 * The lift plan of the case's restriction: one `lift` line per record its restricting plans
 * restricted, read from their lines files; written, then proposed on the case (refused, with
 * nothing written, before the requester was told or before the date they were told).
 */
export async function liftCaseRestriction(found: Case, staff: Staff, deps: PlanDeps): Promise<Case> {
  const now = deps.clock.now();
  const blocked = liftBlocked(found, londonDateOf(now));
  if (blocked) throw new InvalidTransitionError(blocked);
  const restricting = await Promise.all(found.restriction!.plans.map((p) => readPlanLines(deps.files, p.linesKey)));
  const lines = liftLines(restricting.map((f) => f.lines));
  const runId = restricting.at(-1)!.runId;
  return writeAndPropose(found, { runId, lines }, staff, now, deps, (cur, input, ctx) => {
    const same = (cur.restriction?.plans ?? []).map((p) => p.planId).join() === found.restriction!.plans.map((p) => p.planId).join();
    if (!same) throw new InvalidTransitionError('The restriction changed meanwhile: lift it again.');
    return proposeLiftPlan(cur, { ...input, runId }, ctx);
  });
}

/** Starts the workflow of the case's plan attempt; an error goes back to staff (the plan shows approved: execute it again). */
async function startAttempt(c: Case, deps: ExecuteDeps): Promise<Case> {
  const p = c.plan!;
  try {
    await deps.execution.start(c.id, p.planId, p.attempt ?? 1);
  } catch (err) {
    logger.error('The plan execution did not start', { caseId: c.id, planId: p.planId, ...errorFields(err) });
    throw err;
  }
  return c;
}

/** The DPO approves the plan they reviewed, and its execution starts. */
export async function approveCasePlan(found: Case, planId: string, staff: Staff, deps: ExecuteDeps): Promise<Case> {
  const at = deps.clock.now().toISOString();
  const written = await deps.cases.update(found.id, (cur) => approvePlan(cur, planId, { at, actor: actorOf(staff) }), { current: found });
  return startAttempt(written, deps);
}

/**
 * Executes the plan again: a failed plan approved for its next attempt; or a plan left approved
 * (its workflow never started) started again under the same attempt.
 */
export async function executeCasePlan(found: Case, planId: string, staff: Staff, deps: ExecuteDeps): Promise<Case> {
  if (found.plan?.planId === planId && found.plan.status === 'approved') return startAttempt(found, deps);
  const at = deps.clock.now().toISOString();
  const written = await deps.cases.update(found.id, (cur) => retryPlan(cur, planId, { at, actor: actorOf(staff) }), { current: found });
  return startAttempt(written, deps);
}

/**
 * The verification search of an executed plan that erased something (once): a search run over
 * the sources it erased from, by the original run's identifiers, recorded on the plan in the same
 * write; then its workflow started (again, harmlessly, when the run was already written). Its
 * Finish records what it still found (search-tasks.ts finishCaseSearch).
 */
export async function startVerificationSearch(c: Case, deps: VerifyDeps): Promise<Case> {
  let current = c;
  if (needsVerification(c.plan) && c.search) {
    const runId = deps.runId();
    const at = deps.clock.now().toISOString();
    current = await deps.cases.update(
      c.id,
      (cur) => {
        const p = cur.plan;
        if (!p || !needsVerification(p) || !cur.search) throw new InvalidTransitionError('The plan needs no verification now.');
        const verify = sourcesToVerify(p);
        const sources = planSources(deps.register, cur.search.identifiers).filter((s) => verify.includes(s.source) && s.kind !== 'manual');
        const search = startSearch(
          cur,
          { runId, registerVersion: deps.register.version, identifiers: cur.search.identifiers, sources },
          { at, actor: 'system' },
        );
        const v = startVerification(search.case, p.planId, runId, at);
        return { case: v.case, entry: { ...v.entry, detail: { ...v.entry.detail, sources: sources.length } } };
      },
      { current: c },
    );
  }
  const v = current.plan?.verification;
  if (v && !v.finishedAt) await deps.workflow.start(current.id, v.runId);
  return current;
}

/**
 * A member of staff confirms a manual source's changes were made. When that executes the plan,
 * the recipients' notices are sent (or left to the outbox sweep) and the verification search starts.
 */
export async function confirmManualChanges(
  found: Case,
  input: { planId: string; source: string },
  staff: Staff,
  deps: { cases: CaseStore; clock: Clock; outbox: OutboxDeps; verify?: Omit<VerifyDeps, 'cases' | 'clock'> },
): Promise<Case> {
  const at = deps.clock.now().toISOString();
  const written = await deps.cases.update(found.id, (cur) => confirmManualExecution(cur, input, { at, actor: actorOf(staff) }), { current: found });
  if (written.plan?.status !== 'executed') return written;
  const owed = (written.plan.notices ?? []).map((n) => n.outboxId);
  const sent = owed.length ? await deliver(written, owed, deps.outbox) : written;
  return deps.verify ? startVerificationSearch(sent, { ...deps.verify, cases: deps.cases, clock: deps.clock }) : sent;
}

/** At most this many lines are shown by the API and the desk; the counts (groups) cover them all. */
export const MAX_LINES_SHOWN = 500;

/** The plan's lines as the API and the desk show them (bounded), or none when there is no plan. */
export async function planLinesOf(c: Case, files: BlobStore): Promise<{ lines: PlanLine[]; total: number }> {
  if (!c.plan) return { lines: [], total: 0 };
  const file = await readPlanLines(files, c.plan.linesKey);
  return { lines: file.lines.slice(0, MAX_LINES_SHOWN), total: file.lines.length };
}
