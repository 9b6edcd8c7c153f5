/**
 * Legal holds on Icetrak's customer accounts (issue 13; docs/retention.md, Icetrak's own records):
 * while an account is held, the monthly retention review lists it as held with the hold's reason,
 * never as due for deletion. One hold per account at a time; placing and releasing are recorded
 * in the hold's append-only history (who, when, why), kept on the item after a release.
 *
 * Account ids and names are Icetrak's business data; a reason is the DPO's words about a matter
 * (a dispute, an HMRC enquiry), and the desk asks for it without personal data.
 */
import { londonDateOf, parseIsoDate, type IsoDate } from './calendar';
import { ValidationError } from './errors';
import { normaliseAccountId } from './search';

/** The hold in force on an account. */
export interface AccountHoldInForce {
  accountId: string;
  reason: string;
  /** London date it was placed. */
  since: IsoDate;
  reviewOn: IsoDate | null;
  /** `staff:<email>` */
  placedBy: string;
}

/** One entry of a hold's history: placed or released, by whom, when and why. */
export interface AccountHoldEvent {
  action: 'placed' | 'released';
  /** ISO instant. */
  at: string;
  by: string;
  reason: string;
  reviewOn?: IsoDate | null;
}

export const HOLD_REASON_MAX = 500;

/** The account id of a request (ACC-####), or ValidationError naming `field`. */
export function parseAccountId(raw: unknown, field = 'accountId'): string {
  const id = typeof raw === 'string' ? normaliseAccountId(raw) : undefined;
  if (!id) throw new ValidationError({ [field]: 'Give the account number as ACC- and its digits, e.g. ACC-1003.' });
  return id;
}

/** A reason as given: trimmed, required, at most HOLD_REASON_MAX characters. */
export function parseHoldReason(raw: unknown, field = 'reason'): string {
  const reason = typeof raw === 'string' ? raw.trim().replace(/\s+/g, ' ') : '';
  if (!reason) throw new ValidationError({ [field]: 'Give the reason.' });
  if (reason.length > HOLD_REASON_MAX) throw new ValidationError({ [field]: `A reason is at most ${HOLD_REASON_MAX} characters.` });
  return reason;
}

/** An optional review date (YYYY-MM-DD), not before `today`; null when none is given. */
export function parseReviewOn(raw: unknown, today: IsoDate, field = 'reviewOn'): IsoDate | null {
  if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) return null;
  const value = typeof raw === 'string' ? raw.trim() : '';
  try {
    parseIsoDate(value, field);
  } catch {
    throw new ValidationError({ [field]: 'Give the review date as YYYY-MM-DD, or leave it empty.' });
  }
  if (value < today) throw new ValidationError({ [field]: 'The review date cannot be in the past.' });
  return value;
}

/** A placing request from the API or the desk, checked: the hold to place on `now`'s London date. */
export function holdToPlace(
  body: { accountId?: unknown; reason?: unknown; reviewOn?: unknown },
  now: Date,
  by: string,
): { accountId: string; hold: Omit<AccountHoldInForce, 'accountId'> } {
  const today = londonDateOf(now);
  const fields: Record<string, string> = {};
  const attempt = <T>(fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      Object.assign(fields, err.fields);
      return undefined;
    }
  };
  const accountId = attempt(() => parseAccountId(body.accountId));
  const reason = attempt(() => parseHoldReason(body.reason));
  const reviewOn = attempt(() => parseReviewOn(body.reviewOn, today));
  if (Object.keys(fields).length > 0 || accountId === undefined || reason === undefined || reviewOn === undefined) throw new ValidationError(fields);
  return { accountId, hold: { reason, since: today, reviewOn, placedBy: by } };
}
