/**
 * The email forwarding a request to a customer's privacy contact (issue 15; LAW.md, Controller or
 * processor): what was asked, who asked and how to reach them, the identifiers to search the
 * customer's own data by, our reference, and that the deadline is the customer's own. Rendered
 * by the outbox from the case and its `forwards` entry; every value is escaped by renderEmail.
 */
import type { Case, Right } from '#domain/case';
import { formatLongDate } from '#domain/calendar';
import type { CustomerForward } from '#domain/forwarding';
import { heading, list, mailto, paragraph, renderEmail, strong, type RenderedEmail } from './email-blocks';

/** The rights as a controller's privacy team names them. */
const RIGHT_NAMES: Record<Right, string> = {
  access: 'access to their personal data (UK GDPR Art. 15)',
  rectification: 'rectification (Art. 16)',
  erasure: 'erasure (Art. 17)',
  restriction: 'restriction of processing (Art. 18)',
  objection: 'objection to processing (Art. 21)',
  portability: 'data portability (Art. 20)',
  complaint: 'a complaint (DPA 2018 s.164A)',
};

const SIGN_OFF = 'Data Protection Officer, Icetrak Ltd, Malvern, UK';

export function customerForwardEmail(c: Case, f: CustomerForward, opts: { dpoAddress: string }): RenderedEmail {
  const r = c.requester;
  const subject = `[${c.reference}] A data protection request about messages ${f.name} sent through Icetrak`.replace(/[\r\n]+/g, ' ');
  return renderEmail(subject, [
    paragraph(`To the privacy contact of ${f.name} (Icetrak account ${f.accountId}),`),
    paragraph(
      'Icetrak received a data protection rights request from a person who received messages your organisation sent through Icetrak. ',
      'For those messages you are the controller and Icetrak is only your processor, so we are forwarding the request to you to answer.',
    ),
    heading('What was asked'),
    list(c.rights.map((x) => RIGHT_NAMES[x])),
    heading('Who asked'),
    list([
      `Name: ${r.fullName || 'not given'}`,
      r.email ? [`Email: `, mailto(r.email)] : 'Email: not given',
      ...(r.postalAddress ? [`Postal address: ${r.postalAddress}`] : []),
    ]),
    heading('What to search your data by'),
    list(f.phones.length ? f.phones.map((p) => `Phone number: ${p}`) : ['The person’s email address above']),
    paragraph(`Icetrak’s search found ${f.records} message record${f.records === 1 ? '' : 's'} of your traffic for these.`),
    heading('Your deadline'),
    paragraph(
      'The deadline is your own: as controller you must answer the person without undue delay and within one month of receiving the request. ',
      'Icetrak cannot answer for you or extend your time limit. We received the request on ',
      strong(formatLongDate(c.receivedOn)),
      ' and have told the person that we passed it to you.',
    ),
    paragraph(
      'If you need our help as your processor (for example, to retrieve, correct or delete message data we hold for you), write to ',
      mailto(opts.dpoAddress),
      ` quoting our reference ${c.reference}.`,
    ),
    paragraph(SIGN_OFF),
  ]);
}
