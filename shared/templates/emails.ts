/**
 * Outbound email templates: each returns subject, text and HTML parts, rendered from one
 * list of blocks (email-blocks.ts). Every requester email carries `[REF]` in the subject so
 * replies thread back into the case (DESIGN.md, Email). Values are escaped in the HTML part;
 * subjects never carry free text from the requester, and header-breaking characters cannot
 * reach them.
 */
import type { Case } from '#domain/case';
import { formatLongDate } from '#domain/calendar';
import { RELATIONSHIP_LABELS, RIGHT_LABELS } from '#domain/labels';
import { type Block, type Inline, type RenderedEmail, br, heading, link, list, mailto, paragraph, pre, renderEmail, strong, table } from './email-blocks';

export type { RenderedEmail };

const subjectOf = (reference: string, words: string) => `[${reference}] ${words}`.replace(/[\r\n]+/g, ' ');

const SIGN_OFF = 'Data Protection Officer, Icetrak Ltd, Malvern, UK';
const UNCLASSIFIED_NOTE = 'We will read your email and contact you if we need to know more about what you are asking us to do.';
const PROCESSOR_NOTE =
  'If your request is about SMS or fax messages a business sent you through Icetrak, that business decides how those messages are used. We will pass that part of your request to them and tell you who they are, so you can contact them directly.';
const NO_CHARGE = 'There is no charge.';
const COMPLAINT_STEP = 'We will acknowledge your complaint within 30 days and tell you the outcome.';

/**
 * Until the address has confirmed itself, mail to it must carry nothing a stranger typed: the
 * form is open to anyone, and "Dear Visit https://… now" from Icetrak's domain is spam with our
 * name on it. So an unconfirmed address is greeted neutrally; a confirmed one by name.
 */
const addressConfirmed = (c: Case) =>
  c.identityReceivedOn !== undefined ||
  c.status === 'in_progress' ||
  c.status === 'awaiting_clarification' ||
  (c.status === 'closed' && c.outcome !== 'closed_unverified');
const greeting = (c: Case) => paragraph(addressConfirmed(c) ? `Dear ${c.requester.fullName},` : 'Hello,');
const signOff = paragraph(SIGN_OFF);
const questions = (c: Case, dpoAddress: string): Inline[] => [
  'Questions: reply to this email or write to ',
  mailto(dpoAddress),
  `, quoting ${c.reference}.`,
];
const rightLabels = (c: Case) => c.rights.map((r) => RIGHT_LABELS[r].label);

/** What the request is for: the requester's own choice on a form, our reading of an email, or not known yet. */
function asked(c: Case): Block[] {
  if (c.rights.length === 0) return [paragraph(UNCLASSIFIED_NOTE)];
  return [paragraph(c.channel === 'email' ? 'We have read your email as a request to:' : 'You asked us to:'), list(rightLabels(c))];
}

export function acknowledgementEmail(c: Case, opts: { confirmUrl: string; dpoAddress: string }): RenderedEmail {
  return renderEmail(subjectOf(c.reference, 'We have received your request - please confirm your email address'), [
    greeting(c),
    paragraph('Thank you for your request to Icetrak Ltd. Your reference is ', strong(c.reference), '.'),
    ...asked(c),
    paragraph(
      'Please confirm this is your email address within 7 days. Open this link and press the Confirm button on the page it opens:',
      br,
      link(opts.confirmUrl),
    ),
    heading('What happens next'),
    list([
      'We will reply within one month of the day you confirm. If your request is complex we may extend this by up to two more months; if so we will tell you why within the first month.',
      'If we need more information to find what you asked for, we will ask you, and the time limit pauses until you reply.',
      NO_CHARGE,
      c.rights.includes('complaint') && COMPLAINT_STEP,
    ]),
    c.requester.relationship === 'message-recipient' && paragraph(PROCESSOR_NOTE),
    paragraph(
      'If you did not make this request, ignore this email: nothing happens unless someone opens the link and presses its Confirm button. ',
      ...questions(c, opts.dpoAddress),
    ),
    signOff,
  ]);
}

export function confirmedEmail(c: Case, opts: { dpoAddress: string }): RenderedEmail {
  const due = c.dueOn ? formatLongDate(c.dueOn) : null;
  return renderEmail(subjectOf(c.reference, due ? `Request confirmed - we will reply by ${due}` : 'Request confirmed'), [
    greeting(c),
    paragraph('Thank you for confirming your email address. Your request ', strong(c.reference), ' is now being worked on.'),
    due
      ? paragraph(
          'We will reply by ',
          strong(due),
          '. This is one month from the day you confirmed your email address, moved to the next working day where needed.',
        )
      : paragraph('We have paused the time limit while we wait for information from you.'),
    paragraph('If your request is complex we may extend the time limit by up to two more months. If so, we will tell you why before that date.'),
    paragraph(
      'If you are not happy with how we handle your request, you can complain to us at ',
      mailto(opts.dpoAddress),
      ", and to the Information Commissioner's Office (ico.org.uk).",
    ),
    signOff,
  ]);
}

/** To the DPO team (TEAM_ADDRESS): what arrived and when it is due. The subject holds no free text. */
export function newRequestNotice(c: Case, opts: { deskUrl: string }): RenderedEmail {
  const due = c.dueOn ? formatLongDate(c.dueOn) : 'paused';
  const rights = c.rights.join(', ') || 'unclassified';
  // Verified: the address confirmed itself (form, DKIM/DMARC). A postal or staff-logged request is new, not verified.
  const what = c.status === 'in_progress' ? 'New verified request' : 'New request (identity not yet confirmed)';
  return renderEmail(subjectOf(c.reference, `${what}: ${rights} - due ${due}`), [
    table([
      ['Reference', c.reference],
      ['Asked for', rightLabels(c).join('; ') || 'Not known yet: an email to triage'],
      ['Channel', c.channel],
      ['Connection to Icetrak', c.requester.relationship ? RELATIONSHIP_LABELS[c.requester.relationship] : 'not given'],
      ['Received', formatLongDate(c.receivedOn)],
      ['Clock starts', formatLongDate(c.clockStartsOn)],
      ['Due', due],
      ['Requester', `${c.requester.fullName} <${c.requester.email}>`],
      ['Phone or fax', c.requester.phone ?? 'not given'],
      ['Account reference', c.requester.accountReference ?? 'not given'],
    ]),
    c.requester.relationship === 'message-recipient' &&
      paragraph(
        strong('The requester received messages sent through Icetrak: that part is processor data - forward it to the customer that sent the messages.'),
      ),
    heading('Details'),
    pre(c.details ?? '(none)'),
    paragraph('Work it on the desk: ', link(opts.deskUrl)),
  ]);
}

/** To the DPO team: a reply joined a case. It quotes nothing and names no sender: the desk shows the message. */
export function correspondenceNotice(c: Case, opts: { deskUrl: string; fromRequester: boolean }): RenderedEmail {
  return renderEmail(subjectOf(c.reference, opts.fromRequester ? 'New correspondence from the requester' : 'New correspondence (unverified sender)'), [
    paragraph(
      strong(
        opts.fromRequester
          ? 'The requester has written again on this case. It may carry identity documents, answer a question or change the request.'
          : 'Someone other than the requester’s address has written on this case. Treat it as unverified correspondence, not as the requester.',
      ),
    ),
    table([
      ['Reference', c.reference],
      ['Status', c.status.replace(/_/g, ' ')],
      ['Due', c.dueOn ? formatLongDate(c.dueOn) : 'clock stopped'],
    ]),
    paragraph('Read it on the desk (it is in the triage queue until marked read): ', link(opts.deskUrl)),
  ]);
}

/**
 * To a requester whose email arrived with a passing DKIM or DMARC check: the address counts
 * as confirmed, so the clock started on receipt and the due date is known at once. (An email
 * without that check gets acknowledgementEmail, with a confirmation link.)
 */
/** How the request reached us, in the requester's words: staff log calls, letters and visits too (shared/cases/enter.ts). */
const MADE_BY: Record<Case['channel'], { thanks: string; arrived: string }> = {
  email: { thanks: 'your email', arrived: 'the day your email arrived' },
  form: { thanks: 'your request', arrived: 'the day we received it' },
  phone: { thanks: 'your call', arrived: 'the day you called' },
  post: { thanks: 'your letter', arrived: 'the day your letter arrived' },
  'in-person': { thanks: 'your visit', arrived: 'the day you asked us in person' },
};

export function emailReceivedEmail(c: Case, opts: { dpoAddress: string }): RenderedEmail {
  const due = c.dueOn ? formatLongDate(c.dueOn) : null;
  const made = MADE_BY[c.channel];
  return renderEmail(subjectOf(c.reference, due ? `We have received your request - we will reply by ${due}` : 'We have received your request'), [
    greeting(c),
    paragraph(
      `Thank you for ${made.thanks} to Icetrak Ltd. Your reference is `,
      strong(c.reference),
      '; please keep it in the subject line if you write to us again about this request.',
    ),
    ...asked(c),
    heading('What happens next'),
    list([
      due
        ? `We will reply by ${due}: one month from ${made.arrived}, moved to the next working day where needed. If your request is complex we may extend this by up to two more months; if so we will tell you why within the first month.`
        : 'We will tell you when we expect to reply.',
      'If we need more information to find what you asked for, or to confirm who you are, we will ask you, and the time limit pauses until you reply.',
      NO_CHARGE,
      c.rights.includes('complaint') && COMPLAINT_STEP,
    ]),
    paragraph(PROCESSOR_NOTE),
    paragraph(...questions(c, opts.dpoAddress)),
    signOff,
  ]);
}

// ---------------------------------------------------------------------------------------
// The deadline keeper's notices (shared/deadlines/act-on-checkpoint.ts)
// ---------------------------------------------------------------------------------------

/** To the requester: identity still unconfirmed. With a fresh link when it was an email-address check. */
export function verifyReminderEmail(c: Case, opts: { confirmUrl?: string; closesOn: string; dpoAddress: string }): RenderedEmail {
  const closes = formatLongDate(opts.closesOn);
  const notStarted = 'We have not yet been able to start work on your request, because';
  return renderEmail(
    subjectOf(c.reference, opts.confirmUrl ? 'Reminder - please confirm your email address' : 'Reminder - we still need to confirm your identity'),
    [
      greeting(c),
      paragraph('Your request ', strong(c.reference), ' to Icetrak Ltd is waiting for you.'),
      opts.confirmUrl
        ? paragraph(`${notStarted} your email address is not confirmed. Please open this link to confirm it:`, br, link(opts.confirmUrl))
        : paragraph(`${notStarted} we still need the information we asked for to confirm your identity. Please reply to this email with it.`),
      paragraph(`If we have not heard from you by ${closes}, we will close your request without action. You can make a new request at any time.`),
      paragraph('If you did not make this request, ignore this email. ', ...questions(c, opts.dpoAddress)),
      signOff,
    ],
  );
}

/** To the requester: the request was closed because identity was never confirmed. */
export function closedUnverifiedEmail(c: Case, opts: { dpoAddress: string }): RenderedEmail {
  return renderEmail(subjectOf(c.reference, 'Your request has been closed - identity not confirmed'), [
    greeting(c),
    paragraph(
      `We have closed your request ${c.reference}, because we could not confirm that it came from you. We have not disclosed, changed or deleted any information.`,
    ),
    paragraph('You can make a new request at any time.'),
    paragraph(
      `If you think this is a mistake, reply to this email or write to ${opts.dpoAddress}. You also have the right to complain to the Information Commissioner's Office (ico.org.uk).`,
    ),
    signOff,
  ]);
}

/**
 * To the DPO team (TEAM_ADDRESS): a reminder or escalation about a deadline. The subject holds only the
 * reference, numbers and dates; the body the facts needed to act, no free text from the requester.
 */
export type DeadlineNotice =
  | { kind: 'dpo-reminder'; workingDaysLeft: number }
  | { kind: 'extension-warning'; extensionNoticeBy: string }
  | { kind: 'due-today' }
  | { kind: 'overdue'; workingDaysOverdue: number }
  /** A complaint not yet acknowledged: DPA 2018 s.164A gives 30 days (acknowledgeBy). */
  | { kind: 'complaint-ack-reminder'; acknowledgeBy: string; workingDaysLeft: number };

export function deadlineNoticeEmail(c: Case, notice: DeadlineNotice, opts: { deskUrl: string }): RenderedEmail {
  const due = c.dueOn ? formatLongDate(c.dueOn) : 'paused';
  const { words, lead } = deadlineWords(notice, due);
  return renderEmail(subjectOf(c.reference, words), [
    paragraph(strong(lead)),
    table([
      ['Reference', c.reference],
      ['Asked for', c.rights.length ? rightLabels(c).join('; ') : 'not yet classified'],
      ['Status', c.status.replace(/_/g, ' ')],
      ['Received', formatLongDate(c.receivedOn)],
      ['Clock started', formatLongDate(c.clockStartsOn)],
      ['Due', due],
      ['Extended', c.extended ? 'yes' : 'no'],
      ['Complex', c.complex ? 'yes' : 'no'],
    ]),
    paragraph('Open the case on the desk: ', link(opts.deskUrl)),
    paragraph('Sent by the Rightsdesk deadline keeper.'),
  ]);
}

/** The subject words and the opening sentence of each deadline notice. */
function deadlineWords(notice: DeadlineNotice, due: string): { words: string; lead: string } {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  switch (notice.kind) {
    case 'dpo-reminder':
      return {
        words: `Reminder: ${plural(notice.workingDaysLeft, 'working day')} left - due ${due}`,
        lead: `This request is due in ${plural(notice.workingDaysLeft, 'working day')}, on ${due}.`,
      };
    case 'extension-warning':
      return {
        words: `Extension decision needed by ${formatLongDate(notice.extensionNoticeBy)}`,
        lead: `This request is marked complex. To extend the time limit by two months, tell the requester, with reasons, by ${formatLongDate(notice.extensionNoticeBy)}. After that day it cannot be extended and is due ${due}.`,
      };
    case 'due-today':
      return {
        words: `DUE TODAY - ${due}`,
        lead: `This request is due today, ${due}. Send the response today, or record why it cannot be sent.`,
      };
    case 'complaint-ack-reminder':
      return {
        words: `Complaint to acknowledge by ${formatLongDate(notice.acknowledgeBy)}`,
        lead:
          notice.workingDaysLeft > 0
            ? `This complaint has not been acknowledged. The law (DPA 2018 s.164A) gives 30 days: acknowledge it by ${formatLongDate(notice.acknowledgeBy)}, ${plural(notice.workingDaysLeft, 'working day')} from now.`
            : `This complaint has not been acknowledged, and today is the last working day to do it (the limit is ${formatLongDate(notice.acknowledgeBy)}). Acknowledge it on the desk today.`,
      };
    case 'overdue':
      return {
        words: `OVERDUE by ${plural(notice.workingDaysOverdue, 'working day')} - was due ${due}`,
        lead: `This request was due on ${due} and is ${plural(notice.workingDaysOverdue, 'working day')} overdue. The requester may complain to the ICO. Respond as soon as possible; this escalation repeats every working day until the case is closed.`,
      };
  }
}
