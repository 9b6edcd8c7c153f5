/** The case page's Restriction panel (Art. 18(3)): what is restricted and its lifting, the forms each stage allows, on a closed case too; everything escaped. */
import { describe, expect, it } from 'vitest';
import type { Case } from '#domain/case';
import { markSent, owe } from '#domain/outbox';
import type { CasePlan } from '#domain/plan';
import type { Staff } from '#shared/auth/staff';
import { ACTION_SCHEMAS } from '#shared/cases/act';
import { restrictionSection } from '#shared/templates/desk-restriction';
import { aCase } from '#test/support/cases';

const dpo: Staff = { sub: 's-1', email: 'dpo.lead@icetrak.net', name: 'Dana Lead', roles: ['dpo'] };
const viewer: Staff = { sub: 's-2', email: 'auditor@icetrak.net', name: 'Audrey Tor', roles: ['viewer'] };
const EVIL = '<script>alert(1)</script>';
const LETTER = 'letter:restriction-lift:7';

const restricted = (): Case =>
  aCase({
    status: 'closed',
    rights: ['restriction'],
    restriction: {
      plans: [{ planId: 'plan00000restrict', linesKey: 'plans/x/plan00000restrict.json', restrictedAt: '2026-11-02T10:00:00Z', records: 3 }],
      restrictedAt: '2026-11-02T10:00:00Z',
      records: 3,
    },
  });

function announced(sent: boolean, liftFrom = '2026-12-09'): Case {
  const c = restricted();
  const withLift: Case = {
    ...c,
    restriction: {
      ...c.restriction!,
      lift: {
        ground: 'objection-decided',
        reason: `Weighed ${EVIL}`,
        liftFrom,
        announcedAt: '2026-12-02T12:00:00Z',
        announcedBy: 'staff:dpo.lead@icetrak.net',
        letter: LETTER,
      },
    },
  };
  const owed = owe(withLift, { id: LETTER, kind: 'letter', to: 'requester', params: { letter: 'restriction-lift' } }, '2026-12-02T12:00:00Z');
  return sent ? markSent(owed, LETTER, new Date('2026-12-02T12:00:05Z'), 'ses-1') : owed;
}

const render = (c: Case, today = '2026-12-09', staff = dpo, failed?: { values: Record<string, unknown>; errors: Record<string, string> }) =>
  String(restrictionSection({ c, staff, csrf: 'tok', basePath: '/prod', today, ...(failed ? { failed } : {}) }));
const forms = (html: string) => [...html.matchAll(/name="action" value="([a-z-]+)"/g)].map((m) => m[1]);

describe('the restriction panel', () => {
  it('is absent without a restriction', () => {
    expect(render(aCase())).toBe('');
  });

  it('on a closed case, before any announcement: since when and how many, and only the form that tells the requester', () => {
    const html = render(restricted());
    expect(html).toContain('<h2 id="restriction">Restriction</h2>');
    expect(html).toContain('datetime="2026-11-02T10:00:00Z"');
    expect(html).toContain('<dd>3 (plan plan00000restrict)</dd>');
    expect(html).toContain('Not announced');
    expect(forms(html)).toEqual(['announce-restriction-lift']);
    expect(html).toContain('name="ground"');
    expect(html).toContain('value="claims-ended"');
    expect(html).toContain('type="date" id="restriction-liftFrom" name="liftFrom"');
    // The form posts exactly the action's fields.
    const names = new Set([...html.matchAll(/name="([A-Za-z_]+)"/g)].map((m) => m[1]).filter((n) => n !== 'action' && n !== '_csrf'));
    expect([...names].sort()).toEqual(Object.keys(ACTION_SCHEMAS['announce-restriction-lift'].shape).sort());
  });

  it('announced: the ground, the reason escaped, the date; the lift waits for the letter and the date, then is offered', () => {
    const unsent = render(announced(false));
    expect(unsent).toContain('our legitimate grounds for using your data override it');
    expect(unsent).not.toContain(EVIL);
    expect(unsent).toContain('Weighed &lt;script&gt;');
    expect(unsent).toContain('(letter pending)');
    expect(unsent).toContain('has not been sent yet');
    expect(forms(unsent)).toEqual(['announce-restriction-lift']);
    const early = render(announced(true), '2026-12-08');
    expect(early).toContain('(letter sent)');
    expect(early).toContain('told it would be lifted from Wednesday 9 December 2026');
    expect(forms(early)).toEqual(['announce-restriction-lift']);
    const due = render(announced(true), '2026-12-09');
    expect(forms(due)).toEqual(['announce-restriction-lift', 'lift-restriction']);
    expect(due).toContain('Announce the lifting again');
  });

  it('with a lift plan running, points to the plan; once lifted, shows when and offers nothing', () => {
    const c = announced(true);
    const plan = { planId: 'plan000000lift01', kind: 'lift', status: 'executing' } as CasePlan;
    const running: Case = { ...c, plan, restriction: { ...c.restriction!, lift: { ...c.restriction!.lift!, planId: plan.planId } } };
    const html = render(running);
    expect(html).toContain('The lift plan is executing');
    expect(forms(html)).toEqual(['announce-restriction-lift']);
    const lifted: Case = {
      ...running,
      restriction: { ...running.restriction!, lift: { ...running.restriction!.lift!, liftedAt: '2026-12-09T10:00:00Z' } },
    };
    const done = render(lifted);
    expect(done).toContain('datetime="2026-12-09T10:00:00Z"');
    expect(forms(done)).toEqual([]);
  });

  it('shows a viewer the facts without forms, and redraws a refused announcement with its errors', () => {
    expect(forms(render(announced(true), '2026-12-09', viewer))).toEqual([]);
    const html = render(restricted(), '2026-12-09', dpo, { values: { reason: `Again ${EVIL}` }, errors: { liftFrom: 'Enter a date as YYYY-MM-DD.' } });
    expect(html).toContain('Enter a date as YYYY-MM-DD.');
    expect(html).toContain('Again &lt;script&gt;');
    expect(html).not.toContain(EVIL);
  });
});
