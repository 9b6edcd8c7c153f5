/**
 * A restriction and its lifting (Art. 18(3); issue 15): recorded when a restricting plan is
 * executed; the lifting announced to the requester first; a lift plan made from the restricting
 * lines only once the letter is sent and the date told has come; approved and executed on a
 * closed case, which stays closed.
 */
import { describe, expect, it } from 'vitest';
import type { Actor, Case } from '#domain/case';
import { InvalidDateError, InvalidTransitionError } from '#domain/errors';
import { closeCase, confirmIdentity, receive } from '#domain/lifecycle';
import { markPosted, markSent, outboxOf, owe } from '#domain/outbox';
import type { PlanLine } from '#domain/plan';
import {
  approvePlan,
  confirmManualExecution,
  finishExecution,
  liftedLetterId,
  noticeFromParams,
  proposeLiftPlan,
  proposePlan,
  recordSourceExecution,
  retryPlan,
  startExecution,
  type ProposePlanInput,
} from '#domain/plan-execution';
import { groupLines } from '#domain/plan-rules';
import { announceRestrictionLift, liftBlocked, liftLines, recordRestriction, restrictionInForce } from '#domain/restriction';
import { finishSearch, recordManualSearch, startSearch } from '#domain/search';
import { fulfilmentActions } from '#domain/fulfilment-actions';
import { ICETRAK_REGISTER } from '#shared/fulfilment/icetrak-register';

const DPO: Actor = 'staff:dpo@icetrak.net';
const EXECUTED_AT = '2026-12-02T10:10:00Z';
const NEXT_DAY = '2026-12-03T09:00:00Z';
const RESTRICTING = 'plan00000restrict';
const LIFT = 'plan000000lift01';

const line = (over: Partial<PlanLine> & Pick<PlanLine, 'source' | 'recordType' | 'key' | 'action'>): PlanLine => ({
  recordId: `${over.source}:${over.recordType}:${over.key}`,
  reason: 'because',
  ...over,
});

const RESTRICT_LINES: PlanLine[] = [
  line({ source: 'accounts', recordType: 'account_user', key: 'USR-1001-01', action: 'restrict', accountId: 'ACC-1001' }),
  line({ source: 'billing', recordType: 'billing_contact', key: 'BC-1001-01', action: 'restrict', accountId: 'ACC-1001', recipients: ['kashflow'] }),
  line({ source: 'traffic', recordType: 'message', key: 'm1', action: 'forward', ground: 'processor' }),
  line({ source: 'rightsdesk', recordType: 'case', key: 'RD-AAAAAA', action: 'keep', ground: 'request-record' }),
];
const KINDS = { accounts: 'sql', billing: 'sql', traffic: 'traffic', rightsdesk: 'rightsdesk' } as const;

const planInput = (planId: string, lines: PlanLine[]): ProposePlanInput => ({
  planId,
  registerVersion: ICETRAK_REGISTER.version,
  lines,
  groups: groupLines(lines),
  kinds: KINDS,
  register: ICETRAK_REGISTER,
});

/** A plan approved, each automatic source applied, and finished: executed. */
function execute(c: Case, planId: string, at: string): Case {
  let next = approvePlan(c, planId, { at, actor: DPO }).case;
  const begun = startExecution(next, planId, at);
  next = begun.step!.case;
  for (const source of begun.start.sources) next = recordSourceExecution(next, planId, source, { status: 'done', applied: {} }, at)!.case;
  return finishExecution(next, planId, at)!.case;
}

/** Ada's restriction request: searched, planned, executed (her records restricted), then closed. */
function restrictedAndClosed(): Case {
  let c = receive({
    id: '01KAQ3V6Y8ZJ4N7R2M5T9W8XCD',
    reference: 'RD-7K4M9P',
    rights: ['restriction'],
    channel: 'email',
    requester: { fullName: 'Ada Lovelace', email: 'ada@example.org' },
    receivedAt: '2026-12-01T09:15:00Z',
    actor: 'requester',
  }).case;
  c = confirmIdentity(c, { at: '2026-12-01T10:00:00Z', actor: DPO }).case;
  c = startSearch(
    c,
    {
      runId: 'run0000000001',
      registerVersion: ICETRAK_REGISTER.version,
      identifiers: { emails: ['ada@example.org'], phones: [], accountIds: [] },
      sources: [],
    },
    { at: '2026-12-02T10:00:00Z', actor: DPO },
  ).case;
  c = finishSearch(c, 'run0000000001', '2026-12-02T10:00:00Z')!.case;
  c = proposePlan(c, planInput(RESTRICTING, RESTRICT_LINES), { at: '2026-12-02T10:05:00Z', actor: DPO }).case;
  c = execute(c, RESTRICTING, EXECUTED_AT);
  return closeCase(c, { outcome: 'completed', summary: { done: 'Restricted.', systemsSearched: [] } }, { at: '2026-12-02T11:00:00Z', actor: DPO }).case;
}

/** The lifting announced (its letter owed as act.ts owes it), the letter then sent unless `sent` is false. */
function announced(c: Case, liftFrom: string, at = '2026-12-02T12:00:00Z', sent = true): Case {
  const letter = `letter:restriction-lift:${c.version}`;
  const t = announceRestrictionLift(c, { ground: 'accuracy-verified', reason: 'Checked with you.', liftFrom, letter }, { at, actor: DPO });
  const owed = owe(t.case, { id: letter, kind: 'letter', to: 'requester', params: { letter: 'restriction-lift' } }, at);
  return sent ? markSent(owed, letter, new Date(at), 'ses-1') : owed;
}

const liftInput = (lines = liftLines([RESTRICT_LINES])) => ({ ...planInput(LIFT, lines), runId: 'run0000000001' });

describe('the restriction recorded', () => {
  it('an executed plan that restricted records puts the restriction in force: since its execution, how many, by which plan', () => {
    const c = restrictedAndClosed();
    expect(c.status).toBe('closed');
    expect(c.restriction).toEqual({
      plans: [{ planId: RESTRICTING, linesKey: `plans/${c.id}/${RESTRICTING}.json`, restrictedAt: EXECUTED_AT, records: 2 }],
      restrictedAt: EXECUTED_AT,
      records: 2,
    });
    expect(restrictionInForce(c)).toBe(true);
    // Once per plan; a plan that restricts nothing records nothing.
    expect(recordRestriction(c, c.restriction!.plans[0]!, 2, NEXT_DAY)).toBe(c);
    const { restriction: _r, ...none } = c;
    expect(recordRestriction(none as Case, { planId: 'plan0000other', linesKey: 'k' }, 0, NEXT_DAY).restriction).toBeUndefined();
  });

  it('a second restricting plan adds its records and withdraws a pending announcement; after a lift, a new restriction starts afresh', () => {
    const c = announced(restrictedAndClosed(), '2026-12-02');
    const more = recordRestriction(c, { planId: 'plan0000second', linesKey: 'plans/x/plan0000second.json' }, 3, NEXT_DAY);
    expect(more.restriction).toMatchObject({ restrictedAt: EXECUTED_AT, records: 5, plans: [{ planId: RESTRICTING }, { planId: 'plan0000second' }] });
    expect(more.restriction!.lift).toBeUndefined();
    const lifted: Case = { ...c, restriction: { ...c.restriction!, lift: { ...c.restriction!.lift!, planId: LIFT, liftedAt: NEXT_DAY } } };
    expect(restrictionInForce(lifted)).toBe(false);
    const again = recordRestriction(lifted, { planId: 'plan0000second', linesKey: 'k2' }, 3, NEXT_DAY);
    expect(again.restriction).toEqual({
      plans: [{ planId: 'plan0000second', linesKey: 'k2', restrictedAt: NEXT_DAY, records: 3 }],
      restrictedAt: NEXT_DAY,
      records: 3,
    });
  });
});

describe('announceRestrictionLift', () => {
  it('records the ground, the reason and the date on the closed case, which stays closed; the audit has no reason text', () => {
    const c = restrictedAndClosed();
    const t = announceRestrictionLift(
      c,
      { ground: 'objection-decided', reason: 'Our grounds override it.', liftFrom: '2026-12-09', letter: 'letter:restriction-lift:9' },
      { at: '2026-12-02T12:00:00Z', actor: DPO },
    );
    expect(t.case.status).toBe('closed');
    expect(t.case.restriction!.lift).toEqual({
      ground: 'objection-decided',
      reason: 'Our grounds override it.',
      liftFrom: '2026-12-09',
      announcedAt: '2026-12-02T12:00:00Z',
      announcedBy: DPO,
      letter: 'letter:restriction-lift:9',
    });
    expect(t.entry).toEqual({
      at: '2026-12-02T12:00:00Z',
      actor: DPO,
      action: 'RestrictionLiftAnnounced',
      detail: { ground: 'objection-decided', liftFrom: '2026-12-09', records: 2 },
    });
  });

  it('refuses without a restriction, a date before today (London), once lifted, and while a lift plan runs; replaces a pending announcement', () => {
    const c = restrictedAndClosed();
    const ask = (x: Case, liftFrom: string, at = '2026-12-02T12:00:00Z') =>
      announceRestrictionLift(x, { ground: 'other', reason: 'Because.', liftFrom, letter: 'l' }, { at, actor: DPO });
    const { restriction: _r, ...none } = c;
    expect(() => ask(none as Case, '2026-12-09')).toThrow(InvalidTransitionError);
    expect(() => ask(c, '2026-12-01')).toThrow(InvalidDateError);
    // Today is London's: at 00:30 on 3 December (GMT) the 2nd is past.
    expect(() => ask(c, '2026-12-02', '2026-12-03T00:30:00Z')).toThrow(InvalidDateError);
    expect(ask(c, '2026-12-02').case.restriction!.lift!.liftFrom).toBe('2026-12-02');
    const pending = announced(c, '2026-12-09');
    const replaced = ask(pending, '2026-12-20', NEXT_DAY);
    expect(replaced.case.restriction!.lift).toMatchObject({ liftFrom: '2026-12-20', ground: 'other' });
    expect(replaced.entry.detail).toMatchObject({ replaces: '2026-12-02T12:00:00Z' });
    const approvedLift = approvePlan(proposeLiftPlan(announced(c, '2026-12-02'), liftInput(), { at: '2026-12-02T13:00:00Z', actor: DPO }).case, LIFT, {
      at: '2026-12-02T13:00:00Z',
      actor: DPO,
    }).case;
    expect(() => ask(approvedLift, '2026-12-20')).toThrow(/being lifted now/);
    const lifted = execute(
      proposeLiftPlan(announced(c, '2026-12-02'), liftInput(), { at: '2026-12-02T13:00:00Z', actor: DPO }).case,
      LIFT,
      '2026-12-02T13:05:00Z',
    );
    expect(() => ask(lifted, '2026-12-20')).toThrow(/was lifted on/);
  });
});

describe('liftBlocked', () => {
  it('until the requester is told: never announced, the letter not sent (or waiting to be posted), before the date they were told', () => {
    const c = restrictedAndClosed();
    expect(liftBlocked(c, '2026-12-02')).toMatch(/Tell the requester first/);
    const unsent = announced(c, '2026-12-02', '2026-12-02T12:00:00Z', false);
    expect(liftBlocked(unsent, '2026-12-02')).toMatch(/has not been sent yet \(pending\)/);
    const letter = unsent.restriction!.lift!.letter;
    const byPost: Case = { ...unsent, outbox: outboxOf(unsent).map((e) => (e.id === letter ? { ...e, state: 'post' as const } : e)) };
    expect(liftBlocked(byPost, '2026-12-02')).toMatch(/waiting to be posted/);
    expect(liftBlocked(markPosted(byPost, letter, new Date(NEXT_DAY), 'dpo@icetrak.net'), '2026-12-02')).toBeUndefined();
    const later = announced(c, '2026-12-09');
    expect(liftBlocked(later, '2026-12-08')).toBe(
      'The requester was told it would be lifted from Wednesday 9 December 2026: lift it on or after that date.',
    );
    expect(liftBlocked(later, '2026-12-09')).toBeUndefined();
    const { restriction: _r, ...none } = c;
    expect(liftBlocked(none as Case, '2026-12-09')).toMatch(/no restriction/);
  });
});

describe('liftLines', () => {
  it('one lift line per restricted record (each once, across plans), same record and recipients; nothing else', () => {
    const again = [RESTRICT_LINES[1]!, line({ source: 'accounts', recordType: 'sign_in', key: '42', action: 'restrict' })];
    const lines = liftLines([RESTRICT_LINES, again]);
    expect(lines.map((l) => [l.recordId, l.action, l.recipients ?? []])).toEqual([
      ['accounts:account_user:USR-1001-01', 'lift', []],
      ['billing:billing_contact:BC-1001-01', 'lift', ['kashflow']],
      ['accounts:sign_in:42', 'lift', []],
    ]);
    expect(lines[0]).toMatchObject({ source: 'accounts', recordType: 'account_user', key: 'USR-1001-01', accountId: 'ACC-1001' });
    expect(lines.every((l) => l.reason.includes('used again as before'))).toBe(true);
    expect(liftLines([RESTRICT_LINES.filter((l) => l.action !== 'restrict')])).toEqual([]);
  });
});

describe('the lift plan', () => {
  it('is refused before the announcement, before the date told, and when its lines are not all lifts', () => {
    const c = restrictedAndClosed();
    const at = { at: '2026-12-02T13:00:00Z', actor: DPO };
    expect(() => proposeLiftPlan(c, liftInput(), at)).toThrow(/Tell the requester first/);
    expect(() => proposeLiftPlan(announced(c, '2026-12-09'), liftInput(), at)).toThrow(/told it would be lifted from Wednesday 9 December 2026/);
    expect(() => proposeLiftPlan(announced(c, '2026-12-02'), liftInput(RESTRICT_LINES), at)).toThrow(/nothing else/);
    expect(() => proposeLiftPlan(announced(c, '2026-12-02'), liftInput([]), at)).toThrow(/nothing else/);
  });

  it('on a closed case: proposed, approved (the announcement checked again), executed; the case stays closed, lifted, the requester and Kashflow told', () => {
    const told = announced(restrictedAndClosed(), '2026-12-02');
    const t = proposeLiftPlan(told, liftInput(), { at: '2026-12-02T13:00:00Z', actor: DPO });
    expect(t.case.plan).toMatchObject({ planId: LIFT, kind: 'lift', status: 'proposed', runId: 'run0000000001' });
    expect(t.case.plan!.sources.map((s) => [s.source, s.status])).toEqual([
      ['accounts', 'pending'],
      ['billing', 'pending'],
    ]);
    expect(t.case.restriction!.lift!.planId).toBe(LIFT);
    expect(t.entry).toMatchObject({ action: 'RestrictionLiftProposed', detail: { planId: LIFT, lines: 2, replaces: RESTRICTING } });

    // Belt and braces: an announcement replaced since the plan was made refuses its approval.
    const replaced = announceRestrictionLift(
      t.case,
      { ground: 'other', reason: 'Later.', liftFrom: '2026-12-20', letter: 'l2' },
      { at: '2026-12-02T13:30:00Z', actor: DPO },
    ).case;
    expect(() => approvePlan(replaced, LIFT, { at: '2026-12-02T14:00:00Z', actor: DPO })).toThrow(/earlier announcement/);

    const done = execute(t.case, LIFT, '2026-12-02T14:00:00Z');
    expect(done.status).toBe('closed');
    expect(done.plan!.status).toBe('executed');
    expect(done.restriction!.lift!.liftedAt).toBe('2026-12-02T14:00:00Z');
    expect(restrictionInForce(done)).toBe(false);
    // A lift plan does not put a new restriction in force, and erases nothing: no verification.
    expect(done.restriction!.plans.map((p) => p.planId)).toEqual([RESTRICTING]);
    expect(done.plan!.verification).toBeUndefined();
    const owed = outboxOf(done).filter((e) => e.createdAt === '2026-12-02T14:00:00Z');
    expect(owed.map((e) => e.id).sort()).toEqual([`art19:${LIFT}:kashflow`, liftedLetterId(LIFT)].sort());
    expect(owed.find((e) => e.id === liftedLetterId(LIFT))!.params).toEqual({ letter: 'restriction-lifted', liftedOn: '2026-12-02', records: 2 });
    const notice = noticeFromParams(owed.find((e) => e.kind === 'recipient-notice')!.params!);
    expect(notice.records).toEqual({ lift: 1 });
    expect(notice.instructions).toEqual(['Lift the restriction on billing contact BC-1001-01 (account ACC-1001): it may be used again as before.']);
  });

  it('a closed case refuses an ordinary plan’s approval and retry, but retries a failed lift plan', () => {
    const told = announced(restrictedAndClosed(), '2026-12-02');
    const proposed = proposeLiftPlan(told, liftInput(), { at: '2026-12-02T13:00:00Z', actor: DPO }).case;
    let c = approvePlan(proposed, LIFT, { at: '2026-12-02T13:00:00Z', actor: DPO }).case;
    c = startExecution(c, LIFT, '2026-12-02T13:00:00Z').step!.case;
    c = recordSourceExecution(c, LIFT, 'accounts', { status: 'failed', failure: 'SourceWriteError: x' }, '2026-12-02T13:01:00Z')!.case;
    c = finishExecution(c, LIFT, '2026-12-02T13:01:00Z')!.case;
    expect(c.plan!.status).toBe('failed');
    expect(c.restriction!.lift!.liftedAt).toBeUndefined();
    expect(retryPlan(c, LIFT, { at: '2026-12-02T13:05:00Z', actor: DPO }).case.plan!.status).toBe('approved');
    const { kind: _lift, ...plain } = c.plan!;
    const ordinary: Case = { ...c, plan: plain };
    expect(() => retryPlan(ordinary, LIFT, { at: '2026-12-02T13:05:00Z', actor: DPO })).toThrow(/closed/);
    expect(() => approvePlan({ ...ordinary, plan: { ...ordinary.plan!, status: 'proposed' } }, LIFT, { at: '2026-12-02T13:05:00Z', actor: DPO })).toThrow(
      /closed/,
    );
  });
});

describe('fulfilmentActions: what the desk and the API offer on a restricted case', () => {
  it('follows the lifting’s steps on the closed case: announce; once the letter is sent and the date has come, lift; then approve; nothing once lifted', () => {
    const c = restrictedAndClosed();
    // Closed: nothing to search or plan; the restriction can be announced, not yet lifted.
    expect(fulfilmentActions(c, '2026-12-02')).toEqual(['announce-restriction-lift']);
    const unsent = announced(c, '2026-12-02', '2026-12-02T12:00:00Z', false);
    expect(fulfilmentActions(unsent, '2026-12-02')).toEqual(['announce-restriction-lift']);
    const told = announced(c, '2026-12-09');
    expect(fulfilmentActions(told, '2026-12-08')).toEqual(['announce-restriction-lift']);
    expect(fulfilmentActions(told, '2026-12-09')).toEqual(['announce-restriction-lift', 'lift-restriction']);
    const proposed = proposeLiftPlan(announced(c, '2026-12-02'), liftInput(), { at: '2026-12-02T13:00:00Z', actor: DPO }).case;
    expect(fulfilmentActions(proposed, '2026-12-02')).toEqual(['approve-plan', 'announce-restriction-lift', 'lift-restriction']);
    const approved = approvePlan(proposed, LIFT, { at: '2026-12-02T13:01:00Z', actor: DPO }).case;
    expect(fulfilmentActions(approved, '2026-12-02')).toEqual(['execute-plan']);
    expect(fulfilmentActions(execute(proposed, LIFT, '2026-12-02T13:05:00Z'), '2026-12-02')).toEqual([]);
  });

  it('offers the search, the manual search, the plan and its approval on an open case as each becomes possible', () => {
    let c = receive({
      id: '01KAQ3V6Y8ZJ4N7R2M5T9W8XCE',
      reference: 'RD-7K4M9Q',
      rights: ['erasure'],
      channel: 'email',
      requester: { fullName: 'Dee Example', email: 'dee@example.org' },
      receivedAt: '2026-12-01T09:15:00Z',
      actor: 'requester',
    }).case;
    c = confirmIdentity(c, { at: '2026-12-01T10:00:00Z', actor: DPO }).case;
    expect(fulfilmentActions(c, '2026-12-02')).toEqual(['search']);
    c = startSearch(
      c,
      {
        runId: 'run0000000002',
        registerVersion: ICETRAK_REGISTER.version,
        identifiers: { emails: ['dee@example.org'], phones: [], accountIds: [] },
        sources: [{ source: 'support-files', kind: 'manual', identifiers: [{ kind: 'email', value: 'dee@example.org' }] }],
      },
      { at: '2026-12-02T10:00:00Z', actor: DPO },
    ).case;
    expect(fulfilmentActions(c, '2026-12-02')).toEqual(['search', 'record-manual-search']);
    c = recordManualSearch(c, { source: 'support-files', outcome: 'nothing-found' }, { at: '2026-12-02T10:01:00Z', actor: DPO }).case;
    c = finishSearch(c, 'run0000000002', '2026-12-02T10:02:00Z')!.case;
    expect(fulfilmentActions(c, '2026-12-02')).toEqual(['search', 'mark-third-party', 'plan']);
    const erase = [line({ source: 'accounts', recordType: 'account_user', key: 'USR-1003-01', action: 'erase', accountId: 'ACC-1003' })];
    c = proposePlan(c, planInput('plan0000000erase', erase), { at: '2026-12-02T10:05:00Z', actor: DPO }).case;
    expect(fulfilmentActions(c, '2026-12-02')).toEqual(['search', 'mark-third-party', 'plan', 'approve-plan']);
    // A complaint is never searched nor planned.
    expect(fulfilmentActions({ ...c, rights: ['complaint'], plan: undefined, search: undefined }, '2026-12-02')).toEqual([]);
  });
});

describe('a lift plan with a manual source', () => {
  it('waits for staff to confirm the mark was lifted by hand, on the closed case; then the restriction is lifted and the requester’s letter owed', () => {
    const manual = line({ source: 'support-files', recordType: 'file', key: 'support-files:note', action: 'restrict' });
    const kinds = { ...KINDS, 'support-files': 'manual' } as const;
    const c = announced(restrictedAndClosed(), '2026-12-02');
    const lines = liftLines([[...RESTRICT_LINES, manual]]);
    expect(lines.map((l) => l.source)).toEqual(['accounts', 'billing', 'support-files']);
    const at = { at: '2026-12-02T13:00:00Z', actor: DPO };
    let next = proposeLiftPlan(c, { ...planInput(LIFT, lines), kinds, runId: 'run0000000001' }, at).case;
    next = approvePlan(next, LIFT, at).case;
    const begun = startExecution(next, LIFT, at.at);
    expect(begun.start.sources).toEqual(['accounts', 'billing']);
    next = begun.step!.case;
    for (const source of begun.start.sources) next = recordSourceExecution(next, LIFT, source, { status: 'done', applied: { lift: 1 } }, at.at)!.case;
    next = finishExecution(next, LIFT, at.at)!.case;
    expect(next.plan!.status).toBe('executing');
    expect(next.plan!.sources.find((s) => s.source === 'support-files')!.status).toBe('awaiting-staff');
    expect(next.restriction!.lift!.liftedAt).toBeUndefined();
    expect(fulfilmentActions(next, '2026-12-02')).toEqual(['confirm-manual-execution']);
    const done = confirmManualExecution(next, { planId: LIFT, source: 'support-files' }, { at: NEXT_DAY, actor: DPO }).case;
    expect(done.status).toBe('closed');
    expect(done.plan).toMatchObject({ status: 'executed', executedAt: NEXT_DAY });
    expect(done.restriction!.lift!.liftedAt).toBe(NEXT_DAY);
    expect(outboxOf(done).map((e) => e.id)).toContain(liftedLetterId(LIFT));
  });
});
