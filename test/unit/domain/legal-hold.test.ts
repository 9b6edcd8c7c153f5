/** Legal hold on a case (issue 13): placed and released on open and closed cases alike; the expiry follows the schedule. */
import { describe, expect, it } from 'vitest';
import type { Actor, Case } from '#domain/case';
import { AlreadyOnHoldError, InvalidDateError, MissingReasonError, NotOnHoldError } from '#domain/errors';
import {
  allowedActions,
  closeCase,
  confirmIdentity,
  placeHold,
  receive,
  releaseHold,
  withdraw,
  type ReceiveInput,
  type TransitionContext,
} from '#domain/lifecycle';
import { RETENTION, accountabilityExpiry, caseExpiry, isRetentionValue, rejectedExpiry, retainUntil, retentionExpiry } from '#domain/retention';

const DPO: Actor = 'staff:dpo@icetrak.net';
const ctx = (at: string): TransitionContext => ({ at, actor: DPO });
const REASON = 'Claim issued in the county court by the requester';

const intake = (over: Partial<ReceiveInput> = {}): ReceiveInput => ({
  id: '01KAQ3V6Y8ZJ4N7R2M5T9W8XCD',
  reference: 'RD-7K4M9P',
  rights: ['access'],
  channel: 'email',
  requester: { fullName: 'Jane Requester', email: 'jane@example.org' },
  receivedAt: '2026-09-03T09:15:00Z',
  actor: 'requester',
  ...over,
});
const open = (over: Partial<ReceiveInput> = {}): Case => confirmIdentity(receive(intake(over)).case, ctx('2026-09-03T10:00:00Z')).case;
const CLOSED_AT = '2026-09-10T10:00:00Z';
const closed = (): Case =>
  closeCase(open(), { outcome: 'completed', summary: { done: 'Sent a copy', systemsSearched: ['billing'] } }, ctx(CLOSED_AT)).case;

describe('placing a legal hold', () => {
  it('on a closed case removes its expiry and records who, when, why and the review date', () => {
    const c = closed();
    expect(c.expiresAt).toBe(retentionExpiry(CLOSED_AT));
    const { case: held, entry } = placeHold(c, { reason: ` ${REASON} `, reviewOn: '2027-03-01' }, ctx('2026-10-01T09:00:00Z'));
    expect('expiresAt' in held).toBe(false);
    expect(held.legalHold).toEqual({ since: '2026-10-01T09:00:00Z', reason: REASON, reviewOn: '2027-03-01', placedBy: DPO });
    expect(held.status).toBe('closed');
    expect(held.notes?.at(-1)).toMatchObject({ kind: 'legal-hold-placed', text: REASON });
    expect(entry).toMatchObject({ action: 'LegalHoldPlaced', actor: DPO, detail: { status: 'closed', reviewOn: '2027-03-01' } });
    expect(JSON.stringify(entry)).not.toContain('county court');
    expect(retainUntil(held)).toBeNull();
  });

  it('on an open case keeps its status and deadline; closing it later sets no expiry', () => {
    const c = open();
    const held = placeHold(c, { reason: REASON }, ctx('2026-09-04T09:00:00Z')).case;
    expect(held).toMatchObject({ status: c.status, dueOn: c.dueOn, legalHold: { reason: REASON } });
    expect(held.legalHold?.reviewOn).toBeUndefined();
    const closedHeld = withdraw(held, ctx('2026-09-05T10:00:00Z')).case;
    expect('expiresAt' in closedHeld).toBe(false);
  });

  it('is refused twice, without a reason, or with a review date in the past', () => {
    const held = placeHold(closed(), { reason: REASON }, ctx('2026-10-01T09:00:00Z')).case;
    expect(() => placeHold(held, { reason: REASON }, ctx('2026-10-02T09:00:00Z'))).toThrow(AlreadyOnHoldError);
    expect(() => placeHold(closed(), { reason: '  ' }, ctx('2026-10-01T09:00:00Z'))).toThrow(MissingReasonError);
    expect(() => placeHold(closed(), { reason: REASON, reviewOn: '2026-09-30' }, ctx('2026-10-01T09:00:00Z'))).toThrow(InvalidDateError);
    expect(() => placeHold(closed(), { reason: REASON, reviewOn: '2026-02-30' }, ctx('2026-10-01T09:00:00Z'))).toThrow(InvalidDateError);
    // Today (London) is not in the past.
    expect(placeHold(closed(), { reason: REASON, reviewOn: '2026-10-01' }, ctx('2026-09-30T23:30:00Z')).case.legalHold?.reviewOn).toBe('2026-10-01');
  });
});

describe('releasing a legal hold', () => {
  it('on a closed case restores the expiry from the schedule, counted from the closing', () => {
    const held = placeHold(closed(), { reason: REASON }, ctx('2026-10-01T09:00:00Z')).case;
    const { case: released, entry } = releaseHold(held, { reason: 'Claim settled' }, ctx('2031-01-01T09:00:00Z'));
    expect(released.legalHold).toBeUndefined();
    expect(released.expiresAt).toBe(retentionExpiry(CLOSED_AT));
    expect(retainUntil(released)).toBe('2032-09-10');
    expect(released.notes?.at(-1)).toMatchObject({ kind: 'legal-hold-released', text: 'Claim settled' });
    expect(entry).toMatchObject({
      action: 'LegalHoldReleased',
      detail: { status: 'closed', heldSince: '2026-10-01T09:00:00Z', expiresAt: retentionExpiry(CLOSED_AT) },
    });
    expect(JSON.stringify(entry)).not.toContain('settled');
  });

  it('on an open case leaves it without an expiry', () => {
    const held = placeHold(open(), { reason: REASON }, ctx('2026-09-04T09:00:00Z')).case;
    const released = releaseHold(held, { reason: 'Claim settled' }, ctx('2026-09-05T09:00:00Z')).case;
    expect(released.legalHold).toBeUndefined();
    expect('expiresAt' in released).toBe(false);
    expect(retainUntil(released)).toBeNull();
  });

  it('is refused on a case not held, and without a reason', () => {
    expect(() => releaseHold(closed(), { reason: 'Done' }, ctx('2026-10-01T09:00:00Z'))).toThrow(NotOnHoldError);
    const held = placeHold(open(), { reason: REASON }, ctx('2026-09-04T09:00:00Z')).case;
    expect(() => releaseHold(held, { reason: '' }, ctx('2026-09-05T09:00:00Z'))).toThrow(MissingReasonError);
  });
});

describe('the desk offers the hold actions whatever the status', () => {
  it('place-hold on open and closed cases, release-hold once held, and nothing else on a closed case but reopening', () => {
    expect(allowedActions(open())).toContain('place-hold');
    expect(allowedActions(open())).not.toContain('release-hold');
    expect(allowedActions(closed())).toEqual(['place-hold', 'reopen']);
    const held = placeHold(closed(), { reason: REASON }, ctx('2026-10-01T09:00:00Z')).case;
    expect(allowedActions(held)).toEqual(['release-hold', 'reopen']);
  });
});

describe('rejected intake is kept for the short period', () => {
  it('spam or quarantined mail closed unanswered expires rejectedDays after closing; answered or refused, the full period', () => {
    const spam = open({ flags: ['spam-review'] });
    const rejected = withdraw(spam, ctx(CLOSED_AT)).case;
    expect(rejected.expiresAt).toBe(rejectedExpiry(CLOSED_AT));
    expect(rejected.expiresAt).toBe(Date.parse(CLOSED_AT) / 1000 + RETENTION.rejectedDays * 86_400);
    const answered = closeCase(spam, { outcome: 'completed', summary: { done: 'Sent a copy', systemsSearched: [] } }, ctx(CLOSED_AT)).case;
    expect(answered.expiresAt).toBe(retentionExpiry(CLOSED_AT));
    expect(caseExpiry(withdraw(open(), ctx(CLOSED_AT)).case)).toBe(retentionExpiry(CLOSED_AT));
  });
});

describe('the schedule is the deployment’s (RETENTION_* settings), passed in with the move', () => {
  const schedule = { caseYears: 2, rejectedDays: 30, accountabilityYears: 3 };
  const withSchedule = (at: string): TransitionContext => ({ ...ctx(at), retention: schedule });

  it('a case closed under a 2-year schedule expires 2 years after closing, rejected intake 30 days after', () => {
    const done = closeCase(open(), { outcome: 'completed', summary: { done: 'Sent a copy', systemsSearched: [] } }, withSchedule(CLOSED_AT)).case;
    expect(done.expiresAt).toBe(Date.parse('2028-09-10T10:00:00Z') / 1000);
    expect(done.expiresAt).not.toBe(retentionExpiry(CLOSED_AT));
    const rejected = withdraw(open({ flags: ['quarantined'] }), withSchedule(CLOSED_AT)).case;
    expect(rejected.expiresAt).toBe(Date.parse(CLOSED_AT) / 1000 + 30 * 86_400);
  });

  it('releasing a hold restores the expiry from the schedule it is given', () => {
    const held = placeHold(closed(), { reason: REASON }, ctx('2026-10-01T09:00:00Z')).case;
    const released = releaseHold(held, { reason: 'Claim settled' }, withSchedule('2026-11-01T09:00:00Z')).case;
    expect(released.expiresAt).toBe(retentionExpiry(held.closedAt!, schedule));
    expect(new Date(released.expiresAt! * 1000).getUTCFullYear()).toBe(new Date(held.closedAt!).getUTCFullYear() + 2);
  });

  it('accountability records expire accountabilityYears after the day following their last day', () => {
    expect(new Date(accountabilityExpiry('2026-11-30', schedule) * 1000).toISOString()).toBe('2029-12-01T00:00:00.000Z');
    expect(accountabilityExpiry('2026-11-30')).toBe(Date.parse('2032-12-01T00:00:00Z') / 1000);
  });

  it('takes only whole values within the bounds', () => {
    expect(isRetentionValue('caseYears', 6)).toBe(true);
    expect(isRetentionValue('caseYears', 0)).toBe(false);
    expect(isRetentionValue('caseYears', 21)).toBe(false);
    expect(isRetentionValue('rejectedDays', 6)).toBe(false);
    expect(isRetentionValue('rejectedDays', 365)).toBe(true);
    expect(isRetentionValue('accountabilityYears', 2.5)).toBe(false);
    for (const field of Object.keys(RETENTION) as (keyof typeof RETENTION)[]) expect(isRetentionValue(field, RETENTION[field])).toBe(true);
  });
});
