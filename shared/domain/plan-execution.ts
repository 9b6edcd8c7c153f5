/**
 * How a case's change plan moves (issue 15): proposed → approved → executing → executed (or
 * failed) → verified (or verification-failed). Pure transitions on `Case.plan`
 * (shared/domain/plan.ts); the store writes each in one conditional update with its audit entry.
 *
 *   proposePlan         the plan computed from the finished search (plan-rules.ts), for the DPO
 *   proposeLiftPlan     the lifting of the case's restriction (restriction.ts), once the person was told
 *   approvePlan         a member of staff approves it: nothing changes in a source before this
 *   retryPlan           a failed plan approved again (writes are idempotent: done sources are skipped)
 *   startExecution      the workflow's Begin: approved → executing, the sources to apply
 *   recordSourceExecution  one source applied (or failed); once per source and attempt
 *   finishExecution     the workflow's Finish: failed if any source failed (never reported done);
 *                       executed once every source is done, owing the Art. 19 recipient notices
 *   confirmManualExecution  a manual source's task done by a member of staff
 *   startVerification / finishVerification  the verification search and what it still found
 */
import { londonDateOf } from './calendar';
import { isComplaint, type Actor, type AuditEntry, type Case } from './case';
import { InvalidTransitionError, SearchNotFinishedError } from './errors';
import { owe, type MailParams } from './outbox';
import {
  PLAN_ID,
  type CasePlan,
  type PlanAction,
  type PlanGroup,
  type PlanLine,
  type NoticeChange,
  type PlannedNotice,
  type RecipientNotice,
  type SourceExecution,
} from './plan';
import type { Recipient, Register, SourceKind } from './register';
import { liftBlocked, recordLift, recordRestriction } from './restriction';

type Step = { case: Case; entry: AuditEntry };

/** Rights a change plan carries out. */
export const PLANNED_RIGHTS = ['erasure', 'rectification', 'restriction', 'objection'] as const;

/** Actions that change a record in its source (the others leave it as it is). */
export const CHANGING_ACTIONS: readonly PlanAction[] = ['erase', 'rectify', 'restrict', 'stop', 'lift'];
/** Actions an Art. 19 recipient is told of (a restriction's lifting too: it was told of the restriction). */
export const NOTIFIED_ACTIONS: readonly PlanAction[] = ['erase', 'rectify', 'restrict', 'lift'];

/** At most this many instructions are listed in one recipient notice; the rest are counted. */
export const MAX_NOTICE_INSTRUCTIONS = 50;

export interface ProposePlanInput {
  planId: string;
  registerVersion: string;
  lines: readonly PlanLine[];
  groups: PlanGroup[];
  /** The register's connector kind of each source that has lines. */
  kinds: Readonly<Record<string, SourceKind>>;
  register: Register;
}

const countBy = (lines: readonly PlanLine[]): Partial<Record<PlanAction, number>> => {
  const out: Partial<Record<PlanAction, number>> = {};
  for (const l of lines) out[l.action] = (out[l.action] ?? 0) + 1;
  return out;
};

/** One recipient instruction: ids and the corrected value only (never the erased data itself). */
function instruction(l: PlanLine): string {
  const what = `${l.recordType.replace(/_/g, ' ')} ${l.key}${l.accountId ? ` (account ${l.accountId})` : ''}`;
  switch (l.action) {
    case 'erase':
      return `Erase ${what}.`;
    case 'rectify':
      return `Correct ${what}: ${l.field ?? 'the field'} is now ${JSON.stringify(l.to ?? null)}${l.from !== undefined ? ` (was ${JSON.stringify(l.from)})` : ''}.`;
    case 'lift':
      return `Lift the restriction on ${what}: it may be used again as before.`;
    default:
      return `Restrict ${what}: store it, do not otherwise use it.`;
  }
}

/** One record of an API notice: ids and, for a correction, the field and its corrected value. */
function change(l: PlanLine): NoticeChange {
  const action = l.action === 'erase' || l.action === 'rectify' || l.action === 'lift' ? l.action : 'restrict';
  return {
    action,
    recordType: l.recordType,
    key: l.key,
    ...(l.accountId !== undefined && { accountId: l.accountId }),
    ...(action === 'rectify' && { field: l.field ?? '', to: l.to ?? null }),
  };
}

/** The Art. 19 notices a plan's lines imply: each register recipient of a record erased, rectified, restricted or lifted, once. */
export function plannedNotices(lines: readonly PlanLine[], recipients: readonly Recipient[]): PlannedNotice[] {
  const out: PlannedNotice[] = [];
  for (const r of recipients) {
    const concerned = lines.filter((l) => NOTIFIED_ACTIONS.includes(l.action) && l.recipients?.includes(r.id));
    if (!concerned.length) continue;
    out.push({
      recipient: r.id,
      name: r.name,
      ...(r.noticeEmail ? { noticeEmail: r.noticeEmail } : {}),
      ...(r.noticeApi ? { noticeApi: r.noticeApi, changes: concerned.slice(0, MAX_NOTICE_INSTRUCTIONS).map(change) } : {}),
      records: countBy(concerned),
      instructions: concerned.slice(0, MAX_NOTICE_INSTRUCTIONS).map(instruction),
      more: Math.max(0, concerned.length - MAX_NOTICE_INSTRUCTIONS),
    });
  }
  return out;
}

/** The sources a plan executes: each source with a line, pending when it has changes, else nothing to do. */
export function plannedSources(lines: readonly PlanLine[], kinds: Readonly<Record<string, SourceKind>>): SourceExecution[] {
  const sources = [...new Set(lines.map((l) => l.source))];
  return sources.map((source) => {
    const changes = lines.some((l) => l.source === source && CHANGING_ACTIONS.includes(l.action));
    return { source, status: changes ? 'pending' : 'nothing-to-do', ...(kinds[source] === 'manual' ? { manual: true } : {}) };
  });
}

const isBusy = (p: CasePlan | undefined) => p?.status === 'approved' || p?.status === 'executing';

/** The plan as proposed: its sources and the recipients its lines imply. */
function proposed(c: Case, input: ProposePlanInput, runId: string, ctx: { at: string; actor: Actor }): CasePlan {
  const notices = plannedNotices(input.lines, input.register.recipients);
  return {
    planId: input.planId,
    runId,
    registerVersion: input.registerVersion,
    status: 'proposed',
    proposedAt: ctx.at,
    proposedBy: ctx.actor,
    linesKey: `plans/${c.id}/${input.planId}.json`,
    groups: input.groups,
    sources: plannedSources(input.lines, input.kinds),
    ...(notices.length ? { recipients: notices } : {}),
  };
}

/**
 * The plan computed from the case's finished search, for the DPO to review. It replaces a plan
 * not yet approved, a failed one and a finished one; never one being executed. Only for an open
 * request asking for erasure, rectification, restriction or objection.
 */
export function proposePlan(c: Case, input: ProposePlanInput, ctx: { at: string; actor: Actor }): Step & { plan: CasePlan } {
  if (c.status === 'closed') throw new InvalidTransitionError('This case is closed: a plan can only be made for an open case.');
  if (isComplaint(c)) throw new InvalidTransitionError('A complaint changes no data: there is nothing to plan.');
  if (!c.rights.some((r) => (PLANNED_RIGHTS as readonly string[]).includes(r)))
    throw new InvalidTransitionError('A plan is for erasure, rectification, restriction or objection; this request asks for none of them.');
  if (!c.search?.finishedAt) throw new SearchNotFinishedError('Search Icetrak’s systems first, and wait for the search to finish.');
  if (c.search.sources.some((s) => s.status === 'awaiting-staff'))
    throw new SearchNotFinishedError('Record the manual searches first: the plan covers every record found.');
  if (isBusy(c.plan)) throw new InvalidTransitionError('The current plan is approved and being executed: wait for it to finish.');
  if (!PLAN_ID.test(input.planId)) throw new InvalidTransitionError('A plan needs a lower-case plan id.');
  const plan = proposed(c, input, c.search.runId, ctx);
  const counts = countBy(input.lines);
  return {
    plan,
    case: { ...c, plan, updatedAt: ctx.at },
    entry: {
      at: ctx.at,
      actor: ctx.actor,
      action: 'PlanProposed',
      detail: { planId: input.planId, runId: c.search.runId, lines: input.lines.length, ...counts, ...(c.plan ? { replaces: c.plan.planId } : {}) },
    },
  };
}

/**
 * The lifting of the case's restriction as a plan (Art. 18(3)): its lines made from the
 * restricting plans' (restriction.ts `liftLines`; `runId` the search they came from), for staff
 * to approve like any plan. Only once the requester was told and the date they were told has
 * come (`liftBlocked`); on an open or a closed case (the restriction outlives it, and the case
 * stays as it is); never over a plan being executed.
 */
export function proposeLiftPlan(c: Case, input: ProposePlanInput & { runId: string }, ctx: { at: string; actor: Actor }): Step & { plan: CasePlan } {
  const blocked = liftBlocked(c, londonDateOf(ctx.at));
  if (blocked) throw new InvalidTransitionError(blocked);
  if (isBusy(c.plan)) throw new InvalidTransitionError('The current plan is approved and being executed: wait for it to finish.');
  if (!PLAN_ID.test(input.planId)) throw new InvalidTransitionError('A plan needs a lower-case plan id.');
  if (input.lines.length === 0 || input.lines.some((l) => l.action !== 'lift'))
    throw new InvalidTransitionError('A lift plan lifts the records its restricting plan restricted, and nothing else.');
  const plan: CasePlan = { ...proposed(c, input, input.runId, ctx), kind: 'lift' };
  const r = c.restriction!;
  const restriction = { ...r, lift: { ...r.lift!, planId: input.planId } };
  return {
    plan,
    case: { ...c, plan, restriction, updatedAt: ctx.at },
    entry: {
      at: ctx.at,
      actor: ctx.actor,
      action: 'RestrictionLiftProposed',
      detail: { planId: input.planId, lines: input.lines.length, ...(c.plan ? { replaces: c.plan.planId } : {}) },
    },
  };
}

/** Why a lift plan cannot be approved or executed now (belt and braces: the announcement is checked again), or undefined. */
function liftPlanBlocked(c: Case, p: CasePlan, at: string): string | undefined {
  if (p.kind !== 'lift') return undefined;
  if (c.restriction?.lift?.planId !== p.planId) return 'This lift plan was made under an earlier announcement: make the lift plan again.';
  return liftBlocked(c, londonDateOf(at));
}

function currentPlan(c: Case, planId: string): CasePlan {
  if (!c.plan) throw new InvalidTransitionError('This case has no plan: make one first.');
  if (c.plan.planId !== planId) throw new InvalidTransitionError('That plan has been replaced: review the current one.');
  return c.plan;
}

/**
 * A member of staff approves the plan they reviewed (`planId`: a plan replaced since the page was
 * drawn is refused). Only a proposed plan, on an open case; the system never approves.
 */
export function approvePlan(c: Case, planId: string, ctx: { at: string; actor: Actor }): Step {
  if (!ctx.actor.startsWith('staff:')) throw new InvalidTransitionError('Only a member of staff can approve a plan.');
  const p = currentPlan(c, planId);
  // A restriction outlives its case: only a lift plan is approved on a closed case.
  if (c.status === 'closed' && p.kind !== 'lift') throw new InvalidTransitionError('This case is closed.');
  if (p.status !== 'proposed') throw new InvalidTransitionError(`This plan is ${p.status}: only a proposed plan can be approved.`);
  const blocked = liftPlanBlocked(c, p, ctx.at);
  if (blocked) throw new InvalidTransitionError(blocked);
  const plan: CasePlan = { ...p, status: 'approved', approvedAt: ctx.at, approvedBy: ctx.actor, attempt: 1 };
  return {
    case: { ...c, plan, updatedAt: ctx.at },
    entry: { at: ctx.at, actor: ctx.actor, action: 'PlanApproved', detail: { planId, attempt: 1, ...(p.kind ? { kind: p.kind } : {}) } },
  };
}

/**
 * A failed plan executed again (`execute-plan`): approved for the next attempt, its failed sources
 * pending again; sources already done stay done (their writes are idempotent anyway).
 */
export function retryPlan(c: Case, planId: string, ctx: { at: string; actor: Actor }): Step {
  const p = currentPlan(c, planId);
  if (c.status === 'closed' && p.kind !== 'lift') throw new InvalidTransitionError('This case is closed.');
  if (p.status !== 'failed') throw new InvalidTransitionError(`This plan is ${p.status}: only a failed plan is executed again.`);
  const blocked = liftPlanBlocked(c, p, ctx.at);
  if (blocked) throw new InvalidTransitionError(blocked);
  const attempt = (p.attempt ?? 1) + 1;
  const sources = p.sources.map((s): SourceExecution => {
    if (s.status !== 'failed') return s;
    const { failure: _f, finishedAt: _e, startedAt: _s, ...rest } = s;
    return { ...rest, status: 'pending' };
  });
  const { executedAt: _x, ...rest } = p;
  const plan: CasePlan = { ...rest, status: 'approved', sources, attempt };
  return {
    case: { ...c, plan, updatedAt: ctx.at },
    entry: { at: ctx.at, actor: ctx.actor, action: 'PlanExecutionRetried', detail: { planId, attempt } },
  };
}

/** What Begin answers: the sources the workflow applies (ids only). */
export interface ExecutionStart {
  current: boolean;
  sources: string[];
}

/**
 * Begin: an approved plan starts executing; its pending sources are applied by the workflow
 * (running), its manual ones wait for staff. Undefined write for a plan already executing (a
 * retried Begin carries on), and `current: false` for a plan replaced or not approved.
 */
export function startExecution(c: Case | undefined, planId: string, at: string): { step?: Step; start: ExecutionStart } {
  const p = c?.plan;
  if (!c || !p || p.planId !== planId) return { start: { current: false, sources: [] } };
  if (p.status === 'executing') {
    return { start: { current: true, sources: p.sources.filter((s) => s.status === 'running').map((s) => s.source) } };
  }
  if (p.status !== 'approved') return { start: { current: false, sources: [] } };
  const sources = p.sources.map((s): SourceExecution => {
    if (s.status !== 'pending') return s;
    return s.manual ? { ...s, status: 'awaiting-staff', startedAt: at } : { ...s, status: 'running', startedAt: at };
  });
  const plan: CasePlan = { ...p, status: 'executing', sources };
  const running = sources.filter((s) => s.status === 'running').map((s) => s.source);
  return {
    start: { current: true, sources: running },
    step: {
      case: { ...c, plan, updatedAt: at },
      entry: {
        at,
        actor: 'system',
        action: 'PlanExecutionStarted',
        detail: { planId, attempt: p.attempt ?? 1, sources: running.length, manual: sources.filter((s) => s.status === 'awaiting-staff').length },
      },
    },
  };
}

/** What applying one source came to. */
export type SourceApplyResult = { status: 'done'; applied: Partial<Record<PlanAction, number>> } | { status: 'failed'; failure: string };

/**
 * One source's result. Undefined (nothing to write) unless the plan is `planId`, executing, and
 * the source is still running: a retried task records nothing twice.
 */
export function recordSourceExecution(c: Case, planId: string, source: string, result: SourceApplyResult, at: string): Step | undefined {
  const p = c.plan;
  if (!p || p.planId !== planId || p.status !== 'executing') return undefined;
  const current = p.sources.find((s) => s.source === source);
  if (current?.status !== 'running') return undefined;
  const next: SourceExecution =
    result.status === 'done'
      ? { ...current, status: 'done', finishedAt: at, applied: result.applied }
      : { ...current, status: 'failed', finishedAt: at, failure: result.failure };
  const plan: CasePlan = { ...p, sources: p.sources.map((s) => (s.source === source ? next : s)) };
  return {
    case: { ...c, plan, updatedAt: at },
    entry:
      result.status === 'done'
        ? { at, actor: 'system', action: 'PlanSourceApplied', detail: { planId, source, ...result.applied } }
        : { at, actor: 'system', action: 'PlanSourceFailed', detail: { planId, source, failure: result.failure } },
  };
}

/** Why a source still running when the workflow finished is failed: its result never reached the case. */
export const NOT_APPLIED = 'NotRecorded: the workflow ended without this source’s result; execute the plan again.';

/** The outbox id of a recipient's notice for a plan. */
export const noticeId = (planId: string, recipient: string): string => `art19:${planId}:${recipient}`;

/**
 * What a recipient notice's outbox entry keeps to be rendered (and re-rendered on a retry) as it
 * was owed, whatever becomes of the plan later: the address, the name, the counts and the instructions.
 */
export function noticeParams(planId: string, n: PlannedNotice): MailParams {
  return {
    planId,
    recipient: n.recipient,
    name: n.name,
    address: n.noticeEmail ?? null,
    erase: n.records.erase ?? 0,
    rectify: n.records.rectify ?? 0,
    restrict: n.records.restrict ?? 0,
    lift: n.records.lift ?? 0,
    instructions: n.instructions.join('\n'),
    more: n.more,
    // An API notice keeps its endpoint and its records as owed: a register changed later does not redirect it.
    ...(n.noticeApi ? { apiUrl: n.noticeApi.url, apiTokenSecret: n.noticeApi.tokenSecret, changes: JSON.stringify(n.changes ?? []) } : {}),
  };
}

/** Whether an outbox entry is an Art. 19 notice that goes to the recipient's API rather than by email. */
export const isApiNotice = (e: { kind: string; params?: MailParams }): boolean => e.kind === 'recipient-notice' && typeof e.params?.apiUrl === 'string';

/** The planned notice an outbox entry's params describe (noticeParams, read back). */
export function noticeFromParams(p: MailParams): PlannedNotice {
  const num = (k: string) => (typeof p[k] === 'number' ? p[k] : 0);
  const records: Partial<Record<PlanAction, number>> = {};
  for (const a of NOTIFIED_ACTIONS) if (num(a)) records[a] = num(a);
  return {
    recipient: String(p.recipient ?? ''),
    name: String(p.name ?? ''),
    ...(typeof p.address === 'string' ? { noticeEmail: p.address } : {}),
    ...(typeof p.apiUrl === 'string' && typeof p.apiTokenSecret === 'string'
      ? { noticeApi: { url: p.apiUrl, tokenSecret: p.apiTokenSecret }, changes: changesOf(p.changes) }
      : {}),
    records,
    instructions: typeof p.instructions === 'string' && p.instructions ? p.instructions.split('\n') : [],
    more: num('more'),
  };
}

/** The changes an API notice's params hold (JSON written by noticeParams); none when they cannot be read. */
function changesOf(raw: unknown): NoticeChange[] {
  if (typeof raw !== 'string') return [];
  try {
    const parsed: unknown = JSON.parse(raw);
    if (!Array.isArray(parsed)) return [];
    // Written by noticeParams; read back only in the shape it was written.
    return parsed.filter(
      (x): x is NoticeChange =>
        typeof x === 'object' &&
        x !== null &&
        ['erase', 'rectify', 'restrict', 'lift'].includes((x as NoticeChange).action) &&
        typeof (x as NoticeChange).recordType === 'string' &&
        typeof (x as NoticeChange).key === 'string',
    );
  } catch {
    return [];
  }
}

/** Lines of the plan with `action`, by its groups. */
const countOf = (p: CasePlan, action: PlanAction): number => p.groups.reduce((n, g) => n + (g.action === action ? g.count : 0), 0);

/** The outbox id of the letter telling the requester their restriction was lifted. */
export const liftedLetterId = (planId: string): string => `letter:restriction-lifted:${planId}`;

/**
 * An executed plan: its stamp, and the Art. 19 notices owed in the same write. A plan that
 * restricted records puts the restriction in force on the case; a lift plan lifts it and owes the
 * requester a short letter saying so (they were told before, Art. 18(3); this confirms it).
 */
function executed(c: Case, p: CasePlan, sources: SourceExecution[], at: string): Case {
  const lifted = p.kind === 'lift' ? recordLift(c, p.planId, at) : undefined;
  let next: Case = lifted ?? recordRestriction(c, p, countOf(p, 'restrict'), at);
  if (lifted && lifted !== c) {
    const params = { letter: 'restriction-lifted', liftedOn: londonDateOf(at), records: countOf(p, 'lift') };
    next = owe(next, { id: liftedLetterId(p.planId), kind: 'letter', to: 'requester', params }, at);
  }
  const notices: RecipientNotice[] = [];
  for (const n of p.recipients ?? []) {
    if (!n.noticeEmail && !n.noticeApi) continue;
    const id = noticeId(p.planId, n.recipient);
    next = owe(next, { id, kind: 'recipient-notice', to: 'organisation', params: noticeParams(p.planId, n) }, at);
    notices.push({ recipient: n.recipient, name: n.name, outboxId: id, at, records: n.records });
  }
  const plan: CasePlan = { ...p, status: 'executed', sources, executedAt: at, ...(notices.length ? { notices } : {}) };
  return { ...next, plan, updatedAt: at };
}

const settledStatuses = new Set<SourceExecution['status']>(['done', 'nothing-to-do']);

/**
 * Finish: the workflow's sources are all recorded. A source left running is failed (NotRecorded).
 * Any failed source fails the plan — nothing is reported done, and the DPO executes it again.
 * Otherwise the plan is executed (and its recipients' notices owed) once no manual source waits
 * for staff; while one does, the plan stays executing. Undefined for a plan replaced or not executing.
 */
export function finishExecution(c: Case, planId: string, at: string): Step | undefined {
  const p = c.plan;
  // Approved: Begin never wrote (it failed), so nothing ran; its pending sources are failed with the rest.
  if (!p || p.planId !== planId || (p.status !== 'executing' && p.status !== 'approved')) return undefined;
  const unapplied = (s: SourceExecution) => s.status === 'running' || (p.status === 'approved' && s.status === 'pending');
  const sources = p.sources.map((s): SourceExecution => (unapplied(s) ? { ...s, status: 'failed', finishedAt: at, failure: NOT_APPLIED } : s));
  const failed = sources.filter((s) => s.status === 'failed').map((s) => s.source);
  const waiting = sources.filter((s) => s.status === 'awaiting-staff').length;
  if (failed.length) {
    return {
      case: { ...c, plan: { ...p, status: 'failed', sources }, updatedAt: at },
      entry: { at, actor: 'system', action: 'PlanExecutionFailed', detail: { planId, failed: failed.join(','), attempt: p.attempt ?? 1 } },
    };
  }
  if (waiting) {
    return {
      case: { ...c, plan: { ...p, sources }, updatedAt: at },
      entry: { at, actor: 'system', action: 'PlanAwaitingManualExecution', detail: { planId, waiting } },
    };
  }
  const next = executed(c, p, sources, at);
  return {
    case: next,
    entry: {
      at,
      actor: 'system',
      action: 'PlanExecuted',
      detail: { planId, notices: next.plan!.notices?.length ?? 0, ...(p.kind ? { kind: p.kind } : {}) },
    },
  };
}

/**
 * A member of staff confirms a manual source's changes were made by hand. The plan is executed
 * when this was the last source waiting and none failed (the Art. 19 notices owed with it).
 */
export function confirmManualExecution(c: Case, input: { planId: string; source: string }, ctx: { at: string; actor: Actor }): Step {
  const p = currentPlan(c, input.planId);
  if (!ctx.actor.startsWith('staff:')) throw new InvalidTransitionError('Only a member of staff can confirm a manual change.');
  const s = p.sources.find((x) => x.source === input.source);
  if (p.status !== 'executing' || s?.status !== 'awaiting-staff')
    throw new InvalidTransitionError('That source is not waiting for its changes to be made by hand.');
  const sources = p.sources.map((x): SourceExecution =>
    x.source === input.source ? { ...x, status: 'done', finishedAt: ctx.at, confirmedBy: ctx.actor } : x,
  );
  const entry: AuditEntry = { at: ctx.at, actor: ctx.actor, action: 'ManualExecutionConfirmed', detail: { planId: p.planId, source: input.source } };
  const stillRunning = sources.some((x) => x.status === 'running' || x.status === 'awaiting-staff' || x.status === 'pending');
  if (stillRunning || sources.some((x) => x.status === 'failed')) return { case: { ...c, plan: { ...p, sources }, updatedAt: ctx.at }, entry };
  const next = executed(c, p, sources, ctx.at);
  return { case: next, entry: { ...entry, detail: { ...entry.detail, executed: true, notices: next.plan!.notices?.length ?? 0 } } };
}

/** Whether every source of the plan is settled (done or nothing to do). */
export const allSettled = (p: CasePlan): boolean => p.sources.every((s) => settledStatuses.has(s.status));

/** The sources whose erasures a verification search must look at again (a manual source is not searched by a workflow). */
export function sourcesToVerify(p: CasePlan): string[] {
  return p.groups
    .filter((g) => g.action === 'erase' && g.count > 0)
    .map((g) => g.source)
    .filter((s, i, all) => all.indexOf(s) === i);
}

/** Whether an executed plan needs a verification search (it erased something), and has none yet. */
export function needsVerification(p: CasePlan | undefined): boolean {
  return p?.status === 'executed' && !p.verification && sourcesToVerify(p).length > 0;
}

/** The verification search's run recorded on the executed plan (written with the search's start). */
export function startVerification(c: Case, planId: string, runId: string, at: string): Step {
  const p = currentPlan(c, planId);
  if (p.status !== 'executed' || p.verification) throw new InvalidTransitionError('Only an executed plan without a verification is verified.');
  return {
    case: { ...c, plan: { ...p, verification: { runId, startedAt: at } }, updatedAt: at },
    entry: { at, actor: 'system', action: 'PlanVerificationStarted', detail: { planId, runId } },
  };
}

/** Record ids of the erased lines the verification run found again. */
export function remainingErased(lines: readonly PlanLine[], found: ReadonlySet<string>): string[] {
  return lines.filter((l) => l.action === 'erase' && found.has(l.recordId)).map((l) => l.recordId);
}

/**
 * The verification run `runId` finished: `remaining` erased records were found again, and
 * `unsearched` sources (failed in the run) could not be checked. Verified only when both are
 * empty. Undefined for any other run, or one already recorded.
 */
export function finishVerification(c: Case, runId: string, result: { remaining: number; unsearched: string[] }, at: string): Step | undefined {
  const p = c.plan;
  const v = p?.verification;
  if (!p || !v || v.runId !== runId || v.finishedAt !== undefined || p.status !== 'executed') return undefined;
  const ok = result.remaining === 0 && result.unsearched.length === 0;
  const plan: CasePlan = {
    ...p,
    status: ok ? 'verified' : 'verification-failed',
    verification: { ...v, finishedAt: at, remaining: result.remaining, ...(result.unsearched.length ? { unsearched: result.unsearched } : {}) },
  };
  return {
    case: { ...c, plan, updatedAt: at },
    entry: {
      at,
      actor: 'system',
      action: ok ? 'PlanVerified' : 'PlanVerificationFailed',
      detail: { planId: p.planId, runId, remaining: result.remaining, ...(result.unsearched.length ? { unsearched: result.unsearched.join(',') } : {}) },
    },
  };
}

/**
 * Whether the case may be closed as things stand: not while its plan is approved, executing or
 * failed (the letter would report as done what is not).
 */
export function planBlocksClosing(c: Case): string | undefined {
  const s = c.plan?.status;
  if (s === 'approved' || s === 'executing') return 'The plan is being executed: close the case once it has finished.';
  if (s === 'failed') return 'The plan failed part-way: execute it again (or make a new one) before closing the case.';
  return undefined;
}
