/**
 * The desk's retention review page (issue 13): the latest (or a chosen) month's review of Icetrak's
 * accounts, due for deletion and held; for the DPO team, "review a month now" and the account
 * holds with place and release forms. No scripts; every value goes through `h`.
 */
import { formatLongDate, type IsoDate } from '#domain/calendar';
import { HOLD_REASON_MAX, type AccountHoldInForce } from '#domain/account-holds';
import { monthPeriod, previousMonthOf } from '#domain/report-period';
import { canAct, type Staff } from '#shared/auth/staff';
import { h } from '#http/html';
import type { AccountReviewRecord } from '#shared/retention/account-review';
import { csrfInput, deskLayout, timeOf } from './desk-layout';
import { errorSummary, idOf, textField, type FormState } from './desk-forms';

/** Which form a rejected POST came from, so its errors and values are shown on it. */
export type RetentionForm = { form: 'run' } | { form: 'place' } | { form: 'release'; accountId: string };

const dateOr = (d: IsoDate | null | undefined, none: string): string => (d ? formatLongDate(d) : none);

export function retentionReviewPage(opts: {
  review: AccountReviewRecord | undefined;
  holds: readonly AccountHoldInForce[];
  staff: Staff;
  csrf: string;
  basePath: string;
  today: IsoDate;
  flash?: string;
  failed?: RetentionForm & { errors: Record<string, string>; values: Record<string, unknown> };
}): string {
  const { basePath, review, failed } = opts;
  const acts = canAct(opts.staff);
  const stateOf = (prefix: string, form: RetentionForm, defaults: Record<string, unknown> = {}): FormState => {
    const mine = failed && failed.form === form.form && (form.form !== 'release' || (failed.form === 'release' && failed.accountId === form.accountId));
    return { prefix, values: mine ? { ...defaults, ...failed.values } : defaults, errors: mine ? failed.errors : {} };
  };
  const runState = stateOf('run', { form: 'run' }, { month: previousMonthOf(opts.today) });
  const placeState = stateOf('place', { form: 'place' });
  const releasePrefix = (accountId: string) => `release-${accountId}`;

  const summary = failed
    ? errorSummary(
        failed.errors,
        failed.form === 'release'
          ? [['reason', idOf({ prefix: releasePrefix(failed.accountId) }, 'reason')]]
          : failed.form === 'run'
            ? [['month', idOf(runState, 'month')]]
            : [
                ['accountId', idOf(placeState, 'accountId')],
                ['reason', idOf(placeState, 'reason')],
                ['reviewOn', idOf(placeState, 'reviewOn')],
              ],
      )
    : '';

  const reviewSection = review
    ? h`<h2 id="review">${monthPeriod(review.month).label}</h2>
<p>Accounts closed from ${formatLongDate(review.closedFrom)} to ${formatLongDate(review.closedTo)}, whose 7 years ended in ${monthPeriod(review.month).label}. Reviewed ${timeOf(review.generatedAt)}${review.runs > 1 ? h` (${review.runs} runs; first ${timeOf(review.firstGeneratedAt)})` : ''}.</p>
${
  review.due.length
    ? h`<div class="table-wrap"><table>
<caption>Due for deletion (${review.due.length})</caption>
<thead><tr><th scope="col">Account</th><th scope="col">Name</th><th scope="col">Closed on</th><th scope="col">Kept until</th></tr></thead>
<tbody>${review.due.map((d) => h`<tr><td>${d.accountId}</td><td>${d.name}</td><td>${formatLongDate(d.closedOn)}</td><td>${formatLongDate(d.keptUntil)}</td></tr>`)}</tbody>
</table></div>`
    : h`<p>No account is due for deletion this month.</p>`
}
${
  review.held.length
    ? h`<div class="table-wrap"><table>
<caption>Held: kept past their period (${review.held.length})</caption>
<thead><tr><th scope="col">Account</th><th scope="col">Name</th><th scope="col">Kept until</th><th scope="col">Reason</th><th scope="col">Held since</th><th scope="col">Review on</th></tr></thead>
<tbody>${review.held.map((d) => h`<tr><td>${d.accountId}</td><td>${d.name}</td><td>${formatLongDate(d.keptUntil)}</td><td>${d.reason}</td><td>${formatLongDate(d.since)}</td><td>${dateOr(d.reviewOn, 'No date')}</td></tr>`)}</tbody>
</table></div>`
    : h`<p>No held account's period ended this month.</p>`
}`
    : h`<p>No month has been reviewed yet.</p>`;

  const runForm = acts
    ? h`<h2 id="run">Review a month now</h2>
<p>Reads the accounts closed 7 years before from Icetrak's account system and the holds below; a month reviewed before is replaced.</p>
<form method="post" action="${basePath}/desk/retention" novalidate>
${csrfInput(opts.csrf)}
${textField({ name: 'month', label: 'Month', hint: `As YYYY-MM (last month: ${previousMonthOf(opts.today)}).`, maxLength: 7, spellcheck: false, state: runState })}
<button type="submit">Review now</button>
</form>`
    : '';

  const holdRows = opts.holds.map((hold) => {
    const state = stateOf(releasePrefix(hold.accountId), { form: 'release', accountId: hold.accountId });
    return h`<tr><td>${hold.accountId}</td><td>${hold.reason}</td><td>${formatLongDate(hold.since)}</td><td>${dateOr(hold.reviewOn, 'No date')}</td>${
      acts
        ? h`<td><form method="post" action="${basePath}/desk/retention/holds/${hold.accountId}/release" novalidate>
${csrfInput(opts.csrf)}
${textField({ name: 'reason', label: `Reason for releasing ${hold.accountId}`, maxLength: HOLD_REASON_MAX, state })}
<button type="submit" class="secondary">Release</button>
</form></td>`
        : ''
    }</tr>`;
  });
  const holdsSection = h`<h2 id="holds">Account holds</h2>
<p>A held account's records are kept past their 7 years: the review lists it as held, with the reason, never as due.</p>
${
  opts.holds.length
    ? h`<div class="table-wrap"><table>
<caption>Accounts on legal hold</caption>
<thead><tr><th scope="col">Account</th><th scope="col">Reason</th><th scope="col">Since</th><th scope="col">Review on</th>${acts ? h`<th scope="col">Release</th>` : ''}</tr></thead>
<tbody>${holdRows}</tbody>
</table></div>`
    : h`<p>No account is on legal hold.</p>`
}
${
  acts
    ? h`<h3>Place a hold</h3>
<form method="post" action="${basePath}/desk/retention/holds" novalidate>
${csrfInput(opts.csrf)}
${textField({ name: 'accountId', label: 'Account', hint: 'As ACC- and its digits, e.g. ACC-1003.', maxLength: 20, spellcheck: false, state: placeState })}
${textField({ name: 'reason', label: 'Reason', hint: 'Why the account’s records must be kept (a dispute, an enquiry); no personal data.', maxLength: HOLD_REASON_MAX, state: placeState })}
${textField({ name: 'reviewOn', type: 'date', label: 'Review on (optional)', hint: 'YYYY-MM-DD; not in the past.', state: placeState })}
<button type="submit">Place hold</button>
</form>`
    : ''
}`;

  const body = h`${summary}
<h1>Retention review</h1>
<p>Icetrak keeps a customer account's records for 7 years after the account closes, then deletes them unless a legal hold applies. Each month (07:30 on the first working day) the accounts whose 7 years ended in the month before are listed here: the DPO's checklist for deleting them in Icetrak's systems.</p>
${reviewSection}
${runForm}
${holdsSection}`;
  return deskLayout({
    title: 'Retention review',
    staff: opts.staff,
    csrf: opts.csrf,
    basePath,
    body,
    hasErrors: Boolean(failed),
    retentionCurrent: true,
    ...(opts.flash ? { flash: opts.flash } : {}),
  });
}
