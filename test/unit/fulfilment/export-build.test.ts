/**
 * The access answer's ZIP for Ada, checked field by field after unzipping it with fflate (issue 14):
 * data.json, each CSV, index.html, and every Art. 15 item of cover-letter.html; Ben's closed
 * account's "kept until" date; a redacted record left out; the portability variant; processor
 * records never disclosed. Every HTML file is validated with html-validate's recommended rules.
 */
import { strFromU8, unzipSync } from 'fflate';
import { HtmlValidate } from 'html-validate';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Case } from '#domain/case';
import { ICETRAK_REGISTER } from '#shared/fulfilment/icetrak-register';
import { ForeignRecordsError } from '#shared/fulfilment/export/answer';
import { buildExport, type BuiltExport } from '#shared/fulfilment/export/build';
import { ADA_RECORDS, BEN_RECORDS, RUN_ID, SEARCHED_AT, adaCase, benCase, filesOf } from '#test/fixtures/export/records';

const validator = new HtmlValidate({ extends: ['html-validate:recommended'] });
const TODAY = '2026-12-02';

async function expectValid(html: string): Promise<void> {
  const report = await validator.validateString(html);
  expect(report.results.flatMap((r) => r.messages.map((m) => `${m.line}:${m.column} ${m.ruleId}: ${m.message}`))).toEqual([]);
}

function unzip(zip: Buffer): Record<string, string> {
  return Object.fromEntries(Object.entries(unzipSync(new Uint8Array(zip))).map(([name, bytes]) => [name, strFromU8(bytes)]));
}

/** The visible text of an HTML document, tags dropped and entities of `h` decoded, whitespace collapsed. */
function textOf(html: string): string {
  return html
    .replace(/<style>[\s\S]*?<\/style>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

const build = (c: Case, records = ADA_RECORDS, kind: 'access' | 'portability' = 'access') =>
  buildExport({ case: c, kind, register: ICETRAK_REGISTER, files: filesOf(c.id, records), today: TODAY });

describe('buildExport: Ada’s access answer', () => {
  let ada: Case;
  let built: BuiltExport;
  let files: Record<string, string>;
  beforeAll(() => {
    ada = adaCase();
    built = build(ada);
    files = unzip(built.zip);
  });

  it('holds data.json, one CSV per source with records, index.html and cover-letter.html, and nothing of the processor source', () => {
    expect(Object.keys(files).sort()).toEqual(['accounts.csv', 'billing.csv', 'cover-letter.html', 'data.json', 'index.html', 'rightsdesk.csv']);
    expect(built.files).toEqual(['data.json', 'accounts.csv', 'billing.csv', 'rightsdesk.csv', 'index.html', 'cover-letter.html']);
    expect(built.recordsBySource).toEqual({ accounts: 3, billing: 3, rightsdesk: 1 });
    expect(built.processorRecordsWithheld).toBe(1);
    expect(built.redacted).toBe(0);
    for (const [name, text] of Object.entries(files)) {
      expect(text, name).not.toContain('MSG-7f3a9c');
      expect(text, name).not.toContain('MalvernDnt');
    }
    expect(built.zip.length).toBeLessThan(20_000);
  });

  it('is the same bytes when built again (a retried preparation stores the same object)', () => {
    expect(build(ada).zip.equals(built.zip)).toBe(true);
  });

  it('data.json: every record by source, with the source’s name, the register version and each field as found', () => {
    const data = JSON.parse(files['data.json']!) as {
      reference: string;
      kind: string;
      preparedOn: string;
      registerVersion: string;
      controller: { name: string; dpoEmail: string };
      sources: {
        source: string;
        name: string;
        searchedAt: string;
        records: { recordType: string; key: string; accountId: string | null; providedByYou: boolean; fields: Record<string, unknown> }[];
      }[];
    };
    expect(data).toMatchObject({ reference: ada.reference, kind: 'access', preparedOn: TODAY, registerVersion: ICETRAK_REGISTER.version });
    expect(data.controller).toEqual({ name: 'Icetrak Ltd', dpoEmail: 'dpo@icetrak.net' });
    expect(data.sources.map((s) => [s.source, s.name, s.records.length])).toEqual([
      ['accounts', 'Customer account system', 3],
      ['billing', 'Billing records', 3],
      ['rightsdesk', 'Data protection requests (Rightsdesk)', 1],
    ]);
    expect(data.sources[0]!.searchedAt).toBe(SEARCHED_AT);
    const [user, signIn1, signIn2] = data.sources[0]!.records;
    expect(user).toEqual({
      recordType: 'account_user',
      key: 'USR-1001',
      accountId: 'ACC-1001',
      providedByYou: true,
      fields: ADA_RECORDS.accounts![0]!.fields,
    });
    expect(user!.fields).toMatchObject({ full_name: 'Ada Lovelace', email: 'ada@example.org', phone: '+447700900123', account_closed_on: null });
    expect([signIn1!.key, signIn2!.key]).toEqual(['EVT-901', 'EVT-902']);
    const billing = data.sources[1]!.records;
    expect(billing.map((r) => [r.recordType, r.key, r.providedByYou])).toEqual([
      ['billing_contact', 'BC-1001', true],
      ['invoice', 'INV-2026-0101', false],
      ['invoice', 'INV-2026-0102', false],
    ]);
    expect(billing[2]!.fields).toEqual({
      invoice_id: 'INV-2026-0102',
      account_id: 'ACC-1001',
      issued_on: '2026-11-01',
      amount_pence: 5250,
      status: 'paid',
      restricted_at: null,
    });
    // The marks an earlier plan set are part of the record as the account system holds it.
    expect(billing[0]!.fields.restricted_at).toBe('2025-04-10T11:00:00.000Z');
    expect(user!.fields.marketing_opt_out_at).toBe('2025-04-10T11:00:00.000Z');
    expect(data.sources[2]!.records[0]!.fields.reference).toBe('RD-ADA001');
  });

  it('each CSV: RFC 4180 (CRLF, a header, quoted commas), the union of the source’s fields, phone numbers guarded against formulas', () => {
    const accounts = files['accounts.csv']!;
    expect(accounts.endsWith('\r\n')).toBe(true);
    const lines = accounts.split('\r\n').slice(0, -1);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe(
      'record_type,record_key,account_id,user_id,account_id,account_name,account_status,account_closed_on,full_name,email,phone,job_title,created_on,last_login_at,restricted_at,marketing_opt_out_at,event_id,at,ip_address,outcome',
    );
    expect(lines[1]).toBe(
      "account_user,USR-1001,ACC-1001,USR-1001,ACC-1001,Malvern Dental Practice,open,,Ada Lovelace,ada@example.org,'+447700900123,Practice manager,2021-03-15,2026-11-30T08:12:00.000Z,,2025-04-10T11:00:00.000Z,,,,",
    );
    expect(lines[2]).toBe('sign_in,EVT-901,ACC-1001,,ACC-1001,,,,,,,,,,,,EVT-901,2026-11-29T17:40:00.000Z,203.0.113.7,success');
    const billing = files['billing.csv']!.split('\r\n');
    expect(billing[0]).toBe(
      'record_type,record_key,account_id,contact_id,account_id,account_name,account_status,account_closed_on,full_name,email,phone,postal_address,restricted_at,invoice_id,issued_on,amount_pence,status',
    );
    expect(billing[1]!.endsWith(',2025-04-10T11:00:00.000Z,,,,')).toBe(true);
    expect(billing[1]).toContain(`'+447700900123,"1 Church Street, Malvern WR14 4AA"`);
    expect(billing[3]).toBe('invoice,INV-2026-0102,ACC-1001,,ACC-1001,,,,,,,,,INV-2026-0102,2026-11-01,5250,paid');
    expect(files['rightsdesk.csv']!.split('\r\n')[1]).toBe('case,RD-ADA001,,RD-ADA001,2025-04-02,rectification,closed,completed,ada@example.org');
  });

  it('index.html: valid, standalone, a table per record type under each source, every value shown', async () => {
    const html = files['index.html']!;
    await expectValid(html);
    expect(html).not.toMatch(/<script|<link|\ssrc=|url\(|@import/i);
    const text = textOf(html);
    expect(text).toContain(`Your personal data held by Icetrak Ltd (${ada.reference})`);
    expect([...html.matchAll(/<h2>([^<]+)<\/h2>/g)].map((m) => m[1])).toEqual([
      'Customer account system',
      'Billing records',
      'Data protection requests (Rightsdesk)',
      'Files in this download',
    ]);
    expect([...html.matchAll(/<caption>([^<]+)<\/caption>/g)].map((m) => m[1])).toEqual([
      'Account user (1 record)',
      'Sign in (2 records)',
      'Billing contact (1 record)',
      'Invoice (2 records)',
      'Case (1 record)',
    ]);
    for (const value of ['Ada Lovelace', '+447700900123', '1 Church Street, Malvern WR14 4AA', 'INV-2026-0101', '5250', '203.0.113.7', 'RD-ADA001']) {
      expect(text).toContain(value);
    }
    expect(html).toContain('<th scope="col">Account closed on</th>');
  });

  describe('cover-letter.html: every Art. 15 item, from the register, for the sources where data was found', () => {
    let html: string;
    let text: string;
    beforeAll(() => {
      html = files['cover-letter.html']!;
      text = textOf(html);
    });

    it('is valid and standalone', async () => {
      await expectValid(html);
      expect(html).not.toMatch(/<script|<link|\ssrc=|url\(|@import/i);
    });

    it('names the request, the requester and what was found', () => {
      expect(text).toContain(`Our answer to your request ${ada.reference}`);
      expect(text).toContain('Dear Ada Lovelace,');
      expect(text).toContain('2 December 2026');
      expect(text).toContain('Customer account system: 3 records');
      expect(text).toContain('Billing records: 3 records');
      expect(text).toContain('Data protection requests (Rightsdesk): 1 record');
    });

    it('purposes, lawful basis and categories of each source', () => {
      for (const s of ICETRAK_REGISTER.systems.filter((x) => ['accounts', 'billing', 'rightsdesk'].includes(x.id))) {
        for (const p of s.purposes) expect(text).toContain(p);
        for (const cat of s.categories) expect(text).toContain(cat);
        expect(text).toContain(s.lawfulBasis);
      }
      expect(text).toContain('Why we use your data (purposes)');
      expect(text).toContain('What kinds of data we hold (categories)');
      // Nothing of the systems where nothing was found (the processor system, the manual source).
      expect(text).not.toContain('delivering messages on the business customer’s instructions');
      expect(text).not.toContain('answering enquiries and support requests');
    });

    it('recipients: Kashflow, named, since billing data was found', () => {
      expect(text).toContain('Who receives your data (recipients)');
      expect(text).toContain(
        'Kashflow receives billing contact details (name, email, phone, postal address) and invoice details, for keeping Icetrak’s accounts and sending invoices.',
      );
    });

    it('retention: the 7-year rule, her open account’s rule, and Rightsdesk’s own period', () => {
      expect(text).toContain('Customer-account and billing records are kept for 7 years after the account closes');
      expect(text).toContain('Malvern Dental Practice (ACC-1001): the account is open, so its records are kept until 7 years after the account closes.');
      expect(text).toContain('Records of data protection requests are kept for 6 years after the request is closed');
      expect(text).not.toContain('kept until 2');
    });

    it('the rights to rectification, erasure, restriction and objection, and how to use them', () => {
      for (const right of ['(rectification, Article 16)', '(erasure, Article 17)', '(restriction, Article 18)', '(objection, Article 21)'])
        expect(text).toContain(right);
      expect(text).toContain(`To use any of these rights, email dpo@icetrak.net quoting ${ada.reference}.`);
    });

    it('the right to complain to the ICO, with how', () => {
      expect(text).toContain('the right to complain to the Information Commissioner’s Office (ICO)');
      expect(text).toContain('online: ico.org.uk/make-a-complaint');
      expect(text).toContain('by telephone: 0303 123 1113');
      expect(text).toContain('by post: Information Commissioner’s Office, Wycliffe House, Water Lane, Wilmslow, Cheshire SK9 5AF');
    });

    it('the source of data not collected from her, automated decisions (none), storage (UK, no transfers)', () => {
      expect(text).toContain('Where your data came from (source)');
      expect(text).toContain('The customer organisation when it registered or added the person as a user');
      expect(text).toContain('The customer organisation, which named the person as its billing contact.');
      expect(text).toContain('We make no decisions about you by automated means alone, and we do not profile you');
      expect(text).toContain('Icetrak’s own servers in the UK, reached only by Icetrak staff');
      expect(text).toContain('All of it is stored in the UK. We do not transfer it outside the UK.');
    });

    it('what the marks mean: her restricted billing contact and her objection to marketing, said once each', () => {
      expect(text).toContain('1 record is restricted (the date is in the column restricted_at');
      expect(text).toContain(
        'we only store it, and use it for nothing else without your consent, except for legal claims or to protect another person’s rights (UK GDPR Article 18). We will tell you before a restriction is lifted.',
      );
      expect(text).toContain('Your objection to direct marketing is recorded on 1 record (the date is in the column marketing_opt_out_at');
      expect(text.split('Restrictions and objections in force')).toHaveLength(2);
    });

    it('the processor records: not disclosed, the request passed to the customer, named', () => {
      expect(text).toContain('We also found 1 message record (message traffic records)');
      expect(text).toContain('Icetrak acts only as a processor');
      expect(text).toContain(
        'We have passed your request to that customer, and you can also contact it directly: Malvern Dental Practice (1 message record)',
      );
    });

    it('who answered: Icetrak’s DPO, and the case reference', () => {
      expect(text).toContain('Data Protection Officer, Icetrak Ltd');
      expect(html).toContain('<a href="mailto:dpo@icetrak.net">dpo@icetrak.net</a>');
      expect(text).toContain(`Reference ${ada.reference}.`);
      expect(text).toContain(`register of processing, version ${ICETRAK_REGISTER.version}`);
    });
  });
});

describe('buildExport: other people and other cases', () => {
  it('Ben’s closed account: "kept until 30 June 2030"', async () => {
    const ben = benCase();
    const files = unzip(build(ben, BEN_RECORDS).zip);
    const text = textOf(files['cover-letter.html']!);
    expect(text).toContain('Worcester Taxis (ACC-1002): the account closed on 30 June 2023, so its records are kept until 30 June 2030.');
    expect(text).toContain('No one outside Icetrak receives the data we found.');
    expect(text).not.toContain('Kashflow');
    expect(text).not.toContain('Message records held for business customers');
    expect(text).not.toContain('Restrictions and objections in force'); // his records carry no mark
    await expectValid(files['cover-letter.html']!);
  });

  it('leaves out a record the DPO marked as third-party data, and says so', () => {
    const ada = adaCase({}, ['accounts:sign_in:EVT-902']);
    const built = build(ada);
    const files = unzip(built.zip);
    expect(built.redacted).toBe(1);
    expect(built.recordsBySource.accounts).toBe(2);
    for (const name of ['data.json', 'accounts.csv', 'index.html']) expect(files[name]).not.toContain('EVT-902');
    expect(files['data.json']).toContain('EVT-901');
    expect(textOf(files['cover-letter.html']!)).toContain('We left out 1 record because it holds information about other people');
  });

  it('escapes what the records hold in HTML, and guards CSV cells against formulas', async () => {
    const ada = adaCase();
    const hostile = structuredClone(ADA_RECORDS);
    hostile.accounts![0]!.fields.job_title = '=HYPERLINK("http://x.example","<b>click</b>")';
    hostile.accounts![0]!.fields.full_name = '<script>alert(1)</script>';
    const files = unzip(build(ada, hostile).zip);
    expect(files['index.html']).not.toContain('<script>');
    expect(files['index.html']).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    await expectValid(files['index.html']!);
    expect(files['accounts.csv']).toContain(`"'=HYPERLINK(""http://x.example"",""<b>click</b>"")"`);
  });

  it('refuses a records file of another case or run (never mix two people’s data)', () => {
    const ada = adaCase();
    const foreign = filesOf('ANOTHERCASE', ADA_RECORDS);
    expect(() => buildExport({ case: ada, kind: 'access', register: ICETRAK_REGISTER, files: foreign, today: TODAY })).toThrow(ForeignRecordsError);
    const staleRun = filesOf(ada.id, ADA_RECORDS).map((f) => ({ ...f, runId: `${RUN_ID}x` }));
    expect(() => buildExport({ case: ada, kind: 'access', register: ICETRAK_REGISTER, files: staleRun, today: TODAY })).toThrow(ForeignRecordsError);
  });

  it('Cara (no account, SMS from two customers): nothing disclosed as Icetrak’s, both customers named as the controllers', async () => {
    const message = ADA_RECORDS.traffic![0]!;
    const traffic = ['ACC-1001', 'ACC-1002', 'ACC-1002'].map((accountId, i) => ({ ...message, id: `traffic:message:M${i}`, key: `M${i}`, accountId }));
    const base = adaCase({ requester: { fullName: 'Cara Jones', email: 'cara@example.org', relationship: 'message-recipient' } });
    const search = {
      ...base.search!,
      sources: [
        {
          source: 'traffic',
          status: 'done' as const,
          identifiers: [{ kind: 'phone' as const, value: '+447700900456' }],
          recordCount: 3,
          resultKey: `searches/${base.id}/${RUN_ID}/traffic.json`,
          customers: [
            { accountId: 'ACC-1001', name: 'Malvern Dental Practice', records: 1 },
            { accountId: 'ACC-1002', name: 'Worcester Taxis', records: 2 },
          ],
        },
      ],
    };
    const built = build({ ...base, search }, { traffic });
    const files = unzip(built.zip);
    expect(built.recordsBySource).toEqual({});
    expect(built.processorRecordsWithheld).toBe(3);
    expect(Object.keys(files).sort()).toEqual(['cover-letter.html', 'data.json', 'index.html']);
    expect((JSON.parse(files['data.json']!) as { sources: unknown[] }).sources).toEqual([]);
    const text = textOf(files['cover-letter.html']!);
    expect(text).toContain(
      'Apart from the message records below, which we hold for business customers, we found no personal data about you in our systems.',
    );
    expect(text).toContain(
      'We have passed your request to those customers, and you can also contact them directly: Malvern Dental Practice (1 message record) Worcester Taxis (2 message records)',
    );
    for (const f of Object.values(files)) expect(f).not.toContain('+447700900123');
    await expectValid(files['cover-letter.html']!);
  });

  it('nothing found: a valid answer that says so', async () => {
    const ada = adaCase();
    const files = unzip(buildExport({ case: ada, kind: 'access', register: ICETRAK_REGISTER, files: [], today: TODAY }).zip);
    expect(Object.keys(files).sort()).toEqual(['cover-letter.html', 'data.json', 'index.html']);
    expect(textOf(files['cover-letter.html']!)).toContain('We found no personal data about you in our systems.');
    expect(textOf(files['cover-letter.html']!)).toContain('ico.org.uk/make-a-complaint');
    await expectValid(files['cover-letter.html']!);
    await expectValid(files['index.html']!);
  });
});

describe('buildExport: Ada’s portability answer', () => {
  let built: BuiltExport;
  let files: Record<string, string>;
  beforeAll(() => {
    built = build(adaCase({ rights: ['portability'] }), ADA_RECORDS, 'portability');
    files = unzip(built.zip);
  });

  it('holds only what she provided, as portable/<source>.json and .csv, and no data.json', () => {
    expect(Object.keys(files).sort()).toEqual([
      'cover-letter.html',
      'index.html',
      'portable/accounts.csv',
      'portable/accounts.json',
      'portable/billing.csv',
      'portable/billing.json',
      'portable/rightsdesk.csv',
      'portable/rightsdesk.json',
    ]);
    expect(built.recordsBySource).toEqual({ accounts: 3, billing: 1, rightsdesk: 1 });
    const billing = JSON.parse(files['portable/billing.json']!) as {
      source: string;
      name: string;
      records: { recordType: string; fields: Record<string, unknown> }[];
    };
    expect(billing.source).toBe('billing');
    expect(billing.records.map((r) => r.recordType)).toEqual(['billing_contact']);
    expect(billing.records[0]!.fields.postal_address).toBe('1 Church Street, Malvern WR14 4AA');
    expect(files['portable/billing.csv']).not.toContain('INV-2026');
    for (const text of Object.values(files)) expect(text).not.toContain('MSG-7f3a9c');
  });

  it('is labelled as the portable copy in index.html and the letter, which says what was left out', async () => {
    const index = textOf(files['index.html']!);
    expect(index).toContain('Data you provided to Icetrak Ltd');
    expect(index).toContain('Portable copy (UK GDPR Article 20)');
    const letter = textOf(files['cover-letter.html']!);
    expect(letter).toContain('You asked for the data you provided to us in a portable form (UK GDPR Article 20)');
    expect(letter).toContain('We left out 2 records you did not provide');
    await expectValid(files['index.html']!);
    await expectValid(files['cover-letter.html']!);
  });
});
