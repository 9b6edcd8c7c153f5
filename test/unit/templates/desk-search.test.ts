/** The case page's search section (issue 14): per-source results, processor data as such, the (re)run form; everything escaped. */
import { describe, expect, it } from 'vitest';
import type { Case } from '#domain/case';
import { confirmIdentity, receive } from '#domain/lifecycle';
import { finishSearch, recordSourceResult, startSearch } from '#domain/search';
import { forwardTargets, forwardToCustomers } from '#domain/forwarding';
import { ICETRAK_REGISTER } from '#shared/fulfilment/icetrak-register';
import type { Staff } from '#shared/auth/staff';
import { parseAction } from '#shared/cases/act';
import { ValidationError } from '#domain/errors';
import { searchSection } from '#shared/templates/desk-search';

const dpo: Staff = { sub: 's-1', email: 'dpo.lead@icetrak.net', name: 'Dana Lead', roles: ['dpo'] };
const viewer: Staff = { sub: 's-2', email: 'auditor@icetrak.net', name: 'Audrey Tor', roles: ['viewer'] };
const AT = '2026-12-02T10:00:00Z';

function searched(): Case {
  const r = receive({
    id: '01KAQ3V6Y8ZJ4N7R2M5T9W8XCD',
    reference: 'RD-7K4M9P',
    rights: ['access'],
    channel: 'email',
    requester: { fullName: 'Cara', email: 'cara@example.org' },
    receivedAt: AT,
    actor: 'requester',
  });
  let c = confirmIdentity(r.case, { at: AT, actor: 'staff:dpo@icetrak.net' }).case;
  c = startSearch(
    c,
    {
      runId: 'run0000000001',
      registerVersion: '2026-12-02.1',
      identifiers: { emails: ['<b>x</b>@example.org'], phones: ['+447700900456'], accountIds: [] },
      sources: [
        { source: 'traffic', kind: 'traffic', identifiers: [{ kind: 'phone', value: '+447700900456' }] },
        { source: 'accounts', kind: 'sql', identifiers: [{ kind: 'email', value: '<b>x</b>@example.org' }] },
        { source: 'support-files', kind: 'manual', identifiers: [{ kind: 'email', value: '<b>x</b>@example.org' }] },
      ],
    },
    { at: AT, actor: 'staff:dpo@icetrak.net' },
  ).case;
  c = recordSourceResult(
    c,
    'run0000000001',
    'traffic',
    { status: 'done', recordCount: 3, customers: [{ accountId: 'ACC-1002', name: 'Worcester <Taxis>', records: 2 }] },
    AT,
  )!.case;
  return recordSourceResult(c, 'run0000000001', 'accounts', { status: 'failed', failure: 'States.Timeout: the source did not answer in time' }, AT)!.case;
}

describe('searchSection', () => {
  it('shows each source’s status, identifiers, count or failure; matched customers as processor data to forward; escaped', () => {
    const html = searchSection({ c: searched(), staff: dpo, csrf: 'tok', basePath: '/prod' }).value;
    expect(html).toContain('<h2 id="search">Search of Icetrak’s systems</h2>');
    expect(html).toContain('3 records');
    expect(html).toContain('States.Timeout: the source did not answer in time');
    expect(html).toContain('To search by hand');
    expect(html).toContain('Worcester &lt;Taxis&gt; (ACC-1002): 2 records');
    expect(html).toMatch(/forward the request to\s+each customer/);
    expect(html).toContain('&lt;b&gt;x&lt;/b&gt;@example.org');
    expect(html).not.toContain('<b>x</b>');
    expect(html).toContain('action="/prod/desk/cases/RD-7K4M9P/actions"');
    expect(html).toContain('<input type="hidden" name="action" value="search">');
    expect(html).toContain('Run the search again');
  });

  it('gives a viewer no form, and says when nothing was searched yet', () => {
    const c = { ...searched(), search: undefined };
    const html = searchSection({ c, staff: viewer, csrf: 'tok', basePath: '' }).value;
    expect(html).toContain('have not been searched for this case yet');
    expect(html).not.toContain('<form');
  });
});

describe('forwarding from the search (issue 15)', () => {
  const finished = (): Case => {
    let c = searched();
    c = {
      ...c,
      search: {
        ...c.search!,
        sources: c.search!.sources.map((s) =>
          s.source === 'traffic' ? { ...s, customers: s.customers!.map((m) => ({ ...m, privacyContact: 'dpo@worcestertaxis.example' })) } : s,
        ),
      },
    };
    return finishSearch(c, 'run0000000001', AT)!.case;
  };

  it('offers one button forwarding to the matched customers once the search has finished; a viewer gets none', () => {
    expect(searchSection({ c: searched(), staff: dpo, csrf: 'tok', basePath: '' }).value).not.toContain('action-forward-customers');
    const html = searchSection({ c: finished(), staff: dpo, csrf: 'tok', basePath: '' }).value;
    expect(html).toMatch(/<form [^>]*id="action-forward-customers">\s*<input type="hidden" name="action" value="forward">/);
    expect(html).toContain('Forward to the customer and tell the requester');
    expect(searchSection({ c: finished(), staff: viewer, csrf: 'tok', basePath: '' }).value).not.toContain('action-forward-customers');
  });

  it('lists the forwards made, with each contact and whether its email has gone, and no button once all are forwarded', () => {
    const c = finished();
    const t = forwardToCustomers(
      c,
      { targets: forwardTargets(c, ICETRAK_REGISTER), runId: 'run0000000001', icetrakPartRemains: true },
      {
        at: AT,
        actor: 'staff:dpo.lead@icetrak.net',
      },
    );
    const html = searchSection({ c: t.case, staff: dpo, csrf: 'tok', basePath: '' }).value;
    expect(html).toContain('Forwarded to the customers');
    expect(html).toContain('Worcester &lt;Taxis&gt; (ACC-1002), dpo@worcestertaxis.example: to be sent; by dpo.lead@icetrak.net');
    expect(html).not.toContain('action-forward-customers');
  });
});

describe('the search action’s fields', () => {
  it('normalises and deduplicates extra identifiers from JSON or a form field', () => {
    expect(
      parseAction({ action: 'search', emails: ['Ada@Example.org', 'ada@example.org'], phones: '07700 900123, +44 7700 900456', accountIds: 'acc-1001' }),
    ).toEqual({
      action: 'search',
      emails: ['ada@example.org'],
      phones: ['+447700900123', '+447700900456'],
      accountIds: ['ACC-1001'],
    });
    expect(parseAction({ action: 'search' })).toEqual({ action: 'search' });
  });

  it('names each bad value and bounds the counts', () => {
    const fields = (raw: Record<string, unknown>) => {
      try {
        parseAction(raw);
      } catch (err) {
        if (err instanceof ValidationError) return err.fields;
      }
      return {};
    };
    expect(fields({ action: 'search', emails: ['ok@example.org', 'not-an-email'] }).emails).toContain('“not-an-email” is not an email address');
    expect(fields({ action: 'search', phones: ['12'] }).phones).toContain('“12” is not a phone number');
    expect(fields({ action: 'search', emails: Array.from({ length: 11 }, (_, i) => `p${i}@example.org`) }).emails).toContain('at most 10');
    expect(fields({ action: 'search', names: ['x'] }).names).toBeDefined();
  });
});
