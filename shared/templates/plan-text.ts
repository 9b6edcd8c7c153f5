/**
 * Words for a change plan (issue 15), shared by the desk's plan section and the closing letter:
 * what each action and keep ground means, and a group of lines as one sentence.
 */
import { formatLongDate } from '#domain/calendar';
import type { KeepGround, PlanAction, PlanGroup, PlanStatus } from '#domain/plan';
import type { LiftGround } from '#domain/restriction';

export const ACTION_TEXT: Record<PlanAction, string> = {
  erase: 'Erase',
  keep: 'Keep',
  rectify: 'Correct',
  restrict: 'Restrict',
  stop: 'Stop using for a purpose',
  forward: 'Forward to the customer',
  lift: 'Lift the restriction',
};

/** Why a record is kept, in the requester's words. */
export const GROUND_TEXT: Record<KeepGround, string> = {
  'legal-obligation': 'the law requires us to keep customer-account and billing records for 7 years after the account closes',
  'legal-hold': 'they are under a legal hold (needed for a legal claim or investigation)',
  'account-open': 'the customer account they belong to is still open and needs them; they are kept for 7 years after it closes',
  'request-record': 'they are our record of your requests, which we must keep to show how we handled them',
  processor: 'Icetrak holds them only on behalf of the business that sent the messages, which decides what happens to them',
  'not-affected': 'your request does not concern them',
};

/** Why a restriction is lifted (Art. 18(1)), in the requester's words: the letter and the desk say it so. */
export const LIFT_GROUND_TEXT: Record<LiftGround, string> = {
  'accuracy-verified': 'we have checked the accuracy of your data, which you contested, and it is now accurate',
  'objection-decided': 'we have decided on your objection: our legitimate grounds for using your data override it',
  'claims-ended': 'you no longer need your data kept for the legal claims you told us of',
  'requester-agreed': 'you have agreed to the restriction being lifted',
  other: 'of the reason below',
};

export const PLAN_STATUS_TEXT: Record<PlanStatus, string> = {
  proposed: 'Proposed: review it, then approve it. Nothing changes in any system before approval.',
  approved: 'Approved: the execution is starting.',
  executing: 'Executing',
  failed: 'Failed part-way: nothing is reported done. Execute it again (the changes already made are not repeated).',
  executed: 'Executed',
  verified: 'Executed and verified: a new search found none of the erased records.',
  'verification-failed': 'Executed, but the verification search still found records that were to be erased (or could not search a system).',
};

/** A London date as the letter says it: 30 June 2030. */
export const longDate = (d: string): string => formatLongDate(d).replace(/^\S+ /, '');

const human = (recordType: string): string => recordType.replace(/_/g, ' ');

/** One group as a phrase: "2 billing contact records". */
export function groupPhrase(g: Pick<PlanGroup, 'count' | 'recordType'>): string {
  return `${g.count} ${human(g.recordType)} record${g.count === 1 ? '' : 's'}`;
}

/** Why a kept group is kept, and until when. */
export function keptBecause(g: PlanGroup): string {
  const why = g.ground ? GROUND_TEXT[g.ground] : 'of the reason given';
  const until = g.keptUntil ? `; kept until ${longDate(g.keptUntil)}, then deleted` : '';
  return `because ${why}${until}`;
}
