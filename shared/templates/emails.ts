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
    'You asked us to:',
    rightsText(c.rights),
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
<p>You asked us to:</p>${rightsHtml(c.rights)}
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

/** To the DPO mailbox: what arrived and when it is due. The subject holds no free text. */
export function newRequestNotice(c: Case): RenderedEmail {
  const due = c.dueOn ? formatLongDate(c.dueOn) : 'paused';
  const rights = c.rights.join(', ');
  const subject = subjectOf(c.reference, `New verified request: ${rights} - due ${due}`);
  const rows: [string, string][] = [
    ['Reference', c.reference],
    ['Asked for', c.rights.map((r) => RIGHT_LABELS[r].label).join('; ')],
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
