/**
 * The desk's reports page (issue 12): the reports made so far, newest period first, each with its
 * headline numbers and its files, and (for the DPO team) "run now" for a month or a week.
 * No scripts; every value goes through `h`.
 */
import type { IsoDate } from '#domain/calendar';
import { defaultPeriod } from '#domain/report-period';
import type { Staff } from '#shared/auth/staff';
import { canAct } from '#shared/auth/staff';
import { h, type RawHtml } from '#http/html';
import { REPORT_FILES, type ReportRecord } from '#shared/reports/record';
import { csrfInput, deskLayout, timeOf } from './desk-layout';
import { errorSummary, select, textField, type FormState } from './desk-forms';

const KIND_LABELS = { monthly: 'Monthly report', weekly: 'Weekly digest' } as const;

const percent = (v: number | null | undefined): string => (v == null ? '—' : `${(Math.round(v * 1000) / 10).toLocaleString('en-GB')} %`);
const count = (v: number | null | undefined): string => (v == null ? '—' : v.toLocaleString('en-GB'));

export function reportsPage(opts: {
  reports: ReportRecord[];
  next?: string;
  staff: Staff;
  csrf: string;
  basePath: string;
  /** Today's London date: "run now" offers last month and this week by default. */
  today: IsoDate;
  flash?: string;
  errors?: Record<string, string>;
  values?: Record<string, unknown>;
}): string {
  const { basePath } = opts;
  const errors = opts.errors ?? {};
  const hasErrors = Object.keys(errors).length > 0;
  const defaults = { monthly: defaultPeriod('monthly', opts.today), weekly: defaultPeriod('weekly', opts.today) };
  const state: FormState = { prefix: 'run', values: { kind: 'monthly', period: defaults.monthly, ...opts.values }, errors };
  const file = (r: ReportRecord, f: keyof typeof REPORT_FILES, text: string): RawHtml =>
    h`<a href="${basePath}/desk/reports/${r.id}/${REPORT_FILES[f].name}">${text}<span class="visually-hidden"> of the ${KIND_LABELS[r.kind].toLowerCase()} for ${r.label}</span></a>`;
  const rows = opts.reports.map(
    (r) => h`<tr>
<td>${file(r, 'html', `${KIND_LABELS[r.kind]}: ${r.label}`)}</td>
<td>${timeOf(r.generatedAt)}${r.runs > 1 ? h` (run ${r.runs} times)` : ''}</td>
<td>${r.kind === 'monthly' ? count(r.headline.received) : count(r.headline.open)}</td>
<td>${r.kind === 'monthly' ? percent(r.headline.onTimeRate) : count(r.headline.dueThisWeek)}</td>
<td>${count(r.kind === 'monthly' ? r.headline.overdueNow : r.headline.overdue)}</td>
<td>${r.mailedAt ? timeOf(r.mailedAt) : 'Not yet'}</td>
<td>${file(r, 'csv', 'CSV')}</td>
</tr>`,
  );
  const runForm = canAct(opts.staff)
    ? h`<h2 id="run">Run a report now</h2>
<p>Makes the report for the period again if it exists (the files are replaced). The team is mailed the first time a period is reported, and again if a re-run changes its headline numbers.</p>
<form method="post" action="${basePath}/desk/reports" novalidate>
${csrfInput(opts.csrf)}
${select({
  name: 'kind',
  label: 'Report',
  options: [
    { value: 'monthly', label: KIND_LABELS.monthly },
    { value: 'weekly', label: KIND_LABELS.weekly },
  ],
  state,
})}
${textField({ name: 'period', label: 'Period', hint: `A month as YYYY-MM (last month: ${defaults.monthly}) or an ISO week as YYYY-Www (this week: ${defaults.weekly}).`, maxLength: 10, spellcheck: false, state })}
<button type="submit">Run now</button>
</form>`
    : '';
  const body = h`${
    hasErrors
      ? errorSummary(errors, [
          ['kind', 'run-kind'],
          ['period', 'run-period'],
        ])
      : ''
  }
<h1>Compliance reports</h1>
<p>The monthly report (made at 07:00 on the first working day of each month, for the month before) and the weekly digest (07:00 on Mondays). Each has a readable report and a CSV of one row per case, with no names or addresses.</p>
${
  opts.reports.length
    ? h`<div class="table-wrap"><table>
<caption>Reports, newest first</caption>
<thead><tr><th scope="col">Report</th><th scope="col">Made</th><th scope="col">Received / open</th><th scope="col">On time / due this week</th><th scope="col">Overdue</th><th scope="col">Team mailed</th><th scope="col">Data</th></tr></thead>
<tbody>${rows}</tbody>
</table></div>
${opts.next ? h`<p><a href="${basePath}/desk/reports?cursor=${opts.next}">Older reports</a></p>` : ''}`
    : h`<p>No reports yet.</p>`
}
${runForm}`;
  return deskLayout({
    title: 'Compliance reports',
    staff: opts.staff,
    csrf: opts.csrf,
    basePath,
    body,
    hasErrors,
    reportsCurrent: true,
    ...(opts.flash ? { flash: opts.flash } : {}),
  });
}
