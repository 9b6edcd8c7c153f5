/** The public pages of the request form. Pure functions of their inputs; every value is escaped by `h`. */
import { AGENT_CAPACITIES, RELATIONSHIPS, RIGHTS, type Right } from '#domain/case';
import { formatLongDate } from '#domain/calendar';
import { h, raw, type RawHtml } from '#http/html';
import { AGENT_CAPACITY_LABELS, RELATIONSHIP_LABELS, REQUEST_FOR_LABELS, RIGHT_LABELS } from '#domain/labels';
import { LIMITS } from '#domain/text';
import { FIELD_ORDER, HONEYPOT_FIELD, REQUEST_FOR, type Field } from '#shared/intake/submission';
import { page } from './layout';
import { choiceOptions } from './choices';

export interface SiteContext {
  /** Absolute path prefix of the site (the API stage path, or '' behind a custom domain). */
  basePath: string;
  dpoAddress: string;
}

export interface FormState {
  /** The body as posted (form names: `fullName`, `onBehalfOf.fullName`, ...). */
  values: Record<string, unknown>;
  /** One message per bad field, by contract name (FIELD_ERRORS), plus any other the body earned. */
  errors: Partial<Record<Field, string>> & Record<string, string>;
  /** Sent back with the form so a double submit or a browser retry makes one case. */
  idempotencyKey: string;
}

/** Icetrak's published privacy notice, linked from the form. */
export const PRIVACY_NOTICE_URL = 'https://www.icetrak.net/privacy';

// The values come back from a rejected body, JSON included: only strings are shown again; anything else is dropped, never converted.
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : []);

/** The element id of a field's control (`onBehalfOf.fullName` → `onBehalfOf-fullName`): a dot would need escaping in selectors. */
const idOf = (name: string): string => name.replace(/\./g, '-');

/** Where the error summary takes focus: the field's control, or a choice group's first option. */
function anchorOf(field: string): string {
  const first: Record<string, string> = {
    rights: RIGHTS[0],
    relationship: RELATIONSHIPS[0],
    requestFor: REQUEST_FOR[0],
    'onBehalfOf.capacity': AGENT_CAPACITIES[0],
  };
  return first[field] ? `${idOf(field)}-${first[field]}` : idOf(field);
}

function errorMessage(id: string, message: string | undefined): RawHtml {
  return message ? h`<p class="msg" id="${id}-error"><span class="visually-hidden">Error: </span>${message}</p>` : raw('');
}

function describedBy(id: string, hint: boolean, error: string | undefined): string {
  return [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
}

interface FieldOpts {
  name: Field;
  label: string;
  hint?: string;
  state: FormState;
  maxLength: number;
}

function textField(opts: FieldOpts & { type?: 'text' | 'email' | 'tel'; autocomplete?: string; spellcheck?: boolean }): RawHtml {
  const id = idOf(opts.name);
  const error = opts.state.errors[opts.name];
  const by = describedBy(id, Boolean(opts.hint), error);
  return h`<div class="field${error ? ' error' : ''}">
<label for="${id}">${opts.label}</label>
${opts.hint ? h`<p class="hint" id="${id}-hint">${opts.hint}</p>` : ''}
${errorMessage(id, error)}
<input type="${opts.type ?? 'text'}" id="${id}" name="${opts.name}" value="${str(opts.state.values[opts.name])}" maxlength="${opts.maxLength}"${raw(opts.autocomplete ? ` autocomplete="${opts.autocomplete}"` : '')}${raw(by ? ` aria-describedby="${by}"` : '')}${raw(error ? ' aria-invalid="true"' : '')}${raw(opts.spellcheck === false ? ' spellcheck="false"' : '')}>
</div>`;
}

function textArea(opts: FieldOpts & { rows: number; autocomplete?: string }): RawHtml {
  const id = idOf(opts.name);
  const error = opts.state.errors[opts.name];
  const by = describedBy(id, Boolean(opts.hint), error);
  return h`<div class="field${error ? ' error' : ''}">
<label for="${id}">${opts.label}</label>
${opts.hint ? h`<p class="hint" id="${id}-hint">${opts.hint}</p>` : ''}
${errorMessage(id, error)}
<textarea id="${id}" name="${opts.name}" rows="${opts.rows}" maxlength="${opts.maxLength}"${raw(opts.autocomplete ? ` autocomplete="${opts.autocomplete}"` : '')}${raw(by ? ` aria-describedby="${by}"` : '')}${raw(error ? ' aria-invalid="true"' : '')}>${str(opts.state.values[opts.name])}</textarea>
</div>`;
}

function choices(opts: {
  name: Field;
  legend: string;
  hint?: string;
  type: 'radio' | 'checkbox';
  options: ReadonlyArray<{ value: string; label: string; hint?: string }>;
  state: FormState;
}): RawHtml {
  const id = idOf(opts.name);
  const error = opts.state.errors[opts.name];
  const chosen = list(opts.state.values[opts.name]);
  const by = describedBy(id, Boolean(opts.hint), error);
  return h`<div class="field${error ? ' error' : ''}">
<fieldset${raw(by ? ` aria-describedby="${by}"` : '')}>
<legend>${opts.legend}</legend>
${opts.hint ? h`<p class="hint" id="${id}-hint">${opts.hint}</p>` : ''}
${errorMessage(id, error)}
${choiceOptions({ id, name: opts.name, type: opts.type, options: opts.options, chosen })}
</fieldset>
</div>`;
}

export function requestFormPage(site: SiteContext, state: FormState): string {
  const { errors } = state;
  const listed = [...FIELD_ORDER.filter((f) => errors[f]), ...Object.keys(errors).filter((f) => !(FIELD_ORDER as string[]).includes(f))];
  const hasErrors = listed.length > 0;

  const summary = hasErrors
    ? h`<div class="summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1" autofocus>
<h2 id="error-summary-title">There is a problem</h2>
<ul>${listed.map((f) => ((FIELD_ORDER as string[]).includes(f) ? h`<li><a href="#${anchorOf(f)}">${errors[f]}</a></li>` : h`<li>${f}: ${errors[f]}</li>`))}</ul>
</div>`
    : '';

  const person = h`<div class="agent">
<h2>The person the request is about</h2>
<p class="notice">Before we share any of their data we will ask you for written proof that you may act for them, such as a letter of authority they signed, a power of attorney or a court order. You cannot attach it here: we will write to you.</p>
${textField({ name: 'onBehalfOf.fullName', label: 'Their full name', state, maxLength: LIMITS.fullName, spellcheck: false })}
${textField({ name: 'onBehalfOf.email', label: 'Their email address (optional)', hint: 'If they use one with Icetrak, it helps us find their data. We will not write to it.', type: 'email', state, maxLength: LIMITS.email, spellcheck: false })}
${textArea({ name: 'onBehalfOf.postalAddress', label: 'Their postal address (optional)', hint: 'It helps us find their data.', rows: 4, state, maxLength: LIMITS.postalAddress })}
${choices({
  name: 'onBehalfOf.capacity',
  legend: 'How do you act for them?',
  type: 'radio',
  options: AGENT_CAPACITIES.map((c) => ({ value: c, ...AGENT_CAPACITY_LABELS[c] })),
  state,
})}
${textArea({ name: 'onBehalfOf.authority', label: 'What gives you the authority to act for them?', hint: `For example "I hold a lasting power of attorney registered in 2024". Up to ${LIMITS.authority} characters.`, rows: 4, state, maxLength: LIMITS.authority })}
</div>`;

  const body = h`${summary}
<h1>Make a request about your personal data</h1>
<p>Use this form to ask Icetrak Ltd to give you, correct, delete, limit the use of, or move the personal data we hold about you, to object to how we use it, or to make a complaint about how we handle it. You do not need an account. You can also make a request for someone else, for example as their parent or attorney.</p>
<p>Our <a href="${PRIVACY_NOTICE_URL}">privacy notice</a> explains what data we hold and why.</p>
<form method="post" action="${site.basePath}/requests" novalidate>
<input type="hidden" name="idempotencyKey" value="${state.idempotencyKey}">
${choices({
  name: 'rights',
  legend: 'What would you like us to do?',
  hint: 'Select all that apply. Making a request is free.',
  type: 'checkbox',
  options: RIGHTS.map((r: Right) => ({ value: r, ...RIGHT_LABELS[r] })),
  state,
})}
${choices({
  name: 'requestFor',
  legend: 'Who is the request for?',
  type: 'radio',
  options: REQUEST_FOR.map((r) => ({ value: r, label: REQUEST_FOR_LABELS[r] })),
  state,
})}
<h2>Your details</h2>
${textField({ name: 'fullName', label: 'Your full name', autocomplete: 'name', state, maxLength: LIMITS.fullName, spellcheck: false })}
${textField({ name: 'email', label: 'Email address', hint: 'We will send you a link to confirm this address, then our reply.', type: 'email', autocomplete: 'email', state, maxLength: LIMITS.email, spellcheck: false })}
${textArea({ name: 'postalAddress', label: 'Postal address, if you have no email address', hint: 'Leave the email address empty and we will reply by post.', rows: 4, autocomplete: 'street-address', state, maxLength: LIMITS.postalAddress })}
${textField({ name: 'phone', label: 'Phone or fax number (optional)', hint: 'If the request is about SMS or fax messages, the number they were sent to helps us find them.', type: 'tel', autocomplete: 'tel', state, maxLength: LIMITS.phone })}
${person}
${choices({
  name: 'relationship',
  legend: 'How are you (or the person you act for) connected to Icetrak?',
  type: 'radio',
  options: RELATIONSHIPS.map((r) => ({ value: r, label: RELATIONSHIP_LABELS[r] })),
  state,
})}
${textField({ name: 'accountReference', label: 'Account reference (optional)', hint: 'If there is an Icetrak account, the reference on its invoices.', state, maxLength: LIMITS.accountReference, spellcheck: false })}
${textArea({ name: 'details', label: 'Tell us more (optional)', hint: `For example which data you mean, what is wrong with it, or what your complaint is about. Up to ${LIMITS.details} characters.`, rows: 6, state, maxLength: LIMITS.details })}
<div class="hp" aria-hidden="true"><label for="${HONEYPOT_FIELD}">Leave this field empty</label><input type="text" id="${HONEYPOT_FIELD}" name="${HONEYPOT_FIELD}" tabindex="-1" autocomplete="off"></div>
<h2>How we handle your request</h2>
<p>We use what you tell us here only to deal with your request and to keep the record the law requires. We keep that record for 7 years after we close your request, unless we must keep it longer because of legal proceedings. If your request is about messages a business sent you through Icetrak, that business controls that data: we will pass your request to them and tell you. Our <a href="${PRIVACY_NOTICE_URL}">privacy notice</a> says more.</p>
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

/**
 * What opening a confirmation link shows: a button that confirms (POST to the same address).
 * Opening the link changes nothing, so a mail scanner that fetches it confirms nothing.
 */
export function confirmLinkPage(site: SiteContext, opts: { reference: string; token: string }): string {
  const action = `${site.basePath}/verify/${encodeURIComponent(opts.token)}`;
  const body = h`<h1>Confirm your email address</h1>
<p>This confirms that the email address you gave us for request <strong>${opts.reference}</strong> is yours. Our one-month time limit starts when you confirm.</p>
<form method="post" action="${action}" novalidate>
<button type="submit">Confirm my email address</button>
</form>
<p>If you did not make this request, close this page: nothing happens unless you press the button.</p>`;
  return page({ title: 'Confirm your email address', body, dpoAddress: site.dpoAddress });
}
