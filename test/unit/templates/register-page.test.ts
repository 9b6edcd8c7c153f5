import { describe, expect, it } from 'vitest';
import type { Staff } from '#shared/auth/staff';
import { parseRegister, SYSTEM_DEFAULTABLE, type Register } from '#domain/register';
import { ICETRAK_REGISTER } from '#shared/fulfilment/icetrak-register';
import { registerJson } from '#shared/fulfilment/register-json';
import { DEFAULT_TAG, REGISTER_RETENTION_TEXT, registerPage } from '#shared/templates/register-page';

const DPO: Staff = { sub: 'u-1', email: 'dpo.lead@icetrak.net', name: 'Dee Pee', roles: ['dpo'] };

const page = (register: Register = ICETRAK_REGISTER) => registerPage({ register, staff: DPO, csrf: 'tok', basePath: '/prod' });

/** The HTML of one system's section. */
const sectionOf = (html: string, id: string): string => {
  const m = html.match(new RegExp(`<section aria-labelledby="system-${id}" data-system="${id}">([\\s\\S]*?)</section>`));
  expect(m, id).not.toBeNull();
  return m![1]!;
};

/** The <dd> after the <dt> named `label` in a section. */
const ddOf = (section: string, label: string): string => {
  const m = section.match(new RegExp(`<dt>${label}</dt><dd[^>]*>([\\s\\S]*?)</dd>`));
  expect(m, label).not.toBeNull();
  return m![1]!;
};

describe('the register page', () => {
  it('shows every system with every field of its entry, in the desk’s layout, linked from its navigation', () => {
    const html = page();
    expect(html).toContain('<title>Processing register - Rightsdesk</title>');
    expect(html).toContain('<a href="/prod/desk/register" aria-current="page">Processing register</a>');
    expect(html).toContain('<form method="post" action="/prod/desk/sign-out">');
    expect(html).toContain(`Version <strong>${ICETRAK_REGISTER.version}</strong>`);
    for (const s of ICETRAK_REGISTER.systems) {
      const sec = sectionOf(html, s.id);
      expect(sec).toContain(s.name.replace(/’/g, '’'));
      for (const c of s.categories) expect(ddOf(sec, 'What it holds')).toContain(`<li>${c}</li>`);
      for (const p of s.purposes) expect(ddOf(sec, 'Purposes')).toContain(`<li>${p}</li>`);
      expect(ddOf(sec, 'Lawful basis')).toContain(s.lawfulBasis);
      expect(ddOf(sec, 'Source of the data')).toContain(s.source);
      expect(ddOf(sec, 'Kept for')).toContain(REGISTER_RETENTION_TEXT[s.retention]);
      expect(ddOf(sec, 'Stored')).toContain(s.storage);
      expect(ddOf(sec, 'Icetrak’s role')).toMatch(s.role === 'controller' ? /^Controller/ : /^Processor/);
      expect(ddOf(sec, 'Transfers outside the UK')).toMatch(/^None/);
      expect(ddOf(sec, 'Automated decisions')).toMatch(/^None/);
      expect(sec).toContain(`<dd data-connector="${s.connector.kind}">`);
    }
    // Billing names Kashflow as its recipient; the account system none; the 7-year rule reads as such.
    expect(ddOf(sectionOf(html, 'billing'), 'Recipients')).toMatch(/^Kashflow/);
    expect(ddOf(sectionOf(html, 'accounts'), 'Recipients')).toMatch(/^None outside Icetrak/);
    expect(ddOf(sectionOf(html, 'accounts'), 'Kept for')).toContain('7 years after the customer account closes');
    expect(ddOf(sectionOf(html, 'accounts'), 'A person is found by')).toBe('email address, phone or fax number');
    // The connectors: the SQL queries by name, the manual source's instructions.
    expect(ddOf(sectionOf(html, 'accounts'), 'Connector')).toContain('account-users-by-email — account_user by email address');
    expect(ddOf(sectionOf(html, 'support-files'), 'Connector')).toContain('Searched by hand');
    expect(html).toContain('<tr data-recipient="kashflow">');
  });

  it('marks exactly the fields the register names as Icetrak’s defaults, and no others', () => {
    const html = page();
    const labels: Record<(typeof SYSTEM_DEFAULTABLE)[number], string> = {
      name: '',
      description: 'What it is',
      role: 'Icetrak’s role',
      categories: 'What it holds',
      purposes: 'Purposes',
      lawfulBasis: 'Lawful basis',
      source: 'Source of the data',
      recipients: 'Recipients',
      retention: 'Kept for',
      storage: 'Stored',
      transfers: 'Transfers outside the UK',
      automatedDecisions: 'Automated decisions',
      objections: 'Purposes a person may object to',
    };
    for (const s of ICETRAK_REGISTER.systems) {
      const sec = sectionOf(html, s.id);
      for (const field of SYSTEM_DEFAULTABLE) {
        const where = field === 'name' ? sec.match(/<h2[^>]*>([\s\S]*?)<\/h2>/)![1]! : ddOf(sec, labels[field]);
        expect(where.includes(DEFAULT_TAG), `${s.id}.${field}`).toBe(s.defaults.includes(field));
      }
    }
    // The account system's categories are a default (the notice's list is empty); its lawful basis is the notice's.
    expect(ddOf(sectionOf(html, 'accounts'), 'What it holds')).toContain(DEFAULT_TAG);
    expect(ddOf(sectionOf(html, 'accounts'), 'Lawful basis')).not.toContain(DEFAULT_TAG);
    const kashflow = html.match(/<tr data-recipient="kashflow">([\s\S]*?)<\/tr>/)![1]!;
    expect(kashflow.split(DEFAULT_TAG)).toHaveLength(2);
  });

  it('names a recipient’s channel: Kashflow’s email, or the API and its token’s secret (never a token) where the register gives one', () => {
    const row = (html: string) => html.match(/<tr data-recipient="kashflow">([\s\S]*?)<\/tr>/)![1]!;
    expect(row(page())).toContain('support@kashflow.example');
    const api = parseRegister({
      ...ICETRAK_REGISTER,
      recipients: ICETRAK_REGISTER.recipients.map((r) => ({
        ...r,
        noticeApi: { url: 'https://api.kashflow.example/art19?v=1&x=<b>', tokenSecret: 'rightsdesk/recipients/kashflow' },
      })),
    });
    expect(row(page(api))).toContain(
      'by its API: <code>https://api.kashflow.example/art19?v=1&amp;x=&lt;b&gt;</code> (token in rightsdesk/recipients/kashflow)',
    );
  });

  it('escapes every value', () => {
    const r = structuredClone(ICETRAK_REGISTER);
    r.systems[0]!.description = 'Accounts <script>alert(1)</script> & "users"';
    const html = page(r);
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('Accounts &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;users&quot;');
  });
});

describe('the register’s defaults', () => {
  it('refuses an unknown field or a field named twice', () => {
    const bad = structuredClone(ICETRAK_REGISTER) as unknown as { systems: Array<Record<string, unknown>>; recipients: Array<Record<string, unknown>> };
    bad.systems[0]!.defaults = ['categories', 'colour'];
    bad.systems[1]!.defaults = ['storage', 'storage'];
    bad.recipients[0]!.defaults = ['lawfulBasis'];
    const err = (() => {
      try {
        parseRegister(bad);
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    })();
    expect(err).toContain('systems.0.defaults.1');
    expect(err).toContain('systems.1.defaults: each field once');
    expect(err).toContain('recipients.0.defaults.0');
  });

  it('is empty when an entry names none, and the API document carries every field of every entry', () => {
    const raw = structuredClone(ICETRAK_REGISTER) as unknown as { systems: Array<Record<string, unknown>> };
    delete raw.systems[0]!.defaults;
    expect(parseRegister(raw).systems[0]!.defaults).toEqual([]);
    const doc = JSON.parse(JSON.stringify(registerJson(ICETRAK_REGISTER))) as Register;
    expect(doc).toEqual(ICETRAK_REGISTER);
    expect(doc.systems.find((s) => s.id === 'traffic')).toMatchObject({ role: 'processor', defaults: ['categories', 'retention', 'storage'] });
  });
});
