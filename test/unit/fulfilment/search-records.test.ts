/**
 * The search's records on the case page (issue 14): read back per controller source, summarised,
 * marked when the DPO marked them as another person's data; each with the form that marks or
 * unmarks it (for the DPO team, on an open case); everything escaped.
 */
import { describe, expect, it } from 'vitest';
import type { Case } from '#domain/case';
import type { Staff } from '#shared/auth/staff';
import { parseAction } from '#shared/cases/act';
import { ICETRAK_REGISTER } from '#shared/fulfilment/icetrak-register';
import { searchRecordsOf, summaryOf, SUMMARY_CHARS } from '#shared/fulfilment/search-records';
import { BlobNotFoundError, type BlobStore } from '#shared/ports';
import { searchSection } from '#shared/templates/desk-search';
import { ADA_RECORDS, adaCase, filesOf } from '#test/fixtures/export/records';

const dpo: Staff = { sub: 's-1', email: 'dpo.lead@icetrak.net', name: 'Dana Lead', roles: ['dpo'] };
const viewer: Staff = { sub: 's-2', email: 'auditor@icetrak.net', name: 'Audrey Tor', roles: ['viewer'] };

function memoryFiles(c: Case, records = ADA_RECORDS): BlobStore & { keys: string[] } {
  const objects = new Map(filesOf(c.id, records).map((f) => [`searches/${c.id}/${f.runId}/${f.source}.json`, Buffer.from(JSON.stringify(f))]));
  const keys: string[] = [];
  return {
    keys,
    get: async (key) => {
      keys.push(key);
      const body = objects.get(key);
      if (!body) throw new BlobNotFoundError(key);
      return body;
    },
    put: async () => undefined,
  };
}

describe('searchRecordsOf', () => {
  it('reads every controller source that found something, marks what the DPO marked, and skips processor traffic', async () => {
    const c = adaCase({ status: 'in_progress' }, ['accounts:sign_in:EVT-902']);
    const files = memoryFiles(c);
    const found = await searchRecordsOf(c, { files, register: ICETRAK_REGISTER });
    expect(Object.keys(found).sort()).toEqual(
      Object.keys(ADA_RECORDS)
        .filter((s) => s !== 'traffic')
        .sort(),
    );
    expect(files.keys.some((k) => k.endsWith('/traffic.json'))).toBe(false);
    expect(found.accounts!.records.map((r) => [r.id, r.thirdParty])).toEqual([
      ['accounts:account_user:USR-1001', false],
      ['accounts:sign_in:EVT-901', false],
      ['accounts:sign_in:EVT-902', true],
    ]);
    expect(found.billing!.records[0]!.marks).toEqual({ restrictedAt: '2025-04-10T11:00:00.000Z' });
    expect(found.accounts!.records[0]!.marks).toEqual({ marketingStoppedAt: '2025-04-10T11:00:00.000Z' });
    expect(found.accounts!.records[1]!.marks).toEqual({});
    expect(found.accounts!.records[1]!.summary).toBe(
      'event id: EVT-901; account id: ACC-1001; at: 2026-11-29T17:40:00.000Z; ip address: 203.0.113.7; outcome: success',
    );
  });

  it('shows at most the limit, counting the rest; says so when a records file is missing', async () => {
    const c = adaCase({ status: 'in_progress' });
    const found = await searchRecordsOf(c, { files: memoryFiles(c), register: ICETRAK_REGISTER }, 1);
    expect(found.accounts).toMatchObject({ more: 2 });
    expect(found.accounts!.records).toHaveLength(1);
    const empty = await searchRecordsOf(c, { files: memoryFiles(c, {}), register: ICETRAK_REGISTER });
    expect(empty.accounts).toEqual({ records: [], more: 0, unreadable: true });
  });

  it('cuts a long summary', () => {
    const long = { ...ADA_RECORDS.accounts![0]!, fields: { note: 'x'.repeat(500) } };
    expect(summaryOf(long)).toHaveLength(SUMMARY_CHARS);
    expect(summaryOf(long).endsWith('…')).toBe(true);
  });
});

describe('the search section’s records', () => {
  const page = async (staff: Staff, c = adaCase({ status: 'in_progress' }, ['accounts:sign_in:EVT-902'])) => {
    const records = await searchRecordsOf(c, { files: memoryFiles(c), register: ICETRAK_REGISTER });
    return searchSection({ c, staff, csrf: 'tok', basePath: '/prod', records }).value;
  };
  /** The <li> of a record. */
  const itemOf = (html: string, id: string): string => html.match(new RegExp(`<li data-record="${id}"[^>]*>([\\s\\S]*?)</li>`))![0];

  it('lists each record with its id and escaped summary, and a form marking it or (when marked) unmarking it', async () => {
    const html = await page(dpo);
    const free = itemOf(html, 'accounts:sign_in:EVT-901');
    expect(free).toContain('<code>accounts:sign_in:EVT-901</code> event id: EVT-901;');
    expect(free).toContain('<input type="hidden" name="action" value="mark-third-party">');
    expect(free).toContain('<input type="hidden" name="records" value="accounts:sign_in:EVT-901">');
    expect(free).toContain('<input type="hidden" name="thirdParty" value="true">');
    expect(free).toContain('<input type="hidden" name="_csrf" value="tok">');
    expect(free).toContain('Mark as another person’s data');
    expect(free).not.toContain('left out of the answer');
    const marked = itemOf(html, 'accounts:sign_in:EVT-902');
    expect(marked).toContain('data-third-party');
    expect(marked).toContain('Another person’s data: left out of the answer');
    expect(marked).toContain('<input type="hidden" name="thirdParty" value="false">');
    expect(html).toContain('Records found (1 marked as another person’s data)');
    expect(html).not.toContain('data-record="traffic:');
  });

  it('shows the marks an earlier plan set (restricted, marketing stopped) by their London date, not in the summary', async () => {
    const html = await page(viewer);
    const contact = itemOf(html, 'billing:billing_contact:BC-1001');
    expect(contact).toContain('data-restricted');
    expect(contact).toContain('<strong class="tag">Restricted since 10 April 2025</strong>');
    expect(contact).not.toContain('restricted at');
    const user = itemOf(html, 'accounts:account_user:USR-1001');
    expect(user).not.toContain('data-restricted');
    expect(user).toContain('<strong class="tag">Marketing stopped since 10 April 2025</strong>');
    expect(user).not.toContain('marketing opt out');
    expect(itemOf(html, 'accounts:sign_in:EVT-901')).not.toContain('class="tag"');
  });

  it('the forms post what the mark-third-party action takes', async () => {
    expect(parseAction({ action: 'mark-third-party', records: 'accounts:sign_in:EVT-901', thirdParty: 'true', _csrf: 'tok' })).toEqual({
      action: 'mark-third-party',
      records: ['accounts:sign_in:EVT-901'],
      thirdParty: true,
    });
    expect(parseAction({ action: 'mark-third-party', records: 'accounts:sign_in:EVT-902', thirdParty: 'false' })).toMatchObject({ thirdParty: false });
  });

  it('shows a viewer the records and the marks, without forms; escapes what a record holds', async () => {
    const evil = {
      ...ADA_RECORDS,
      accounts: [{ ...ADA_RECORDS.accounts![0]!, fields: { full_name: '<script>alert(1)</script>' } }],
    };
    const c = adaCase({ status: 'in_progress' });
    const records = await searchRecordsOf(c, { files: memoryFiles(c, evil), register: ICETRAK_REGISTER });
    const html = searchSection({ c, staff: viewer, csrf: 'tok', basePath: '/prod', records }).value;
    expect(html).toContain('full name: &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>');
    expect(html).toContain('data-record="accounts:account_user:USR-1001"');
    expect(html).not.toContain('name="action" value="mark-third-party"');
  });
});
