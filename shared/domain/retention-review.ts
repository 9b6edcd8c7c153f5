/**
 * The monthly retention review of Icetrak's customer accounts (issue 13; LAW.md, Icetrak's
 * retention): customer-account and billing records are kept ICETRAK_ACCOUNT_RETENTION_YEARS after
 * the account closes, then deleted unless a legal hold applies. For a month, the review lists the
 * accounts whose period ends in it: due for deletion, or held (with every hold's reason).
 *
 * "Kept until" is the closing date's anniversary ICETRAK_ACCOUNT_RETENTION_YEARS later; a closure
 * on 29 February is kept until 1 March (never a day less than the period, and the same rule as
 * Rightsdesk's own records in retention.ts). Records are deleted once that day has passed, so the
 * review of a month lists the accounts kept until a day in it.
 *
 * Pure: the accounts come from the account directory (closedBetween, over closingWindow), the
 * holds from wherever the DPO placed them.
 */
import { addDays, daysInMonth, formatIsoDate, isLeapYear, parseIsoDate, type IsoDate } from './calendar';
import { ValidationError } from './errors';
import { ICETRAK_ACCOUNT_RETENTION_YEARS } from './retention';

/** What the review needs of an account (AccountSummary has it). Open accounts (closedOn null) are never due. */
export interface ReviewedAccount {
  accountId: string;
  name: string;
  closedOn: IsoDate | null;
}

/** A legal hold on a customer account: its records are kept past their period until it is released. */
export interface AccountHold {
  accountId: string;
  reason: string;
  /** YYYY-MM-DD */
  since: IsoDate;
  reviewOn?: IsoDate | null;
}

export interface ReviewItem {
  accountId: string;
  name: string;
  closedOn: IsoDate;
  keptUntil: IsoDate;
}

export interface RetentionReview {
  /** YYYY-MM */
  month: string;
  /** The closing dates whose period ends in the month (closingWindow). */
  closedFrom: IsoDate;
  closedTo: IsoDate;
  /** Not held: the DPO's checklist of accounts whose records are to be deleted, earliest first. */
  due: ReviewItem[];
  /** Held: kept past their period, with every hold on them. */
  held: Array<ReviewItem & { holds: AccountHold[] }>;
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** The last day an account closed on `closedOn` is kept: the anniversary ICETRAK_ACCOUNT_RETENTION_YEARS later (29 Feb → 1 Mar). */
export function accountKeptUntil(closedOn: IsoDate): IsoDate {
  const { year, month, day } = parseIsoDate(closedOn, 'closing date');
  const target = year + ICETRAK_ACCOUNT_RETENTION_YEARS;
  if (month === 2 && day === 29 && !isLeapYear(target)) return formatIsoDate({ year: target, month: 3, day: 1 });
  return formatIsoDate({ year: target, month, day });
}

/** The first and last closing dates whose "kept until" falls in `month` (YYYY-MM): what closedBetween is asked for. */
export function closingWindow(month: string): { from: IsoDate; to: IsoDate; monthStart: IsoDate; monthEnd: IsoDate } {
  const m = MONTH.exec(month);
  if (!m) throw new ValidationError({ month: 'A month is written YYYY-MM, e.g. 2026-11.' });
  const year = Number(m[1]);
  const mon = Number(m[2]);
  if (year - ICETRAK_ACCOUNT_RETENTION_YEARS < 1) throw new ValidationError({ month: 'The month is too early for a retention review.' });
  const monthStart = formatIsoDate({ year, month: mon, day: 1 });
  const monthEnd = formatIsoDate({ year, month: mon, day: daysInMonth(year, mon) });
  const back = year - ICETRAK_ACCOUNT_RETENTION_YEARS;
  // Start from the same month the period's years before, then move each edge over the 29 February
  // that keptUntil carries into March: it belongs to March's review, not February's.
  let from = formatIsoDate({ year: back, month: mon, day: 1 });
  while (accountKeptUntil(addDays(from, -1)) >= monthStart) from = addDays(from, -1);
  let to = formatIsoDate({ year: back, month: mon, day: daysInMonth(back, mon) });
  while (accountKeptUntil(to) > monthEnd) to = addDays(to, -1);
  return { from, to, monthStart, monthEnd };
}

/**
 * The review of `month`: of `accounts` (any superset of those closed in the window), those kept
 * until a day in the month, each due or held. `holds` are the holds in force (released ones are
 * not passed in); several holds on one account are all listed.
 */
export function retentionReview(month: string, accounts: readonly ReviewedAccount[], holds: readonly AccountHold[]): RetentionReview {
  const { from, to, monthStart, monthEnd } = closingWindow(month);
  const holdsOf = new Map<string, AccountHold[]>();
  for (const h of holds) holdsOf.set(h.accountId, [...(holdsOf.get(h.accountId) ?? []), h]);

  const review: RetentionReview = { month, closedFrom: from, closedTo: to, due: [], held: [] };
  const seen = new Set<string>();
  const inMonth = accounts
    .filter((a): a is ReviewedAccount & { closedOn: IsoDate } => a.closedOn !== null)
    .map((a) => ({ accountId: a.accountId, name: a.name, closedOn: a.closedOn, keptUntil: accountKeptUntil(a.closedOn) }))
    .filter((a) => a.keptUntil >= monthStart && a.keptUntil <= monthEnd)
    .sort((a, b) => (a.keptUntil === b.keptUntil ? a.accountId.localeCompare(b.accountId) : a.keptUntil < b.keptUntil ? -1 : 1));
  for (const item of inMonth) {
    if (seen.has(item.accountId)) continue;
    seen.add(item.accountId);
    const on = holdsOf.get(item.accountId);
    if (on?.length) review.held.push({ ...item, holds: [...on].sort((a, b) => (a.since < b.since ? -1 : a.since > b.since ? 1 : 0)) });
    else review.due.push(item);
  }
  return review;
}

/** A month's review in figures, as the monthly compliance report shows it: no account ids or names, the holds' reasons counted. */
export interface RetentionReviewSummary {
  month: string;
  /** When the stored review was made (ISO instant). */
  generatedAt: string;
  /** Accounts due for deletion (not held). */
  due: number;
  /** Accounts held past their period. */
  held: number;
  /** The reasons of the holds on those accounts, each with how many held accounts it is given for; most first. */
  heldReasons: { reason: string; accounts: number }[];
}

/** The summary of a stored review (one held entry per hold: an account held twice is one account, under two reasons). */
export function reviewSummary(review: {
  month: string;
  generatedAt: string;
  due: readonly unknown[];
  held: readonly { accountId: string; reason: string }[];
}): RetentionReviewSummary {
  const byReason = new Map<string, Set<string>>();
  for (const h of review.held) byReason.set(h.reason, (byReason.get(h.reason) ?? new Set()).add(h.accountId));
  return {
    month: review.month,
    generatedAt: review.generatedAt,
    due: review.due.length,
    held: new Set(review.held.map((h) => h.accountId)).size,
    heldReasons: [...byReason]
      .map(([reason, accounts]) => ({ reason, accounts: accounts.size }))
      .sort((a, b) => b.accounts - a.accounts || a.reason.localeCompare(b.reason)),
  };
}
