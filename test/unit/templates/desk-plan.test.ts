/** The case page's change plan section (issue 15): groups and lines with reasons and kept-until dates, the forms each status allows; everything escaped. */
import { describe, expect, it } from 'vitest';
import type { Case } from '#domain/case';
import { confirmIdentity, receive } from '#domain/lifecycle';
import { finishSearch, startSearch } from '#domain/search';
import type { PlanLine } from '#domain/plan';
import { approvePlan, finishExecution, proposePlan, recordSourceExecution, startExecution } from '#domain/plan-execution';
import { groupLines } from '#domain/plan-rules';
import { ICETRAK_REGISTER } from '#shared/fulfilment/icetrak-register';
import type { Staff } from '#shared/auth/staff';
import { parseAction } from '#shared/cases/act';
import { planSection } from '#shared/templates/desk-plan';

const dpo: Staff = { sub: 's-1', email: 'dpo.lead@icetrak.net', name: 'Dana Lead', roles: ['dpo'] };
const viewer: Staff = { sub: 's-2', email: 'auditor@icetrak.net', name: 'Audrey Tor', roles: ['viewer'] };
const AT = '2026-12-02T10:00:00Z';
const PLAN = 'plan000000001';
const EVIL = '<script>alert(1)</script>';

const LINES: PlanLine[] = [
  {
    recordId: 'accounts:account:ACC-1002',
    source: 'accounts',
    recordType: 'account',
    key: 'ACC-1002',
    action: 'keep',
    ground: 'legal-obligation',
    keptUntil: '2030-06-30',
    reason: `Kept ${EVIL}`,
  },
  {
    recordId: 'billing:billing_contact:41',
    source: 'billing',
    recordType: 'billing_contact',
    key: '41',
    action: 'erase',
    reason: 'Erased',
    recipients: ['kashflow'],
  },
];

function planned(): Case {
  const r = receive({
    id: '01KAQ3V6Y8ZJ4N7R2M5T9W8XCD',
    reference: 'RD-7K4M9P',
    rights: ['erasure'],
    channel: 'email',
    requester: { fullName: 'Ben', email: 'ben@example.org' },
    receivedAt: AT,
    actor: 'requester',
  });
  let c = confirmIdentity(r.case, { at: AT, actor: 'staff:dpo@icetrak.net' }).case;
  c = startSearch(
    c,
    { runId: 'run0000000001', registerVersion: ICETRAK_REGISTER.version, identifiers: { emails: [], phones: [], accountIds: [] }, sources: [] },
    { at: AT, actor: 'staff:dpo@icetrak.net' },
  ).case;
  c = finishSearch(c, 'run0000000001', AT)!.case;
  return proposePlan(
    c,
    {
      planId: PLAN,
      registerVersion: ICETRAK_REGISTER.version,
      lines: LINES,
      groups: groupLines(LINES),
      kinds: { accounts: 'sql', billing: 'sql' },
      register: ICETRAK_REGISTER,
    },
    { at: AT, actor: 'staff:dpo@icetrak.net' },
  ).case;
}

const forms = (html: string) => [...html.matchAll(/name="action" value="([a-z-]+)"/g)].map((m) => m[1]);

describe('the change plan section', () => {
  it('shows the groups (why, kept until) and every line, escaped, and offers approval of the plan reviewed', () => {
    const html = String(planSection({ c: planned(), staff: dpo, csrf: 'tok', basePath: '', lines: { lines: LINES, total: 2 } }));
    expect(html).toContain('30 June 2030');
    expect(html).toContain('7 years after the account closes');
    expect(html).not.toContain(EVIL);
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain('Kashflow');
    expect(forms(html)).toEqual(['approve-plan', 'plan']);
    expect(html).toContain(`name="planId" value="${PLAN}"`);
    // What the approval form posts is exactly the action's schema.
    expect(parseAction({ action: 'approve-plan', planId: PLAN, _csrf: 'tok' })).toEqual({ action: 'approve-plan', planId: PLAN });
  });

  it('a failed plan offers to execute it again and shows the failure; a viewer gets no form', () => {
    let c = approvePlan(planned(), PLAN, { at: AT, actor: 'staff:dpo@icetrak.net' }).case;
    c = startExecution(c, PLAN, AT).step!.case;
    c = recordSourceExecution(c, PLAN, 'billing', { status: 'failed', failure: 'SourceWriteError: rolled back' }, AT)!.case;
    c = finishExecution(c, PLAN, AT)!.case;
    const html = String(planSection({ c, staff: dpo, csrf: 'tok', basePath: '' }));
    expect(html).toContain('Failed part-way');
    expect(html).toContain('SourceWriteError: rolled back');
    expect(forms(html)).toEqual(['execute-plan', 'plan']);
    expect(forms(String(planSection({ c, staff: viewer, csrf: 'tok', basePath: '' })))).toEqual([]);
  });

  it('on a closed case offers only a lift plan’s approval (a restriction outlives its case), and says what the plan is', () => {
    const closed: Case = { ...planned(), status: 'closed' };
    expect(forms(String(planSection({ c: closed, staff: dpo, csrf: 'tok', basePath: '' })))).toEqual([]);
    const lift: Case = { ...closed, plan: { ...closed.plan!, kind: 'lift' } };
    const html = String(planSection({ c: lift, staff: dpo, csrf: 'tok', basePath: '' }));
    expect(forms(html)).toEqual(['approve-plan']);
    expect(html).toContain('This plan lifts the restriction');
  });
});
