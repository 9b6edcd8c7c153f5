/**
 * The change plan's rules (issue 15): every keep ground, holds, processor lines, the 7-year rule
 * with its exact dates, rectification of a field shared with a recipient, restriction, objection,
 * and determinism. Plain inputs over Icetrak's own register.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computePlan, groupLines, longDate, planProblems, type PlanInput } from '#domain/plan-rules';
import { parseRegister, type Register } from '#domain/register';
import type { FoundRecord } from '#domain/search';
import { ICETRAK_REGISTER } from '#shared/fulfilment/icetrak-register';

const TODAY = '2026-12-02';

function rec(source: string, recordType: string, key: string, accountId: string | undefined, fields: FoundRecord['fields'] = {}): FoundRecord {
  const role = source === 'traffic' ? 'processor' : 'controller';
  return {
    id: `${source}:${recordType}:${key}`,
    source,
    recordType,
    key,
    ...(accountId !== undefined && { accountId }),
    role,
    matchedBy: 'email',
    providedByPerson: true,
    fields,
  };
}

const ACCOUNTS: PlanInput['accounts'] = [
  { accountId: 'ACC-1001', status: 'open', closedOn: null },
  { accountId: 'ACC-1002', status: 'closed', closedOn: '2023-06-30' },
  { accountId: 'ACC-1003', status: 'closed', closedOn: '2018-03-31' },
];

const input = (over: Partial<PlanInput>): PlanInput => ({
  rights: ['erasure'],
  register: ICETRAK_REGISTER,
  records: [],
  accounts: ACCOUNTS,
  accountHolds: [],
  corrections: [],
  objections: [],
  today: TODAY,
  ...over,
});

/** Ben: user of ACC-1002 (closed 2023-06-30), four sign-ins, a Rightsdesk case. */
const BEN = [
  rec('accounts', 'account_user', 'USR-1002-01', 'ACC-1002', { full_name: 'Ben Okafor', email: 'ben@example.org' }),
  ...[11, 12, 13, 14].map((k) => rec('accounts', 'sign_in', String(k), 'ACC-1002', { outcome: 'success' })),
  rec('rightsdesk', 'case', 'RD-ABC123', undefined, { reference: 'RD-ABC123' }),
];
/** Dee: user of ACC-1003 (closed 2018-03-31), three sign-ins. */
const DEE = [
  rec('accounts', 'account_user', 'USR-1003-01', 'ACC-1003', { full_name: 'Dee Patel' }),
  ...[21, 22, 23].map((k) => rec('accounts', 'sign_in', String(k), 'ACC-1003')),
];
/** Ada: user and billing contact of ACC-1001 (open), a sign-in, an invoice, SMS traffic as processor data. */
const ADA = [
  rec('accounts', 'account_user', 'USR-1001-01', 'ACC-1001', { full_name: 'Ada Lovelace', email: 'ada@example.org', phone: '+447700900123' }),
  rec('accounts', 'sign_in', '1', 'ACC-1001', { outcome: 'success' }),
  rec('billing', 'billing_contact', 'BC-1001-01', 'ACC-1001', {
    full_name: 'Ada Lovelace',
    email: 'ada@example.org',
    postal_address: '1 Example Terrace',
  }),
  rec('billing', 'invoice', 'INV-1001-202611', 'ACC-1001', { amount_pence: 4250 }),
  rec('traffic', 'message', 'm-1', 'ACC-1001', { recipient: '+447700900123' }),
];

const by = (lines: ReturnType<typeof computePlan>) => Object.fromEntries(lines.map((l) => [l.recordId, l]));

describe('erasure', () => {
  it('Ben: his ACC-1002 account user is kept until 30 June 2030 (legal obligation), his sign-ins are erased, his requests kept', () => {
    const lines = computePlan(input({ records: BEN }));
    const l = by(lines);
    expect(l['accounts:account_user:USR-1002-01']).toEqual({
      recordId: 'accounts:account_user:USR-1002-01',
      source: 'accounts',
      recordType: 'account_user',
      key: 'USR-1002-01',
      accountId: 'ACC-1002',
      action: 'keep',
      ground: 'legal-obligation',
      keptUntil: '2030-06-30',
      reason:
        'Kept until 30 June 2030: the law requires customer-account and billing records to be kept 7 years after the account closed (30 June 2023). It is deleted then.',
    });
    for (const k of [11, 12, 13, 14]) {
      expect(l[`accounts:sign_in:${k}`]).toMatchObject({ action: 'erase', reason: expect.stringMatching(/^Erased\. Sign-in records are security logs/) });
      expect(l[`accounts:sign_in:${k}`]!.recipients).toBeUndefined();
    }
    expect(l['rightsdesk:case:RD-ABC123']).toMatchObject({ action: 'keep', ground: 'request-record', keptUntil: null });
    expect(lines).toHaveLength(6);
  });

  it('Dee: ACC-1003 closed more than 7 years ago, so everything of hers in the account system is erased', () => {
    const lines = computePlan(input({ records: DEE }));
    expect(lines.map((x) => x.action)).toEqual(['erase', 'erase', 'erase', 'erase']);
    expect(by(lines)['accounts:account_user:USR-1003-01']!.reason).toBe('Erased: the account closed on 31 March 2018, more than 7 years ago.');
  });

  it('keeps the records of an open account (no date yet), erases its sign-ins, and forwards processor traffic', () => {
    const l = by(computePlan(input({ records: ADA })));
    expect(l['accounts:account_user:USR-1001-01']).toMatchObject({ action: 'keep', ground: 'account-open', keptUntil: null });
    expect(l['billing:billing_contact:BC-1001-01']).toMatchObject({ action: 'keep', ground: 'account-open', keptUntil: null });
    expect(l['billing:invoice:INV-1001-202611']).toMatchObject({ action: 'keep', ground: 'account-open' });
    expect(l['accounts:sign_in:1']).toMatchObject({ action: 'erase' });
    expect(l['traffic:message:m-1']).toMatchObject({ action: 'forward', ground: 'processor', accountId: 'ACC-1001' });
    expect(l['traffic:message:m-1']!.reason).toContain('ACC-1001');
    expect(l['traffic:message:m-1']!.keptUntil).toBeUndefined();
  });

  it('the 7 years end on the closing date’s anniversary: kept the day before, erased on the day', () => {
    const user = [BEN[0]!];
    expect(computePlan(input({ records: user, today: '2030-06-29' }))[0]).toMatchObject({ action: 'keep', keptUntil: '2030-06-30' });
    expect(computePlan(input({ records: user, today: '2030-06-30' }))[0]).toMatchObject({ action: 'erase' });
    // A closure on 29 February is kept until 1 March, never a day short.
    const leap = computePlan(input({ records: user, accounts: [{ accountId: 'ACC-1002', status: 'closed', closedOn: '2024-02-29' }] }));
    expect(leap[0]).toMatchObject({ keptUntil: '2031-03-01', reason: expect.stringContaining('Kept until 1 March 2031') });
  });

  it('for every closing date, a closed account’s record is kept exactly while today is before closing + 7 years', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2010-01-01'), max: new Date('2026-12-31'), noInvalidDate: true }),
        fc.integer({ min: 0, max: 4000 }),
        (closed, offset) => {
          const closedOn = closed.toISOString().slice(0, 10);
          const t = new Date(closed.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
          const [line] = computePlan(input({ records: [BEN[0]!], accounts: [{ accountId: 'ACC-1002', status: 'closed', closedOn }], today: t }));
          const until = `${String(Number(closedOn.slice(0, 4)) + 7)}${closedOn.slice(4)}`;
          const expected = closedOn.endsWith('-02-29') ? `${until.slice(0, 5)}03-01` : until;
          return t < expected ? line!.action === 'keep' && line!.keptUntil === expected : line!.action === 'erase';
        },
      ),
    );
  });

  it('an account on legal hold keeps its records, with the hold’s reason, even past the 7 years', () => {
    const l = by(computePlan(input({ records: DEE, accountHolds: [{ accountId: 'ACC-1003', reason: 'HMRC enquiry 2026/17' }] })));
    expect(Object.values(l).every((x) => x.action === 'keep' && x.ground === 'legal-hold' && x.keptUntil === null)).toBe(true);
    expect(l['accounts:account_user:USR-1003-01']!.reason).toContain('the account ACC-1003 is under a legal hold (HMRC enquiry 2026/17)');
    // A hold on another account changes nothing here.
    const other = computePlan(input({ records: DEE, accountHolds: [{ accountId: 'ACC-1001', reason: 'x' }] }));
    expect(other.every((x) => x.action === 'erase')).toBe(true);
  });

  it('a legal hold on the case keeps every controller record; processor data is still forwarded, requests still kept', () => {
    const lines = computePlan(input({ records: [...DEE, ...ADA], caseHold: { reason: 'litigation' } }));
    const l = by(lines);
    expect(l['accounts:sign_in:21']).toMatchObject({ action: 'keep', ground: 'legal-hold', reason: expect.stringContaining('(litigation)') });
    expect(l['billing:billing_contact:BC-1001-01']).toMatchObject({ action: 'keep', ground: 'legal-hold' });
    expect(l['traffic:message:m-1']).toMatchObject({ action: 'forward' });
  });

  it('an account the account system does not know is kept (and named as a problem), never erased on a guess', () => {
    const orphan = rec('billing', 'invoice', 'INV-9', 'ACC-4242');
    const [line] = computePlan(input({ records: [orphan] }));
    expect(line).toMatchObject({ action: 'keep', ground: 'legal-obligation', keptUntil: null });
    expect(planProblems(input({ records: [orphan] }))).toContain(
      'The account ACC-4242 is not in the account system: its records are kept until its closing date is known.',
    );
  });

  it('erases what has no account and no reason to keep (a manual source’s note), naming recipients of erased billing data', () => {
    const note = rec('support-files', 'manual_note', 'run1', undefined, { found: 'two emails' });
    const oldBilling = rec('billing', 'billing_contact', 'BC-1003-01', 'ACC-1003', { full_name: 'Lee Morgan' });
    const l = by(computePlan(input({ records: [note, oldBilling] })));
    expect(l['support-files:manual_note:run1']).toMatchObject({ action: 'erase' });
    expect(l['billing:billing_contact:BC-1003-01']).toMatchObject({ action: 'erase', recipients: ['kashflow'] });
  });
});

describe('rectification', () => {
  const ada = (corrections: PlanInput['corrections'], extra: Partial<PlanInput> = {}) =>
    computePlan(input({ rights: ['rectification'], records: ADA, corrections, ...extra }));

  it('Ada’s billing contact name: rectified from A to B, Kashflow named (Art. 19); her other records not affected', () => {
    const l = by(ada([{ recordType: 'billing_contact', field: 'full_name', to: 'Ada King' }]));
    expect(l['billing:billing_contact:BC-1001-01']).toEqual({
      recordId: 'billing:billing_contact:BC-1001-01',
      source: 'billing',
      recordType: 'billing_contact',
      key: 'BC-1001-01',
      accountId: 'ACC-1001',
      action: 'rectify',
      field: 'full_name',
      from: 'Ada Lovelace',
      to: 'Ada King',
      reason: 'Corrected: full_name changed as you asked.',
      recipients: ['kashflow'],
    });
    expect(l['accounts:account_user:USR-1001-01']).toMatchObject({ action: 'keep', ground: 'not-affected' });
    expect(l['billing:invoice:INV-1001-202611']).toMatchObject({ action: 'keep', ground: 'not-affected' });
    expect(l['traffic:message:m-1']).toMatchObject({ action: 'forward' });
  });

  it('a correction without a record type applies to every record having the field; no recipient for the account system', () => {
    const lines = ada([{ field: 'full_name', to: 'Ada King' }]);
    const rectified = lines.filter((x) => x.action === 'rectify');
    expect(rectified.map((x) => [x.recordId, x.recipients])).toEqual([
      ['accounts:account_user:USR-1001-01', undefined],
      ['billing:billing_contact:BC-1001-01', ['kashflow']],
    ]);
  });

  it('two corrections of one record make one line per field, in the order given', () => {
    const lines = ada([
      { recordType: 'account_user', field: 'full_name', to: 'Ada King' },
      { recordType: 'account_user', field: 'phone', to: '+447700900999' },
    ]).filter((x) => x.recordType === 'account_user');
    expect(lines.map((x) => [x.action, x.field, x.from, x.to])).toEqual([
      ['rectify', 'full_name', 'Ada Lovelace', 'Ada King'],
      ['rectify', 'phone', '+447700900123', '+447700900999'],
    ]);
  });

  it('a value already correct, a field with no statement, and a held account change nothing', () => {
    expect(ada([{ recordType: 'billing_contact', field: 'full_name', to: 'Ada Lovelace' }]).find((x) => x.recordType === 'billing_contact')).toMatchObject(
      {
        action: 'keep',
        ground: 'not-affected',
      },
    );
    const hand = ada([{ recordType: 'invoice', field: 'amount_pence', to: '1' }]).find((x) => x.recordType === 'invoice');
    expect(hand).toMatchObject({ action: 'keep', ground: 'not-affected', reason: expect.stringContaining('by hand') });
    expect(
      planProblems(input({ rights: ['rectification'], records: ADA, corrections: [{ recordType: 'invoice', field: 'amount_pence', to: '1' }] })),
    ).toEqual(['The field amount_pence of billing/invoice is corrected by hand.']);
    const held = ada([{ field: 'full_name', to: 'Ada King' }], { accountHolds: [{ accountId: 'ACC-1001', reason: 'dispute' }] });
    expect(held.filter((x) => x.recordType === 'billing_contact')).toEqual([expect.objectContaining({ action: 'keep', ground: 'legal-hold' })]);
  });

  it('names a rectification without corrections, and a correction no record has', () => {
    expect(planProblems(input({ rights: ['rectification'], records: ADA }))).toEqual(['Rectification was asked for, but no correction is given.']);
    expect(planProblems(input({ rights: ['rectification'], records: ADA, corrections: [{ field: 'shoe_size', to: '9' }] }))).toEqual([
      'No record found has the field shoe_size to correct.',
    ]);
  });
});

describe('restriction and objection', () => {
  it('restriction marks every record whose system can mark it, tells Kashflow of billing, and forwards processor data', () => {
    const l = by(computePlan(input({ rights: ['restriction'], records: ADA })));
    expect(l['accounts:account_user:USR-1001-01']).toMatchObject({ action: 'restrict' });
    expect(l['accounts:sign_in:1']).toMatchObject({ action: 'restrict' });
    expect(l['billing:billing_contact:BC-1001-01']).toMatchObject({ action: 'restrict', recipients: ['kashflow'] });
    expect(l['billing:invoice:INV-1001-202611']).toMatchObject({ action: 'restrict', recipients: ['kashflow'] });
    expect(l['traffic:message:m-1']).toMatchObject({ action: 'forward' });
    // A legal hold does not prevent a restriction: nothing is altered or deleted.
    const held = computePlan(input({ rights: ['restriction'], records: ADA, caseHold: { reason: 'x' } }));
    expect(held.filter((x) => x.action === 'restrict')).toHaveLength(4);
  });

  it('a record already restricted says since when, and is still planned as a restrict line (marking it again changes nothing)', () => {
    const restricted = [
      rec('billing', 'billing_contact', 'BC-1001-01', 'ACC-1001', { full_name: 'Ada Lovelace', restricted_at: '2026-11-30T23:30:00.000Z' }),
      rec('billing', 'invoice', 'INV-1001-202611', 'ACC-1001', { amount_pence: 4250, restricted_at: null }),
    ];
    const l = by(computePlan(input({ rights: ['restriction'], records: restricted })));
    // 23:30 UTC on 30 November is 30 November in London (GMT); the letter's date, not the instant.
    expect(l['billing:billing_contact:BC-1001-01']).toMatchObject({
      action: 'restrict',
      recipients: ['kashflow'],
      reason:
        'Already restricted since 30 November 2026, and stays so: stored, and not otherwise used without your consent. We tell you before the restriction is lifted.',
    });
    expect(l['billing:invoice:INV-1001-202611']!.reason).toMatch(/^Restricted: stored/);
  });

  it('a restricted record is corrected at the person’s request, its line saying it stays restricted; a mark is never a field to correct', () => {
    const contact = rec('billing', 'billing_contact', 'BC-1001-01', 'ACC-1001', {
      full_name: 'Ada Lovelace',
      restricted_at: '2026-07-01T09:00:00.000Z',
    });
    const user = rec('accounts', 'account_user', 'USR-1001-01', 'ACC-1001', {
      full_name: 'Ada Lovelace',
      restricted_at: null,
      marketing_opt_out_at: null,
    });
    const corrections = [{ field: 'full_name', to: 'Ada King' }];
    const l = by(computePlan(input({ rights: ['rectification'], records: [user, contact], corrections })));
    expect(l['billing:billing_contact:BC-1001-01']).toMatchObject({
      action: 'rectify',
      field: 'full_name',
      to: 'Ada King',
      reason:
        'Corrected: full_name changed as you asked. It stays restricted (since 1 July 2026): correcting it at your request is not a use the restriction forbids.',
    });
    expect(l['accounts:account_user:USR-1001-01']!.reason).toBe('Corrected: full_name changed as you asked.');

    const lifting = [{ field: 'restricted_at', to: '' }];
    expect(computePlan(input({ rights: ['rectification'], records: [contact], corrections: lifting })).map((x) => x.ground)).toEqual(['not-affected']);
    expect(planProblems(input({ rights: ['rectification'], records: [contact], corrections: lifting }))).toEqual([
      'No record found has the field restricted_at to correct.',
    ]);
  });

  it('an objection to direct marketing stops it on the account user (absolute), and touches nothing else', () => {
    const l = by(computePlan(input({ rights: ['objection'], records: ADA, objections: ['direct-marketing'] })));
    expect(l['accounts:account_user:USR-1001-01']).toMatchObject({
      action: 'stop',
      purpose: 'direct-marketing',
      reason: expect.stringContaining('an objection to direct marketing is always upheld'),
    });
    expect(l['accounts:account_user:USR-1001-01']!.recipients).toBeUndefined();
    expect(l['billing:billing_contact:BC-1001-01']).toMatchObject({ action: 'keep', ground: 'not-affected' });
  });

  it('a non-absolute objection is stopped with the balancing stated', () => {
    const register = parseRegister({
      ...ICETRAK_REGISTER,
      systems: ICETRAK_REGISTER.systems.map((s) =>
        s.id === 'accounts' ? { ...s, objections: [{ purpose: 'direct-marketing', description: 'product research', absolute: false }] } : s,
      ),
    });
    const [line] = computePlan(input({ rights: ['objection'], register, records: [ADA[0]!], objections: ['direct-marketing'] }));
    expect(line!.reason).toContain('no compelling legitimate grounds');
  });

  it('names an unknown purpose, and a request with no right a plan acts on', () => {
    expect(planProblems(input({ rights: ['objection'], records: ADA, objections: ['profiling'] }))).toEqual([
      'No system of the register processes for the purpose "profiling".',
    ]);
    expect(planProblems(input({ rights: ['access'], records: ADA }))).toContain(
      'The request asks for none of erasure, rectification, restriction or objection.',
    );
    expect(
      computePlan(input({ rights: ['access'], records: ADA }))
        .filter((x) => x.action !== 'forward')
        .every((x) => x.ground === 'not-affected'),
    ).toBe(true);
  });

  it('erasure comes first when several rights are asked for', () => {
    const lines = computePlan(input({ rights: ['restriction', 'erasure'], records: DEE }));
    expect(lines.every((x) => x.action === 'erase')).toBe(true);
  });
});

describe('determinism and grouping', () => {
  const all = [...BEN, ...DEE, ...ADA, rec('unknown-system', 'x', '1', undefined)];

  it('gives the same lines whatever the order of the records, sources in register order, event ids in numeric order', () => {
    const lines = computePlan(input({ records: all }));
    fc.assert(
      fc.property(fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }), (shuffled) => {
        expect(computePlan(input({ records: shuffled }))).toEqual(lines);
      }),
      { numRuns: 50 },
    );
    expect([...new Set(lines.map((x) => x.source))]).toEqual(['accounts', 'billing', 'traffic', 'rightsdesk']);
    const signIns = lines.filter((x) => x.recordType === 'sign_in').map((x) => Number(x.key));
    expect(signIns).toEqual([...signIns].sort((a, b) => a - b));
    expect(planProblems(input({ records: all }))).toContain('Records of "unknown-system", which the register does not have, are left out of the plan.');
  });

  it('a record found twice makes one line', () => {
    expect(computePlan(input({ records: [BEN[0]!, { ...BEN[0]!, matchedBy: 'phone' }] }))).toHaveLength(1);
  });

  it('groups lines by source, type, action, ground and date, counted, in the lines’ order', () => {
    const groups = groupLines(computePlan(input({ records: [...BEN, ...DEE] })));
    expect(groups).toEqual([
      { source: 'accounts', recordType: 'account_user', action: 'keep', ground: 'legal-obligation', keptUntil: '2030-06-30', count: 1 },
      { source: 'accounts', recordType: 'account_user', action: 'erase', count: 1 },
      { source: 'accounts', recordType: 'sign_in', action: 'erase', count: 7 },
      { source: 'rightsdesk', recordType: 'case', action: 'keep', ground: 'request-record', keptUntil: null, count: 1 },
    ]);
    expect(groupLines([])).toEqual([]);
  });

  it('writes dates the letter’s way', () => {
    expect(longDate('2030-06-30')).toBe('30 June 2030');
  });
});

describe('the register’s writes', () => {
  const broken = (edit: (r: { systems: Array<Record<string, unknown>> }) => void): string => {
    const raw = structuredClone(ICETRAK_REGISTER) as unknown as { systems: Array<Record<string, unknown>> };
    edit(raw);
    try {
      parseRegister(raw);
      return '';
    } catch (e) {
      return (e as Error).message;
    }
  };
  type Sql = { writes: Array<Record<string, unknown>> };

  it('refuses writes that are not one parameterised UPDATE or DELETE, or name what the system does not have', () => {
    expect(broken((r) => ((r.systems[0]!.connector as Sql).writes[0]!.erase = 'SELECT 1 WHERE $1 = $1'))).toContain('an UPDATE or DELETE');
    expect(broken((r) => ((r.systems[0]!.connector as Sql).writes[0]!.erase = 'DELETE FROM login_events; DROP TABLE accounts'))).toContain(
      'exactly one parameter, $1',
    );
    expect(broken((r) => ((r.systems[0]!.connector as Sql).writes[1]!.rectify = { full_name: 'UPDATE account_users SET full_name = $1' }))).toContain(
      'two parameters, $1 (the key) and $2',
    );
    expect(broken((r) => ((r.systems[0]!.connector as Sql).writes[0]!.recordType = 'login'))).toContain(
      'writes record type "login", which no query finds',
    );
    expect(broken((r) => (r.systems[0]!.objections = []))).toContain(
      'stops purpose "direct-marketing" for "account_user", which is not among its objections',
    );
    expect(broken((r) => (r.systems[0]!.connector as Sql).writes.push((r.systems[0]!.connector as Sql).writes[0]!))).toContain(
      'lists the writes of "sign_in" twice',
    );
  });

  it('Icetrak’s register lists each SQL record type’s writes, children before the records they reference', () => {
    const writes = (id: string): string[] =>
      ((ICETRAK_REGISTER.systems.find((s) => s.id === id)!.connector as Register['systems'][number]['connector'] & { kind: 'sql' }).writes ?? []).map(
        (w) => w.recordType,
      );
    expect(writes('accounts')).toEqual(['sign_in', 'account_user']);
    expect(writes('billing')).toEqual(['invoice', 'billing_contact']);
  });
});
