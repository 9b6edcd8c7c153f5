/**
 * The fulfilment's desk actions (issues 14 and 15) allowed now, beside the lifecycle's
 * (lifecycle.ts `allowedActions`) and the answer's (export.ts `exportActions`): searching
 * Icetrak's systems, the change plan, and lifting a restriction. The desk draws their forms in
 * their own sections from the same predicates, and the staff API lists them in a case's
 * `allowedActions`, so a client offers only what will succeed. As for the others, a refusal that
 * turns on what is posted (a plan id replaced since, a record id) is left to the action.
 *
 * Pure: no I/O.
 */
import { isComplaint, type Case } from './case';
import type { IsoDate } from './calendar';
import { isOpen } from './lifecycle';
import { PLANNED_RIGHTS } from './plan-execution';
import { liftBlocked } from './restriction';

export const FULFILMENT_ACTIONS = [
  'search',
  'record-manual-search',
  'mark-third-party',
  'plan',
  'approve-plan',
  'execute-plan',
  'confirm-manual-execution',
  'announce-restriction-lift',
  'lift-restriction',
] as const;
export type FulfilmentAction = (typeof FULFILMENT_ACTIONS)[number];

/** Whether a search can be run on this case now (open, not a complaint), as startSearch decides. */
export function canSearch(c: Case): boolean {
  return isOpen(c.status) && !isComplaint(c);
}

/** Whether a plan can be made on this case now (the rules are checked again by proposePlan). */
export function canPlan(c: Case): boolean {
  return (
    isOpen(c.status) &&
    !isComplaint(c) &&
    c.rights.some((r) => (PLANNED_RIGHTS as readonly string[]).includes(r)) &&
    c.search?.finishedAt !== undefined &&
    c.plan?.status !== 'approved' &&
    c.plan?.status !== 'executing'
  );
}

/**
 * Whether the case's plan (when it has one) can be acted on: an open case's, or a lift plan on a
 * closed case (a restriction outlives its case, docs/rules.md P12).
 */
export const planActionable = (c: Case): boolean => isOpen(c.status) || c.plan?.kind === 'lift';

/** The fulfilment actions that would succeed on `c` today (a London date). */
export function fulfilmentActions(c: Case, today: IsoDate): FulfilmentAction[] {
  const p = c.plan;
  const open = isOpen(c.status);
  const actionable = planActionable(c);
  // A lift plan is approved, and made, only once the requester was told and the date has come (P12).
  const liftReady = liftBlocked(c, today) === undefined;
  const lifting = p?.kind === 'lift' && (p.status === 'approved' || p.status === 'executing');
  const allowed: Record<FulfilmentAction, boolean> = {
    search: canSearch(c),
    'record-manual-search': open && (c.search?.sources.some((s) => s.status === 'awaiting-staff') ?? false),
    'mark-third-party': open && c.search?.finishedAt !== undefined,
    plan: canPlan(c),
    'approve-plan': actionable && p?.status === 'proposed' && (p.kind !== 'lift' || liftReady),
    'execute-plan': actionable && (p?.status === 'failed' || p?.status === 'approved'),
    'confirm-manual-execution': actionable && p?.status === 'executing' && p.sources.some((s) => s.status === 'awaiting-staff'),
    'announce-restriction-lift': c.restriction !== undefined && !c.restriction.lift?.liftedAt && !lifting,
    'lift-restriction': liftReady && !lifting,
  };
  return FULFILMENT_ACTIONS.filter((a) => allowed[a]);
}
