/**
 * Placing and releasing legal holds on Icetrak's customer accounts (issue 13), from the staff API
 * and the desk: the request checked (an ACC-#### account id, a reason, an optional review date
 * not in the past), then one conditional write (shared/adapters/dynamo-account-holds.ts).
 */
import * as z from 'zod';
import { HOLD_REASON_MAX, holdToPlace, parseAccountId, parseHoldReason, type AccountHoldInForce } from '#domain/account-holds';
import { parseFields } from '#shared/cases/fields';
import type { AccountHolds, Clock } from '#shared/ports';

export interface AccountHoldDeps {
  holds: AccountHolds;
  clock: Clock;
}

export const placeSchema = z.strictObject({
  accountId: z.string('Give the account number, e.g. ACC-1003.').max(20, 'An account number is at most 20 characters.'),
  reason: z.string('Give the reason.').max(HOLD_REASON_MAX, `A reason is at most ${HOLD_REASON_MAX} characters.`),
  reviewOn: z.string('Give the review date as YYYY-MM-DD, or leave it out.').max(20).nullable().optional(),
  /** The desk's form token (checked by the handler's stack, ignored here). */
  _csrf: z.string().optional(),
});

export const releaseSchema = z.strictObject({
  reason: z.string('Give the reason.').max(HOLD_REASON_MAX, `A reason is at most ${HOLD_REASON_MAX} characters.`),
  _csrf: z.string().optional(),
});

/** POST /api/account-holds (and the desk's form): places the hold, or ValidationError / AccountAlreadyHeldError. */
export async function placeAccountHold(deps: AccountHoldDeps, body: unknown, by: string): Promise<AccountHoldInForce> {
  const fields = parseFields(placeSchema, body ?? {}, 'hold');
  const { accountId, hold } = holdToPlace(fields, deps.clock.now(), by);
  return deps.holds.place(accountId, hold);
}

/** POST /api/account-holds/{accountId}/release: releases the hold, or ValidationError / AccountNotHeldError. */
export async function releaseAccountHold(deps: AccountHoldDeps, rawAccountId: string, body: unknown, by: string): Promise<{ accountId: string }> {
  const accountId = parseAccountId(rawAccountId);
  const { reason } = parseFields(releaseSchema, body ?? {}, 'release');
  await deps.holds.release(accountId, parseHoldReason(reason), by);
  return { accountId };
}

/** A hold as the staff API gives it (who placed it is staff's business, not the API's: left out). */
export function holdJson(h: AccountHoldInForce) {
  return { accountId: h.accountId, reason: h.reason, since: h.since, reviewOn: h.reviewOn };
}
