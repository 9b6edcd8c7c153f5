/**
 * Making a compliance report (issue 12): read the period's cases by index (received in the month,
 * closed in the period, open and overdue now; never a Scan, so the cost grows with the period and
 * not with the table), compute the figures (shared/domain/report-figures.ts), render the HTML and
 * the CSV, store them with the figures under the period's prefix in the reports bucket, record
 * the report, and mail the team the headline numbers and a desk link: once per period, and again
 * only when a re-run changes those numbers (a correction the team should hear of).
 *
 * A re-run for the same period replaces the same files and record (the id names the period).
 * The scheduled runs (runScheduledReport) make the period due on the day they run, and skip a
 * period already reported, so a run that failed or never happened is caught up by the next.
 */
import type { Actor } from '#domain/case';
import { addDays, londonDateOf, type IsoDate, type Nation } from '#domain/calendar';
import { ValidationError } from '#domain/errors';
import {
  closedWindow,
  monthlyFigures,
  trendPoint,
  weeklyFigures,
  withTombstones,
  type CaseRow,
  type ReportFigures,
  type TrendPoint,
} from '#domain/report-figures';
import { monthPeriod, monthsEndingWith, reportPeriod, scheduledPeriod, type ReportKind, type ReportPeriod } from '#domain/report-period';
import { errorFields, logger } from '#shared/core/log';
import {
  BlobNotFoundError,
  type BlobStore,
  type CaseStore,
  type Clock,
  type Mailer,
  type OutboundEmail,
  type RetentionReviewReader,
  type TombstoneReader,
} from '#shared/ports';
import { REPORT_FILES, type ReportFile, type ReportRecord, type ReportStore } from './record';

/** How the figures become files and mail (shared/templates/report-*.ts). */
export interface ReportRenderer {
  html(figures: ReportFigures, opts: { deskUrl?: string }): Promise<string>;
  csv(rows: CaseRow[]): string;
  mail(figures: ReportFigures, opts: { to: string; reportUrl: string; updated?: boolean }): OutboundEmail;
}

export interface ReportDeps {
  cases: Pick<CaseStore, 'listReceivedInMonth' | 'listClosedBetween' | 'listOpenDueBy' | 'listOpen' | 'listView'>;
  /** Tombstones of purged cases (issue 13): a period's closed figures still count a case deleted since. */
  tombstones: TombstoneReader;
  /** The stored monthly retention reviews of Icetrak's accounts (issue 13): the monthly report shows its month's. */
  retentionReviews: RetentionReviewReader;
  reports: ReportStore;
  /** The reports bucket. */
  files: BlobStore;
  mailer: Mailer;
  clock: Clock;
  render: ReportRenderer;
  settings: { teamAddress: string; publicBaseUrl: string; nation: Nation };
}

export interface ReportRun {
  record: ReportRecord;
  figures: ReportFigures;
  /** Whether this run mailed the team (the first run of a period, or one that changed its headline numbers). */
  mailed: boolean;
}

/** Months the trend chart covers, ending with the report's month. */
export const TREND_MONTHS = 12;
/** A mail claim older than this is taken to have failed, and may be retried. */
const MAIL_LEASE_SECONDS = 300;
/** Trend points read or computed at a time. */
const TREND_CONCURRENCY = 4;

/** The desk page of a report (the mail's link). */
export function reportUrl(publicBaseUrl: string, id: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/desk/reports/${id}/${REPORT_FILES.html.name}`;
}

/**
 * Makes (or remakes) the report of `kind` for `period`. ValidationError for a period that is not
 * one, or that has not started yet.
 */
export async function runReport(deps: ReportDeps, request: { kind: ReportKind; period: string; by: Actor }): Promise<ReportRun> {
  const started = performance.now();
  const period = reportPeriod(request.kind, request.period);
  const now = deps.clock.now().toISOString();
  const asOf = londonDateOf(now);
  if (period.from > asOf) throw new ValidationError({ period: `${period.label} has not started yet.` });

  const figures = period.kind === 'monthly' ? await monthly(deps, period, asOf, now) : await weekly(deps, period, asOf, now);
  const base = deps.settings.publicBaseUrl.replace(/\/+$/, '');
  const keys = Object.fromEntries((Object.keys(REPORT_FILES) as ReportFile[]).map((f) => [f, `${period.prefix}${REPORT_FILES[f].name}`])) as Record<
    ReportFile,
    string
  >;
  const html = await deps.render.html(figures, { deskUrl: `${base}/desk` });
  await Promise.all([
    deps.files.put(keys.html, html, { contentType: REPORT_FILES.html.contentType }),
    deps.files.put(keys.csv, deps.render.csv(figures.rows), { contentType: REPORT_FILES.csv.contentType }),
    deps.files.put(keys.json, JSON.stringify(figures), { contentType: REPORT_FILES.json.contentType }),
  ]);
  if (period.kind === 'monthly' && period.to < asOf) {
    // This month's trend point, for the next eleven reports' trend charts (a month still running has none yet).
    const figuresOfMonth = figures as Extract<ReportFigures, { kind: 'monthly' }>;
    const point = figuresOfMonth.trend.at(-1);
    if (point) await deps.files.put(trendKey(period.period), JSON.stringify(point), { contentType: REPORT_FILES.json.contentType });
  }
  const record = await deps.reports.save({
    id: period.id,
    kind: period.kind,
    period: period.period,
    label: period.label,
    from: period.from,
    to: period.to,
    generatedAt: now,
    generatedBy: request.by,
    keys,
    headline: { ...figures.headline, cases: figures.rows.length },
  });
  const mailed = await mailTeam(deps, record, figures);
  logger.info('Report made', { id: period.id, cases: figures.rows.length, mailed, ms: Math.round(performance.now() - started) });
  return { record: mailed ? { ...record, mailedAt: now, mailedFor: digestOf(record) } : record, figures, mailed };
}

/**
 * A scheduled run: makes the report due today (the previous month from the first working day of
 * the month; this ISO week's digest), unless it was already made, in which case it only mails
 * the team if that has not happened yet. Returns what it did.
 */
export async function runScheduledReport(
  deps: ReportDeps,
  kind: ReportKind,
): Promise<{ id?: string; did: 'made' | 'mailed' | 'nothing-due' | 'already-made' }> {
  const today = londonDateOf(deps.clock.now());
  const period = scheduledPeriod(kind, today, deps.settings.nation);
  if (!period) return { did: 'nothing-due' };
  const existing = await deps.reports.find(period.id);
  if (!existing) {
    await runReport(deps, { kind, period: period.period, by: 'system' });
    return { id: period.id, did: 'made' };
  }
  if (existing.mailedFor === digestOf(existing)) return { id: period.id, did: 'already-made' };
  const figures = JSON.parse((await deps.files.get(existing.keys.json)).toString('utf8')) as ReportFigures;
  return { id: period.id, did: (await mailTeam(deps, existing, figures)) ? 'mailed' : 'already-made' };
}

/** The headline numbers a mail gave, to tell whether a re-run changed them. */
function digestOf(record: Pick<ReportRecord, 'headline'>): string {
  return JSON.stringify(record.headline);
}

/**
 * Mails the team about a report unless it was mailed with these numbers already; a failure leaves
 * it unmailed for the next run (the schedule's next day, or a re-run).
 */
async function mailTeam(deps: ReportDeps, record: ReportRecord, figures: ReportFigures): Promise<boolean> {
  const digest = digestOf(record);
  if (record.mailedFor === digest) return false;
  const at = deps.clock.now().toISOString();
  if (!(await deps.reports.claimMail(record.id, digest, at, MAIL_LEASE_SECONDS))) return false;
  try {
    const reportLink = reportUrl(deps.settings.publicBaseUrl, record.id);
    await deps.mailer.send(deps.render.mail(figures, { to: deps.settings.teamAddress, reportUrl: reportLink, updated: record.mailedAt !== undefined }));
  } catch (err) {
    logger.warn('Report mail failed', { id: record.id, ...errorFields(err) });
    return false;
  }
  await deps.reports.markMailed(record.id, digest, deps.clock.now().toISOString());
  return true;
}

async function monthly(deps: ReportDeps, period: ReportPeriod, asOf: IsoDate, now: string): Promise<ReportFigures> {
  const window = closedWindow(period);
  const [received, closed, tombstones, overdue, retentionReview] = await Promise.all([
    deps.cases.listReceivedInMonth(period.period),
    deps.cases.listClosedBetween(window.from, window.to),
    deps.tombstones.listClosedBetween(window.from, window.to),
    deps.cases.listOpenDueBy(addDays(asOf, -1)),
    deps.retentionReviews.summaryOf(period.period),
  ]);
  const nation = deps.settings.nation;
  const earlier = monthsEndingWith(period.period, TREND_MONTHS).slice(0, -1);
  const trend = [...(await trendOf(deps, earlier)), trendPoint(period.period, received, withTombstones(closed, tombstones, nation, received))];
  return monthlyFigures({
    period,
    received,
    closed,
    tombstones,
    nation,
    overdue,
    trend,
    asOf,
    generatedAt: now,
    retentionReview: retentionReview ?? null,
  });
}

async function weekly(deps: ReportDeps, period: ReportPeriod, asOf: IsoDate, now: string): Promise<ReportFigures> {
  const [open, triage] = await Promise.all([deps.cases.listOpen(), allOfView(deps, 'triage', asOf)]);
  return weeklyFigures({ period, open, triage, asOf, generatedAt: now });
}

async function allOfView(deps: ReportDeps, view: 'triage', today: IsoDate) {
  const out = [];
  let cursor: string | undefined;
  do {
    const page = await deps.cases.listView(view, { today, limit: 100, ...(cursor ? { cursor } : {}) });
    out.push(...page.cases);
    cursor = page.cursor;
  } while (cursor);
  return out;
}

/**
 * Trend points of earlier months: the one each month's own report stored, or else computed from
 * the indexes (not stored: only a month's report speaks for it, and re-running it refreshes the
 * point, so a request logged late for a past month is never hidden by a stale copy).
 */
async function trendOf(deps: ReportDeps, months: string[]): Promise<TrendPoint[]> {
  const points: TrendPoint[] = new Array<TrendPoint>(months.length);
  let next = 0;
  const worker = async () => {
    while (next < months.length) {
      const i = next++;
      points[i] = await trendOfMonth(deps, months[i] as string);
    }
  };
  await Promise.all(Array.from({ length: Math.min(TREND_CONCURRENCY, months.length) }, worker));
  return points;
}

async function trendOfMonth(deps: ReportDeps, month: string): Promise<TrendPoint> {
  try {
    return JSON.parse((await deps.files.get(trendKey(month))).toString('utf8')) as TrendPoint;
  } catch (err) {
    if (!(err instanceof BlobNotFoundError)) throw err;
  }
  const period = monthPeriod(month);
  const window = closedWindow(period);
  const [received, closed, tombstones] = await Promise.all([
    deps.cases.listReceivedInMonth(month),
    deps.cases.listClosedBetween(window.from, window.to),
    deps.tombstones.listClosedBetween(window.from, window.to),
  ]);
  return trendPoint(month, received, withTombstones(closed, tombstones, deps.settings.nation, received));
}

/** A month's trend point: `reports/<yyyy>/<mm>/trend.json`. */
export function trendKey(month: string): string {
  return `reports/${month.slice(0, 4)}/${month.slice(5, 7)}/trend.json`;
}
