/**
 * The mail to the DPO team's mailbox when a report is ready (issue 12): the headline numbers and
 * a link to the report on the desk. Like the team's other notices (emails.ts) it is built from
 * email blocks, so the text and HTML parts say the same. It names no case and no person: the
 * figures are counts, and the report and its CSV stay behind the desk's sign-in.
 */
import type { MonthlyFigures, ReportFigures, WeeklyFigures } from '#domain/report-figures';
import { shortDate } from '#domain/report-period';
import type { OutboundEmail } from '#shared/ports';
import { heading, link, paragraph, renderEmail, strong, table, type Block } from './email-blocks';
import { formatLondonInstant, formatNumber, formatPercent, weekName } from './report-format';

export interface ReportMailOptions {
  /** The team mailbox. */
  to: string;
  /** The report on the desk (behind sign-in). */
  reportUrl: string;
  /** The period was reported and mailed before; a re-run changed its numbers. */
  updated?: boolean;
}

/** "Rightsdesk monthly report: November 2026" / "Rightsdesk weekly digest: week 48 of 2026". */
export function reportMailSubject(figures: Pick<ReportFigures, 'kind' | 'period'>): string {
  const subject =
    figures.kind === 'monthly' ? `Rightsdesk monthly report: ${figures.period.label}` : `Rightsdesk weekly digest: ${weekName(figures.period)}`;
  return subject.replace(/[\r\n]+/g, ' ');
}

export function reportMail(figures: ReportFigures, opts: ReportMailOptions): OutboundEmail {
  const content = figures.kind === 'monthly' ? monthly(figures) : weekly(figures);
  const rendered = renderEmail(`${reportMailSubject(figures)}${opts.updated ? ' (updated)' : ''}`, [
    ...(opts.updated ? [paragraph('This period was reported before; the report was made again and its numbers changed. These are the new ones.')] : []),
    ...content,
    paragraph('Read the full report, with its charts, tables, definitions and the CSV of cases, on the desk: ', link(opts.reportUrl)),
    paragraph(`Generated ${formatLondonInstant(figures.generatedAt)} (London time) by Rightsdesk.`),
  ]);
  return { to: opts.to, ...rendered };
}

function monthly(f: MonthlyFigures): Block[] {
  const all = f.byRight.find((r) => r.right === 'all');
  return [
    paragraph('The compliance report for ', strong(f.period.label), ' is ready.'),
    heading('Headline numbers'),
    table([
      ['Requests received', formatNumber(f.headline.received)],
      ['Requests answered', `${formatNumber(f.headline.answered)} (of ${formatNumber(f.headline.closed)} closed)`],
      [
        'Answered on time',
        all
          ? `${formatPercent(f.headline.onTimeRate)} (${formatNumber(all.closedOnTime)} on time, ${formatNumber(all.closedLate)} late)`
          : formatPercent(f.headline.onTimeRate),
      ],
      ['Median days to respond', formatNumber(f.headline.medianDays)],
      [`Overdue on ${shortDate(f.asOf)}`, formatNumber(f.headline.overdueNow)],
      ['Complaints received', formatNumber(f.headline.complaintsReceived)],
      ['Extensions', formatNumber(f.extensions.count)],
      ['Refusals', formatNumber(f.refusals.count)],
      ['Unverified closures', formatNumber(f.unverifiedClosures)],
    ]),
  ];
}

function weekly(f: WeeklyFigures): Block[] {
  return [
    paragraph('The weekly digest for ', strong(f.period.label), ' is ready.'),
    heading(`Open work on ${shortDate(f.asOf)}`),
    table([
      ['Open', formatNumber(f.headline.open)],
      ['Due this week', formatNumber(f.headline.dueThisWeek)],
      ['Overdue', formatNumber(f.headline.overdue)],
      ['Triage backlog', formatNumber(f.headline.triageBacklog)],
      ['Awaiting the requester', formatNumber(f.headline.awaitingRequester)],
    ]),
  ];
}
