/** The change plan's pure transitions (issue 15): propose, approve, execute per source, finish, manual confirmation, verification. */
import { describe, expect, it } from 'vitest';
import type { Actor, Case } from '#domain/case';
import { InvalidTransitionError, SearchNotFinishedError } from '#domain/errors';
import { confirmIdentity, receive, type ReceiveInput } from '#domain/lifecycle';
import { outboxOf } from '#domain/outbox';
import type { PlanGroup, PlanLine } from '#domain/plan';
import {
  NOT_APPLIED,
  approvePlan,
  confirmManualExecution,
  finishExecution,
  finishVerification,
  isApiNotice,
  needsVerification,
  noticeFromParams,
  noticeId,
  planBlocksClosing,
  plannedNotices,
  proposePlan,
  recordSourceExecution,
  remainingErased,
  retryPlan,
  startExecution,
  startVerification,
  type ProposePlanInput,
} from '#domain/plan-execution';
import { finishSearch, startSearch } from '#domain/search';
import { ICETRAK_REGISTER } from '#shared/fulfilment/icetrak-register';
import { parseRegister } from '#domain/register';

const DPO: Actor = 'staff:dpo@icetrak.net';
const AT = '2026-12-02T10:00:00Z';
const LATER = '2026-12-02T10:05:00Z';
const PLAN = 'plan000000001';

const intake = (over: Partial<ReceiveInput> = {}): ReceiveInput => ({
  id: '01KAQ3V6Y8ZJ4N7R2M5T9W8XCD',
  reference: 'RD-7K4M9P',
  rights: ['erasure'],
  channel: 'email',
  requester: { fullName: 'Ben Example', email: 'ben@example.org' },
  receivedAt: '2026-12-01T09:15:00Z',
  actor: 'requester',
  ...over,
});

/** An open erasure case whose search has finished. */
function searched(over: Partial<ReceiveInput> = {}): Case {
  const c = confirmIdentity(receive(intake(over)).case, { at: '2026-12-01T10:00:00Z', actor: DPO }).case;
  const s = startSearch(
    c,
    {
      runId: 'run0000000001',
      registerVersion: ICETRAK_REGISTER.version,
      identifiers: { emails: ['ben@example.org'], phones: [], accountIds: [] },
      sources: [
        { source: 'accounts', kind: 'sql', identifiers: [{ kind: 'email', value: 'ben@example.org' }] },
        { source: 'billing', kind: 'sql', identifiers: [{ kind: 'email', value: 'ben@example.org' }] },
      ],
    },
    { at: AT, actor: DPO },
  ).case;
  return finishSearch(s, 'run0000000001', AT)!.case;
}

const line = (over: Partial<PlanLine> & Pick<PlanLine, 'source' | 'recordType' | 'key' | 'action'>): PlanLine => ({
  recordId: `${over.source}:${over.recordType}:${over.key}`,
  reason: 'because',
  ...over,
});

const LINES: PlanLine[] = [
  line({ source: 'accounts', recordType: 'account_user', key: '7', action: 'erase', accountId: 'ACC-1003' }),
  line({ source: 'accounts', recordType: 'account', key: 'ACC-1002', action: 'keep', ground: 'legal-obligation', keptUntil: '2030-06-30' }),
  line({ source: 'billing', recordType: 'billing_contact', key: '22', action: 'erase', accountId: 'ACC-1003', recipients: ['kashflow'] }),
  line({ source: 'support-files', recordType: 'manual_note', key: 'r1', action: 'erase' }),
  line({ source: 'rightsdesk', recordType: 'case', key: 'RD-AAAAAA', action: 'keep', ground: 'request-record' }),
];
const GROUPS: PlanGroup[] = [
  { source: 'accounts', recordType: 'account_user', action: 'erase', count: 1 },
  { source: 'accounts', recordType: 'account', action: 'keep', ground: 'legal-obligation', keptUntil: '2030-06-30', count: 1 },
  { source: 'billing', recordType: 'billing_contact', action: 'erase', count: 1 },
  { source: 'support-files', recordType: 'manual_note', action: 'erase', count: 1 },
  { source: 'rightsdesk', recordType: 'case', action: 'keep', ground: 'request-record', count: 1 },
];
const input = (over: Partial<ProposePlanInput> = {}): ProposePlanInput => ({
  planId: PLAN,
  registerVersion: ICETRAK_REGISTER.version,
  lines: LINES,
  groups: GROUPS,
  kinds: { accounts: 'sql', billing: 'sql', 'support-files': 'manual', rightsdesk: 'rightsdesk' },
  register: ICETRAK_REGISTER,
  ...over,
});

const proposed = (c = searched()) => proposePlan(c, input(), { at: AT, actor: DPO }).case;
const approved = () => approvePlan(proposed(), PLAN, { at: AT, actor: DPO }).case;
const executing = () => startExecution(approved(), PLAN, AT).step!.case;
const statusOf = (c: Case) => Object.fromEntries(c.plan!.sources.map((s) => [s.source, s.status]));

describe('proposePlan', () => {
  it('puts the plan on the case: groups, one execution per source (nothing to do where nothing changes), the Art. 19 notices it implies', () => {
    const t = proposePlan(searched(), input(), { at: AT, actor: DPO });
    expect(t.case.plan).toMatchObject({
      planId: PLAN,
      runId: 'run0000000001',
      status: 'proposed',
      proposedBy: DPO,
      linesKey: `plans/${t.case.id}/${PLAN}.json`,
    });
    expect(statusOf(t.case)).toEqual({ accounts: 'pending', billing: 'pending', 'support-files': 'pending', rightsdesk: 'nothing-to-do' });
    expect(t.case.plan!.sources.find((s) => s.source === 'support-files')!.manual).toBe(true);
    expect(t.case.plan!.recipients).toEqual([
      {
        recipient: 'kashflow',
        name: expect.any(String),
        noticeEmail: 'support@kashflow.example',
        records: { erase: 1 },
        instructions: ['Erase billing contact 22 (account ACC-1003).'],
        more: 0,
      },
    ]);
    expect(t.entry).toMatchObject({ action: 'PlanProposed', detail: { planId: PLAN, lines: 5, erase: 3, keep: 2 } });
  });

  it('refuses without a finished search, for a request that changes nothing, and while a plan is executing', () => {
    const c = searched();
    expect(() => proposePlan({ ...c, search: { ...c.search!, finishedAt: undefined } }, input(), { at: AT, actor: DPO })).toThrow(SearchNotFinishedError);
    expect(() => proposePlan(searched({ rights: ['access'] }), input(), { at: AT, actor: DPO })).toThrow(InvalidTransitionError);
    expect(() => proposePlan(approved(), input({ planId: 'plan000000002' }), { at: AT, actor: DPO })).toThrow(/being executed/);
    expect(() => proposePlan(executing(), input({ planId: 'plan000000002' }), { at: AT, actor: DPO })).toThrow(/being executed/);
  });

  it('replaces a proposed plan, and a failed one', () => {
    const again = proposePlan(proposed(), input({ planId: 'plan000000002' }), { at: LATER, actor: DPO });
    expect(again.case.plan!.planId).toBe('plan000000002');
    expect(again.entry.detail).toMatchObject({ replaces: PLAN });
  });

  it('tells only recipients of records erased, rectified or restricted', () => {
    const kept = [line({ source: 'billing', recordType: 'invoice', key: '9', action: 'keep', ground: 'legal-obligation', recipients: ['kashflow'] })];
    expect(plannedNotices(kept, ICETRAK_REGISTER.recipients)).toEqual([]);
    const rect = [
      line({
        source: 'billing',
        recordType: 'billing_contact',
        key: '5',
        action: 'rectify',
        field: 'name',
        from: 'Ada L',
        to: 'Ada King',
        recipients: ['kashflow'],
      }),
    ];
    expect(plannedNotices(rect, ICETRAK_REGISTER.recipients)[0]!.instructions).toEqual([
      'Correct billing contact 5: name is now "Ada King" (was "Ada L").',
    ]);
  });
});

describe('approvePlan', () => {
  it('a member of staff approves the plan they reviewed; nothing else changes', () => {
    const t = approvePlan(proposed(), PLAN, { at: LATER, actor: DPO });
    expect(t.case.plan).toMatchObject({ status: 'approved', approvedBy: DPO, approvedAt: LATER, attempt: 1 });
    expect(statusOf(t.case)).toEqual(statusOf(proposed()));
    expect(t.entry.action).toBe('PlanApproved');
  });

  it('refuses a replaced plan, the system, and a plan already approved', () => {
    expect(() => approvePlan(proposed(), 'plan000000009', { at: LATER, actor: DPO })).toThrow(/replaced/);
    expect(() => approvePlan(proposed(), PLAN, { at: LATER, actor: 'system' })).toThrow(InvalidTransitionError);
    expect(() => approvePlan(approved(), PLAN, { at: LATER, actor: DPO })).toThrow(/only a proposed plan/);
  });
});

describe('execution', () => {
  it('Begin runs the approved plan: its automatic sources running, the manual one waiting for staff; a retried Begin writes nothing', () => {
    const { step, start } = startExecution(approved(), PLAN, AT);
    expect(start).toEqual({ current: true, sources: ['accounts', 'billing'] });
    expect(statusOf(step!.case)).toEqual({ accounts: 'running', billing: 'running', 'support-files': 'awaiting-staff', rightsdesk: 'nothing-to-do' });
    const again = startExecution(step!.case, PLAN, LATER);
    expect(again.step).toBeUndefined();
    expect(again.start).toEqual({ current: true, sources: ['accounts', 'billing'] });
    expect(startExecution(proposed(), PLAN, AT)).toEqual({ start: { current: false, sources: [] } });
    expect(startExecution(approved(), 'plan000000009', AT).start.current).toBe(false);
  });

  it('records each source once', () => {
    const once = recordSourceExecution(executing(), PLAN, 'accounts', { status: 'done', applied: { erase: 1 } }, LATER)!;
    expect(once.case.plan!.sources.find((s) => s.source === 'accounts')).toMatchObject({ status: 'done', applied: { erase: 1 } });
    expect(recordSourceExecution(once.case, PLAN, 'accounts', { status: 'failed', failure: 'X' }, LATER)).toBeUndefined();
    expect(recordSourceExecution(once.case, 'plan000000009', 'billing', { status: 'done', applied: {} }, LATER)).toBeUndefined();
  });

  it('a failed source fails the plan: nothing is reported done, no notice is owed; executed again, only the failed source runs', () => {
    let c = recordSourceExecution(executing(), PLAN, 'accounts', { status: 'done', applied: { erase: 1 } }, LATER)!.case;
    c = recordSourceExecution(c, PLAN, 'billing', { status: 'failed', failure: 'SqlWriteError: the write failed' }, LATER)!.case;
    const failed = finishExecution(c, PLAN, LATER)!;
    expect(failed.case.plan!.status).toBe('failed');
    expect(failed.case.plan!.executedAt).toBeUndefined();
    expect(outboxOf(failed.case)).toEqual([]);
    expect(failed.entry).toMatchObject({ action: 'PlanExecutionFailed', detail: { failed: 'billing' } });
    expect(planBlocksClosing(failed.case)).toMatch(/execute it again/);

    const retried = retryPlan(failed.case, PLAN, { at: LATER, actor: DPO }).case;
    expect(retried.plan).toMatchObject({ status: 'approved', attempt: 2 });
    const { start } = startExecution(retried, PLAN, LATER);
    expect(start.sources).toEqual(['billing']);
  });

  it('a source left running when the workflow finishes is failed as not recorded', () => {
    const done = finishExecution(executing(), PLAN, LATER)!;
    expect(done.case.plan!.status).toBe('failed');
    expect(done.case.plan!.sources.find((s) => s.source === 'accounts')!.failure).toBe(NOT_APPLIED);
  });

  it('waits for the manual source; its confirmation executes the plan and owes the recipients’ notices once', () => {
    let c = recordSourceExecution(executing(), PLAN, 'accounts', { status: 'done', applied: { erase: 1 } }, LATER)!.case;
    c = recordSourceExecution(c, PLAN, 'billing', { status: 'done', applied: { erase: 1 } }, LATER)!.case;
    const waiting = finishExecution(c, PLAN, LATER)!;
    expect(waiting.case.plan!.status).toBe('executing');
    expect(waiting.entry.action).toBe('PlanAwaitingManualExecution');
    expect(planBlocksClosing(waiting.case)).toBeDefined();
    expect(() => confirmManualExecution(waiting.case, { planId: PLAN, source: 'accounts' }, { at: LATER, actor: DPO })).toThrow(InvalidTransitionError);
    const done = confirmManualExecution(waiting.case, { planId: PLAN, source: 'support-files' }, { at: LATER, actor: DPO });
    expect(done.case.plan).toMatchObject({ status: 'executed', executedAt: LATER });
    expect(done.case.plan!.sources.find((s) => s.source === 'support-files')).toMatchObject({ status: 'done', confirmedBy: DPO });
    const mail = outboxOf(done.case);
    expect(mail.map((m) => [m.id, m.kind, m.to])).toEqual([[noticeId(PLAN, 'kashflow'), 'recipient-notice', 'organisation']]);
    expect(noticeFromParams(mail[0]!.params!)).toEqual(done.case.plan!.recipients![0]);
    expect(done.case.plan!.notices).toEqual([
      { recipient: 'kashflow', name: expect.any(String), outboxId: noticeId(PLAN, 'kashflow'), at: LATER, records: { erase: 1 } },
    ]);
    expect(planBlocksClosing(done.case)).toBeUndefined();
    expect(() => confirmManualExecution(done.case, { planId: PLAN, source: 'support-files' }, { at: LATER, actor: DPO })).toThrow(InvalidTransitionError);
  });

  it('a recipient with an API is owed its notice by API in the same write that executes the plan: ids and corrected values, never the old value', () => {
    const register = parseRegister({
      ...ICETRAK_REGISTER,
      recipients: ICETRAK_REGISTER.recipients.map((r) => ({
        ...r,
        noticeEmail: undefined,
        noticeApi: { url: 'https://api.kashflow.example/art19', tokenSecret: 'rightsdesk/recipients/kashflow' },
      })),
    });
    const lines = [
      ...LINES.filter((l) => l.source !== 'support-files'),
      line({
        source: 'billing',
        recordType: 'billing_contact',
        key: '23',
        action: 'rectify',
        field: 'full_name',
        from: 'Ada Lovelace',
        to: 'Ada King',
        accountId: 'ACC-1001',
        recipients: ['kashflow'],
      }),
    ];
    const plan = input({ register, lines, groups: GROUPS.filter((g) => g.source !== 'support-files') });
    let c = approvePlan(proposePlan(searched(), plan, { at: AT, actor: DPO }).case, PLAN, { at: AT, actor: DPO }).case;
    c = startExecution(c, PLAN, AT).step!.case;
    expect(outboxOf(c)).toEqual([]); // nothing owed before the plan is executed
    for (const s of ['accounts', 'billing']) c = recordSourceExecution(c, PLAN, s, { status: 'done', applied: { erase: 1 } }, LATER)!.case;
    const done = finishExecution(c, PLAN, LATER)!.case;
    const [mail, ...others] = outboxOf(done);
    expect(others).toEqual([]);
    expect(mail).toMatchObject({ id: noticeId(PLAN, 'kashflow'), kind: 'recipient-notice', to: 'organisation' });
    expect(isApiNotice(mail!)).toBe(true);
    const notice = noticeFromParams(mail!.params!);
    expect(notice).toEqual(done.plan!.recipients![0]);
    expect(notice.noticeEmail).toBeUndefined();
    expect(notice.noticeApi).toEqual({ url: 'https://api.kashflow.example/art19', tokenSecret: 'rightsdesk/recipients/kashflow' });
    expect(notice.changes).toEqual([
      { action: 'erase', recordType: 'billing_contact', key: '22', accountId: 'ACC-1003' },
      { action: 'rectify', recordType: 'billing_contact', key: '23', accountId: 'ACC-1001', field: 'full_name', to: 'Ada King' },
    ]);
    expect(JSON.stringify(notice.changes)).not.toContain('Lovelace');
    expect(done.plan!.notices).toEqual([expect.objectContaining({ recipient: 'kashflow', outboxId: noticeId(PLAN, 'kashflow') })]);
    // An email recipient's entry is not an API notice.
    expect(isApiNotice({ kind: 'recipient-notice', params: { address: 'support@kashflow.example' } })).toBe(false);
  });

  it('a plan without manual sources is executed by Finish; a second Finish writes nothing', () => {
    const plan = input({ lines: LINES.filter((l) => l.source !== 'support-files'), groups: GROUPS.filter((g) => g.source !== 'support-files') });
    let c = proposePlan(searched(), plan, { at: AT, actor: DPO }).case;
    c = approvePlan(c, PLAN, { at: AT, actor: DPO }).case;
    c = startExecution(c, PLAN, AT).step!.case;
    for (const s of ['accounts', 'billing']) c = recordSourceExecution(c, PLAN, s, { status: 'done', applied: { erase: 1 } }, LATER)!.case;
    const done = finishExecution(c, PLAN, LATER)!;
    expect(done.case.plan!.status).toBe('executed');
    expect(done.entry).toMatchObject({ action: 'PlanExecuted', detail: { notices: 1 } });
    expect(finishExecution(done.case, PLAN, LATER)).toBeUndefined();
    expect(needsVerification(done.case.plan)).toBe(true);
  });
});

describe('verification', () => {
  const executedCase = () => {
    let c = recordSourceExecution(executing(), PLAN, 'accounts', { status: 'done', applied: { erase: 1 } }, LATER)!.case;
    c = recordSourceExecution(c, PLAN, 'billing', { status: 'done', applied: { erase: 1 } }, LATER)!.case;
    c = finishExecution(c, PLAN, LATER)!.case;
    return confirmManualExecution(c, { planId: PLAN, source: 'support-files' }, { at: LATER, actor: DPO }).case;
  };

  it('verified when the run finds none of the erased records; once', () => {
    const c = startVerification(executedCase(), PLAN, 'run0000000002', LATER).case;
    expect(needsVerification(c.plan)).toBe(false);
    const v = finishVerification(c, 'run0000000002', { remaining: 0, unsearched: [] }, LATER)!;
    expect(v.case.plan).toMatchObject({ status: 'verified', verification: { runId: 'run0000000002', remaining: 0, finishedAt: LATER } });
    expect(finishVerification(v.case, 'run0000000002', { remaining: 0, unsearched: [] }, LATER)).toBeUndefined();
    expect(finishVerification(c, 'run0000000009', { remaining: 0, unsearched: [] }, LATER)).toBeUndefined();
  });

  it('verification-failed when an erased record is still found, or a source could not be searched', () => {
    const c = startVerification(executedCase(), PLAN, 'run0000000002', LATER).case;
    const found = new Set(['billing:billing_contact:22', 'accounts:account:ACC-1002']);
    expect(remainingErased(LINES, found)).toEqual(['billing:billing_contact:22']);
    expect(finishVerification(c, 'run0000000002', { remaining: 1, unsearched: [] }, LATER)!.case.plan!.status).toBe('verification-failed');
    const v = finishVerification(c, 'run0000000002', { remaining: 0, unsearched: ['billing'] }, LATER)!;
    expect(v.case.plan).toMatchObject({ status: 'verification-failed', verification: { unsearched: ['billing'] } });
  });
});
