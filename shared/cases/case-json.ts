/** The staff API's case document (GET /api/cases/{reference}, and the answer to an action). */
import { retainUntil } from '#domain/retention';
import type { CaseView } from './case-view';

export function caseJson(view: CaseView): Record<string, unknown> {
  const c = view.case;
  return {
    reference: c.reference,
    status: c.status,
    ...(c.outcome ? { outcome: c.outcome } : {}),
    rights: c.rights,
    channel: c.channel,
    requester: c.requester,
    ...(c.details !== undefined ? { details: c.details } : {}),
    receivedOn: c.receivedOn,
    clockStartsOn: c.clockStartsOn,
    dueOn: c.dueOn,
    workingDaysLeft: view.workingDaysLeft,
    extensionNoticeBy: c.extensionNoticeBy,
    extended: c.extended,
    complex: c.complex,
    flags: c.flags,
    ...(c.closedAt ? { closedAt: c.closedAt } : {}),
    retainUntil: retainUntil(c),
    legalHold: c.legalHold ? { since: c.legalHold.since, reason: c.legalHold.reason, reviewOn: c.legalHold.reviewOn ?? null } : null,
    dueExplanation: view.dueExplanation,
    allowedActions: view.actions,
    notes: c.notes ?? [],
    timeline: view.timeline.map(({ at, action, actor, detail }) => ({ at, action, actor, ...(detail ? { detail } : {}) })),
    correspondence: view.correspondence,
  };
}
