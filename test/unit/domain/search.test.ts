/** The search's pure transitions (issue 14): identifiers of a case, start, per-source results, finish. */
import { describe, expect, it } from 'vitest';
import type { Actor, Case } from '#domain/case';
import { InvalidTransitionError, NotForComplaintsError } from '#domain/errors';
import { closeCase, confirmIdentity, receive, type ReceiveInput } from '#domain/lifecycle';
import {
  NOT_RECORDED,
  caseIdentifiers,
  finishSearch,
  isMarkField,
  markSince,
  recordMarks,
  recordSourceResult,
  startSearch,
  type PlannedSource,
  type StartSearchInput,
} from '#domain/search';

const DPO: Actor = 'staff:dpo@icetrak.net';
const AT = '2026-12-02T10:00:00Z';
const LATER = '2026-12-02T10:01:00Z';

const intake = (over: Partial<ReceiveInput> = {}): ReceiveInput => ({
  id: '01KAQ3V6Y8ZJ4N7R2M5T9W8XCD',
  reference: 'RD-7K4M9P',
  rights: ['access'],
  channel: 'email',
  requester: { fullName: 'Ada Lovelace', email: ' Ada@Example.ORG ', phone: '07700 900123', accountReference: 'acc-1001' },
  receivedAt: '2026-12-01T09:15:00Z',
  actor: 'requester',
  ...over,
});
const open = (over: Partial<ReceiveInput> = {}): Case => confirmIdentity(receive(intake(over)).case, { at: '2026-12-01T10:00:00Z', actor: DPO }).case;

const SOURCES: PlannedSource[] = [
  { source: 'accounts', kind: 'sql', identifiers: [{ kind: 'email', value: 'ada@example.org' }] },
  { source: 'traffic', kind: 'traffic', identifiers: [] },
  { source: 'rightsdesk', kind: 'rightsdesk', identifiers: [{ kind: 'email', value: 'ada@example.org' }] },
  { source: 'support-files', kind: 'manual', identifiers: [{ kind: 'email', value: 'ada@example.org' }] },
];
const input = (runId = 'run0000000001', over: Partial<StartSearchInput> = {}): StartSearchInput => ({
  runId,
  registerVersion: '2026-12-02.1',
  identifiers: { emails: ['ada@example.org'], phones: [], accountIds: [] },
  sources: SOURCES,
  ...over,
});
const started = (runId = 'run0000000001') => startSearch(open(), input(runId), { at: AT, actor: DPO }).case;

describe('caseIdentifiers', () => {
  it('normalises the requester’s email, phone and account reference', () => {
    expect(caseIdentifiers(open())).toEqual({ emails: ['ada@example.org'], phones: ['+447700900123'], accountIds: ['ACC-1001'] });
  });

  it('uses the email of the person a request is made for, never the agent’s own email or phone', () => {
    const c = open({
      requester: {
        fullName: 'Agent',
        email: 'agent@example.org',
        phone: '07700 900999',
        onBehalfOf: { fullName: 'Ben', email: 'BEN@example.org', capacity: 'power-of-attorney', authority: 'LPA' },
      },
    });
    expect(caseIdentifiers(c)).toEqual({ emails: ['ben@example.org'], phones: [], accountIds: [] });
  });

  it('leaves out what does not normalise (a postal requester, a free-text account reference)', () => {
    const c = open({ channel: 'post', requester: { fullName: 'Cara', email: '', phone: 'call me', accountReference: 'the dentist' } });
    expect(caseIdentifiers(c)).toEqual({ emails: [], phones: [], accountIds: [] });
  });
});

describe('startSearch', () => {
  it('opens a run: searchable sources running, a manual one awaiting staff, one nothing identifies not searched; counts in the audit only', () => {
    const t = startSearch(open(), input('run0000000001', { added: 1 }), { at: AT, actor: DPO });
    expect(t.case.search).toMatchObject({ runId: 'run0000000001', registerVersion: '2026-12-02.1', startedAt: AT, startedBy: DPO, redact: [] });
    expect(t.case.search!.sources.map((s) => [s.source, s.status])).toEqual([
      ['accounts', 'running'],
      ['traffic', 'not-searched'],
      ['rightsdesk', 'running'],
      ['support-files', 'awaiting-staff'],
    ]);
    expect(t.entry).toEqual({
      at: AT,
      actor: DPO,
      action: 'SearchStarted',
      detail: {
        runId: 'run0000000001',
        registerVersion: '2026-12-02.1',
        emails: 1,
        phones: 0,
        accountIds: 0,
        added: 1,
        searching: 2,
        awaitingStaff: 1,
        notSearched: 1,
      },
    });
    expect(JSON.stringify(t.entry)).not.toContain('ada@');
  });

  it('a re-run replaces the previous run’s results but keeps the records marked for redaction', () => {
    const first = started('run0000000001');
    const marked = { ...first, search: { ...first.search!, redact: ['accounts:account_user:17'] } };
    const done = recordSourceResult(marked, 'run0000000001', 'accounts', { status: 'done', recordCount: 3 }, LATER)!.case;
    const again = startSearch(done, input('run0000000002'), { at: LATER, actor: DPO }).case;
    expect(again.search!.runId).toBe('run0000000002');
    expect(again.search!.sources.find((s) => s.source === 'accounts')).toMatchObject({ status: 'running' });
    expect(again.search!.sources.find((s) => s.source === 'accounts')!.recordCount).toBeUndefined();
    expect(again.search!.redact).toEqual(['accounts:account_user:17']);
  });

  it('refuses a closed case, a complaint and a malformed run id, with the named errors', () => {
    const closed = closeCase(open(), { outcome: 'withdrawn', summary: { done: 'Withdrawn', systemsSearched: [] } }, { at: AT, actor: DPO }).case;
    expect(() => startSearch(closed, input(), { at: AT, actor: DPO })).toThrow(InvalidTransitionError);
    const complaint = open({ rights: ['complaint'] });
    expect(() => startSearch(complaint, input(), { at: AT, actor: DPO })).toThrow(NotForComplaintsError);
    expect(() => startSearch(open(), input('Run-1'), { at: AT, actor: DPO })).toThrow(InvalidTransitionError);
  });
});

describe('recordSourceResult', () => {
  it('records a source done with its count, key and matched customers', () => {
    const t = recordSourceResult(
      started(),
      'run0000000001',
      'accounts',
      {
        status: 'done',
        recordCount: 2,
        resultKey: 'searches/x/run0000000001/accounts.json',
        customers: [{ accountId: 'ACC-1001', name: 'M', records: 2 }],
      },
      LATER,
    )!;
    expect(t.case.search!.sources[0]).toMatchObject({
      status: 'done',
      recordCount: 2,
      resultKey: 'searches/x/run0000000001/accounts.json',
      finishedAt: LATER,
    });
    expect(t.case.search!.sources[0]!.customers).toHaveLength(1);
    expect(t.entry).toEqual({ at: LATER, actor: 'system', action: 'SourceSearched', detail: { runId: 'run0000000001', source: 'accounts', records: 2 } });
  });

  it('records a failure with its (personal-data-free) reason', () => {
    const t = recordSourceResult(started(), 'run0000000001', 'rightsdesk', { status: 'failed', failure: 'States.Timeout' }, LATER)!;
    expect(t.case.search!.sources[2]).toMatchObject({ status: 'failed', failure: 'States.Timeout' });
    expect(t.entry.action).toBe('SourceSearchFailed');
  });

  it('ignores a stale run, an unknown source, a source not running, and a retry after the result was written', () => {
    const c = started();
    expect(recordSourceResult(c, 'run0000000009', 'accounts', { status: 'done', recordCount: 1 }, LATER)).toBeUndefined();
    expect(recordSourceResult(c, 'run0000000001', 'nope', { status: 'done', recordCount: 1 }, LATER)).toBeUndefined();
    expect(recordSourceResult(c, 'run0000000001', 'support-files', { status: 'done', recordCount: 1 }, LATER)).toBeUndefined();
    const once = recordSourceResult(c, 'run0000000001', 'accounts', { status: 'done', recordCount: 1 }, LATER)!.case;
    expect(recordSourceResult(once, 'run0000000001', 'accounts', { status: 'done', recordCount: 1 }, LATER)).toBeUndefined();
    expect(recordSourceResult(once, 'run0000000001', 'accounts', { status: 'failed', failure: 'x' }, LATER)).toBeUndefined();
  });
});

describe('finishSearch', () => {
  it('stamps the run finished, fails a source left running, and counts the outcome', () => {
    const c = recordSourceResult(started(), 'run0000000001', 'accounts', { status: 'done', recordCount: 4 }, LATER)!.case;
    const t = finishSearch(c, 'run0000000001', LATER)!;
    expect(t.case.search!.finishedAt).toBe(LATER);
    expect(t.case.search!.sources[2]).toMatchObject({ status: 'failed', failure: NOT_RECORDED });
    expect(t.entry.detail).toEqual({ runId: 'run0000000001', done: 1, failed: 1, awaitingStaff: 1, notSearched: 1, records: 4 });
  });

  it('does nothing for a replaced run or one already finished', () => {
    const c = started();
    expect(finishSearch(c, 'run0000000002', LATER)).toBeUndefined();
    expect(finishSearch(finishSearch(c, 'run0000000001', LATER)!.case, 'run0000000001', LATER)).toBeUndefined();
  });
});

describe('recordMarks', () => {
  it('reads restricted_at and marketing_opt_out_at; null, empty or absent is no mark', () => {
    expect(recordMarks({ fields: { restricted_at: '2026-11-30T10:00:00.000Z', marketing_opt_out_at: null } })).toEqual({
      restrictedAt: '2026-11-30T10:00:00.000Z',
    });
    expect(recordMarks({ fields: { marketing_opt_out_at: '2026-11-30T10:00:00.000Z', restricted_at: '' } })).toEqual({
      marketingStoppedAt: '2026-11-30T10:00:00.000Z',
    });
    expect(recordMarks({ fields: { full_name: 'Ada' } })).toEqual({});
    expect(recordMarks({ fields: { restricted_at: 1 } })).toEqual({});
    expect(['restricted_at', 'marketing_opt_out_at', 'full_name'].map(isMarkField)).toEqual([true, true, false]);
  });

  it('dates a mark by London’s calendar (23:30 UTC in British Summer Time is the next day), and shows what is not an instant as it is', () => {
    expect(markSince('2026-06-30T23:30:00.000Z')).toBe('1 July 2026');
    expect(markSince('2026-11-30T23:30:00.000Z')).toBe('30 November 2026');
    expect(markSince('yesterday')).toBe('yesterday');
  });
});
