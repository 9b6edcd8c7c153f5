import { describe, expect, it } from 'vitest';
import {
  allRows,
  DATA_AS_OF,
  DEFAULT_SYNTHETIC_ACCOUNTS,
  DEMO_ACCOUNTS,
  DEMO_PEOPLE,
  demoRows,
  seededRandom,
  SYNTHETIC_ACCOUNT_IDS,
  syntheticAccountIds,
  syntheticAccounts,
  syntheticRows,
} from '#infra/local/icetrak/demo-data';
import { normaliseEmail, normalisePhone } from '#domain/search';
import { retentionReview } from '#domain/retention-review';

describe('the demo accounts and people (issue 14)', () => {
  it('are the issue’s: three customers, Ada as user and billing contact of ACC-1001, Ben and Dee users of closed accounts, Cara with none', () => {
    const rows = demoRows();
    expect(rows.accounts.map((a) => [a.account_id, a.name, a.status, a.closed_on])).toEqual([
      ['ACC-1001', 'Malvern Dental Practice', 'open', null],
      ['ACC-1002', 'Worcester Taxis', 'closed', '2023-06-30'],
      ['ACC-1003', 'Severn Logistics', 'closed', '2018-03-31'],
    ]);
    expect(DEMO_ACCOUNTS.malvernDental.privacyContact).toBe('privacy@malverndental.example');
    expect(DEMO_ACCOUNTS.worcesterTaxis.privacyContact).toBe('dpo@worcestertaxis.example');

    const usersOf = (email: string) => rows.account_users.filter((u) => u.email === email).map((u) => u.account_id);
    const contactOf = (email: string) => rows.billing_contacts.filter((c) => c.email === email).map((c) => c.account_id);
    expect([usersOf(DEMO_PEOPLE.ada.email), contactOf(DEMO_PEOPLE.ada.email)]).toEqual([['ACC-1001'], ['ACC-1001']]);
    expect([usersOf(DEMO_PEOPLE.ben.email), contactOf(DEMO_PEOPLE.ben.email)]).toEqual([['ACC-1002'], []]);
    expect([usersOf(DEMO_PEOPLE.dee.email), contactOf(DEMO_PEOPLE.dee.email)]).toEqual([['ACC-1003'], []]);
    expect([usersOf(DEMO_PEOPLE.cara.email), contactOf(DEMO_PEOPLE.cara.email)]).toEqual([[], []]);

    // Nobody signs in to, or is invoiced by, an account after it closed.
    const closedOn = new Map(rows.accounts.map((a) => [a.account_id, a.closed_on ?? DATA_AS_OF]));
    const userAccount = new Map(rows.account_users.map((u) => [u.user_id, u.account_id]));
    for (const e of rows.login_events) expect(e.at.slice(0, 10) <= closedOn.get(userAccount.get(e.user_id)!)!).toBe(true);
    for (const i of rows.invoices) expect(i.issued_on <= closedOn.get(i.account_id)!).toBe(true);
  });
});

describe('the synthetic accounts', () => {
  it('are the same for the same seed, and differ for another', () => {
    expect(syntheticRows(60, 7)).toEqual(syntheticRows(60, 7));
    expect(syntheticRows(60, 7)).not.toEqual(syntheticRows(60, 8));
    expect(seededRandom(1)()).toBe(seededRandom(1)());
  });

  it('keep account i the same however many are generated: a bigger run only adds', () => {
    const small = syntheticRows(20);
    const big = syntheticRows(80);
    expect(big.accounts.slice(0, 20)).toEqual(small.accounts);
    expect(big.account_users.filter((u) => small.accounts.some((a) => a.account_id === u.account_id))).toEqual(small.account_users);
    expect(big.invoices.slice(0, small.invoices.length)).toEqual(small.invoices);
  });

  it('number the accounts from ACC-2000, whatever the seed, as syntheticAccountIds says', () => {
    expect(syntheticAccountIds(3)).toEqual(['ACC-2000', 'ACC-2001', 'ACC-2002']);
    expect(SYNTHETIC_ACCOUNT_IDS(300)).toEqual(syntheticAccounts(300).map((a) => a.accountId));
    expect(syntheticAccounts(5, 99).map((a) => a.accountId)).toEqual(syntheticAccountIds(5));
    expect(new Set(syntheticAccounts(1_000).map((a) => a.name)).size).toBe(1_000);
  });

  it('use only fictitious contact details, never a demo person’s, and keys that are unique across the whole data', () => {
    const rows = allRows(400);
    const synthetic = syntheticRows(400);
    const people = [...synthetic.account_users, ...synthetic.billing_contacts];
    const demoPhones = Object.values(DEMO_PEOPLE).flatMap((p) => (p.phone ? [p.phone] : []));
    for (const p of people) {
      expect(p.email).toMatch(/@example\.(com|net)$/);
      expect(normaliseEmail(p.email)).toBe(p.email);
      if (p.phone !== null) {
        expect(p.phone).toMatch(/^\+44(7700900\d{3}|(113|114|115|116|117|118|121|131|141|151|161)4960\d{3}|2079460\d{3})$/);
        expect(normalisePhone(p.phone)).toBe(p.phone);
        expect(demoPhones).not.toContain(p.phone);
      }
    }
    for (const e of synthetic.login_events) expect(e.ip_address).toMatch(/^(192\.0\.2|198\.51\.100|203\.0\.113)\.\d{1,3}$/);

    const unique = (xs: Array<string | number>) => new Set(xs).size === xs.length;
    expect(unique(rows.accounts.map((a) => a.account_id))).toBe(true);
    expect(unique(rows.account_users.map((u) => u.user_id))).toBe(true);
    expect(unique(rows.account_users.map((u) => u.email))).toBe(true);
    expect(unique(rows.login_events.map((e) => e.event_id))).toBe(true);
    expect(unique(rows.billing_contacts.map((c) => c.contact_id))).toBe(true);
    expect(unique(rows.invoices.map((i) => i.invoice_id))).toBe(true);
  });

  it('satisfy the schema’s rules: closed accounts have a closing date after opening, by DATA_AS_OF; every row names a real parent', () => {
    const rows = syntheticRows(300);
    const closed = rows.accounts.filter((a) => a.status === 'closed');
    expect(closed.length).toBeGreaterThan(30);
    for (const a of rows.accounts) {
      expect(a.account_id).toMatch(/^ACC-[0-9]{3,10}$/);
      expect(a.status === 'closed').toBe(a.closed_on !== null);
      if (a.closed_on) expect(a.opened_on < a.closed_on && a.closed_on <= DATA_AS_OF).toBe(true);
    }
    const accountIds = new Set(rows.accounts.map((a) => a.account_id));
    const userIds = new Set(rows.account_users.map((u) => u.user_id));
    const contactIds = new Set(rows.billing_contacts.map((c) => c.contact_id));
    expect(rows.account_users.every((u) => accountIds.has(u.account_id))).toBe(true);
    expect(rows.login_events.every((e) => userIds.has(e.user_id))).toBe(true);
    expect(rows.invoices.every((i) => accountIds.has(i.account_id) && contactIds.has(i.contact_id) && Number.isInteger(i.amount_pence))).toBe(true);
  });

  it('give every monthly retention review around DATA_AS_OF (June 2026 to May 2027) an account to list', () => {
    const accounts = syntheticAccounts(DEFAULT_SYNTHETIC_ACCOUNTS);
    const months = Array.from({ length: 12 }, (_, k) => new Date(Date.UTC(2026, 5 + k, 1)).toISOString().slice(0, 7));
    expect(months[0]).toBe('2026-06');
    for (const month of months) expect(retentionReview(month, accounts, []).due.length).toBeGreaterThan(0);
  });
});
