/**
 * The Art. 19 notice to a recipient of the data (issue 15): an organisation the register says
 * receives records that an executed plan erased, rectified or restricted, or whose restriction
 * a lift plan lifted (Kashflow for billing contacts). It carries our reference, what to do with which record (ids, and for a correction
 * the corrected value), and where to answer. Rendered from the plan's planned notice
 * (shared/domain/plan.ts PlannedNotice), escaped like every email.
 */
import type { Case } from '#domain/case';
import type { PlannedNotice } from '#domain/plan';
import { heading, list, mailto, paragraph, renderEmail, strong, type RenderedEmail } from './email-blocks';

const SIGN_OFF = 'Data Protection Officer, Icetrak Ltd, Malvern, UK';

export function recipientNoticeEmail(c: Case, notice: PlannedNotice, opts: { dpoAddress: string }): RenderedEmail {
  const subject = `[${c.reference}] Data subject request: changes to data we shared with you`;
  const n = notice.records;
  const counts = [
    n.erase ? `${n.erase} to erase` : '',
    n.rectify ? `${n.rectify} to correct` : '',
    n.restrict ? `${n.restrict} to restrict` : '',
    n.lift ? `${n.lift} to lift the restriction on` : '',
  ].filter(Boolean);
  return renderEmail(subject, [
    paragraph(`Dear ${notice.name},`),
    paragraph(
      'Icetrak Ltd has acted on a data subject’s request (our reference ',
      strong(c.reference),
      '). Some of the records concerned were shared with you, so under Article 19 of the UK GDPR we ask you to make the same changes to your copies: ',
      counts.join(', '),
      '.',
    ),
    heading('What to change'),
    list([...notice.instructions, ...(notice.more ? [`… and ${notice.more} more records: reply and we will send the full list.`] : [])]),
    paragraph(
      'Please confirm when this is done by replying to ',
      mailto(opts.dpoAddress),
      `, quoting ${c.reference}. Do not reply with the person’s data.`,
    ),
    paragraph(SIGN_OFF),
  ]);
}
