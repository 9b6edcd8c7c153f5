/**
 * The case page's "Change plan" section (issue 15): the plan computed from the finished search,
 * grouped (system, record type, action, why, kept until, how many) with its lines (bounded), the
 * recipients to tell (Art. 19), each source's execution, the verification; and its forms: make the
 * plan (with a correction or purposes objected to), approve it, execute it again after a failure,
 * confirm a manual source's changes. Every value is escaped by `h`; the forms post the actions of
 * shared/cases/act.ts.
 */
import type { Case } from '#domain/case';
import { canPlan, planActionable } from '#domain/fulfilment-actions';
import { mailEntry } from '#domain/outbox';
import type { PlanLine, SourceExecution } from '#domain/plan';
import { PLANNED_RIGHTS } from '#domain/plan-execution';
import { canAct, type Staff } from '#shared/auth/staff';
import { h, type RawHtml } from '#http/html';
import { ICETRAK_REGISTER } from '#shared/fulfilment/icetrak-register';
import { textField, type FormState } from './desk-forms';
import { csrfInput, timeOf } from './desk-layout';
import { ACTION_TEXT, GROUND_TEXT, PLAN_STATUS_TEXT, longDate } from './plan-text';

const SOURCE_STATUS: Record<SourceExecution['status'], string> = {
  pending: 'Waiting for approval',
  running: 'Writing…',
  done: 'Done',
  failed: 'Failed (rolled back)',
  'awaiting-staff': 'To do by hand, then confirm',
  'nothing-to-do': 'Nothing to change',
};

const systemName = (id: string) => ICETRAK_REGISTER.systems.find((s) => s.id === id)?.name ?? id;

function form(c: Case, csrf: string, basePath: string, action: string, fields: RawHtml | string, button: string, cls = ''): RawHtml {
  return h`<form method="post" action="${basePath}/desk/cases/${encodeURIComponent(c.reference)}/actions" novalidate>
<input type="hidden" name="action" value="${action}">
${csrfInput(csrf)}
${fields}
<button type="submit"${cls ? h` class="${cls}"` : ''}>${button}</button>
</form>`;
}

const hidden = (name: string, value: string) => h`<input type="hidden" name="${name}" value="${value}">`;

function lineRow(l: PlanLine): RawHtml {
  const detail =
    l.action === 'rectify'
      ? h`${l.field ?? ''}: ${String(l.from ?? '')} → ${String(l.to ?? '')}`
      : l.action === 'stop'
        ? h`purpose: ${l.purpose ?? ''}`
        : l.keptUntil
          ? h`kept until ${longDate(l.keptUntil)}`
          : '';
  return h`<tr><td>${systemName(l.source)}</td><td>${l.recordType} ${l.key}${l.accountId ? h` (${l.accountId})` : ''}</td><td>${ACTION_TEXT[l.action]}</td><td>${l.reason}</td><td>${detail}</td><td>${(l.recipients ?? []).join(', ')}</td></tr>`;
}

export function planSection(opts: {
  c: Case;
  staff: Staff;
  csrf: string;
  basePath: string;
  /** The plan's lines, read from its file (bounded), when the page could read them. */
  lines?: { lines: PlanLine[]; total: number };
  /** The failed plan form's fields and errors, when its post was refused. */
  failed?: { values: Record<string, unknown>; errors: Record<string, string> };
}): RawHtml {
  const { c, staff, csrf, basePath } = opts;
  const p = c.plan;
  // A lift plan is approved on a closed case too: the restriction outlives the case (restriction.ts).
  const acting = canAct(staff) && planActionable(c);
  if (!p && !c.rights.some((r) => (PLANNED_RIGHTS as readonly string[]).includes(r))) return h``;

  const state: FormState = { prefix: 'plan', values: opts.failed?.values ?? {}, errors: opts.failed?.errors ?? {} };
  const makeForm =
    acting && canPlan(c)
      ? form(
          c,
          csrf,
          basePath,
          'plan',
          h`<p class="hint">The plan is worked out from the search’s records, the register and the retention schedule. For a rectification, give the field and its corrected value.</p>
${textField({ name: 'field', label: 'Field to correct (e.g. full_name)', state, type: 'text', maxLength: 100 })}
${textField({ name: 'to', label: 'Corrected value', state, type: 'text', maxLength: 1000 })}
${textField({ name: 'recordType', label: 'Only records of this type (optional, e.g. billing_contact)', state, type: 'text', maxLength: 60 })}
${textField({ name: 'objections', label: 'Purposes objected to (e.g. marketing; separate several with commas)', state, type: 'text', maxLength: 500 })}`,
          p ? 'Make the plan again' : 'Make the plan',
          p ? 'secondary' : '',
        )
      : '';
  if (!p) {
    return h`<h2 id="plan">Change plan</h2>
<p>${c.search?.finishedAt ? 'No plan yet.' : 'Search Icetrak’s systems first: the plan is made from what the search found.'}</p>
${makeForm}`;
  }

  const groups = h`<table class="plan">
<thead><tr><th scope="col">System</th><th scope="col">Records</th><th scope="col">Action</th><th scope="col">Why</th><th scope="col">Kept until</th><th scope="col">How many</th></tr></thead>
<tbody>${p.groups.map(
    (g) =>
      h`<tr data-action="${g.action}"><td>${systemName(g.source)}</td><td>${g.recordType}</td><td>${ACTION_TEXT[g.action]}${g.field ? h` (${g.field})` : ''}${g.purpose ? h` (${g.purpose})` : ''}</td><td>${g.ground ? GROUND_TEXT[g.ground] : ''}</td><td>${g.keptUntil ? longDate(g.keptUntil) : g.action === 'keep' ? '—' : ''}</td><td>${g.count}</td></tr>`,
  )}</tbody>
</table>`;
  const sources = h`<table class="plan-sources">
<thead><tr><th scope="col">System</th><th scope="col">Execution</th><th scope="col">Detail</th></tr></thead>
<tbody>${p.sources.map(
    (s) =>
      h`<tr data-source="${s.source}"><th scope="row">${systemName(s.source)}</th><td>${SOURCE_STATUS[s.status]}</td><td>${
        s.failure ? h`<span class="error">${s.failure}</span>` : ''
      }${s.applied ? Object.entries(s.applied).map(([a, n]) => h`${a}: ${n}. `) : ''}${s.confirmedBy ? h`Confirmed by ${s.confirmedBy.replace(/^staff:/, '')}.` : ''}${
        acting && s.status === 'awaiting-staff' && p.status === 'executing'
          ? form(
              c,
              csrf,
              basePath,
              'confirm-manual-execution',
              h`${hidden('planId', p.planId)}${hidden('source', s.source)}`,
              'Confirm the changes were made by hand',
              'secondary',
            )
          : ''
      }</td></tr>`,
  )}</tbody>
</table>`;
  const recipients = p.recipients?.length
    ? h`<h3>Recipients to tell (Art. 19)</h3>
<ul>${p.recipients.map((r) => {
        const sent = p.notices?.find((n) => n.recipient === r.recipient);
        const channel = r.noticeApi
          ? h` (by its API, ${apiHost(r.noticeApi.url)})`
          : r.noticeEmail
            ? h` (${r.noticeEmail})`
            : ' (no notice address: tell it by hand)';
        return h`<li data-recipient="${r.recipient}">${r.name}${channel}: ${Object.entries(r.records)
          .map(([a, n]) => `${a} ${n}`)
          .join(', ')}${sent ? h` — notice owed ${timeOf(sent.at)}${deliveryOf(c, sent.outboxId)}` : ''}</li>`;
      })}</ul>`
    : '';
  const v = p.verification;
  const verification = v
    ? h`<p>Verification search ${timeOf(v.startedAt)}: ${
        v.finishedAt
          ? h`${v.remaining ?? 0} erased record${v.remaining === 1 ? '' : 's'} still found${v.unsearched?.length ? h`; not searched: ${v.unsearched.join(', ')}` : ''}.`
          : 'running.'
      }</p>`
    : '';
  const lines = opts.lines
    ? h`<details><summary>Every line (${opts.lines.total}${opts.lines.total > opts.lines.lines.length ? h`, the first ${opts.lines.lines.length} shown` : ''})</summary>
<table class="plan-lines"><thead><tr><th scope="col">System</th><th scope="col">Record</th><th scope="col">Action</th><th scope="col">Reason</th><th scope="col">Detail</th><th scope="col">Recipients</th></tr></thead>
<tbody>${opts.lines.lines.map(lineRow)}</tbody></table></details>`
    : '';
  const approve =
    acting && p.status === 'proposed' ? form(c, csrf, basePath, 'approve-plan', hidden('planId', p.planId), 'Approve the plan and execute it') : '';
  const retry =
    acting && (p.status === 'failed' || p.status === 'approved')
      ? form(c, csrf, basePath, 'execute-plan', hidden('planId', p.planId), 'Execute the plan again')
      : '';
  return h`<h2 id="plan">Change plan</h2>
${p.kind === 'lift' ? h`<p>This plan lifts the restriction (see <a href="#restriction">Restriction</a>): the requester was told first.</p>` : ''}
<p><strong>${PLAN_STATUS_TEXT[p.status]}</strong></p>
<p>Plan ${p.planId}, proposed ${timeOf(p.proposedAt)} by ${p.proposedBy.replace(/^staff:/, '')} from the search of ${p.runId} (register ${p.registerVersion})${
    p.approvedBy ? h`; approved ${timeOf(p.approvedAt ?? '')} by ${p.approvedBy.replace(/^staff:/, '')}` : ''
  }${p.executedAt ? h`; executed ${timeOf(p.executedAt)}` : ''}.</p>
${groups}
${lines}
${recipients}
${p.status === 'proposed' ? '' : sources}
${verification}
${approve}${retry}
${makeForm}`;
}

/** A notice API's host, what the page names (the path and query stay in the register). */
function apiHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'its URL';
  }
}

/** Where an owed notice stands in the outbox: sent, refused for good (the DPO team tells the recipient by hand), or being retried. */
function deliveryOf(c: Case, outboxId: string): RawHtml | '' {
  const e = mailEntry(c, outboxId);
  if (!e) return '';
  if (e.state === 'sent') return h`; sent${e.sentAt ? h` ${timeOf(e.sentAt)}` : ''}`;
  if (e.state === 'failed') return h`; <strong class="tag error">refused (${e.lastError ?? 'error'}): tell the recipient by hand</strong>`;
  if (e.failures > 0) return h`; not delivered yet (${e.failures} failed attempt${e.failures === 1 ? '' : 's'}, ${e.lastError ?? 'error'}): retrying`;
  return '';
}
