/**
 * The monthly retention review of Icetrak's customer accounts (issue 13; docs/retention.md,
 * Icetrak's own records): for a month, the accounts whose 7 years ended in it
 * (shared/domain/retention-review.ts), read from the account system by closing date, each due for
 * deletion or held with its hold's reason. The review is stored in the cases table, one record per
 * month (`RETENTIONREVIEW#<month>`): a re-run replaces it and counts the run, keeping when it was
 * first and last made. It holds account ids, names and dates: Icetrak's business data, no
 * personal data. Until the fulfilment connectors delete in Icetrak's systems it is the DPO's
 * checklist.
 *
 * The scheduled run (runScheduledAccountReview) reviews the month before from the first working
 * day of a month, as the monthly compliance report does (shared/domain/report-period.ts
 * scheduledPeriod), and skips a month already reviewed, so a later day catches a failed run up.
 */
import { londonDateOf, type IsoDate, type Nation } from '#domain/calendar';
import { ValidationError } from '#domain/errors';
import { monthPeriod, scheduledPeriod } from '#domain/report-period';
import { retentionReview, type ReviewItem } from '#domain/retention-review';
import type { AccountDirectory, AccountHolds, Clock } from '#shared/ports';

/** An account under hold whose period ended in the month: kept, with the hold's reason. */
export interface HeldReviewItem extends ReviewItem {
  reason: string;
  since: IsoDate;
  reviewOn: IsoDate | null;
}

export interface AccountReviewRecord {
  /** YYYY-MM */
  month: string;
  /** The closing dates whose period ended in the month. */
  closedFrom: IsoDate;
  closedTo: IsoDate;
  /** When this version was made (ISO instant), and when the month was first reviewed. */
  generatedAt: string;
  firstGeneratedAt: string;
  /** `system` (the schedule) or `staff:<email>`. */
  by: string;
  /** How many times the month has been reviewed (the last run's lists replace the earlier ones). */
  runs: number;
  due: ReviewItem[];
  held: HeldReviewItem[];
}

/** The reviews, in the cases table (shared/adapters/dynamo-retention-reviews.ts). */
export interface RetentionReviewStore {
  /** Stores the month's review, replacing an earlier one (firstGeneratedAt kept, runs counted). */
  save(review: Omit<AccountReviewRecord, 'runs' | 'firstGeneratedAt'>): Promise<AccountReviewRecord>;
  find(month: string): Promise<AccountReviewRecord | undefined>;
  /** The latest month reviewed (one Query on a fixed partition). */
  latest(): Promise<AccountReviewRecord | undefined>;
}

export interface AccountReviewDeps {
  accounts: Pick<AccountDirectory, 'closedBetween'>;
  holds: Pick<AccountHolds, 'list'>;
  reviews: RetentionReviewStore;
  clock: Clock;
}

/** Reviews `month` (YYYY-MM) now and stores the review; a month not yet ended is refused (ValidationError). */
export async function runAccountReview(deps: AccountReviewDeps, month: string, by: string): Promise<AccountReviewRecord> {
  const period = monthPeriod(month.trim());
  const now = deps.clock.now();
  if (period.from > londonDateOf(now)) throw new ValidationError({ month: `${period.label} has not started yet.` });
  // The window is computed before any read, so a bad month costs no query.
  const empty = retentionReview(period.period, [], []);
  const [accounts, holds] = await Promise.all([deps.accounts.closedBetween(empty.closedFrom, empty.closedTo), deps.holds.list()]);
  const review = retentionReview(period.period, accounts, holds);
  return deps.reviews.save({
    month: review.month,
    closedFrom: review.closedFrom,
    closedTo: review.closedTo,
    generatedAt: now.toISOString(),
    by,
    due: review.due,
    held: review.held.flatMap(({ holds: on, ...item }) => on.map((h) => ({ ...item, reason: h.reason, since: h.since, reviewOn: h.reviewOn ?? null }))),
  });
}

/** The scheduled run: the month before, from the first working day of the month on, once. */
export async function runScheduledAccountReview(
  deps: AccountReviewDeps,
  nation: Nation,
): Promise<{ month?: string; did: 'made' | 'nothing-due' | 'already-made'; due?: number; held?: number }> {
  const period = scheduledPeriod('monthly', londonDateOf(deps.clock.now()), nation);
  if (!period) return { did: 'nothing-due' };
  if (await deps.reviews.find(period.period)) return { month: period.period, did: 'already-made' };
  const review = await runAccountReview(deps, period.period, 'system');
  return { month: review.month, did: 'made', due: review.due.length, held: review.held.length };
}

/** The review's JSON for the staff API. */
export function reviewJson(r: AccountReviewRecord) {
  return {
    month: r.month,
    closedFrom: r.closedFrom,
    closedTo: r.closedTo,
    generatedAt: r.generatedAt,
    firstGeneratedAt: r.firstGeneratedAt,
    runs: r.runs,
    by: r.by.startsWith('staff:') ? 'staff' : r.by,
    due: r.due,
    held: r.held,
  };
}

/** What the desk's page shows: `month`'s review (the latest when none is named, or it is malformed) and the holds in force. */
export async function retentionView(
  deps: Pick<AccountReviewDeps, 'holds' | 'reviews'>,
  month?: string,
): Promise<{ review: AccountReviewRecord | undefined; holds: Awaited<ReturnType<AccountReviewDeps['holds']['list']>> }> {
  const wanted = month && /^\d{4}-(0[1-9]|1[0-2])$/.test(month) ? month : undefined;
  const [review, holds] = await Promise.all([wanted ? deps.reviews.find(wanted) : deps.reviews.latest(), deps.holds.list()]);
  return { review, holds };
}
