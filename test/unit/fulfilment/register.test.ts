import { describe, expect, it } from 'vitest';
import { parseRegister, recipientsOf, searchableSystems, systemById } from '#domain/register';
import { identifiersFor, mergeIdentifiers, normaliseAccountId, normaliseEmail, normalisePhone } from '#domain/search';
import { ICETRAK_REGISTER } from '#shared/fulfilment/icetrak-register';

describe('Icetrak’s processing register', () => {
  it('states the privacy notice’s facts: the controller, Kashflow for billing, the 7-year rule, processor traffic', () => {
    expect(ICETRAK_REGISTER.controller).toMatchObject({ name: 'Icetrak Ltd', companyNumber: '04415020', dpoEmail: 'dpo@icetrak.net' });
    expect(recipientsOf(ICETRAK_REGISTER, ['billing']).map((r) => r.name)).toEqual(['Kashflow']);
    expect(recipientsOf(ICETRAK_REGISTER, ['accounts', 'rightsdesk'])).toEqual([]);
    expect(systemById(ICETRAK_REGISTER, 'accounts').retention).toBe('account-7y');
    expect(systemById(ICETRAK_REGISTER, 'billing').retention).toBe('account-7y');
    expect(systemById(ICETRAK_REGISTER, 'traffic')).toMatchObject({ role: 'processor', connector: { kind: 'traffic' }, identifiedBy: ['phone'] });
    expect(searchableSystems(ICETRAK_REGISTER).map((s) => s.id)).toEqual(['accounts', 'billing', 'traffic', 'rightsdesk', 'support-files']);
  });

  it('stores everything it controls in the UK, with no transfers and no automated decisions', () => {
    for (const s of ICETRAK_REGISTER.systems) {
      expect(s.storage).toMatch(/UK/);
      expect(s.transfers).toBeNull();
      expect(s.automatedDecisions).toBeNull();
    }
  });

  it('refuses a register whose queries or references are wrong, naming each problem', () => {
    const bad = structuredClone(ICETRAK_REGISTER) as unknown as { systems: Array<Record<string, unknown>>; version: string };
    bad.version = '2026-12';
    (bad.systems[0]!.connector as { queries: Array<{ sql: string; identifiedBy: string }> }).queries[0]!.sql =
      'DELETE FROM account_users WHERE email = $1';
    (bad.systems[0]!.connector as { queries: Array<{ sql: string; identifiedBy: string }> }).queries[1]!.identifiedBy = 'accountId';
    bad.systems[1]!.recipients = ['sage'];
    bad.systems.push({ ...bad.systems[3]!, role: 'controller' });
    const err = (() => {
      try {
        parseRegister(bad);
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    })();
    expect(err).toContain('version: YYYY-MM-DD.N');
    expect(err).toContain('a SELECT');
    expect(err).toContain('searches by accountId, which the system does not list');
    expect(err).toContain('names unknown recipient "sage"');
    expect(err).toContain('system id "rightsdesk" is used twice');
  });

  it('lets every record type it restricts be lifted, and refuses a restriction mark that cannot be (Art. 18(3))', () => {
    const writes = ICETRAK_REGISTER.systems.flatMap((s) => (s.connector.kind === 'sql' ? (s.connector.writes ?? []) : []));
    const restricted = writes.filter((w) => w.restrict !== undefined);
    expect(restricted.map((w) => w.recordType).sort()).toEqual(['account_user', 'billing_contact', 'invoice', 'sign_in']);
    for (const w of restricted) expect(w.unrestrict).toMatch(/^UPDATE \w+ SET restricted_at = NULL WHERE \w+ = \$1(::bigint)?$/);

    const bad = structuredClone(ICETRAK_REGISTER) as unknown as { systems: Array<{ id: string; connector: { writes?: Array<Record<string, unknown>> } }> };
    const accounts = bad.systems.find((s) => s.id === 'accounts')!.connector.writes!;
    delete accounts.find((w) => w.recordType === 'account_user')!.unrestrict;
    const billing = bad.systems.find((s) => s.id === 'billing')!.connector.writes!;
    const invoice = billing.find((w) => w.recordType === 'invoice')!;
    delete invoice.restrict;
    expect(() => parseRegister(bad)).toThrow(/"accounts" restricts "account_user" but has no unrestrict statement/);
    expect(() => parseRegister(bad)).toThrow(/"billing" unrestricts "invoice", which it never restricts/);
    invoice.unrestrict = 'UPDATE invoices SET restricted_at = NULL WHERE invoice_id = $1; DROP TABLE invoices';
    expect(() => parseRegister(bad)).toThrow(/exactly one parameter, \$1 \(the key\), and no ";"/);
  });
});

describe('a recipient’s notice API (Art. 19, issue 15)', () => {
  const withApi = (noticeApi: unknown) =>
    parseRegister({ ...ICETRAK_REGISTER, recipients: ICETRAK_REGISTER.recipients.map((r) => ({ ...r, noticeApi })) });

  it('takes an https URL (http only to this machine) and a secret name under rightsdesk/recipients/', () => {
    const api = { url: 'https://api.kashflow.example/v1/art19', tokenSecret: 'rightsdesk/recipients/kashflow' };
    expect(withApi(api).recipients[0]!.noticeApi).toEqual(api);
    expect(withApi({ ...api, url: 'http://127.0.0.1:8123/notices' }).recipients[0]!.noticeApi?.url).toBe('http://127.0.0.1:8123/notices');
    expect(withApi({ ...api, url: 'http://localhost:8123/notices' }).recipients[0]!.noticeApi?.url).toBe('http://localhost:8123/notices');
  });

  it('refuses plain http elsewhere, credentials in the URL, a secret outside the prefix, a token in the register, and anything unbounded', () => {
    const ok = { url: 'https://api.kashflow.example/art19', tokenSecret: 'rightsdesk/recipients/kashflow' };
    for (const bad of [
      { ...ok, url: 'http://api.kashflow.example/art19' },
      { ...ok, url: 'https://user:pass@api.kashflow.example/art19' },
      { ...ok, url: 'ftp://api.kashflow.example/art19' },
      { ...ok, url: 'not a url' },
      { ...ok, url: `https://api.kashflow.example/${'x'.repeat(500)}` },
      { ...ok, tokenSecret: 'rightsdesk/signing-key' },
      { ...ok, tokenSecret: 'rightsdesk/recipients/../signing-key' },
      { ...ok, tokenSecret: `rightsdesk/recipients/${'a'.repeat(81)}` },
      { ...ok, token: 'secret-token-value' },
    ])
      expect(() => withApi(bad), JSON.stringify(bad)).toThrow(/noticeApi/);
  });
});

describe('identifiers', () => {
  it('normalises emails, UK and international phone numbers and account ids, refusing what is none', () => {
    expect(normaliseEmail(' Ada@Example.ORG ')).toBe('ada@example.org');
    expect(normaliseEmail('ada@example')).toBeUndefined();
    expect(normalisePhone('07700 900123')).toBe('+447700900123');
    expect(normalisePhone('+44 (0)7700-900-123')).toBe('+447700900123');
    expect(normalisePhone('0044 7700 900456')).toBe('+447700900456');
    expect(normalisePhone('+1 (415) 555-0100')).toBe('+14155550100');
    expect(normalisePhone('7700900123')).toBeUndefined();
    expect(normalisePhone('+44 12')).toBeUndefined();
    expect(normaliseAccountId(' acc-1002 ')).toBe('ACC-1002');
    expect(normaliseAccountId('1002')).toBeUndefined();
  });

  it('merges without repeats and gives each system only the kinds it is identified by', () => {
    const ids = mergeIdentifiers(
      { emails: ['ada@example.org'], phones: [], accountIds: [] },
      { emails: ['ada@example.org', 'a.l@example.org'], phones: ['+447700900123'] },
    );
    expect(ids).toEqual({ emails: ['ada@example.org', 'a.l@example.org'], phones: ['+447700900123'], accountIds: [] });
    expect(identifiersFor(ids, ['phone'])).toEqual([{ kind: 'phone', value: '+447700900123' }]);
    expect(identifiersFor(ids, ['email', 'phone']).map((u) => u.kind)).toEqual(['email', 'email', 'phone']);
  });
});
