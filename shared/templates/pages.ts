/** The public pages of the request form. Pure functions of their inputs; every value is escaped by `h`. */
import { RELATIONSHIPS, RIGHTS, type Right } from '#domain/case';
import { formatLongDate } from '#domain/calendar';
import { h, raw, type RawHtml } from '#http/html';
import { RELATIONSHIP_LABELS, RIGHT_LABELS } from '#domain/labels';
import { LIMITS } from '#domain/text';
import { FIELD_ORDER, HONEYPOT_FIELD, type Field } from '#shared/intake/submission';
import { page } from './layout';

export interface SiteContext {
  /** Absolute path prefix of the site (the API stage path, or '' behind a custom domain). */
  basePath: string;
  dpoAddress: string;
}

export interface FormState {
  values: Record<string, unknown>;
  errors: Partial<Record<Field, string>>;
  /** Sent back with the form so a double submit or a browser retry makes one case. */
  idempotencyKey: string;
}

// The values come back from a rejected body, JSON included: only strings are shown again; anything else is dropped, never converted.
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : []);

function errorMessage(id: string, message: string | undefined): RawHtml {
  return message ? h`<p class="msg" id="${id}-error"><span class="visually-hidden">Error: </span>${message}</p>` : raw('');
}

function describedBy(id: string, hint: boolean, error: string | undefined): string {
  return [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
}

function textField(opts: {
  id: Field;
  label: string;
  hint?: string;
  type?: 'text' | 'email' | 'tel';
  autocomplete?: string;
  state: FormState;
  maxLength: number;
  spellcheck?: boolean;
}): RawHtml {
  const error = opts.state.errors[opts.id];
  const by = describedBy(opts.id, Boolean(opts.hint), error);
  return h`<div class="field${error ? ' error' : ''}">
<label for="${opts.id}">${opts.label}</label>
${opts.hint ? h`<p class="hint" id="${opts.id}-hint">${opts.hint}</p>` : ''}
${errorMessage(opts.id, error)}
<input type="${opts.type ?? 'text'}" id="${opts.id}" name="${opts.id}" value="${str(opts.state.values[opts.id])}" maxlength="${opts.maxLength}"${raw(opts.autocomplete ? ` autocomplete="${opts.autocomplete}"` : '')}${raw(by ? ` aria-describedby="${by}"` : '')}${raw(error ? ' aria-invalid="true"' : '')}${raw(opts.spellcheck === false ? ' spellcheck="false"' : '')}>
</div>`;
}

export function requestFormPage(site: SiteContext, state: FormState): string {
  const { errors, values } = state;
  const hasErrors = FIELD_ORDER.some((f) => errors[f]);
  const chosenRights = list(values.rights);
  const rightsError = errors.rights;
  const relError = errors.relationship;
  const detailsError = errors.details;

  const summary = hasErrors
    ? h`<div class="summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1" autofocus>
<h2 id="error-summary-title">There is a problem</h2>
<ul>${FIELD_ORDER.filter((f) => errors[f]).map((f) => h`<li><a href="#${f === 'rights' ? 'rights-access' : f === 'relationship' ? 'relationship-customer' : f}">${errors[f]}</a></li>`)}</ul>
</div>`
    : '';

  const rights = h`<div class="field${rightsError ? ' error' : ''}">
<fieldset aria-describedby="${describedBy('rights', true, rightsError)}">
<legend>What would you like us to do?</legend>
<p class="hint" id="rights-hint">Select all that apply. Making a request is free.</p>
${errorMessage('rights', rightsError)}
${RIGHTS.map(
  (r: Right) => h`<div class="choice">
<input type="checkbox" id="rights-${r}" name="rights" value="${r}" aria-describedby="rights-${r}-hint"${raw(chosenRights.includes(r) ? ' checked' : '')}>
<div><label for="rights-${r}">${RIGHT_LABELS[r].label}</label><p class="hint" id="rights-${r}-hint">${RIGHT_LABELS[r].hint}</p></div>
</div>`,
)}
</fieldset>
</div>`;

  const relationship = h`<div class="field${relError ? ' error' : ''}">
<fieldset${raw(relError ? ' aria-describedby="relationship-error"' : '')}>
<legend>How are you connected to Icetrak?</legend>
${errorMessage('relationship', relError)}
${RELATIONSHIPS.map(
  (r) => h`<div class="choice">
<input type="radio" id="relationship-${r}" name="relationship" value="${r}"${raw(str(values.relationship) === r ? ' checked' : '')}>
<label for="relationship-${r}">${RELATIONSHIP_LABELS[r]}</label>
</div>`,
)}
</fieldset>
</div>`;

  const details = h`<div class="field${detailsError ? ' error' : ''}">
<label for="details">Tell us more (optional)</label>
<p class="hint" id="details-hint">For example which data you mean, what is wrong with it, or what your complaint is about. Up to ${LIMITS.details} characters.</p>
${errorMessage('details', detailsError)}
<textarea id="details" name="details" rows="6" maxlength="${LIMITS.details}" aria-describedby="${describedBy('details', true, detailsError)}"${raw(detailsError ? ' aria-invalid="true"' : '')}>${str(values.details)}</textarea>
</div>`;

  const body = h`${summary}
<h1>Make a request about your personal data</h1>
<p>Use this form to ask Icetrak Ltd to give you, correct, delete, limit the use of, or move the personal data we hold about you, to object to how we use it, or to make a complaint about how we handle it. You do not need an account.</p>
<form method="post" action="${site.basePath}/requests" novalidate>
<input type="hidden" name="idempotencyKey" value="${state.idempotencyKey}">
${rights}
${textField({ id: 'fullName', label: 'Full name', autocomplete: 'name', state, maxLength: LIMITS.fullName, spellcheck: false })}
${textField({ id: 'email', label: 'Email address', hint: 'We will send you a link to confirm this address, then our reply.', type: 'email', autocomplete: 'email', state, maxLength: LIMITS.email, spellcheck: false })}
${textField({ id: 'phone', label: 'Phone or fax number (optional)', hint: 'If your request is about SMS or fax messages, the number they were sent to helps us find them.', type: 'tel', autocomplete: 'tel', state, maxLength: LIMITS.phone })}
${relationship}
${textField({ id: 'accountReference', label: 'Account reference (optional)', hint: 'If you have an Icetrak account, the reference on your invoices.', state, maxLength: LIMITS.accountReference, spellcheck: false })}
${details}
<div class="hp" aria-hidden="true"><label for="${HONEYPOT_FIELD}">Leave this field empty</label><input type="text" id="${HONEYPOT_FIELD}" name="${HONEYPOT_FIELD}" tabindex="-1" autocomplete="off"></div>
<h2>How we handle your request</h2>
<p>We use what you tell us here only to deal with your request and to keep the record the law requires. We keep that record for 7 years after we close your request, unless we must keep it longer because of legal proceedings. If your request is about messages a business sent you through Icetrak, that business controls that data: we will pass your request to them and tell you.</p>
<button type="submit">Send request</button>
</form>`;
  return page({ title: 'Make a request about your personal data', body, dpoAddress: site.dpoAddress, hasErrors });
}

/**
 * Where the form sends the browser after a POST: the reference and how we will reply, nothing
 * personal (GET /requests/{reference}/received, `?reply=post` for a postal requester).
 */
export function receiptPath(site: SiteContext, opts: { reference: string; replyBy: 'email' | 'post' }): string {
  return `${site.basePath}/requests/${encodeURIComponent(opts.reference)}/received${opts.replyBy === 'post' ? '?reply=post' : ''}`;
}

/**
 * What a requester sees after sending the form. It shows the reference and what happens next,
 * and nothing the requester typed: the page is reached by a GET anyone could guess.
 */
export function submittedPage(site: SiteContext, opts: { reference: string; replyBy: 'email' | 'post' }): string {
  const next =
    opts.replyBy === 'post'
      ? h`<p>We will write to you at the postal address you gave. Our one-month time limit started today.</p>
<p>If we need to check who you are, or that you may act for the person the request is about, we will ask you by letter.</p>`
      : h`<p>We have sent an email to the address you gave. Open the link in it within 7 days to confirm the address is yours. Our one-month time limit starts when you confirm.</p>
<p>If the email has not arrived within an hour, check your spam folder.</p>`;
  const body = h`<div class="panel"><h1>Request received</h1><p>Your reference is</p><p class="ref">${opts.reference}</p></div>
<h2>What happens next</h2>
${next}
<p>If you are making this request for someone else, we will ask you for written proof that you may act for them before we share any of their data.</p>
<p>Quote ${opts.reference} if you contact us about this request at <a href="mailto:${site.dpoAddress}">${site.dpoAddress}</a>.</p>`;
  return page({ title: 'Request received', body, dpoAddress: site.dpoAddress });
}

export function verifiedPage(site: SiteContext, opts: { reference: string; dueOn: string | null; alreadyConfirmed: boolean }): string {
  const due = opts.dueOn
    ? h`<p>We will reply by <strong>${formatLongDate(opts.dueOn)}</strong>. If your request is complex we may need up to two more months; we would tell you why before that date.</p>`
    : h`<p>We have paused the time limit while we wait for information from you; we will tell you the new date when we have it.</p>`;
  const body = h`<div class="panel"><h1>${opts.alreadyConfirmed ? 'Already confirmed' : 'Email address confirmed'}</h1><p>Your reference is</p><p class="ref">${opts.reference}</p></div>
${opts.alreadyConfirmed ? h`<p class="notice">This link has already been used. Nothing has changed.</p>` : ''}
${due}
<p>Quote ${opts.reference} if you contact us about this request at <a href="mailto:${site.dpoAddress}">${site.dpoAddress}</a>.</p>`;
  return page({ title: opts.alreadyConfirmed ? 'Already confirmed' : 'Email address confirmed', body, dpoAddress: site.dpoAddress });
}

export type LinkProblem = 'invalid' | 'expired' | 'closed';

export function linkProblemPage(site: SiteContext, problem: LinkProblem): string {
  const text: Record<LinkProblem, { title: string; body: RawHtml }> = {
    invalid: {
      title: 'This link is not valid',
      body: h`<p>Check you copied the whole link from the email. If it still does not work, email <a href="mailto:${site.dpoAddress}">${site.dpoAddress}</a> with the reference from our email.</p>`,
    },
    expired: {
      title: 'This link has expired',
      body: h`<p>Confirmation links last 7 days. We will email you a new link if your request is still open, or you can <a href="${site.basePath}/">make your request again</a>.</p>`,
    },
    closed: {
      title: 'This request is closed',
      body: h`<p>The request this link belongs to is closed, so there is nothing to confirm. You can <a href="${site.basePath}/">make a new request</a>.</p>`,
    },
  };
  const { title, body } = text[problem];
  return page({ title, body: h`<h1>${title}</h1>${body}`, dpoAddress: site.dpoAddress });
}
