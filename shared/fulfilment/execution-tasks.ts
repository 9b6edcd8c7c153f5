/**
 * The plan execution workflow's task use cases (issue 15; infra/plan-execution.ts). Each takes
 * ids only (`{ caseId, planId[, source] }`), reads the case and the plan's lines file for the rest,
 * and records what happened through the pure transitions of shared/domain/plan-execution.ts.
 *
 *   Begin        an approved plan starts executing: the sources the Map applies, by kind
 *   ApplySource  one source's lines written through its SourceWriter (one transaction), its
 *                erasures recorded in the erasure ledger, the source recorded done
 *   Finish       the Map's failures recorded by error name, then the plan failed or executed
 *                (its recipients' notices owed in that write); an executed plan that erased
 *                something starts its verification search
 *
 * Each is safe to retry: a write applied twice is harmless (SourceWriter), the ledger keeps one
 * entry per case, plan and source, and a result already recorded is left alone.
 */
import * as z from 'zod';
import type { AuditEntry, Case } from '#domain/case';
import { DomainError, VersionConflictError } from '#domain/errors';
import { PLAN_ID } from '#domain/plan';
import { finishExecution, recordSourceExecution, startExecution } from '#domain/plan-execution';
import { systemById, type Register, type RegisterSystem, type SourceKind } from '#domain/register';
import type { BlobStore, CaseStore, Clock, ErasureLedger, SourceWriter } from '#shared/ports';
import { readPlanLines, startVerificationSearch, type VerifyDeps } from './plan';

/** A task input that fails its schema: a defect in the definition, never retried. */
export class ExecutionInputError extends DomainError {
  override readonly name = 'ExecutionInputError';
}

const CASE_ID = /^[0-9A-Z]{26}$/;
const ids = { caseId: z.string().regex(CASE_ID), planId: z.string().regex(PLAN_ID) };
const planInput = z.object(ids);
const sourceInput = z.object({ ...ids, source: z.string().regex(/^[a-z][a-z0-9-]{1,40}$/) });
/** The Map's results: a source's item as it came in, or `{ source, error }` from its catch (the error's name only). */
const finishInput = z.object({
  ...ids,
  results: z
    .array(z.object({ source: z.string().regex(/^[a-z][a-z0-9-]{1,40}$/), error: z.string().max(200).optional() }).loose())
    .max(100)
    .default([]),
});

function parse<S extends z.ZodType>(schema: S, raw: unknown): z.infer<S> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new ExecutionInputError(`Invalid task input: ${parsed.error.issues.map((i) => i.path.join('.') || '(root)').join(', ')}.`);
  return parsed.data;
}

export type PlanTaskInput = z.infer<typeof planInput>;
export type ApplyInput = z.infer<typeof sourceInput>;
export type FinishInput = z.infer<typeof finishInput>;
export const parsePlanTaskInput = (raw: unknown): PlanTaskInput => parse(planInput, raw);
export const parseApplyInput = (raw: unknown): ApplyInput => parse(sourceInput, raw);
export const parseFinishInput = (raw: unknown): FinishInput => parse(finishInput, raw);

export interface ExecutionTaskDeps {
  cases: CaseStore;
  clock: Clock;
  register: Register;
}

export interface ApplyDeps extends ExecutionTaskDeps {
  /** The files bucket: the plan's lines. */
  files: BlobStore;
  /** The writer of a register system (SqlWriter for the account system's SQL sources). */
  writerFor: (system: RegisterSystem) => SourceWriter;
  ledger: ErasureLedger;
}

export type FinishDeps = ExecutionTaskDeps & { verify: Omit<VerifyDeps, 'cases' | 'clock' | 'register'> };

/** Writes `fn`'s change to the stored case; nothing when it answers undefined. A version conflict re-reads and re-applies. */
async function updateIf(cases: CaseStore, id: string, fn: (c: Case) => { case: Case; entry: AuditEntry } | undefined): Promise<Case | undefined> {
  for (let attempt = 1; ; attempt++) {
    const current = await cases.get(id);
    const change = fn(current);
    if (!change) return undefined;
    try {
      return await cases.save(change);
    } catch (err) {
      if (!(err instanceof VersionConflictError) || attempt >= 5) throw err;
    }
  }
}

/** What Begin answers: whether the plan is still the case's, and the sources to apply (ids and kinds only). */
export interface ExecutionPlan extends PlanTaskInput {
  current: boolean;
  sources: Array<{ source: string; kind: SourceKind }>;
}

/** Begin: the approved plan starts executing (a retried Begin carries on); a replaced plan ends the workflow quietly. */
export async function beginExecution(input: PlanTaskInput, deps: ExecutionTaskDeps): Promise<ExecutionPlan> {
  const at = deps.clock.now().toISOString();
  let sources: string[] = [];
  let current = false;
  await updateIf(deps.cases, input.caseId, (c) => {
    const r = startExecution(c, input.planId, at);
    sources = r.start.sources;
    current = r.start.current;
    return r.step;
  }).catch((err: unknown) => {
    if ((err as Error)?.name === 'CaseNotFoundError') return undefined;
    throw err;
  });
  return { ...input, current, sources: sources.map((source) => ({ source, kind: systemById(deps.register, source).connector.kind as SourceKind })) };
}

/** What ApplySource answers: counts only. */
export interface ApplyOutcome {
  source: string;
  recorded: boolean;
  applied: Record<string, number>;
}

/**
 * ApplySource: the source's lines of the plan, written in one transaction by its writer; the
 * erased records' keys in the erasure ledger; the source done on the case. Nothing for a source
 * not running (a plan replaced, a result already recorded).
 */
export async function applySource(input: ApplyInput, deps: ApplyDeps): Promise<ApplyOutcome> {
  const c = await deps.cases.get(input.caseId);
  const p = c.plan;
  const running = p?.planId === input.planId && p.status === 'executing' && p.sources.some((s) => s.source === input.source && s.status === 'running');
  if (!p || !running) return { source: input.source, recorded: false, applied: {} };
  const { lines } = await readPlanLines(deps.files, p.linesKey);
  const mine = lines.filter((l) => l.source === input.source);
  const applied = await deps.writerFor(systemById(deps.register, input.source)).apply(mine);
  const erased = mine.filter((l) => l.action === 'erase');
  const at = deps.clock.now().toISOString();
  if (erased.length) {
    await deps.ledger.record({
      source: input.source,
      at,
      caseId: c.id,
      reference: c.reference,
      planId: p.planId,
      records: erased.map((l) => ({ recordType: l.recordType, key: l.key })),
    });
  }
  const written = await updateIf(deps.cases, c.id, (cur) => recordSourceExecution(cur, input.planId, input.source, { status: 'done', applied }, at));
  return { source: input.source, recorded: written !== undefined, applied: applied };
}

/** What staff read for a failed source, by the error's name: never the error's own message, which may quote a record. */
const FAILURE_TEXT: Record<string, string> = {
  'States.Timeout': 'the source did not answer in time',
  UnsupportedSource: 'the register names a kind of source this workflow cannot write to',
  SourceWriteError: 'a statement failed, and the source’s transaction was rolled back',
  SourceUnavailableError: 'the source could not be reached',
  NoWriteStatementError: 'the register names no statement for one of the lines (made under another register version?); make the plan again',
};

export function executionFailureText(error: string | undefined): string {
  const name = error && /^[A-Za-z][A-Za-z0-9_.:-]{0,99}$/.test(error) ? error : 'Error';
  return `${name}: ${FAILURE_TEXT[name] ?? 'the changes to this source failed and were rolled back'}; execute the plan again.`;
}

/**
 * Finish: each failed source recorded (by its error's name), then the plan failed — nothing
 * reported done — or executed, owing its recipients' notices (sent by the outbox sweep); an
 * executed plan that erased something starts its verification search.
 */
export async function finishPlanExecution(input: FinishInput, deps: FinishDeps): Promise<{ status: string }> {
  const at = deps.clock.now().toISOString();
  for (const r of input.results) {
    if (r.error === undefined) continue;
    await updateIf(deps.cases, input.caseId, (c) =>
      recordSourceExecution(c, input.planId, r.source, { status: 'failed', failure: executionFailureText(r.error) }, at),
    );
  }
  const finished = (await updateIf(deps.cases, input.caseId, (c) => finishExecution(c, input.planId, at))) ?? (await deps.cases.get(input.caseId));
  if (finished.plan?.planId !== input.planId) return { status: 'replaced' };
  const verified = await startVerificationSearch(finished, { ...deps.verify, cases: deps.cases, clock: deps.clock, register: deps.register });
  return { status: verified.plan!.status };
}
