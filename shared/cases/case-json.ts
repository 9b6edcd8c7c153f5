/** The staff API's case document (GET /api/cases/{reference}, and the answer to an action). */
import type { CaseExport } from '#domain/export';
import { retainUntil } from '#domain/retention';
import type { Case } from '#domain/case';
import { forwardsOf } from '#domain/forwarding';
import { mailEntry } from '#domain/outbox';
import type { Register } from '#domain/register';
import type { PlanLine } from '#domain/plan';
import { ICETRAK_REGISTER } from '#shared/fulfilment/icetrak-register';
import type { CaseView } from './case-view';

/**
 * The latest search of Icetrak's systems (issue 14), one entry per register system: its status,
 * the identifiers it was searched by, what it found (a count; the records stay in their files),
 * or why it failed; for traffic, the customers whose traffic matched (processor data: for them to
 * answer, not Icetrak). Empty before the first search.
 */
export function searchesJson(c: Case, register: Register = ICETRAK_REGISTER): Array<Record<string, unknown>> {
  return (c.search?.sources ?? []).map((s) => ({
    source: s.source,
    name: register.systems.find((x) => x.id === s.source)?.name ?? s.source,
    status: s.status,
    identifiers: s.identifiers.map(({ kind, value }) => ({ kind, value })),
    recordCount: s.recordCount ?? null,
    searchedAt: s.finishedAt ?? null,
    ...(s.failure ? { failure: s.failure } : {}),
    ...(s.customers ? { customers: s.customers.map(({ accountId, name, records }) => ({ accountId, name, records })) } : {}),
  }));
}

/** The latest search run itself (when, by whom, from which register), or null. */
export function searchRunJson(c: Case): Record<string, unknown> | null {
  const s = c.search;
  return s
    ? { runId: s.runId, registerVersion: s.registerVersion, startedAt: s.startedAt, startedBy: s.startedBy, finishedAt: s.finishedAt ?? null }
    : null;
}

/**
 * The case's change plan (issue 15): its status, groups, per-source execution, recipients told
 * (each notice's delivery: the outbox entry's state, sent time and error name) and verification,
 * and its lines (source, record, action, reason, keptUntil …), bounded; `lines` is null when they
 * were not read (an action's answer), `linesTotal` counts them all.
 */
export function planJson(c: Case, lines?: { lines: PlanLine[]; total: number }): Record<string, unknown> | null {
  const p = c.plan;
  if (!p) return null;
  const { linesKey: _key, recipients, ...rest } = p;
  return {
    ...rest,
    recipients: (recipients ?? []).map(({ recipient, name, noticeEmail, noticeApi, records }) => ({
      recipient,
      name,
      noticeEmail: noticeEmail ?? null,
      // The API's URL only (configuration, as in the register); the token's secret stays in the register.
      noticeApi: noticeApi?.url ?? null,
      records,
    })),
    // Each notice with where its delivery stands (the outbox entry's state), as for a forward: a refused one is `failed`.
    notices: (p.notices ?? []).map((n) => {
      const e = mailEntry(c, n.outboxId);
      return { ...n, mail: e?.state ?? null, sentAt: e?.sentAt ?? null, error: e?.state === 'sent' ? null : (e?.lastError ?? null) };
    }),
    verification: p.verification ?? null,
    lines: lines ? lines.lines.map((l) => ({ ...l, keptUntil: l.keptUntil ?? null })) : null,
    linesTotal: lines ? lines.total : null,
  };
}

/**
 * The case's restriction (Art. 18; issue 15) and its lifting, or null when no executed plan
 * restricted anything: since when, how many records, by which plans (without their S3 keys), and
 * the lifting announced to the requester (ground, reason, date it is lifted from, the letter's
 * state), the lift plan and when it was lifted.
 */
export function restrictionJson(c: Case): Record<string, unknown> | null {
  const r = c.restriction;
  if (!r) return null;
  const lift = r.lift;
  return {
    restrictedAt: r.restrictedAt,
    records: r.records,
    plans: r.plans.map(({ planId, restrictedAt, records }) => ({ planId, restrictedAt, records })),
    lift: lift
      ? {
          ground: lift.ground,
          reason: lift.reason,
          liftFrom: lift.liftFrom,
          announcedAt: lift.announcedAt,
          announcedBy: lift.announcedBy,
          letter: { id: lift.letter, state: mailEntry(c, lift.letter)?.state ?? null },
          planId: lift.planId ?? null,
          liftedAt: lift.liftedAt ?? null,
        }
      : null,
  };
}

export function caseJson(view: CaseView, extra: { planLines?: { lines: PlanLine[]; total: number } } = {}): Record<string, unknown> {
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
    searches: searchesJson(c),
    searchRun: searchRunJson(c),
    plan: planJson(c, extra.planLines),
    restriction: restrictionJson(c),
    forwards: forwardsJson(c),
  };
}

/**
 * The customers (controllers) the request was forwarded to from the search (issue 15): who, where
 * to, the phone numbers they were asked to search by, when and by whom, and whether the email has
 * gone (`mail`: the outbox entry's state). Empty when nothing was forwarded this way.
 */
export function forwardsJson(c: Case): Array<Record<string, unknown>> {
  return forwardsOf(c).map((f) => ({
    accountId: f.accountId,
    name: f.name,
    contact: f.contact,
    records: f.records,
    phones: f.phones,
    runId: f.runId,
    at: f.at,
    by: f.by,
    mail: mailEntry(c, f.mail)?.state ?? null,
    sentAt: mailEntry(c, f.mail)?.sentAt ?? null,
  }));
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
