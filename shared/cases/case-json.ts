/** The staff API's case document (GET /api/cases/{reference}, and the answer to an action). */
import type { CaseExport } from '#domain/export';
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
    export: c.export ? exportJson(c.export) : null,
    notes: c.notes ?? [],
    timeline: view.timeline.map(({ at, action, actor, detail }) => ({ at, action, actor, ...(detail ? { detail } : {}) })),
    correspondence: view.correspondence,
  };
}

/**
 * The case's answer (issue 14) as the API shows it: its summary without the S3 key (an internal
 * detail; the ZIP is reached through the desk's review route or the requester's signed link).
 */
export function exportJson(e: CaseExport): Record<string, unknown> {
  const { key: _key, ...rest } = e;
  return {
    ...rest,
    releasedAt: e.releasedAt ?? null,
    releasedBy: e.releasedBy ?? null,
    linkExpiresAt: e.linkExpiresAt ?? null,
    lastDownloadedAt: e.lastDownloadedAt ?? null,
  };
}
