/**
 * The case page's "Restriction" panel (Art. 18; issue 15): the restriction an executed plan put
 * on the person's records — since when, how many — and its lifting: the announcement to the
 * requester (when, on what ground, from which date), the lift plan (approved in the change plan
 * section), when it was lifted. Its forms post `announce-restriction-lift` and `lift-restriction`
 * (shared/cases/act.ts), on an open or a closed case alike: a restriction outlives its case.
 * Every value is escaped by `h`.
 */
import type { Case } from '#domain/case';
import { formatLongDate } from '#domain/calendar';
import { mailEntry } from '#domain/outbox';
import { LIFT_GROUNDS, liftBlocked } from '#domain/restriction';
import { canAct, type Staff } from '#shared/auth/staff';
import { h, type RawHtml } from '#http/html';
import { select, textArea, textField, type FormState } from './desk-forms';
import { csrfInput, timeOf } from './desk-layout';
import { LIFT_GROUND_TEXT } from './plan-text';

const GROUND_LABELS: Record<(typeof LIFT_GROUNDS)[number], string> = {
  'accuracy-verified': 'Accuracy verified (Art. 18(1)(a))',
  'objection-decided': 'Objection decided: our grounds override it (Art. 18(1)(d))',
  'claims-ended': 'The requester’s legal claims have ended (Art. 18(1)(c))',
  'requester-agreed': 'The requester agreed to the lifting',
  other: 'Another ground (give it in the reason)',
};

const by = (actor: string) => actor.replace(/^staff:/, '');

function form(c: Case, csrf: string, basePath: string, action: string, fields: RawHtml | string, button: string): RawHtml {
  return h`<form method="post" action="${basePath}/desk/cases/${encodeURIComponent(c.reference)}/actions" novalidate>
<input type="hidden" name="action" value="${action}">
${csrfInput(csrf)}
${fields}
<button type="submit">${button}</button>
</form>`;
}

export function restrictionSection(opts: {
  c: Case;
  staff: Staff;
  csrf: string;
  basePath: string;
  /** Today, London (what the forms offer depends on it). */
  today: string;
  /** The announcement form's fields and errors, when its post was refused. */
  failed?: { values: Record<string, unknown>; errors: Record<string, string> };
}): RawHtml | string {
  const { c, staff, csrf, basePath, today } = opts;
  const r = c.restriction;
  if (!r) return '';
  const lift = r.lift;
  const acting = canAct(staff) && !lift?.liftedAt;
  const letter = lift ? mailEntry(c, lift.letter) : undefined;
  const facts = h`<dl class="restriction">
<dt>Restricted since</dt><dd>${timeOf(r.restrictedAt)}</dd>
<dt>Records</dt><dd>${r.records} (plan${r.plans.length === 1 ? '' : 's'} ${r.plans.map((p) => p.planId).join(', ')})</dd>
${
  lift
    ? h`<dt>Lifting announced</dt><dd>${timeOf(lift.announcedAt)} by ${by(lift.announcedBy)}: ${LIFT_GROUND_TEXT[lift.ground]}. ${lift.reason}${
        letter ? h` (letter ${letter.state === 'sent' ? 'sent' : letter.state})` : ''
      }</dd>
<dt>Lift from</dt><dd>${formatLongDate(lift.liftFrom)}</dd>
${lift.planId ? h`<dt>Lift plan</dt><dd>${lift.planId}</dd>` : ''}
<dt>Lifted</dt><dd>${lift.liftedAt ? timeOf(lift.liftedAt) : 'Not yet'}</dd>`
    : h`<dt>Lifting</dt><dd>Not announced: the requester is told before the restriction is lifted (Art. 18(3)).</dd>`
}
</dl>`;
  if (!acting)
    return h`<h2 id="restriction">Restriction</h2>
${facts}`;
  const state: FormState = { prefix: 'restriction', values: opts.failed?.values ?? {}, errors: opts.failed?.errors ?? {} };
  const announce = form(
    c,
    csrf,
    basePath,
    'announce-restriction-lift',
    h`<p class="hint">The requester is sent a letter now: what was restricted and since when, the date it is lifted from, why, what lifting means, and that they may reply or object before then.${
      lift ? ' A new announcement replaces the one above (a new letter is sent).' : ''
    }</p>
${select({ name: 'ground', label: 'Ground for lifting', options: LIFT_GROUNDS.map((g) => ({ value: g, label: GROUND_LABELS[g] })), blank: 'Choose…', state })}
${textArea({ name: 'reason', label: 'The reason, in words the requester understands', rows: 3, maxLength: 2000, state })}
${textField({ name: 'liftFrom', label: 'Lift it on or after (today at the earliest)', type: 'date', state })}`,
    lift ? 'Announce the lifting again' : 'Tell the requester it will be lifted',
  );
  const blocked = liftBlocked(c, today);
  const liftPlan = lift?.planId !== undefined && c.plan?.kind === 'lift' && c.plan.planId === lift.planId ? c.plan : undefined;
  const liftForm = !lift
    ? ''
    : liftPlan && liftPlan.status !== 'proposed'
      ? h`<p>The lift plan is ${liftPlan.status}: see the <a href="#plan">change plan</a> section.</p>`
      : blocked
        ? h`<p class="notice">${blocked}</p>`
        : h`${liftPlan ? h`<p>The lift plan is proposed: review and approve it in the <a href="#plan">change plan</a> section, or make it again.</p>` : ''}${form(
            c,
            csrf,
            basePath,
            'lift-restriction',
            '',
            liftPlan ? 'Make the lift plan again' : 'Make the lift plan (then approve it in the change plan section)',
          )}`;
  return h`<h2 id="restriction">Restriction</h2>
${facts}
${announce}
${liftForm}`;
}
