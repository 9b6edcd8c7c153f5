/**
 * The Art. 19 notice to a recipient of the data (issue 15): an organisation the register says
 * receives records that an executed plan erased, rectified or restricted, or whose restriction
 * a lift plan lifted (Kashflow for billing contacts). It carries our reference, what to do with which record (ids, and for a correction
 * the corrected value), and where to answer. Rendered from the plan's planned notice
 * (shared/domain/plan.ts PlannedNotice), escaped like every email.
 *
 * A recipient with an API (the register's `noticeApi`) gets the same notice as JSON instead
 * (recipientNoticeBody): ids and corrected values only. Not the email's instructions, which
 * quote a corrected field's old value: nothing of the person beyond what the recipient must change.
 */
import type { Case } from '#domain/case';
import type { NoticeChange, PlannedNotice } from '#domain/plan';
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

/** The JSON body POSTed to a recipient's API (docs/operations.md, "A recipient's notice API"). */
export interface RecipientNoticeBody {
  kind: 'art19-notice';
  /** Our reference for the request: quote it when answering. */
  reference: string;
  planId: string;
  /** Who asks: the controller, and the UK GDPR article. */
  from: string;
  law: 'UK GDPR Article 19';
  /** Records concerned, counted by action (all of them, beyond those listed). */
  records: { erase: number; rectify: number; restrict: number; lift: number };
  /** What to do, record by record (at most MAX_NOTICE_INSTRUCTIONS). */
  changes: NoticeChange[];
  /** Records concerned but not listed: ask us for the rest. */
  more: number;
  /** Where to confirm, or ask. */
  replyTo: string;
}

export function recipientNoticeBody(c: Case, notice: PlannedNotice, opts: { planId: string; dpoAddress: string }): RecipientNoticeBody {
  return {
    kind: 'art19-notice',
    reference: c.reference,
    planId: opts.planId,
    from: 'Icetrak Ltd',
    law: 'UK GDPR Article 19',
    records: {
      erase: notice.records.erase ?? 0,
      rectify: notice.records.rectify ?? 0,
      restrict: notice.records.restrict ?? 0,
      lift: notice.records.lift ?? 0,
    },
    changes: notice.changes ?? [],
    more: notice.more,
    replyTo: opts.dpoAddress,
  };
}
