/**
 * How the compliance reports write numbers, rates, dates and titles (issue 12), shared by the
 * HTML report and the team mail so the two never disagree.
 */
import type { Right } from '#domain/case';
import { parseIsoDate, type IsoDate } from '#domain/calendar';
import type { ReportFigures } from '#domain/report-figures';
import type { ReportPeriod } from '#domain/report-period';

const numbers = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 });
const SHORT_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/** `1234` → "1,234"; `12.5` → "12.5"; null → "—". */
export const formatNumber = (n: number | null): string => (n === null ? '—' : numbers.format(n));

/** A rate in 0–1 as a percentage: `0.875` → "87.5 %", `1` → "100 %"; null (nothing to rate) → "—". */
export const formatPercent = (rate: number | null): string => (rate === null ? '—' : `${numbers.format(Math.round(rate * 1000) / 10)} %`);

/** `2026-10-01` → "1 Oct 2026", for tables. */
export function formatTableDate(date: IsoDate): string {
  const { year, month, day } = parseIsoDate(date);
  return `${day} ${SHORT_MONTHS[month - 1] ?? ''} ${year}`;
}

const londonTime = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** An instant as London wall time: "Tuesday 1 December 2026 at 07:00". Anything unreadable is shown as given. */
export function formatLondonInstant(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const parts = londonTime.formatToParts(d);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('weekday')} ${part('day')} ${part('month')} ${part('year')} at ${part('hour')}:${part('minute')}`;
}

/** The rights' short names in reports (labels.ts's are the requester's words, "Get a copy of my data"). */
export const RIGHT_NAMES: Record<Right, string> = {
  access: 'Access',
  rectification: 'Rectification',
  erasure: 'Erasure',
  restriction: 'Restriction',
  objection: 'Objection',
  portability: 'Portability',
  complaint: 'Complaint',
};

export const rightsText = (rights: readonly Right[]): string => (rights.length ? rights.map((r) => RIGHT_NAMES[r]).join(', ') : 'Not yet named');

/** "Rightsdesk compliance report: November 2026" / "Rightsdesk weekly digest: week 48 of 2026 (23 November 2026 to 29 November 2026)". */
export function reportTitle(figures: Pick<ReportFigures, 'kind' | 'period'>): string {
  return figures.kind === 'monthly' ? `Rightsdesk compliance report: ${figures.period.label}` : `Rightsdesk weekly digest: ${figures.period.label}`;
}

/** "week 48 of 2026" without the dates in brackets. */
export function weekName(period: ReportPeriod): string {
  return period.label.replace(/\s*\(.*\)$/, '');
}
