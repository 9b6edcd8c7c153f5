/**
 * The compliance report as one standalone HTML document (issue 12): the monthly report or the
 * weekly digest, from their figures. Headline numbers first, then charts and tables, each with
 * the definition of what it counts (REPORT_DEFINITIONS) printed under it.
 *
 * Standalone on purpose: it is stored in S3, opened from the desk and attached to mail, so it
 * has inline CSS only, the charts as inline SVG drawn on the server (report-charts.ts), no
 * scripts and nothing loaded from anywhere. It prints on A4. Every value is escaped by `h`.
 */
import type { IsoDate } from '#domain/calendar';
import {
  REPORT_DEFINITIONS,
  type MonthlyFigures,
  type OverdueRow,
  type ReportFigures,
  type RightFigures,
  type Spread,
  type WeeklyFigures,
} from '#domain/report-figures';
import { shortDate } from '#domain/report-period';
import { h, raw, type RawHtml } from '#http/html';
import { CHANNEL_LABELS, STATUS_LABELS, labelOf } from './desk-layout';
import { byRightChart, histogramChart, trendChart } from './report-charts';
import { RIGHT_NAMES, formatLondonInstant, formatNumber, formatPercent, formatTableDate, reportTitle, rightsText, weekName } from './report-format';

export interface ReportHtmlOptions {
  /** The desk's base URL (`http://host/desk`): references link to `${deskUrl}/cases/${reference}`. */
  deskUrl?: string;
}

const CSS = `
*,*::before,*::after{box-sizing:border-box}
body{margin:0;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.4;color:#0b0c0c;background:#fff}
header{background:#0b0c0c;color:#fff;padding:16px 24px;display:flex;flex-wrap:wrap;gap:8px 24px;align-items:center;justify-content:space-between}
header p{margin:0}header .brand{font-weight:bold;font-size:18px}
header nav a{color:#fff;margin-left:16px}header nav a:focus{outline:3px solid #fd0;outline-offset:0;box-shadow:0 0 0 6px #0b0c0c;color:#0b0c0c;background:#fd0}
main{max-width:760px;margin:0 auto;padding:16px 24px 48px}
h1{font-size:30px;line-height:1.2;margin:8px 0 8px}
h2{font-size:22px;margin:40px 0 12px;padding-top:8px;border-top:2px solid #0b0c0c}
h3{font-size:18px;margin:24px 0 8px}
.meta{color:#505a5f;margin:0 0 24px}
a{color:#1d70b8}a:visited{color:#4c2c92}a:focus{outline:3px solid #fd0;outline-offset:0;background:#fd0;color:#0b0c0c}
.tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));gap:12px;margin:0;padding:0}
.tile{background:#f3f2f1;border-left:6px solid #1d70b8;padding:12px 16px;margin:0}
.tile.alert{border-left-color:#d4351c}
.tile dt{font-size:15px;font-weight:bold;margin:0 0 4px}
.tile dd{margin:0;font-size:40px;font-weight:bold;line-height:1.1;font-variant-numeric:tabular-nums}
.tile dd span{display:block;font-size:14px;font-weight:normal;line-height:1.4;margin-top:4px}
figure{margin:16px 0}figcaption{font-weight:bold;margin:0 0 8px}
svg.chart{display:block;max-width:100%;height:auto}
table{border-collapse:collapse;width:100%;margin:8px 0 8px;font-size:14px}
caption{text-align:left;font-weight:bold;font-size:16px;padding:0 0 6px}
th,td{text-align:left;padding:6px 8px 6px 0;border-bottom:1px solid #b1b4b6;vertical-align:top}
thead th{border-bottom:2px solid #0b0c0c}
th.num,td.num{text-align:right;font-variant-numeric:tabular-nums}td.num{white-space:nowrap}th.num{padding-left:6px}
td.wrap{overflow-wrap:anywhere}
tbody tr.total th,tbody tr.total td{font-weight:bold;border-top:2px solid #0b0c0c}
.definition{color:#0b0c0c;background:#fff;border-left:4px solid #b1b4b6;padding:2px 0 2px 12px;margin:8px 0 16px;font-size:14px;max-width:44em}
.none{margin:8px 0}
.big{font-size:18px}
footer{max-width:760px;margin:0 auto;padding:16px 24px;border-top:1px solid #b1b4b6;font-size:14px;color:#505a5f}
@page{size:A4;margin:14mm 12mm}
@media print{
  body{font-size:12pt}
  header{background:#fff;color:#0b0c0c;border-bottom:3px solid #0b0c0c;padding:0 0 8px}header nav{display:none}
  main,footer{max-width:none;padding-left:0;padding-right:0}
  h2{break-after:avoid;page-break-after:avoid}
  h3,caption,figcaption{break-after:avoid;page-break-after:avoid}
  table,figure,.tiles,.tile,.definition{break-inside:avoid;page-break-inside:avoid}
  thead{display:table-header-group}
  tr{break-inside:avoid;page-break-inside:avoid}
  a{color:#0b0c0c;text-decoration:none}
  .tile{border:1px solid #505a5f;border-left-width:6px}
}
`;

const KEPT_REASON_LABELS: Record<string, string> = {
  'legal-obligation': 'A legal obligation',
  'legal-hold': 'A legal hold',
  'third-party-data': 'Another person’s data',
  exemption: 'A DPA 2018 exemption',
  other: 'Another reason',
  'not-recorded': 'Not recorded',
};
const REFUSAL_LABELS: Record<string, string> = { 'manifestly-unfounded': 'Manifestly unfounded', 'manifestly-excessive': 'Manifestly excessive' };
const EXTENSION_LABELS: Record<string, string> = { complex: 'Complex', 'several-requests': 'One of several requests' };

/** The report as a complete HTML5 document. */
export async function renderReportHtml(figures: ReportFigures, opts: ReportHtmlOptions = {}): Promise<string> {
  const deskUrl = opts.deskUrl?.replace(/\/+$/, '');
  // Links go only to the desk, and only over http(s): the URL is configuration, but a report must never carry a script URL.
  if (deskUrl !== undefined && !/^https?:\/\//i.test(deskUrl)) throw new Error('deskUrl must be an http(s) URL');
  const body = figures.kind === 'monthly' ? await monthlyBody(figures, deskUrl) : weeklyBody(figures, deskUrl);
  const title = reportTitle(figures);
  // The window title without the week's dates: short enough for a tab (and html-validate's long-title, 70 characters).
  const windowTitle = figures.kind === 'weekly' ? `Rightsdesk weekly digest: ${weekName(figures.period)}` : title;
  return h`<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${windowTitle}</title>
<style>${raw(CSS)}</style>
</head>
<body>
<header><p class="brand">Rightsdesk · Icetrak Ltd</p>${deskUrl ? h`<nav aria-label="Desk"><a href="${`${deskUrl}/reports`}">All reports</a> <a href="${deskUrl}">The desk</a></nav>` : ''}</header>
<main>
<h1>${title}</h1>
<p class="meta">${meta(figures)}</p>
${body}
</main>
<footer><p>Made by Rightsdesk from the case records on ${shortDate(figures.asOf)}. The report names no requester: cases are identified by reference only.</p></footer>
</body>
</html>
`.value;
}

function meta(figures: ReportFigures): RawHtml {
  const { period } = figures;
  const covers = h`Covers ${shortDate(period.from)} to ${shortDate(period.to)}`;
  return h`${covers}. Generated <time datetime="${figures.generatedAt}">${formatLondonInstant(figures.generatedAt)}</time> (London time); open and overdue cases as of ${shortDate(figures.asOf)}.`;
}

// --- building blocks -------------------------------------------------------------------------

const definition = (key: string): RawHtml => h`<p class="definition">${REPORT_DEFINITIONS[key] ?? ''}</p>`;

interface Tile {
  label: string;
  value: string;
  note?: string;
  alert?: boolean;
}
const tiles = (items: readonly Tile[]): RawHtml =>
  h`<dl class="tiles">${items.map((t) => h`<div class="tile${t.alert ? ' alert' : ''}"><dt>${t.label}</dt><dd>${t.value}${t.note ? h`<span>${t.note}</span>` : ''}</dd></div>`)}</dl>`;

const num = (n: number | null) => h`<td class="num">${formatNumber(n)}</td>`;
const pct = (rate: number | null) => h`<td class="num">${formatPercent(rate)}</td>`;
const date = (d: IsoDate) => h`<time datetime="${d}">${formatTableDate(d)}</time>`;

/** A reference, linked to its case on the desk when the desk's URL is known. */
function reference(ref: string, deskUrl: string | undefined): RawHtml {
  return deskUrl ? h`<a href="${`${deskUrl}/cases/${encodeURIComponent(ref)}`}">${ref}</a>` : h`${ref}`;
}

/** A simple table: caption, column headings (numeric ones right-aligned), body rows whose first cell is a row header. */
function table(caption: string, head: readonly (string | { num: string })[], rows: readonly RawHtml[]): RawHtml {
  const th = head.map((c) => (typeof c === 'string' ? h`<th scope="col">${c}</th>` : h`<th scope="col" class="num">${c.num}</th>`));
  return h`<table><caption>${caption}</caption><thead><tr>${th}</tr></thead><tbody>${rows}</tbody></table>`;
}

const section = (id: string, heading: string, content: readonly (RawHtml | string)[]): RawHtml =>
  h`<section id="${id}" aria-labelledby="${id}-h"><h2 id="${id}-h">${heading}</h2>${content}</section>`;

// --- the monthly report ----------------------------------------------------------------------

async function monthlyBody(f: MonthlyFigures, deskUrl: string | undefined): Promise<RawHtml> {
  const [trend, byRight, histogram] = await Promise.all([trendChart(f.trend), byRightChart(f.byRight), histogramChart(f.histogram)]);
  const all = f.byRight.find((r) => r.right === 'all');
  const month = f.period.label;
  return h`
${section('headline', 'At a glance', [
  tiles([
    { label: 'Requests received', value: formatNumber(f.headline.received), note: `in ${month}` },
    { label: 'Requests answered', value: formatNumber(f.headline.answered), note: `closed in ${month}, of ${formatNumber(f.headline.closed)} closed` },
    {
      label: 'Answered on time',
      value: formatPercent(f.headline.onTimeRate),
      note: all ? `${formatNumber(all.closedOnTime)} on time, ${formatNumber(all.closedLate)} late` : undefined,
    },
    { label: 'Median days to respond', value: formatNumber(f.headline.medianDays), note: 'calendar days, receipt to response' },
    {
      label: 'Overdue now',
      value: formatNumber(f.headline.overdueNow),
      note: `open past their due date on ${shortDate(f.asOf)}`,
      alert: f.headline.overdueNow > 0,
    },
    { label: 'Complaints received', value: formatNumber(f.headline.complaintsReceived), note: `in ${month}` },
  ]),
])}
${section('trend', 'Twelve months', [h`<figure><figcaption>Requests received per month (bars) and on-time rate (line)</figcaption>${raw(trend)}</figure>`, definition('trend')])}
${section('by-right', 'By right', [
  h`<figure><figcaption>Requests received in ${month}, by right</figcaption>${raw(byRight)}</figure>`,
  receivedByRight(f.byRight, month),
  closedByRight(f.byRight, month),
  definition('volume'),
  definition('timeliness'),
  definition('days'),
])}
${section('by-channel', 'By channel', [
  table(
    `Requests received in ${month}, by channel`,
    ['Channel', { num: 'Received' }],
    [
      ...f.byChannel.map((c) => h`<tr><th scope="row">${labelOf(CHANNEL_LABELS, c.channel)}</th>${num(c.received)}</tr>`),
      totalRow('All channels', [f.headline.received]),
    ],
  ),
  definition('channel'),
])}
${section('days', 'Days to respond', [h`<figure><figcaption>Requests answered in ${month}, by calendar days to respond</figcaption>${raw(histogram)}</figure>`, definition('days')])}
${section('extensions', 'Extensions', extensions(f, deskUrl))}
${section('pauses', 'Identity and clarification pauses', [
  table(
    'Pauses',
    ['Pause', { num: 'Answered' }, { num: 'Median length (days)' }, { num: '95th percentile (days)' }, { num: 'Still waiting' }],
    [pauseRow('Identity', f.pauses.identity), pauseRow('Clarification', f.pauses.clarification)],
  ),
  definition('pauses'),
])}
${section('refusals', 'Refusals', [
  table(
    'Requests refused, by ground',
    ['Ground', { num: 'Requests' }],
    [
      ...f.refusals.byGround.map((g) => h`<tr><th scope="row">${labelOf(REFUSAL_LABELS, g.ground)}</th>${num(g.count)}</tr>`),
      totalRow('All refusals', [f.refusals.count]),
    ],
  ),
  definition('refusals'),
])}
${section('partial', 'Partially completed', [
  h`<p class="big">${formatNumber(f.partial.count)} ${f.partial.count === 1 ? 'request was' : 'requests were'} partially completed.</p>`,
  table(
    'Why something was kept or withheld',
    ['Reason', { num: 'Requests' }],
    f.partial.byReason.map((r) => h`<tr><th scope="row">${labelOf(KEPT_REASON_LABELS, r.reason)}</th>${num(r.count)}</tr>`),
  ),
  definition('partial'),
])}
${section('forwarded', 'Forwarded to controllers', [
  table(
    'Requests forwarded to the controller (Icetrak is its processor)',
    ['Measure', { num: 'Value' }],
    [
      h`<tr><th scope="row">Forwarded</th>${num(f.forwarded.count)}</tr>`,
      h`<tr><th scope="row">Median days from receipt to forwarding</th>${num(f.forwarded.days.median)}</tr>`,
      h`<tr><th scope="row">95th percentile (days)</th>${num(f.forwarded.days.p95)}</tr>`,
    ],
  ),
  definition('forwarded'),
])}
${section('complaints', 'Complaints', [
  table(
    `Complaints (DPA 2018 s.164A) in ${month}`,
    ['Complaints', { num: 'Count' }],
    [
      h`<tr><th scope="row">Received</th>${num(f.complaints.received)}</tr>`,
      h`<tr><th scope="row">Acknowledged within 30 days</th>${num(f.complaints.acknowledgedWithin)}</tr>`,
      h`<tr><th scope="row">Acknowledged later</th>${num(f.complaints.acknowledgedLate)}</tr>`,
      h`<tr><th scope="row">Awaiting acknowledgement</th>${num(f.complaints.awaitingAcknowledgement)}</tr>`,
      h`<tr><th scope="row">Closed (answered)</th>${num(f.complaints.closed)}</tr>`,
    ],
  ),
  definition('complaints'),
])}
${section('unverified', 'Unverified closures', [
  h`<p class="big">${formatNumber(f.unverifiedClosures)} ${f.unverifiedClosures === 1 ? 'request was' : 'requests were'} closed because the requester did not confirm who they are.</p>`,
  definition('unverified'),
])}
${section('overdue', 'Overdue now', [overdueTable(`Open requests past their due date on ${shortDate(f.asOf)}`, f.overdue, deskUrl, true), definition('overdue')])}
${section('retention', 'Retention review of Icetrak accounts', [...retentionReview(f), definition('retention')])}
${section('purged', 'Deleted at the end of their retention', [
  h`<p>${formatNumber(f.purgedClosed)} of the ${formatNumber(f.headline.closed)} requests closed in ${month} ${f.purgedClosed === 1 ? 'was' : 'were'} counted from ${f.purgedClosed === 1 ? 'its tombstone' : 'their tombstones'}: ${f.purgedClosed === 1 ? 'its' : 'their'} records have been deleted.</p>`,
  definition('purged'),
])}
`;
}

/** The month's stored retention review, in figures; said plainly when there is none. */
function retentionReview(f: MonthlyFigures): RawHtml[] {
  const r = f.retentionReview;
  if (r === null) {
    return [h`<p class="big">No retention review of ${f.period.label} was stored when this report was made.</p>`];
  }
  const reasons = r.heldReasons.map((x) => h`<tr><td>${x.reason}</td>${num(x.accounts)}</tr>`);
  return [
    h`<p>Reviewed <time datetime="${r.generatedAt}">${formatLondonInstant(r.generatedAt)}</time> (London time).</p>`,
    tiles([
      { label: 'Accounts due for deletion', value: formatNumber(r.due), note: 'not under a legal hold' },
      { label: 'Accounts held', value: formatNumber(r.held), note: 'kept past their period' },
    ]),
    ...(reasons.length
      ? [
          h`<table><caption>Reasons for the holds</caption><thead><tr><th scope="col">Reason</th><th scope="col">Accounts</th></tr></thead><tbody>${reasons}</tbody></table>`,
        ]
      : []),
  ];
}

const totalRow = (label: string, values: readonly (number | null)[]) => h`<tr class="total"><th scope="row">${label}</th>${values.map(num)}</tr>`;

const rightName = (r: RightFigures) => (r.right === 'all' ? 'All requests' : RIGHT_NAMES[r.right]);
const ordered = (rows: readonly RightFigures[]) => [...rows.filter((r) => r.right !== 'all'), ...rows.filter((r) => r.right === 'all')];

function receivedByRight(rows: readonly RightFigures[], month: string): RawHtml {
  return table(
    `Requests received in ${month}: where they stand now`,
    ['Right', { num: 'Received' }, { num: 'Answered on time' }, { num: 'Answered late' }, { num: 'Not answered' }, { num: 'Still open' }],
    ordered(rows).map(
      (r) =>
        h`<tr${r.right === 'all' ? raw(' class="total"') : ''}><th scope="row">${rightName(r)}</th>${num(r.received)}${num(r.receivedOnTime)}${num(r.receivedLate)}${num(r.receivedNotAnswered)}${num(r.receivedOpen)}</tr>`,
    ),
  );
}

function closedByRight(rows: readonly RightFigures[], month: string): RawHtml {
  return table(
    `Requests closed in ${month}: how fast`,
    [
      'Right',
      { num: 'Closed' },
      { num: 'On time' },
      { num: 'Late' },
      { num: 'On-time rate' },
      { num: 'Median days' },
      { num: '95th pct days' },
      { num: 'Median working days' },
      { num: '95th pct working days' },
    ],
    ordered(rows).map(
      (r) =>
        h`<tr${r.right === 'all' ? raw(' class="total"') : ''}><th scope="row">${rightName(r)}</th>${num(r.closed)}${num(r.closedOnTime)}${num(r.closedLate)}${pct(r.onTimeRate)}${num(r.days.median)}${num(r.days.p95)}${num(r.workingDays.median)}${num(r.workingDays.p95)}</tr>`,
    ),
  );
}

function extensions(f: MonthlyFigures, deskUrl: string | undefined): RawHtml[] {
  const { count, byGround, cases } = f.extensions;
  return [
    table(
      'Requests extended, by ground',
      ['Ground', { num: 'Requests' }],
      [
        ...byGround.map((g) => h`<tr><th scope="row">${labelOf(EXTENSION_LABELS, g.ground)}</th>${num(g.count)}</tr>`),
        totalRow('All extensions', [count]),
      ],
    ),
    cases.length
      ? table(
          'Each extension and the reason recorded',
          ['Reference', 'Ground', 'Reason'],
          cases.map(
            (c) =>
              h`<tr><th scope="row">${reference(c.reference, deskUrl)}</th><td>${labelOf(EXTENSION_LABELS, c.ground)}</td><td class="wrap">${c.reason}</td></tr>`,
          ),
        )
      : h`<p class="none">No request was extended.</p>`,
    definition('extensions'),
  ];
}

function pauseRow(label: string, p: Spread & { open: number }): RawHtml {
  return h`<tr><th scope="row">${label}</th>${num(p.count)}${num(p.median)}${num(p.p95)}${num(p.open)}</tr>`;
}

function overdueTable(caption: string, rows: readonly OverdueRow[], deskUrl: string | undefined, overdue: boolean): RawHtml {
  if (rows.length === 0) return h`<p class="none">${overdue ? 'No open request is overdue.' : 'No open request is due this week.'}</p>`;
  const head = overdue
    ? ['Reference', 'Asked for', 'Received', 'Due', { num: 'Days overdue' }, { num: 'Age (days)' }]
    : ['Reference', 'Asked for', 'Status', 'Received', 'Due', { num: 'Age (days)' }];
  return table(
    caption,
    head,
    rows.map((r) =>
      overdue
        ? h`<tr><th scope="row">${reference(r.reference, deskUrl)}</th><td>${rightsText(r.rights)}</td><td>${date(r.receivedOn)}</td><td>${date(r.dueOn)}</td>${num(r.daysOverdue)}${num(r.ageDays)}</tr>`
        : h`<tr><th scope="row">${reference(r.reference, deskUrl)}</th><td>${rightsText(r.rights)}</td><td>${labelOf(STATUS_LABELS, r.status)}</td><td>${date(r.receivedOn)}</td><td>${date(r.dueOn)}</td>${num(r.ageDays)}</tr>`,
    ),
  );
}

// --- the weekly digest -----------------------------------------------------------------------

function weeklyBody(f: WeeklyFigures, deskUrl: string | undefined): RawHtml {
  const { headline, triage } = f;
  const triageNote =
    triage.count === 0
      ? 'Nothing is waiting for triage.'
      : `${formatNumber(triage.count)} ${triage.count === 1 ? 'case is' : 'cases are'} waiting for the DPO team to look at them${
          triage.oldestDays === null ? '' : `; the oldest arrived ${formatNumber(triage.oldestDays)} ${triage.oldestDays === 1 ? 'day' : 'days'} ago`
        }.`;
  return h`
${section('headline', 'This week', [
  tiles([
    { label: 'Open', value: formatNumber(headline.open), note: 'requests and complaints' },
    { label: 'Due this week', value: formatNumber(headline.dueThisWeek), note: `${shortDate(f.period.from)} to ${shortDate(f.period.to)}` },
    { label: 'Overdue', value: formatNumber(headline.overdue), note: `past their due date on ${shortDate(f.asOf)}`, alert: headline.overdue > 0 },
    { label: 'Triage backlog', value: formatNumber(headline.triageBacklog), note: 'waiting for the DPO team' },
    { label: 'Awaiting the requester', value: formatNumber(headline.awaitingRequester), note: 'identity or clarification asked for' },
  ]),
])}
${section('due', 'Due this week', [overdueTable(`Open requests due ${shortDate(f.period.from)} to ${shortDate(f.period.to)}`, f.dueThisWeek, deskUrl, false)])}
${section('overdue', 'Overdue', [overdueTable(`Open requests past their due date on ${shortDate(f.asOf)}`, f.overdue, deskUrl, true), definition('overdue')])}
${section('triage', 'Triage', [h`<p class="big">${triageNote}</p>`])}
${section('definitions', 'What the numbers mean', [definition('weekly')])}
`;
}
