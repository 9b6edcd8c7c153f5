/** Processor requests (issue 15): who a request is forwarded to from the search, and whether Icetrak's own part remains. */
import { describe, expect, it } from 'vitest';
import type { Actor, Case } from '#domain/case';
import { MissingControllerError, SearchNotFinishedError } from '#domain/errors';
import {
  forwardMailId,
  forwardTargets,
  forwardToCustomers,
  icetrakPartRemains,
  notYetForwarded,
  phoneNumbersIn,
  searchesAtIntake,
} from '#domain/forwarding';
import { confirmIdentity, receive } from '#domain/lifecycle';
import { mailEntry } from '#domain/outbox';
import { finishSearch, recordSourceResult, startSearch, type FoundRecord, type MatchedCustomer, type SourceResult } from '#domain/search';
import { ICETRAK_REGISTER } from '#shared/fulfilment/icetrak-register';

const DPO: Actor = 'staff:dpo@icetrak.net';
const AT = '2026-12-02T10:00:00Z';
const RUN = 'run0000000001';
const MALVERN: MatchedCustomer = { accountId: 'ACC-1001', name: 'Malvern Dental Practice', records: 5, privacyContact: 'privacy@malverndental.example' };
const TAXIS: MatchedCustomer = { accountId: 'ACC-1002', name: 'Worcester Taxis', records: 3, privacyContact: 'DPO@worcestertaxis.example' };

function cara(): Case {
  const received = receive({
    id: '01KAQ3V6Y8ZJ4N7R2M5T9W8XCD',
    reference: 'RD-7K4M9P',
    rights: ['access', 'erasure'],
    channel: 'form',
    requester: { fullName: 'Cara Jones', email: 'cara@example.org', phone: '07700 900456', relationship: 'message-recipient' },
    receivedAt: '2026-12-01T09:15:00Z',
    actor: 'requester',
  }).case;
  return confirmIdentity(received, { at: '2026-12-01T10:00:00Z', actor: DPO }).case;
}

type Results = Partial<Record<'accounts' | 'billing' | 'traffic' | 'rightsdesk', SourceResult>>;
const NOTHING: SourceResult = { status: 'done', recordCount: 0 };

/** Cara's case after a search with these results (the rest found nothing); support-files searched by hand unless `manualPending`. */
function searched(results: Results, opts: { finish?: boolean; manualPending?: boolean } = {}): Case {
  const email = [{ kind: 'email' as const, value: 'cara@example.org' }];
  const phone = [{ kind: 'phone' as const, value: '+447700900456' }];
  let c = startSearch(
    cara(),
    {
      runId: RUN,
      registerVersion: ICETRAK_REGISTER.version,
      identifiers: { emails: ['cara@example.org'], phones: ['+447700900456'], accountIds: [] },
      sources: [
        { source: 'accounts', kind: 'sql', identifiers: [...email, ...phone] },
        { source: 'billing', kind: 'sql', identifiers: [...email, ...phone] },
        { source: 'traffic', kind: 'traffic', identifiers: phone },
        { source: 'rightsdesk', kind: 'rightsdesk', identifiers: email },
        { source: 'support-files', kind: 'manual', identifiers: email },
      ],
    },
    { at: AT, actor: 'system' },
  ).case;
  for (const source of ['accounts', 'billing', 'traffic', 'rightsdesk'] as const) {
    c = recordSourceResult(c, RUN, source, results[source] ?? NOTHING, AT)!.case;
  }
  if (!opts.manualPending) {
    c = {
      ...c,
      search: { ...c.search!, sources: c.search!.sources.map((s) => (s.source === 'support-files' ? { ...s, status: 'done', recordCount: 0 } : s)) },
    };
  }
  return opts.finish === false ? c : finishSearch(c, RUN, AT)!.case;
}

const traffic = (...customers: MatchedCustomer[]): SourceResult => ({
  status: 'done',
  recordCount: customers.reduce((n, x) => n + x.records, 0),
  customers,
});

const ownRecord = (c: Case): FoundRecord => ({
  id: `rightsdesk:case:${c.reference}`,
  source: 'rightsdesk',
  recordType: 'case',
  key: c.reference,
  role: 'controller',
  matchedBy: 'email',
  providedByPerson: true,
  fields: { reference: c.reference },
});

describe('forwardTargets', () => {
  it('names each customer whose traffic matched, with its privacy contact and the phone numbers searched', () => {
    expect(forwardTargets(searched({ traffic: traffic(TAXIS, MALVERN) }), ICETRAK_REGISTER)).toEqual([
      { accountId: 'ACC-1001', name: 'Malvern Dental Practice', contact: 'privacy@malverndental.example', records: 5, phones: ['+447700900456'] },
      { accountId: 'ACC-1002', name: 'Worcester Taxis', contact: 'dpo@worcestertaxis.example', records: 3, phones: ['+447700900456'] },
    ]);
  });

  it('waits for the search to finish', () => {
    expect(() => forwardTargets(searched({ traffic: traffic(MALVERN) }, { finish: false }), ICETRAK_REGISTER)).toThrow(SearchNotFinishedError);
    expect(() => forwardTargets(cara(), ICETRAK_REGISTER)).toThrow(SearchNotFinishedError);
  });

  it('refuses when no customer’s traffic matched, or a customer has no privacy contact (forward by hand instead)', () => {
    expect(() => forwardTargets(searched({ traffic: traffic() }), ICETRAK_REGISTER)).toThrow(MissingControllerError);
    const { privacyContact: _none, ...noContact } = MALVERN;
    expect(() => forwardTargets(searched({ traffic: traffic(noContact) }), ICETRAK_REGISTER)).toThrow(/no privacy contact for Malvern Dental Practice/);
  });

  it('ignores customers a controller source might name: only processor sources are forwarded', () => {
    const c = searched({ traffic: traffic(MALVERN), accounts: { status: 'done', recordCount: 1, customers: [TAXIS] } });
    expect(forwardTargets(c, ICETRAK_REGISTER).map((t) => t.accountId)).toEqual(['ACC-1001']);
  });
});

describe('icetrakPartRemains', () => {
  const none = () => undefined;

  it('is false when only processor data was found and Rightsdesk’s records are of this request alone', () => {
    const c = searched({ traffic: traffic(MALVERN), rightsdesk: { status: 'done', recordCount: 1, resultKey: 'k' } });
    expect(icetrakPartRemains(c, ICETRAK_REGISTER, () => [ownRecord(c)])).toBe(false);
    expect(icetrakPartRemains(searched({ traffic: traffic(MALVERN) }), ICETRAK_REGISTER, none)).toBe(false);
  });

  it('is true when a controller source found records, or Rightsdesk holds an earlier request', () => {
    expect(icetrakPartRemains(searched({ traffic: traffic(MALVERN), billing: { status: 'done', recordCount: 2 } }), ICETRAK_REGISTER, none)).toBe(true);
    const c = searched({ traffic: traffic(MALVERN), rightsdesk: { status: 'done', recordCount: 2, resultKey: 'k' } });
    const earlier = { ...ownRecord(c), id: 'rightsdesk:case:RD-AAAAAA', key: 'RD-AAAAAA', fields: { reference: 'RD-AAAAAA' } };
    expect(icetrakPartRemains(c, ICETRAK_REGISTER, () => [ownRecord(c), earlier])).toBe(true);
    expect(icetrakPartRemains(c, ICETRAK_REGISTER, none)).toBe(true);
  });

  it('is true while a source’s result is unknown: failed, or a manual source not yet searched by hand', () => {
    expect(icetrakPartRemains(searched({ traffic: traffic(MALVERN), accounts: { status: 'failed', failure: 'x' } }), ICETRAK_REGISTER, none)).toBe(true);
    expect(icetrakPartRemains(searched({ traffic: traffic(MALVERN) }, { manualPending: true }), ICETRAK_REGISTER, none)).toBe(true);
  });
});

describe('forwardToCustomers', () => {
  const ctx = { at: '2026-12-02T11:00:00Z', actor: DPO };

  it('closes a processor-only request as forwarded, records each forward and owes one email per customer', () => {
    const c = searched({ traffic: traffic(MALVERN, TAXIS) });
    const t = forwardToCustomers(c, { targets: forwardTargets(c, ICETRAK_REGISTER), runId: RUN, icetrakPartRemains: false }, ctx);
    expect(t.case).toMatchObject({ status: 'closed', outcome: 'forwarded' });
    expect(t.case.forwards?.map((f) => [f.accountId, f.contact, f.mail, f.by])).toEqual([
      ['ACC-1001', 'privacy@malverndental.example', 'forward:ACC-1001', DPO],
      ['ACC-1002', 'dpo@worcestertaxis.example', 'forward:ACC-1002', DPO],
    ]);
    expect(mailEntry(t.case, forwardMailId('ACC-1001'))).toMatchObject({
      kind: 'customer-forward',
      to: 'customer',
      state: 'pending',
      params: { accountId: 'ACC-1001' },
    });
    expect(mailEntry(t.case, forwardMailId('ACC-1002'))).toMatchObject({ kind: 'customer-forward', to: 'customer', state: 'pending' });
    expect(t.entry).toMatchObject({
      action: 'ForwardedToController',
      actor: DPO,
      detail: { outcome: 'forwarded', customers: 2, accounts: 'ACC-1001,ACC-1002' },
    });
    // No requester data in the trail: account ids and counts only.
    expect(JSON.stringify(t.entry)).not.toMatch(/cara|900456|privacy@/i);
  });

  it('keeps a mixed request open for Icetrak’s part', () => {
    const c = searched({ traffic: traffic(MALVERN), billing: { status: 'done', recordCount: 2 } });
    const t = forwardToCustomers(c, { targets: forwardTargets(c, ICETRAK_REGISTER), runId: RUN, icetrakPartRemains: true }, ctx);
    expect(t.case.status).toBe('in_progress');
    expect(t.case.outcome).toBeUndefined();
    expect(t.entry.detail).toMatchObject({ icetrakPartRemains: true, customers: 1 });
  });

  it('forwards to nobody twice: a repeat goes only to customers a newer search added, and refuses when none is left', () => {
    const c = searched({ traffic: traffic(MALVERN), billing: { status: 'done', recordCount: 2 } });
    const once = forwardToCustomers(c, { targets: forwardTargets(c, ICETRAK_REGISTER), runId: RUN, icetrakPartRemains: true }, ctx).case;
    const targets = [
      ...forwardTargets(c, ICETRAK_REGISTER),
      { accountId: 'ACC-1002', name: 'Worcester Taxis', contact: 'dpo@worcestertaxis.example', records: 3, phones: [] },
    ];
    expect(notYetForwarded(once, targets).map((t) => t.accountId)).toEqual(['ACC-1002']);
    const twice = forwardToCustomers(once, { targets, runId: RUN, icetrakPartRemains: true }, ctx).case;
    expect(twice.forwards?.map((f) => f.accountId)).toEqual(['ACC-1001', 'ACC-1002']);
    expect(twice.outbox?.filter((e) => e.kind === 'customer-forward')).toHaveLength(2);
    expect(() => forwardToCustomers(twice, { targets, runId: RUN, icetrakPartRemains: true }, ctx)).toThrow(MissingControllerError);
  });
});

describe('searchesAtIntake and phoneNumbersIn (R20)', () => {
  it('reads UK numbers written from 0, +44 or 0044, and international ones written with + or 00, each once', () => {
    expect(phoneNumbersIn('Texts to 07700 900456, also +44 (0)7700 900457 and 0044 7700-900458; again 07700900456.')).toEqual([
      '+447700900456',
      '+447700900457',
      '+447700900458',
    ]);
    expect(phoneNumbersIn('My French mobile is +33 6 12 34 56 78 or 0033 6 12 34 56 79.')).toEqual(['+33612345678', '+33612345679']);
  });

  it('does not take dates, references, account ids or bare digit runs for phone numbers', () => {
    expect(phoneNumbersIn('Sent 2026-11-30 at 10:15, ref RD-7K4M9P, account ACC-1001, order 12345678901, invoice INV-000123, 07700 90')).toEqual([]);
  });

  it('searches a message recipient’s request, or an email’s, when there is a phone number to search by; never a complaint', () => {
    const c = cara();
    expect(searchesAtIntake(c)).toBe(true);
    expect(searchesAtIntake({ ...c, requester: { ...c.requester, phone: undefined } })).toBe(false);
    expect(searchesAtIntake({ ...c, requester: { ...c.requester, relationship: 'customer' } })).toBe(false);
    expect(searchesAtIntake({ ...c, channel: 'email', requester: { ...c.requester, relationship: undefined } })).toBe(true);
    expect(searchesAtIntake({ ...c, rights: ['complaint'] })).toBe(false);
  });
});
