/**
 * Outbound email templates: each returns subject, text and HTML parts. Every requester
 * email carries `[REF]` in the subject so replies thread back into the case (DESIGN.md,
 * Email). Values are escaped in the HTML part; subjects never carry free text from the
 * requester, and header-breaking characters cannot reach them.
 */
import type { Case, Right } from '../domain/case';
import { formatLongDate } from '../domain/calendar';
import { h, type RawHtml } from '../http/html';
import { RELATIONSHIP_LABELS, RIGHT_LABELS } from '../intake/submission';

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

const subjectOf = (reference: string, words: string) => `[${reference}] ${words}`.replace(/[\r\n]+/g, ' ');

function htmlDoc(title: string, body: RawHtml): string {
  return h`<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>${title}</title></head><body style="font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;color:#0b0c0c">${body}</body></html>`.value;
}

const rightsText = (rights: Right[]) => rights.map((r) => `- ${RIGHT_LABELS[r].label}`).join('\n');
const rightsHtml = (rights: Right[]) => h`<ul>${rights.map((r) => h`<li>${RIGHT_LABELS[r].label}</li>`)}</ul>`;

/** What the request is for: the requester's own choice on a form, our reading of an email, or not known yet. */
function askedText(c: Case): string[] {
  if (c.rights.length === 0) return [UNCLASSIFIED_NOTE];
  return [c.channel === 'email' ? 'We have read your email as a request to:' : 'You asked us to:', rightsText(c.rights)];
}
function askedHtml(c: Case): RawHtml {
  if (c.rights.length === 0) return h`<p>${UNCLASSIFIED_NOTE}</p>`;
  return h`<p>${c.channel === 'email' ? 'We have read your email as a request to:' : 'You asked us to:'}</p>${rightsHtml(c.rights)}`;
}
const UNCLASSIFIED_NOTE = 'We will read your email and contact you if we need to know more about what you are asking us to do.';

const processorNote =
  'If your request is about SMS or fax messages a business sent you through Icetrak, that business decides how those messages are used. We will pass that part of your request to them and tell you who they are, so you can contact them directly.';

export function acknowledgementEmail(c: Case, opts: { confirmUrl: string; dpoAddress: string }): RenderedEmail {
  const subject = subjectOf(c.reference, 'We have received your request - please confirm your email address');
  const forwarded = c.requester.relationship === 'message-recipient';
  const steps = [
    'We will reply within one month of the day you confirm. If your request is complex we may extend this by up to two more months; if so we will tell you why within the first month.',
    'If we need more information to find what you asked for, we will ask you, and the time limit pauses until you reply.',
    'There is no charge.',
    ...(c.rights.includes('complaint') ? ['We will acknowledge your complaint within 30 days and tell you the outcome.'] : []),
  ];
  const text = [
    `Dear ${c.requester.fullName},`,
    '',
    `Thank you for your request to Icetrak Ltd. Your reference is ${c.reference}.`,
    '',
    ...askedText(c),
    '',
    'Please confirm this is your email address by opening this link within 7 days:',
    opts.confirmUrl,
    '',
    'What happens next:',
    ...steps.map((step) => `- ${step}`),
    ...(forwarded ? ['', processorNote] : []),
    '',
    `If you did not make this request, ignore this email: nothing will happen unless the link is opened. Questions: reply to this email or write to ${opts.dpoAddress}, quoting ${c.reference}.`,
    '',
    'Data Protection Officer, Icetrak Ltd, Malvern, UK',
  ].join('\n');
  const html = htmlDoc(
    subject,
    h`<p>Dear ${c.requester.fullName},</p>
<p>Thank you for your request to Icetrak Ltd. Your reference is <strong>${c.reference}</strong>.</p>
${askedHtml(c)}
<p><a href="${opts.confirmUrl}">Confirm your email address</a> within 7 days. If the link does not work, copy this address into your browser:<br>${opts.confirmUrl}</p>
<h2 style="font-size:18px">What happens next</h2>
<ul>${steps.map((step) => h`<li>${step}</li>`)}</ul>
${forwarded ? h`<p>${processorNote}</p>` : ''}
<p>If you did not make this request, ignore this email: nothing will happen unless the link is opened. Questions: reply to this email or write to <a href="mailto:${opts.dpoAddress}">${opts.dpoAddress}</a>, quoting ${c.reference}.</p>
<p>Data Protection Officer, Icetrak Ltd, Malvern, UK</p>`,
  );
  return { subject, text, html };
}

export function confirmedEmail(c: Case, opts: { dpoAddress: string }): RenderedEmail {
  const due = c.dueOn ? formatLongDate(c.dueOn) : null;
  const subject = subjectOf(c.reference, due ? `Request confirmed - we will reply by ${due}` : 'Request confirmed');
  const dueLine = due
    ? `We will reply by ${due}. This is one month from the day you confirmed your email address, moved to the next working day where needed.`
    : 'We have paused the time limit while we wait for information from you.';
  const text = [
    `Dear ${c.requester.fullName},`,
    '',
    `Thank you for confirming your email address. Your request ${c.reference} is now being worked on.`,
    '',
    dueLine,
    '',
    'If your request is complex we may extend the time limit by up to two more months. If so, we will tell you why before that date.',
    '',
    `If you are not happy with how we handle your request, you can complain to us at ${opts.dpoAddress}, and to the Information Commissioner's Office (ico.org.uk).`,
    '',
    'Data Protection Officer, Icetrak Ltd, Malvern, UK',
  ].join('\n');
  const html = htmlDoc(
    subject,
    h`<p>Dear ${c.requester.fullName},</p>
<p>Thank you for confirming your email address. Your request <strong>${c.reference}</strong> is now being worked on.</p>
<p>${due ? h`We will reply by <strong>${due}</strong>. This is one month from the day you confirmed your email address, moved to the next working day where needed.` : dueLine}</p>
<p>If your request is complex we may extend the time limit by up to two more months. If so, we will tell you why before that date.</p>
<p>If you are not happy with how we handle your request, you can complain to us at <a href="mailto:${opts.dpoAddress}">${opts.dpoAddress}</a>, and to the Information Commissioner's Office (ico.org.uk).</p>
<p>Data Protection Officer, Icetrak Ltd, Malvern, UK</p>`,
  );
  return { subject, text, html };
}

/** To the DPO team (TEAM_ADDRESS): what arrived and when it is due. The subject holds no free text. */
export function newRequestNotice(c: Case): RenderedEmail {
  const due = c.dueOn ? formatLongDate(c.dueOn) : 'paused';
  const rights = c.rights.join(', ') || 'unclassified';
  const subject = subjectOf(c.reference, `New verified request: ${rights} - due ${due}`);
  const rows: [string, string][] = [
    ['Reference', c.reference],
    ['Asked for', c.rights.map((r) => RIGHT_LABELS[r].label).join('; ') || 'Not known yet: an email to triage'],
    ['Channel', c.channel],
    ['Connection to Icetrak', c.requester.relationship ? RELATIONSHIP_LABELS[c.requester.relationship] : 'not given'],
    ['Received', formatLongDate(c.receivedOn)],
    ['Clock starts', formatLongDate(c.clockStartsOn)],
    ['Due', due],
    ['Requester', `${c.requester.fullName} <${c.requester.email}>`],
    ['Phone or fax', c.requester.phone ?? 'not given'],
    ['Account reference', c.requester.accountReference ?? 'not given'],
  ];
  const processor = c.requester.relationship === 'message-recipient'
    ? 'The requester received messages sent through Icetrak: that part is processor data - forward it to the customer that sent the messages.'
    : '';
  const text = [
    ...rows.map(([k, v]) => `${k}: ${v}`),
    ...(processor ? ['', processor] : []),
    '',
    'Details:',
    c.details ?? '(none)',
  ].join('\n');
  const html = htmlDoc(
    subject,
    h`<table>${rows.map(([k, v]) => h`<tr><th align="left">${k}</th><td>${v}</td></tr>`)}</table>
${processor ? h`<p><strong>${processor}</strong></p>` : ''}
<h2 style="font-size:18px">Details</h2><pre style="white-space:pre-wrap;font-family:inherit">${c.details ?? '(none)'}</pre>`,
  );
  return { subject, text, html };
}

/**
 * To a requester whose email arrived with a passing DKIM or DMARC check: the address counts
 * as confirmed, so the clock started on receipt and the due date is known at once. (An email
 * without that check gets acknowledgementEmail, with a confirmation link.)
 */
export function emailReceivedEmail(c: Case, opts: { dpoAddress: string }): RenderedEmail {
  const due = c.dueOn ? formatLongDate(c.dueOn) : null;
  const subject = subjectOf(c.reference, due ? `We have received your request - we will reply by ${due}` : 'We have received your request');
  const dueLine = due
    ? `We will reply by ${due}: one month from the day your email arrived, moved to the next working day where needed. If your request is complex we may extend this by up to two more months; if so we will tell you why within the first month.`
    : 'We will tell you when we expect to reply.';
  const complaint = c.rights.includes('complaint');
  const text = [
    `Dear ${c.requester.fullName},`,
    '',
    `Thank you for your email to Icetrak Ltd. Your reference is ${c.reference}; please keep it in the subject line if you write to us again about this request.`,
    '',
    ...askedText(c),
    '',
    'What happens next:',
    `- ${dueLine}`,
    '- If we need more information to find what you asked for, or to confirm who you are, we will ask you, and the time limit pauses until you reply.',
    '- There is no charge.',
    ...(complaint ? ['- We will acknowledge your complaint within 30 days and tell you the outcome.'] : []),
    '',
    processorNote,
    '',
    `Questions: reply to this email or write to ${opts.dpoAddress}, quoting ${c.reference}.`,
    '',
    'Data Protection Officer, Icetrak Ltd, Malvern, UK',
  ].join('\n');
  const html = htmlDoc(
    subject,
    h`<p>Dear ${c.requester.fullName},</p>
<p>Thank you for your email to Icetrak Ltd. Your reference is <strong>${c.reference}</strong>; please keep it in the subject line if you write to us again about this request.</p>
${askedHtml(c)}
<h2 style="font-size:18px">What happens next</h2>
<ul>
<li>${dueLine}</li>
<li>If we need more information to find what you asked for, or to confirm who you are, we will ask you, and the time limit pauses until you reply.</li>
<li>There is no charge.</li>
${complaint ? h`<li>We will acknowledge your complaint within 30 days and tell you the outcome.</li>` : ''}
</ul>
<p>${processorNote}</p>
<p>Questions: reply to this email or write to <a href="mailto:${opts.dpoAddress}">${opts.dpoAddress}</a>, quoting ${c.reference}.</p>
<p>Data Protection Officer, Icetrak Ltd, Malvern, UK</p>`,
  );
  return { subject, text, html };
}

// ---------------------------------------------------------------------------------------
// The deadline keeper's notices (shared/deadlines/act-on-checkpoint.ts)
// ---------------------------------------------------------------------------------------

const SIGN_OFF = 'Data Protection Officer, Icetrak Ltd, Malvern, UK';

/** To the requester: identity still unconfirmed. With a fresh link when it was an email-address check. */
export function verifyReminderEmail(
  c: Case,
  opts: { confirmUrl?: string; closesOn: string; dpoAddress: string },
): RenderedEmail {
  const closes = formatLongDate(opts.closesOn);
  const subject = subjectOf(c.reference, opts.confirmUrl ? 'Reminder - please confirm your email address' : 'Reminder - we still need to confirm your identity');
  const ask = opts.confirmUrl
    ? ['We have not yet been able to start work on your request, because your email address is not confirmed. Please open this link to confirm it:', opts.confirmUrl]
    : ['We have not yet been able to start work on your request, because we still need the information we asked for to confirm your identity. Please reply to this email with it.'];
  const after = `If we have not heard from you by ${closes}, we will close your request without action. You can make a new request at any time.`;
  const text = [
    `Dear ${c.requester.fullName},`,
    '',
    `Your request ${c.reference} to Icetrak Ltd is waiting for you.`,
    '',
    ...ask,
    '',
    after,
    '',
    `If you did not make this request, ignore this email. Questions: reply to this email or write to ${opts.dpoAddress}, quoting ${c.reference}.`,
    '',
    SIGN_OFF,
  ].join('\n');
  const html = htmlDoc(
    subject,
    h`<p>Dear ${c.requester.fullName},</p>
<p>Your request <strong>${c.reference}</strong> to Icetrak Ltd is waiting for you.</p>
${opts.confirmUrl
  ? h`<p>We have not yet been able to start work on your request, because your email address is not confirmed. <a href="${opts.confirmUrl}">Confirm your email address</a>. If the link does not work, copy this address into your browser:<br>${opts.confirmUrl}</p>`
  : h`<p>${ask[0]}</p>`}
<p>${after}</p>
<p>If you did not make this request, ignore this email. Questions: reply to this email or write to <a href="mailto:${opts.dpoAddress}">${opts.dpoAddress}</a>, quoting ${c.reference}.</p>
<p>${SIGN_OFF}</p>`,
  );
  return { subject, text, html };
}

/** To the requester: the request was closed because identity was never confirmed. */
export function closedUnverifiedEmail(c: Case, opts: { dpoAddress: string }): RenderedEmail {
  const subject = subjectOf(c.reference, 'Your request has been closed - identity not confirmed');
  const lines = [
    `We have closed your request ${c.reference}, because we could not confirm that it came from you. We have not disclosed, changed or deleted any information.`,
    'You can make a new request at any time.',
    `If you think this is a mistake, reply to this email or write to ${opts.dpoAddress}. You also have the right to complain to the Information Commissioner's Office (ico.org.uk).`,
  ];
  const text = [`Dear ${c.requester.fullName},`, '', ...lines.flatMap((l) => [l, '']), SIGN_OFF].join('\n');
  const html = htmlDoc(subject, h`<p>Dear ${c.requester.fullName},</p>${lines.map((l) => h`<p>${l}</p>`)}<p>${SIGN_OFF}</p>`);
  return { subject, text, html };
}

/**
 * To the DPO team (TEAM_ADDRESS): a reminder or escalation about a deadline. The subject holds only the
 * reference, numbers and dates; the body the facts needed to act, no free text from the requester.
 */
export type DeadlineNotice =
  | { kind: 'dpo-reminder'; workingDaysLeft: number }
  | { kind: 'extension-warning'; extensionNoticeBy: string }
  | { kind: 'due-today' }
  | { kind: 'overdue'; workingDaysOverdue: number };

export function deadlineNoticeEmail(c: Case, notice: DeadlineNotice): RenderedEmail {
  const due = c.dueOn ? formatLongDate(c.dueOn) : 'paused';
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  let words: string;
  let lead: string;
  switch (notice.kind) {
    case 'dpo-reminder':
      words = `Reminder: ${plural(notice.workingDaysLeft, 'working day')} left - due ${due}`;
      lead = `This request is due in ${plural(notice.workingDaysLeft, 'working day')}, on ${due}.`;
      break;
    case 'extension-warning':
      words = `Extension decision needed by ${formatLongDate(notice.extensionNoticeBy)}`;
      lead = `This request is marked complex. To extend the time limit by two months, tell the requester, with reasons, by ${formatLongDate(notice.extensionNoticeBy)}. After that day it cannot be extended and is due ${due}.`;
      break;
    case 'due-today':
      words = `DUE TODAY - ${due}`;
      lead = `This request is due today, ${due}. Send the response today, or record why it cannot be sent.`;
      break;
    case 'overdue':
      words = `OVERDUE by ${plural(notice.workingDaysOverdue, 'working day')} - was due ${due}`;
      lead = `This request was due on ${due} and is ${plural(notice.workingDaysOverdue, 'working day')} overdue. The requester may complain to the ICO. Respond as soon as possible; this escalation repeats every working day until the case is closed.`;
      break;
  }
  const subject = subjectOf(c.reference, words);
  const rows: [string, string][] = [
    ['Reference', c.reference],
    ['Asked for', c.rights.length ? c.rights.map((r) => RIGHT_LABELS[r].label).join('; ') : 'not yet classified'],
    ['Status', c.status.replace(/_/g, ' ')],
    ['Received', formatLongDate(c.receivedOn)],
    ['Clock started', formatLongDate(c.clockStartsOn)],
    ['Due', due],
    ['Extended', c.extended ? 'yes' : 'no'],
    ['Complex', c.complex ? 'yes' : 'no'],
  ];
  const text = [lead, '', ...rows.map(([k, v]) => `${k}: ${v}`), '', 'Sent by the Rightsdesk deadline keeper.'].join('\n');
  const html = htmlDoc(
    subject,
    h`<p><strong>${lead}</strong></p>
<table>${rows.map(([k, v]) => h`<tr><th align="left">${k}</th><td>${v}</td></tr>`)}</table>
<p>Sent by the Rightsdesk deadline keeper.</p>`,
  );
  return { subject, text, html };
}
