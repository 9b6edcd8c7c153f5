/**
 * The DPO desk's pages (issue 11), server-rendered: the queue, a case with its actions, the
 * staff-entry form, a letter to print and post, one inbound email, and the signed-out and
 * error pages. Pure functions of their inputs; every value is escaped by `h`; no scripts.
 *
 * Forms post to the desk's handlers: `/desk/cases/<ref>/actions` (shared/cases/act.ts's
 * ACTION_SCHEMAS field names, plus `action` and `_csrf`), `/desk/cases` (staffEntrySchema in
 * shared/cases/enter.ts, plus `entryId` and `_csrf`) and `/desk/sign-out`.
 */
import { RELATIONSHIPS, RIGHTS, type Case } from '#domain/case';
import { formatLongDate, londonDateOf } from '#domain/calendar';
import { AGENT_CAPACITY_LABELS, RELATIONSHIP_LABELS, RIGHT_LABELS } from '#domain/labels';
import { MAIL_FLAGS } from '#domain/inbound-mail';
import type { OutboxEntry } from '#domain/outbox';
import { VIEW_LABELS, timeLeftText, type QueueRow } from '#domain/queue';
import { retainUntil } from '#domain/retention';
import { LIMITS } from '#domain/text';
import { h, raw, type RawHtml } from '#http/html';
import { canAct, type Staff } from '#shared/auth/staff';
import type { CaseView, CorrespondenceItem, TimelineEntry } from '#shared/cases/case-view';
import type { STAFF_CHANNELS } from '#shared/cases/enter';
import type { QueuePage } from '#shared/cases/queue';
import type { RenderedEmail } from './email-blocks';
import { confirmedEmail, emailReceivedEmail } from './emails';
import { actionAnchors, actionForm, isFormAction, smallActionForm } from './desk-actions';
import { searchSection } from './desk-search';
import { planSection } from './desk-plan';
import { restrictionSection } from './desk-restriction';
import type { PlanLine } from '#domain/plan';
import type { SourceRecords } from '#shared/fulfilment/search-records';
import { answerSection } from './desk-export';
import { choiceAnchor, choices, errorSummary, idOf, select, textArea, textField, type FormState } from './desk-forms';
import {
  CHANNEL_LABELS,
  FLAG_LABELS,
  OUTCOME_LABELS,
  STATUS_LABELS,
  csrfInput,
  deskLayout,
  labelOf,
  timeOf,
  words,
  deskErrorPage,
  signedOutPage,
  formatInstant,
} from './desk-layout';
import { LETTER_TITLES, isLetterKind, letter } from './letters';

export { deskLayout, signedOutPage, deskErrorPage };

const caseHref = (basePath: string, reference: string): string => `${basePath}/desk/cases/${encodeURIComponent(reference)}`;
const rightsText = (rights: readonly string[]): string =>
  rights.length ? rights.map((r) => (r in RIGHT_LABELS ? RIGHT_LABELS[r as keyof typeof RIGHT_LABELS].label : words(r))).join('; ') : 'Not yet named';
const flagTags = (flags: readonly string[]): RawHtml | string =>
  flags.length ? h`${flags.map((f) => h`<span class="tag">${labelOf(FLAG_LABELS, f)}</span>`)}` : 'None';

/** The time left, marked in words (and in colour) when late. */
function timeLeft(row: Pick<QueueRow, 'workingDaysLeft' | 'dueOn' | 'status'>, today: string): RawHtml {
  const text = timeLeftText(row, today);
  if (text.endsWith('overdue')) return h`<strong class="late">${text}</strong>`;
  if (text === 'due today') return h`<strong>${text}</strong>`;
  return h`${text}`;
}

// --- the queue ------------------------------------------------------------------------------

export function queuePage(opts: { page: QueuePage; staff: Staff; csrf: string; basePath: string; flash?: string }): string {
  const { page, basePath } = opts;
  const heading = page.search !== undefined ? `Search results for “${page.search}”` : `${VIEW_LABELS[page.view]} cases`;
  const rows = page.rows;
  const table = rows.length
    ? h`<div class="table-wrap" role="region" aria-labelledby="queue-caption" tabindex="0">
<table>
<caption id="queue-caption">${heading}: ${rows.length} case${rows.length === 1 ? '' : 's'}${page.next ? ' on this page' : ''}</caption>
<thead><tr><th scope="col">Reference</th><th scope="col">Rights</th><th scope="col">Channel</th><th scope="col">Received</th><th scope="col">Due</th><th scope="col">Time left</th><th scope="col">Status</th><th scope="col">Flags</th></tr></thead>
<tbody>
${rows.map(
  (r) => h`<tr>
<th scope="row"><a href="${caseHref(basePath, r.reference)}">${r.reference}</a></th>
<td>${rightsText(r.rights)}</td>
<td>${labelOf(CHANNEL_LABELS, r.channel)}</td>
<td>${formatLongDate(r.receivedOn)}</td>
<td>${r.dueOn ? formatLongDate(r.dueOn) : 'None while the clock is stopped'}</td>
<td>${timeLeft(r, page.today)}</td>
<td>${labelOf(STATUS_LABELS, r.status)}${r.outcome ? h`: ${labelOf(OUTCOME_LABELS, r.outcome)}` : ''}</td>
<td>${flagTags(r.flags)}</td>
</tr>`,
)}
</tbody>
</table>
</div>`
    : h`<p>${page.search !== undefined ? 'No cases match that search.' : `There are no cases in ${VIEW_LABELS[page.view].toLowerCase()} now.`}</p>`;
  const next = page.next ? h`<p><a href="${basePath}/desk?view=${page.view}&amp;cursor=${encodeURIComponent(page.next)}">Next page</a></p>` : '';
  const body = h`<h1>${heading}</h1>
${holdsSection(page, basePath)}
${table}
${next}`;
  return deskLayout({
    title: heading,
    staff: opts.staff,
    csrf: opts.csrf,
    basePath,
    body,
    current: page.view,
    ...(page.search !== undefined ? { search: page.search } : {}),
    ...(opts.flash ? { flash: opts.flash } : {}),
  });
}

/** Legal holds whose review date has come (the triage view): each to be looked at again, released or kept with a new date. */
function holdsSection(page: QueuePage, basePath: string): RawHtml | string {
  const holds = page.holdsToReview ?? [];
  if (holds.length === 0) return '';
  return h`<h2 id="holds-to-review">Legal holds due for review</h2>
<div class="table-wrap" role="region" aria-labelledby="holds-caption" tabindex="0">
<table>
<caption id="holds-caption">Legal holds due for review: ${String(holds.length)}</caption>
<thead><tr><th scope="col">Reference</th><th scope="col">Review on</th><th scope="col">On hold since</th><th scope="col">Reason</th><th scope="col">Status</th></tr></thead>
<tbody>
${holds.map(
  (r) => h`<tr>
<th scope="row"><a href="${caseHref(basePath, r.reference)}">${r.reference}</a></th>
<td>${formatLongDate(r.reviewOn)}</td>
<td>${formatLongDate(londonDateOf(r.since))}</td>
<td>${r.reason}</td>
<td>${labelOf(STATUS_LABELS, r.status)}</td>
</tr>`,
)}
</tbody>
</table>
</div>`;
}

// --- one case -------------------------------------------------------------------------------

const row = (term: string, value: RawHtml | string): RawHtml => h`<dt>${term}</dt><dd>${value}</dd>`;
const block = (text: string): RawHtml => h`<div class="text">${text}</div>`;

function summaryList(view: CaseView): RawHtml {
  const c = view.case;
  const closed = c.status === 'closed';
  return h`<dl class="list">
${row('Reference', c.reference)}
${row('Status', labelOf(STATUS_LABELS, c.status))}
${row('Rights', rightsText(c.rights))}
${row('Channel', labelOf(CHANNEL_LABELS, c.channel))}
${row('Received', formatLongDate(c.receivedOn))}
${row(
  'Due',
  closed
    ? c.dueOn
      ? formatLongDate(c.dueOn)
      : 'No due date'
    : h`${c.dueOn ? formatLongDate(c.dueOn) : 'No due date while the clock is stopped'} (${timeLeft({ workingDaysLeft: view.workingDaysLeft, dueOn: c.dueOn, status: c.status }, view.today)})`,
)}
${row('Flags', flagTags(c.flags))}
${row('Complex', c.complex ? 'Yes' : 'No')}
${row('Extended', c.extended ? h`Yes${c.extensionReason ? h`: ${c.extensionReason}` : ''}` : 'No')}
${closed ? row('Outcome', h`${c.outcome ? labelOf(OUTCOME_LABELS, c.outcome) : 'Closed'}${c.closedAt ? h` on ${formatInstant(c.closedAt)}` : ''}`) : ''}
${closed && c.outcomeReasons ? row('Outcome reasons', block(c.outcomeReasons)) : ''}
${c.forwardedTo ? row('Forwarded to', block(`${c.forwardedTo.controller}\n${c.forwardedTo.contact}`)) : ''}
${retentionRow(c)}
</dl>`;
}

function requesterSection(c: Case): RawHtml {
  const r = c.requester;
  const o = r.onBehalfOf;
  return h`<h2 id="requester">Requester</h2>
<dl class="list">
${row('Name', r.fullName || 'Not given')}
${row('Email', r.email || 'None: letters go by post')}
${r.phone ? row('Phone', r.phone) : ''}
${row('Postal address', r.postalAddress ? block(r.postalAddress) : 'Not given')}
${row('Connection to Icetrak', r.relationship ? RELATIONSHIP_LABELS[r.relationship] : 'Not given')}
${r.accountReference ? row('Account reference', r.accountReference) : ''}
${
  o
    ? row(
        'On behalf of',
        h`${o.fullName}${o.email ? h`, ${o.email}` : ''}${o.postalAddress ? block(o.postalAddress) : ''}
<p>${AGENT_CAPACITY_LABELS[o.capacity]?.label ?? words(o.capacity)}. Authority claimed (check the written proof before disclosing anything):</p>${block(o.authority)}`,
      )
    : ''
}
${row('Details', c.details ? block(c.details) : 'None given')}
</dl>`;
}

/** The case's retention state (docs/retention.md): kept until a date once closed, or on legal hold; nothing special while open. */
function retentionRow(c: Case): RawHtml | string {
  const hold = c.legalHold;
  if (hold) {
    return row(
      'Retention',
      h`On legal hold since ${formatLongDate(londonDateOf(hold.since))}: ${hold.reason}${hold.reviewOn ? h` (review on ${formatLongDate(hold.reviewOn)})` : ''}. Placed by ${actorText(hold.placedBy)}.`,
    );
  }
  const until = retainUntil(c);
  return until ? row('Retention', `Kept until ${formatLongDate(until)}`) : '';
}

function notesSection(c: Case): RawHtml | string {
  const notes = c.notes ?? [];
  return h`<h2 id="notes">Notes</h2>
${
  notes.length
    ? h`<ul class="items">${[...notes].reverse().map((n) => h`<li><p><strong>${words(n.kind)}</strong>, ${timeOf(n.at)}, ${actorText(n.by)}</p>${block(n.text)}</li>`)}</ul>`
    : h`<p>No notes.</p>`
}`;
}

const MAIL_STATE_TEXT: Record<string, string> = {
  pending: 'Pending: not sent yet',
  sent: 'Sent',
  failed: 'Failed: the provider refused it',
  withheld: 'Withheld: not sent',
  post: 'To post: print it and send it by post',
};

function correspondenceSection(view: CaseView, staff: Staff, csrf: string, basePath: string): RawHtml {
  const c = view.case;
  const items = view.correspondence;
  const itemHtml = (item: CorrespondenceItem): RawHtml => {
    if (item.direction === 'in') {
      return h`<li>
<p><strong>In:</strong> ${item.joined === 'request' ? 'the request email' : 'an email'}, received ${timeOf(item.at)}. ${
        item.fromRequester ? 'From the requester.' : h`<strong class="late">Unverified correspondence — not from the requester’s address.</strong>`
      }</p>
<p>${item.attachments} attachment${item.attachments === 1 ? '' : 's'}. <a href="${caseHref(basePath, c.reference)}/messages/${encodeURIComponent(item.sesMessageId)}">Read the email<span class="visually-hidden"> received ${formatInstant(item.at)}</span></a></p>
</li>`;
    }
    return h`<li>
<p><strong>Out:</strong> “${item.title}” to ${item.to === 'team' ? 'the DPO team' : item.to === 'customer' ? 'the customer’s privacy contact' : 'the requester'}, written ${timeOf(item.at)}.</p>
<p>${labelOf(MAIL_STATE_TEXT, item.state)}${item.sentAt ? h` ${timeOf(item.sentAt)}` : ''}.</p>
${
  item.state === 'post'
    ? h`<p><a href="${caseHref(basePath, c.reference)}/letters/${encodeURIComponent(item.id)}">Print letter<span class="visually-hidden">: ${item.title}</span></a></p>
${canAct(staff) ? smallActionForm({ action: 'mark-posted', reference: c.reference, csrf, basePath, button: h`Mark as posted<span class="visually-hidden">: ${item.title}</span>`, hidden: { letter: item.id } }) : ''}`
    : ''
}
</li>`;
  };
  const unread =
    c.flags.includes(MAIL_FLAGS.newCorrespondence) && canAct(staff)
      ? h`<p>There is unread correspondence. ${smallActionForm({ action: 'mark-read', reference: c.reference, csrf, basePath, button: 'Mark correspondence as read' })}</p>`
      : '';
  return h`<h2 id="correspondence">Correspondence</h2>
${unread}
${items.length ? h`<ul class="items">${items.map(itemHtml)}</ul>` : h`<p>No correspondence yet.</p>`}`;
}

/** 'staff:ada@icetrak.net' → the address; 'requester' and 'system' in words. */
function actorText(actor: string): string {
  if (actor.startsWith('staff:')) return actor.slice('staff:'.length);
  if (actor === 'requester') return 'Requester';
  if (actor === 'system') return 'System';
  return actor;
}

function detailText(detail: TimelineEntry['detail']): string {
  if (!detail) return '';
  return Object.entries(detail)
    .map(([k, v]) => `${words(k)}: ${v === true ? 'yes' : v === false ? 'no' : v === null ? 'none' : String(v)}`)
    .join('; ');
}

function timelineSection(view: CaseView): RawHtml {
  return h`<h2 id="timeline">Timeline</h2>
<div class="table-wrap" role="region" aria-labelledby="timeline-caption" tabindex="0">
<table>
<caption id="timeline-caption">What happened on the case, newest first</caption>
<thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th><th scope="col">Details</th></tr></thead>
<tbody>
${view.timeline.map((e) => h`<tr><td>${timeOf(e.at)}</td><td>${actorText(e.actor)}</td><td>${words(e.action)}</td><td>${detailText(e.detail)}</td></tr>`)}
</tbody>
</table>
</div>`;
}

export function casePage(opts: {
  view: CaseView;
  staff: Staff;
  csrf: string;
  basePath: string;
  errors?: Record<string, string>;
  values?: Record<string, unknown>;
  flash?: string;
  /** The change plan's lines (issue 15), read from its file by the page's handler. */
  planLines?: { lines: PlanLine[]; total: number };
  /** The search's records by source, for the DPO's review (third-party marks). */
  records?: Record<string, SourceRecords>;
}): string {
  const { view, staff, csrf, basePath } = opts;
  const c = view.case;
  const errors = opts.errors ?? {};
  const values = opts.values ?? {};
  const hasErrors = Object.keys(errors).length > 0;
  const actions = (view.actions as readonly string[]).filter(isFormAction);
  // The failing form is drawn again only if the case still allows it; otherwise the summary lists its errors as text.
  const failedAction = isFormAction(values.action) && actions.includes(values.action) && canAct(staff) ? values.action : undefined;

  const actionsSection = canAct(staff)
    ? h`<h2 id="actions">Actions</h2>
${
  actions.length
    ? h`<p>Each action is recorded in the timeline under your name. Those that send a letter send it straight away.</p>
${actions.map((a) => actionForm({ action: a, c, csrf, basePath, ...(a === failedAction ? { failed: { values, errors } } : {}) }))}`
    : h`<p>No actions are open on this case now.</p>`
}`
    : h`<h2 id="actions">Actions</h2>
<p class="notice">You can read cases; only the DPO team can act on them.</p>`;

  const anchors = failedAction
    ? actionAnchors(failedAction, errors, values)
    : typeof values.action === 'string' && Object.hasOwn(SECTION_FIELDS, values.action)
      ? SECTION_FIELDS[values.action as keyof typeof SECTION_FIELDS].map((f): [string, string] => [f, idOf({ prefix: values.action as string }, f)])
      : [];
  const body = h`${hasErrors ? errorSummary(errors, anchors) : ''}
<h1>Case ${c.reference}</h1>
${summaryList(view)}
${requesterSection(c)}
<h2 id="why-this-date">Why this date</h2>
<ul>${view.dueExplanation.map((s) => h`<li>${s}</li>`)}</ul>
${notesSection(c)}
${searchSection({ c, staff, csrf, basePath, ...(opts.records ? { records: opts.records } : {}), ...(values.action === 'search' ? { failed: { values, errors } } : {}) })}
${planSection({ c, staff, csrf, basePath, ...(opts.planLines ? { lines: opts.planLines } : {}), ...(values.action === 'plan' ? { failed: { values, errors } } : {}) })}
${restrictionSection({ c, staff, csrf, basePath, today: view.today, ...(values.action === 'announce-restriction-lift' ? { failed: { values, errors } } : {}) })}
${correspondenceSection(view, staff, csrf, basePath)}
${answerSection({ view, staff, csrf, basePath })}
${actionsSection}
${timelineSection(view)}`;
  return deskLayout({
    title: `Case ${c.reference}`,
    staff,
    csrf,
    basePath,
    body,
    hasErrors,
    ...(opts.flash ? { flash: opts.flash } : {}),
  });
}

// --- logging a request made by phone, post, in person or to a staff mailbox ---------------------

type StaffChannel = (typeof STAFF_CHANNELS)[number];
const CHANNEL_CHOICES: ReadonlyArray<{ value: StaffChannel; label: string }> = [
  { value: 'phone', label: 'Phone' },
  { value: 'post', label: 'Post' },
  { value: 'in-person', label: 'In person' },
  { value: 'email', label: 'Email to a staff member’s own mailbox' },
];

/** The staff-entry form's fields in the order they appear, with the id the error summary links to. */
/** The text fields of the forms drawn in their own sections (search, change plan), by action: an error summary links to them. */
const SECTION_FIELDS = {
  search: ['emails', 'phones', 'accountIds'],
  plan: ['field', 'to', 'recordType', 'objections'],
} as const;

const ENTRY_ANCHORS: ReadonlyArray<readonly [string, string]> = [
  ['channel', choiceAnchor({ prefix: '' }, 'channel', 'phone')],
  ['receivedOn', 'receivedOn'],
  ['rights', choiceAnchor({ prefix: '' }, 'rights', RIGHTS[0])],
  ['fullName', 'fullName'],
  ['email', 'email'],
  ['phone', 'phone'],
  ['postalAddress', 'postalAddress'],
  ['relationship', 'relationship'],
  ['accountReference', 'accountReference'],
  ['details', 'details'],
];

export function newCasePage(opts: {
  staff: Staff;
  csrf: string;
  basePath: string;
  /** A fresh case id, drawn with the form, so a double submit makes one case. */
  entryId: string;
  errors?: Record<string, string>;
  values?: Record<string, unknown>;
}): string {
  const errors = opts.errors ?? {};
  const state: FormState = { prefix: '', values: opts.values ?? {}, errors };
  const hasErrors = Object.keys(errors).length > 0;
  const body = h`${hasErrors ? errorSummary(errors, ENTRY_ANCHORS) : ''}
<h1>Log a request</h1>
<p>For a request made by phone, by post, in person, or to your own mailbox. The requester is acknowledged by email, or by a letter for you to print and post if there is no email address.</p>
<form method="post" action="${opts.basePath}/desk/cases" novalidate>
${csrfInput(opts.csrf)}
<input type="hidden" name="entryId" value="${opts.entryId}">
${choices({ name: 'channel', legend: 'How was the request made?', type: 'radio', options: CHANNEL_CHOICES, state })}
${textField({ name: 'receivedOn', label: 'Date received', hint: 'The day it arrived, not today’s date if later — the clock starts then.', type: 'date', state })}
${choices({
  name: 'rights',
  legend: 'What is the requester asking for?',
  hint: 'Select all that apply. Any request counts, whatever words they used.',
  type: 'checkbox',
  options: RIGHTS.map((r) => ({ value: r, label: RIGHT_LABELS[r].label, hint: RIGHT_LABELS[r].hint })),
  state,
})}
<h2>The requester</h2>
${textField({ name: 'fullName', label: 'Full name', maxLength: LIMITS.fullName, spellcheck: false, state })}
${textField({ name: 'email', label: 'Email address', hint: 'Leave empty if they have none: then a postal address is needed.', type: 'email', maxLength: LIMITS.email, spellcheck: false, state })}
${textField({ name: 'phone', label: 'Phone number (optional)', type: 'tel', maxLength: LIMITS.phone, state })}
${textArea({ name: 'postalAddress', label: 'Postal address', hint: 'Needed if there is no email address: letters go here.', rows: 4, maxLength: LIMITS.postalAddress, state })}
${select({
  name: 'relationship',
  label: 'Connection to Icetrak (optional)',
  blank: 'Not known',
  options: RELATIONSHIPS.map((r) => ({ value: r, label: RELATIONSHIP_LABELS[r] })),
  state,
})}
${textField({ name: 'accountReference', label: 'Account reference (optional)', maxLength: LIMITS.accountReference, spellcheck: false, state })}
${textArea({ name: 'details', label: 'What they asked for, in their words (optional)', rows: 6, maxLength: LIMITS.details, state })}
<button type="submit">Log the request</button>
</form>`;
  return deskLayout({ title: 'Log a request', staff: opts.staff, csrf: opts.csrf, basePath: opts.basePath, body, hasErrors });
}

// --- a letter to print and post -------------------------------------------------------------

const LETTER_CSS = `
*,*::before,*::after{box-sizing:border-box}
body{margin:0;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;color:#0b0c0c;background:#fff}
main{max-width:42em;margin:0 auto;padding:24px 16px}
a{color:#1d70b8}a:focus{outline:3px solid #fd0;box-shadow:0 0 0 6px #0b0c0c}
.from{text-align:right;margin:0 0 24px}.to{margin:0 0 24px}.ref{margin:0 0 24px}
h1{font-size:20px;margin:0 0 16px}
.text{white-space:pre-wrap;margin:0}
.screen-only{background:#f3f2f1;border-left:10px solid #1d70b8;padding:8px 16px;margin:0 0 32px}
@media print{.screen-only{display:none}main{max-width:none;padding:0}body{font-size:12pt}@page{margin:20mm}}
`;

/** The rendered text of mail the requester gets by post: a desk letter, or an acknowledgement or confirmation. */
function printable(c: Case, entry: OutboxEntry, dpoAddress: string): { title: string; mail: RenderedEmail } | undefined {
  const p = entry.params ?? {};
  if (entry.kind === 'letter' && isLetterKind(p.letter)) return { title: LETTER_TITLES[p.letter], mail: letter(c, p.letter, p, { dpoAddress }) };
  if (entry.kind === 'acknowledgement') return { title: 'We have received your request', mail: emailReceivedEmail(c, { dpoAddress }) };
  if (entry.kind === 'confirmation') return { title: 'Your request', mail: confirmedEmail(c, { dpoAddress }) };
  return undefined;
}

export function letterPage(opts: { c: Case; entry: OutboxEntry; dpoAddress: string; basePath: string }): string {
  const { c, entry } = opts;
  const found = printable(c, entry, opts.dpoAddress);
  const title = found?.title ?? 'No letter to print';
  const content = found
    ? h`<p class="from">Icetrak Ltd, Malvern, UK<br>Data Protection Officer<br>${opts.dpoAddress}</p>
<p class="to">${c.requester.fullName}${(c.requester.postalAddress ?? '').split(/\r?\n/).map((l) => (l.trim() ? h`<br>${l.trim()}` : ''))}</p>
<p class="date">${formatLongDate(londonDateOf(entry.createdAt))}</p>
<p class="ref">Our reference: ${c.reference}</p>
<h1>${title}</h1>
<div class="text">${found.mail.text}</div>`
    : h`<h1>${title}</h1><p>This mail has no printed form.</p>`;
  return h`<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${title} - ${c.reference} - Rightsdesk</title>
<style>${raw(LETTER_CSS)}</style>
</head>
<body>
<main id="main">
<div class="screen-only"><p>Print this letter, post it, then mark it as posted on the case. <a href="${caseHref(opts.basePath, c.reference)}">Back to case ${c.reference}</a></p></div>
${content}
</main>
</body>
</html>`.value;
}

// --- one inbound email ----------------------------------------------------------------------

export interface DeskAttachment {
  /** Its position in the email, as the download link's last segment. */
  n: number;
  filename: string;
  contentType: string;
  size: number;
  /** Where it is stored; null when it was over the limits and only the raw message holds it. */
  key: string | null;
}

export interface DeskMessage {
  from: string;
  subject: string;
  date: string | Date;
  text: string;
  attachments: DeskAttachment[];
}

function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

export function messagePage(opts: {
  c: Case;
  message: DeskMessage;
  sesMessageId: string;
  fromRequester: boolean;
  staff: Staff;
  csrf: string;
  basePath: string;
}): string {
  const { c, message: m, basePath } = opts;
  const date = m.date instanceof Date ? m.date.toISOString() : m.date;
  const base = `${caseHref(basePath, c.reference)}/messages/${encodeURIComponent(opts.sesMessageId)}`;
  const body = h`<p><a href="${caseHref(basePath, c.reference)}">Back to case ${c.reference}</a></p>
<h1>Email on case ${c.reference}</h1>
${opts.fromRequester ? '' : h`<p class="warning">Unverified correspondence — not from the requester’s address. Do not disclose anything to its sender.</p>`}
<dl class="list">
${row('From', m.from || 'No sender')}
${row('Date', date ? timeOf(date) : 'Not given')}
${row('Subject', m.subject || 'No subject')}
</dl>
<h2>Message</h2>
${m.text ? block(m.text) : h`<p>The email has no text.</p>`}
<h2>Attachments</h2>
${
  m.attachments.length
    ? h`<ul>${m.attachments.map((a) =>
        a.key
          ? h`<li><a href="${base}/attachments/${a.n}" download>${a.filename || `Attachment ${a.n}`}</a> (${a.contentType || 'unknown type'}, ${sizeText(a.size)})</li>`
          : h`<li>${a.filename || `Attachment ${a.n}`} (${a.contentType || 'unknown type'}, ${sizeText(a.size)}): not stored separately (over the limits, or quarantined); the raw message keeps it</li>`,
      )}</ul>
<p class="hint">Attachments were scanned for viruses when the email arrived. Open them only on a desk computer.</p>`
    : h`<p>No attachments.</p>`
}`;
  return deskLayout({ title: `Email on case ${c.reference}`, staff: opts.staff, csrf: opts.csrf, basePath, body });
}
