/**
 * A restriction of processing (UK GDPR Art. 18; issue 15) and its lifting, with the person told
 * first (Art. 18(3); LAW.md: "A restriction is marked on the records; the person is told before
 * it is lifted"). Pure: the case item's `restriction` (CaseRestriction) and its moves.
 *
 *   recordRestriction   an executed plan that restricted records: the restriction is in force
 *                       (written with the plan's executed stamp, plan-execution.ts `executed`)
 *   announceRestrictionLift  a member of staff tells the requester it will be lifted on or after
 *                       a date, on a ground; the letter is owed in the same write (act.ts)
 *   liftBlocked         why a lift plan cannot be made or approved now (no restriction, already
 *                       lifted, never announced, the letter not yet sent, before the date told)
 *   liftLines           the lift plan's lines: one `lift` per `restrict` line of the restricting plans
 *   recordLift          the lift plan executed: the restriction is lifted
 *
 * The restriction outlives the case: all of this works on a closed case and leaves it closed.
 */
import type { Actor, AuditEntry, Case } from './case';
import { formatLongDate, londonDateOf, type IsoDate } from './calendar';
import { InvalidDateError, InvalidTransitionError } from './errors';
import { mailEntry } from './outbox';
import type { CasePlan, PlanLine } from './plan';

/** Why a restriction is lifted (Art. 18(1)): the ground ends, or the person agrees. */
export const LIFT_GROUNDS = [
  /** Art. 18(1)(a): the accuracy the person contested has been verified. */
  'accuracy-verified',
  /** Art. 18(1)(d): the objection was weighed, and Icetrak's legitimate grounds override it. */
  'objection-decided',
  /** Art. 18(1)(c): the legal claims the person needed the data kept for have ended. */
  'claims-ended',
  /** The person agreed to the restriction being lifted (Art. 18(2): processing with consent). */
  'requester-agreed',
  /** Another ground, stated in the reason. */
  'other',
] as const;
export type LiftGround = (typeof LIFT_GROUNDS)[number];
export const isLiftGround = (value: unknown): value is LiftGround => typeof value === 'string' && (LIFT_GROUNDS as readonly string[]).includes(value);

/** A plan whose execution restricted records. */
export interface RestrictingPlan {
  planId: string;
  /** Its lines file: the lift plan's lines are made from its `restrict` lines. */
  linesKey: string;
  restrictedAt: string;
  /** Lines that restricted a record. */
  records: number;
}

/** The announced lifting (Art. 18(3)) and, once made and executed, the lift plan. */
export interface RestrictionLift {
  ground: LiftGround;
  /** The reason in the requester's words, as the letter gave it (on the case item, never in the audit trail). */
  reason: string;
  /** The London date from which it may be lifted, as the letter said. */
  liftFrom: IsoDate;
  announcedAt: string;
  announcedBy: Actor;
  /** The outbox id of the letter that told the requester: a lift waits until it is sent. */
  letter: string;
  /** The lift plan, once made (`Case.plan` with kind `lift`). */
  planId?: string;
  liftedAt?: string;
}

/** `Case.restriction`: set when a plan that restricted records is executed; kept, lifted or not, on the closed case. */
export interface CaseRestriction {
  /** The restricting plans, oldest first: a plan that restricts again while a restriction is in force adds its records. */
  plans: RestrictingPlan[];
  /** When the first of them was executed. */
  restrictedAt: string;
  /** Restrict lines over all of them. */
  records: number;
  lift?: RestrictionLift;
}

type Step = { case: Case; entry: AuditEntry };

/** Whether the case has a restriction in force (not lifted). */
export const restrictionInForce = (c: Case): boolean => c.restriction !== undefined && c.restriction.lift?.liftedAt === undefined;

/**
 * An executed plan that restricted `records` records: the restriction in force. A plan already
 * recorded changes nothing; a new restriction after one was lifted starts afresh; one that adds
 * to a restriction in force withdraws a pending lift announcement (its letter did not cover these
 * records: the requester must be told again before any lift).
 */
export function recordRestriction(c: Case, plan: Pick<CasePlan, 'planId' | 'linesKey'>, records: number, at: string): Case {
  if (records === 0) return c;
  const r = c.restriction;
  const entry: RestrictingPlan = { planId: plan.planId, linesKey: plan.linesKey, restrictedAt: at, records };
  if (r?.plans.some((p) => p.planId === plan.planId)) return c;
  if (!r || !restrictionInForce(c)) return { ...c, restriction: { plans: [entry], restrictedAt: at, records } };
  const { lift: _withdrawn, ...rest } = r;
  return { ...c, restriction: { ...rest, plans: [...r.plans, entry], records: r.records + records } };
}

/** The lift plan `planId` executed: the restriction lifted at `at` (once). */
export function recordLift(c: Case, planId: string, at: string): Case {
  const r = c.restriction;
  if (!r?.lift || r.lift.planId !== planId || r.lift.liftedAt) return c;
  return { ...c, restriction: { ...r, lift: { ...r.lift, liftedAt: at } } };
}

const busyLift = (p: CasePlan | undefined) => p?.kind === 'lift' && (p.status === 'approved' || p.status === 'executing');

/**
 * Staff announce the lifting to the requester (Art. 18(3)): on or after `liftFrom` (today at the
 * earliest), on `ground`, for `reason`; `letter` is the outbox id of the letter owed in the same
 * write. A new announcement replaces a pending one (the requester gets the new letter, and a lift
 * plan made under the old one must be made again); refused once lifted, or while a lift runs.
 */
export function announceRestrictionLift(
  c: Case,
  input: { ground: LiftGround; reason: string; liftFrom: IsoDate; letter: string },
  ctx: { at: string; actor: Actor },
): Step {
  const r = c.restriction;
  if (!r) throw new InvalidTransitionError('This case has no restriction: nothing to lift.');
  if (r.lift?.liftedAt) throw new InvalidTransitionError(`The restriction was lifted on ${formatLongDate(londonDateOf(r.lift.liftedAt))}.`);
  if (busyLift(c.plan)) throw new InvalidTransitionError('The restriction is being lifted now: wait for the lift plan to finish.');
  const today = londonDateOf(ctx.at);
  if (input.liftFrom < today) throw new InvalidDateError('The date it is lifted from cannot be in the past.');
  const reason = input.reason.trim();
  if (!reason) throw new InvalidTransitionError('Give the reason the restriction is lifted.');
  const lift: RestrictionLift = {
    ground: input.ground,
    reason,
    liftFrom: input.liftFrom,
    announcedAt: ctx.at,
    announcedBy: ctx.actor,
    letter: input.letter,
  };
  return {
    case: { ...c, restriction: { ...r, lift }, updatedAt: ctx.at },
    entry: {
      at: ctx.at,
      actor: ctx.actor,
      action: 'RestrictionLiftAnnounced',
      detail: { ground: input.ground, liftFrom: input.liftFrom, records: r.records, ...(r.lift ? { replaces: r.lift.announcedAt } : {}) },
    },
  };
}

/**
 * Why the restriction cannot be lifted today (a London date), or undefined when it can: there is
 * a restriction in force, the requester was told (the letter sent, or posted), and the date they
 * were told has come.
 */
export function liftBlocked(c: Case, today: IsoDate): string | undefined {
  const r = c.restriction;
  if (!r) return 'This case has no restriction: nothing to lift.';
  if (r.lift?.liftedAt) return `The restriction was lifted on ${formatLongDate(londonDateOf(r.lift.liftedAt))}.`;
  if (!r.lift) return 'Tell the requester first (Art. 18(3)): announce the lift, with its ground and the date it is lifted from.';
  const state = mailEntry(c, r.lift.letter)?.state;
  if (state !== 'sent')
    return `The letter telling the requester has not been sent yet (${state === 'post' ? 'it is waiting to be posted: mark it posted' : (state ?? 'missing')}): the restriction is lifted only once they have been told.`;
  if (today < r.lift.liftFrom) return `The requester was told it would be lifted from ${formatLongDate(r.lift.liftFrom)}: lift it on or after that date.`;
  return undefined;
}

/**
 * The lift plan's lines: one `lift` per record a restricting plan's lines restricted (each record
 * once, in the plans' order), to the same recipients (Art. 19: those told of the restriction are
 * told it is lifted). Nothing else of those plans is touched.
 */
export function liftLines(restricting: ReadonlyArray<readonly PlanLine[]>): PlanLine[] {
  const seen = new Set<string>();
  const out: PlanLine[] = [];
  for (const lines of restricting) {
    for (const l of lines) {
      if (l.action !== 'restrict' || seen.has(l.recordId)) continue;
      seen.add(l.recordId);
      out.push({
        recordId: l.recordId,
        source: l.source,
        recordType: l.recordType,
        key: l.key,
        ...(l.accountId !== undefined && { accountId: l.accountId }),
        action: 'lift',
        reason: 'Restriction lifted, as we told you beforehand: it is used again as before.',
        ...(l.recipients?.length ? { recipients: [...l.recipients] } : {}),
      });
    }
  }
  return out;
}
