/**
 * The lifecycle rules the DPO desk needs (issue 11): late questions move nothing, extensions only
 * for complex requests, closing unverified only after the window, fees only with a ground and no
 * clock while unpaid, forwarding a part, the record of a closing (response date, retention,
 * summary), the desk's own moves, complaints, and the actions the desk may offer.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, fromDayNumber, toDayNumber } from '#domain/calendar';
import type { Actor, Case } from '#domain/case';
import { nextCheckpoint, dueCheckpoints } from '#domain/checkpoints';
import {
  IdentityWindowOpenError,
  InvalidClarificationError,
  InvalidIntakeError,
  InvalidMergeError,
  InvalidTransitionError,
  MissingGroundError,
  MissingReasonError,
  NotAComplaintError,
  NotComplexError,
  NotForComplaintsError,
} from '#domain/errors';
import {
  RECORD_RETENTION_YEARS,
  acknowledgeComplaint,
  allowedActions,
  askForClarification,
  askForIdentity,
  clarificationAnswered,
  closeCase,
  closeComplaint,
  closeUnverified,
  complaintAcknowledgeBy,
  confirmIdentity,
  extend,
  forwardToController,
  identityReceived,
  markComplex,
  mergeInto,
  receive,
  reclassify,
  recordClarificationAnswer,
  recordFee,
  recordReply,
  refuse,
  retentionExpiry,
  type ReceiveInput,
  type Transition,
  type TransitionContext,
} from '#domain/lifecycle';

const DPO: Actor = 'staff:dpo-anna';
const ctx = (at: string, actor: Actor = DPO): TransitionContext => ({ at, actor });

const intake = (over: Partial<ReceiveInput> = {}): ReceiveInput => ({
  id: '01KAQ3V6Y8ZJ4N7R2M5T9W8XCD',
  reference: 'RD-7K4M9P',
  rights: ['access'],
  channel: 'email',
  requester: { fullName: 'Jane Requester', email: 'jane@example.org' },
  receivedAt: '2026-09-03T09:15:00Z', // Thu 3 Sep 2026 → due Mon 5 Oct 2026
  actor: 'requester',
  ...over,
});
const received = (over: Partial<ReceiveInput> = {}) => receive(intake(over)).case;
const inProgress = (over: Partial<ReceiveInput> = {}) => confirmIdentity(received(over), ctx('2026-09-03T10:00:00Z')).case;
/** Applies a move as the store would: the entry joins the trail. */
const step = (t: Transition): Case => ({ ...t.case, audit: [...t.case.audit, t.entry] });
const complaint = () => received({ rights: ['complaint'] });

// ---------------------------------------------------------------------------------------
// Late questions (LAW.md, The deadline, 7)
// ---------------------------------------------------------------------------------------

describe('late questions move nothing', () => {
  it('a clarification asked after the due date is shown as a question but leaves the due date and the case overdue', () => {
    const asked = askForClarification(inProgress(), ctx('2026-10-20T10:00:00Z'));
    expect(asked.case).toMatchObject({
      status: 'awaiting_clarification',
      clarifications: [{ askedOn: '2026-10-20', late: true }],
      dueOn: '2026-10-05',
      extensionNoticeBy: '2026-10-05',
    });
    expect(asked.entry.detail).toMatchObject({ late: true, dueOn: '2026-10-05' });
    // The keeper keeps escalating: the case is still overdue.
    expect(dueCheckpoints(asked.case, new Date('2026-10-21T10:00:00Z')).map((x) => x.kind)).toEqual(['overdue']);
    const answered = clarificationAnswered(asked.case, ctx('2026-10-22T10:00:00Z', 'requester')).case;
    expect(answered).toMatchObject({ status: 'in_progress', dueOn: '2026-10-05' });
  });

  it('a clarification asked on the due date itself still pauses the clock', () => {
    expect(askForClarification(inProgress(), ctx('2026-10-05T10:00:00Z')).case.dueOn).toBeNull();
  });

  it('identity asked for after the due date does not restart the clock when it arrives', () => {
    const asked = askForIdentity(inProgress(), ctx('2026-10-20T10:00:00Z'));
    expect(asked.case).toMatchObject({ status: 'awaiting_identity', identityRequestedLate: true, dueOn: '2026-10-05' });
    expect(asked.entry.detail).toMatchObject({ late: true });
    const { case: c, entry } = identityReceived(asked.case, ctx('2026-10-22T10:00:00Z', 'requester'));
    expect(c).toMatchObject({ status: 'in_progress', clockStartsOn: '2026-09-03', dueOn: '2026-10-05', lateIdentityReceivedOn: '2026-10-22' });
    expect(c.identityReceivedOn).toBeUndefined();
    expect(entry.detail).toMatchObject({ late: true, dueOn: '2026-10-05' });
  });

  it('for any late moment, neither question moves the due date or removes it (fast-check)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 0, max: 30 }), (daysLate, answerAfter) => {
        const c = inProgress();
        const askedOn = addDays(c.dueOn!, daysLate);
        const answeredOn = addDays(askedOn, answerAfter);
        const q = askForClarification(c, ctx(`${askedOn}T12:00:00Z`)).case;
        const qa = clarificationAnswered(q, ctx(`${answeredOn}T12:00:00Z`)).case;
        const id = identityReceived(askForIdentity(c, ctx(`${askedOn}T12:00:00Z`)).case, ctx(`${answeredOn}T12:00:00Z`)).case;
        for (const x of [q, qa, id]) expect([x.dueOn, x.clockStartsOn]).toEqual([c.dueOn, c.clockStartsOn]);
      }),
    );
  });
});

// ---------------------------------------------------------------------------------------
// Extension only for a complex request (LAW.md, The deadline, 3)
// ---------------------------------------------------------------------------------------

describe('extension grounds', () => {
  it('refuses to extend a case not marked complex, and extends a complex one or one of several requests', () => {
    expect(() => extend(inProgress(), { reason: 'Lots to do' }, ctx('2026-09-20T10:00:00Z'))).toThrow(NotComplexError);
    const complex = markComplex(inProgress(), ctx('2026-09-10T10:00:00Z')).case;
    const byComplex = extend(complex, { reason: 'Archive search' }, ctx('2026-09-20T10:00:00Z'));
    expect(byComplex.case).toMatchObject({ extended: true, extensionGround: 'complex', dueOn: '2026-12-03' });
    expect(byComplex.entry.detail).toMatchObject({ ground: 'complex' });
    const bySeveral = extend(inProgress(), { reason: 'Four requests this month', severalRequests: true }, ctx('2026-09-20T10:00:00Z'));
    expect(bySeveral.case).toMatchObject({ extended: true, extensionGround: 'several-requests' });
  });

  it('already extended and too late still give their own errors', () => {
    const complex = markComplex(inProgress(), ctx('2026-09-10T10:00:00Z')).case;
    const extended = extend(complex, { reason: 'Archive search' }, ctx('2026-09-20T10:00:00Z')).case;
    expect(() => extend(extended, { reason: 'Again' }, ctx('2026-09-21T10:00:00Z'))).toThrow(InvalidTransitionError);
    expect(() => extend(complex, { reason: 'Late' }, ctx('2026-10-06T10:00:00Z'))).toThrow(/had to be notified/);
  });
});

// ---------------------------------------------------------------------------------------
// Closing unverified
// ---------------------------------------------------------------------------------------

describe('closing unverified', () => {
  const asked = () => askForIdentity(received(), ctx('2026-09-03T10:00:00Z')).case;

  it('only from awaiting identity, and only once the 30 days have passed (5 Oct, 3 Oct being a Saturday)', () => {
    expect(() => closeUnverified(received(), ctx('2026-11-01T10:00:00Z'))).toThrow(InvalidTransitionError);
    expect(() => closeUnverified(asked(), ctx('2026-09-03T11:00:00Z'))).toThrow(IdentityWindowOpenError);
    expect(() => closeUnverified(asked(), ctx('2026-10-04T10:00:00Z'))).toThrow(/Monday 5 October 2026/);
    expect(closeUnverified(asked(), ctx('2026-10-05T09:00:00Z')).case.outcome).toBe('closed_unverified');
  });

  it('counts from the day identity was asked for, with the keeper’s offsets when given', () => {
    const late = askForIdentity(inProgress(), ctx('2026-09-20T10:00:00Z')).case; // Sun 20 Sep + 30 = Tue 20 Oct
    expect(() => closeUnverified(late, ctx('2026-10-19T10:00:00Z'))).toThrow(IdentityWindowOpenError);
    expect(closeUnverified(late, ctx('2026-10-20T10:00:00Z')).case.status).toBe('closed');
    expect(closeUnverified(late, ctx('2026-09-28T10:00:00Z'), { verifyReminderAfterDays: 2, closeUnverifiedAfterDays: 8 }).case.status).toBe('closed');
  });
});

// ---------------------------------------------------------------------------------------
// Fees (LAW.md, The deadline, 8)
// ---------------------------------------------------------------------------------------

describe('fees', () => {
  it('a fee needs a ground; while it is unpaid there is no due date; payment starts the clock', () => {
    expect(() => recordFee(inProgress(), { stage: 'requested' }, ctx('2026-09-05T10:00:00Z'))).toThrow(MissingGroundError);
    expect(() => recordFee(inProgress(), { stage: 'requested', ground: 'because' as never }, ctx('2026-09-05T10:00:00Z'))).toThrow(MissingGroundError);
    const asked = recordFee(inProgress(), { stage: 'requested', ground: 'manifestly-excessive' }, ctx('2026-09-05T10:00:00Z'));
    expect(asked.case).toMatchObject({ feeGround: 'manifestly-excessive', dueOn: null, extensionNoticeBy: null });
    expect(asked.entry.detail).toMatchObject({ ground: 'manifestly-excessive', dueOn: null });
    const paid = recordFee(asked.case, { stage: 'received' }, ctx('2026-09-21T10:00:00Z')).case;
    expect(paid).toMatchObject({ clockStartsOn: '2026-09-21', dueOn: '2026-10-21' });
  });

  it('an extension while a fee is unpaid is checked as if it were paid today', () => {
    const asked = markComplex(
      recordFee(inProgress(), { stage: 'requested', ground: 'extra-copies' }, ctx('2026-09-05T10:00:00Z')).case,
      ctx('2026-09-05T11:00:00Z'),
    ).case;
    const { entry } = extend(asked, { reason: 'Archive' }, ctx('2026-10-20T10:00:00Z'));
    expect(entry.detail).toMatchObject({ extensionNoticeBy: '2026-11-20' });
  });
});

// ---------------------------------------------------------------------------------------
// Forwarding, closing, retention
// ---------------------------------------------------------------------------------------

describe('forwarding a part to the controller', () => {
  const acme = { controller: 'Acme Messaging Ltd', contact: 'privacy@acme.example' };

  it('records the forward and keeps the case open when an Icetrak part remains; closes it otherwise', () => {
    const part = forwardToController(inProgress(), { ...acme, icetrakPartRemains: true }, ctx('2026-09-10T10:00:00Z'));
    expect(part.case).toMatchObject({ status: 'in_progress', forwardedTo: acme, dueOn: '2026-10-05' });
    expect(part.case.outcome).toBeUndefined();
    expect(part.entry).toMatchObject({ action: 'ForwardedToController', detail: { icetrakPartRemains: true, from: 'in_progress', to: 'in_progress' } });
    const all = forwardToController(inProgress(), { ...acme, icetrakPartRemains: false }, ctx('2026-09-10T10:00:00Z')).case;
    expect(all).toMatchObject({ status: 'closed', outcome: 'forwarded', forwardedTo: acme });
  });
});

describe('closing records the response and the retention', () => {
  it('every closing sets the response date and an expiry six years on, unless a legal hold is on the case', () => {
    expect(RECORD_RETENTION_YEARS).toBe(6);
    expect(retentionExpiry('2026-09-30T23:30:00Z')).toBe(Date.parse('2032-09-30T23:30:00Z') / 1000);
    const c = refuse(inProgress(), { ground: 'manifestly-unfounded', reasons: 'Harassment' }, ctx('2026-09-30T23:30:00Z')).case;
    expect(c).toMatchObject({ respondedOn: '2026-10-01', expiresAt: retentionExpiry('2026-09-30T23:30:00Z'), refusalGround: 'manifestly-unfounded' });
    const held = { ...inProgress(), legalHold: { reason: 'Litigation', since: '2026-09-10T10:00:00Z', placedBy: DPO } };
    const closedHeld = closeCase(
      held,
      { outcome: 'completed', summary: { done: 'Sent a copy', systemsSearched: ['accounts'] } },
      ctx('2026-09-30T10:00:00Z'),
    ).case;
    expect(closedHeld.respondedOn).toBe('2026-09-30');
    expect('expiresAt' in closedHeld).toBe(false);
  });

  it('the expiry is always six calendar years after the closing instant (fast-check)', () => {
    fc.assert(
      fc.property(fc.integer({ min: toDayNumber('2025-01-01'), max: toDayNumber('2040-12-31') }), fc.integer({ min: 0, max: 86_399 }), (day, second) => {
        const closedAt = new Date(Date.parse(`${fromDayNumber(day)}T00:00:00Z`) + second * 1000).toISOString();
        const expiry = new Date(retentionExpiry(closedAt) * 1000);
        const from = new Date(closedAt);
        expect(expiry.getUTCFullYear()).toBe(from.getUTCFullYear() + 6);
        expect(expiry.getTime() - from.getTime()).toBeGreaterThanOrEqual((6 * 365 + 1) * 86_400_000);
        expect(expiry.getTime() - from.getTime()).toBeLessThanOrEqual((6 * 365 + 2) * 86_400_000);
      }),
    );
  });

  it('a refusal needs its ground', () => {
    expect(() => refuse(inProgress(), { ground: undefined as never, reasons: 'Harassment' }, ctx('2026-09-30T10:00:00Z'))).toThrow(MissingGroundError);
  });

  it('the desk’s close stores the summary; a partial completion needs what was withheld', () => {
    const summary = { done: ' Sent the account records ', withheld: 'Billing kept: legal obligation', systemsSearched: ['accounts', ' billing ', ''] };
    const { case: c, entry } = closeCase(inProgress(), { outcome: 'partially-completed', summary }, ctx('2026-09-30T10:00:00Z'));
    expect(c).toMatchObject({
      status: 'closed',
      outcome: 'partially_completed',
      outcomeReasons: 'Billing kept: legal obligation',
      closing: { done: 'Sent the account records', withheld: 'Billing kept: legal obligation', systemsSearched: ['accounts', 'billing'] },
    });
    expect(JSON.stringify(entry)).not.toMatch(/Billing|account records/);
    expect(() =>
      closeCase(inProgress(), { outcome: 'partially-completed', summary: { done: 'Some', systemsSearched: [] } }, ctx('2026-09-30T10:00:00Z')),
    ).toThrow(MissingReasonError);
    expect(() => closeCase(inProgress(), { outcome: 'completed', summary: { done: ' ', systemsSearched: [] } }, ctx('2026-09-30T10:00:00Z'))).toThrow(
      MissingReasonError,
    );
    expect(
      closeCase(inProgress(), { outcome: 'withdrawn', summary: { done: 'Nothing', systemsSearched: [] } }, ctx('2026-09-30T10:00:00Z')).case.outcome,
    ).toBe('withdrawn');
    // A full completion waits for a clarification's answer, as complete() does.
    const paused = askForClarification(inProgress(), ctx('2026-09-10T10:00:00Z')).case;
    expect(() => closeCase(paused, { outcome: 'completed', summary: { done: 'x', systemsSearched: [] } }, ctx('2026-09-30T10:00:00Z'))).toThrow(
      InvalidTransitionError,
    );
  });
});

// ---------------------------------------------------------------------------------------
// The desk's other moves
// ---------------------------------------------------------------------------------------

describe('desk moves', () => {
  it('reclassify names the rights and removes the unclassified flag', () => {
    const unclassified = received({ rights: [] });
    expect(unclassified.flags).toContain('unclassified');
    const { case: c, entry } = reclassify(unclassified, { rights: ['erasure', 'erasure', 'access'] }, ctx('2026-09-04T10:00:00Z'));
    expect(c).toMatchObject({ rights: ['erasure', 'access'], flags: [] });
    expect(entry).toMatchObject({ action: 'RightsReclassified', detail: { rights: 'erasure,access', previous: '' } });
    expect(() => reclassify(unclassified, { rights: [] }, ctx('2026-09-04T10:00:00Z'))).toThrow(InvalidIntakeError);
    expect(() => reclassify(unclassified, { rights: ['telepathy' as never] }, ctx('2026-09-04T10:00:00Z'))).toThrow(InvalidIntakeError);
  });

  it('merge closes a duplicate into another case, never into itself', () => {
    const { case: c, entry } = mergeInto(inProgress(), { into: 'RD-2B3C4D' }, ctx('2026-09-04T10:00:00Z'));
    expect(c).toMatchObject({ status: 'closed', outcome: 'merged', mergedInto: 'RD-2B3C4D', respondedOn: '2026-09-04' });
    expect(entry).toMatchObject({ action: 'CaseMerged', detail: { into: 'RD-2B3C4D', outcome: 'merged' } });
    expect(() => mergeInto(inProgress(), { into: 'RD-7K4M9P' }, ctx('2026-09-04T10:00:00Z'))).toThrow(InvalidMergeError);
    expect(() => mergeInto(inProgress(), { into: 'case 12' }, ctx('2026-09-04T10:00:00Z'))).toThrow(InvalidMergeError);
  });

  it('a reply is recorded and changes nothing else; not on a closed case', () => {
    const before = inProgress();
    const { case: c, entry } = recordReply(before, ctx('2026-09-04T10:00:00Z'));
    expect(c).toEqual({ ...before, updatedAt: '2026-09-04T10:00:00Z' });
    expect(entry).toEqual({ at: '2026-09-04T10:00:00Z', actor: DPO, action: 'ReplySent' });
    const closed = mergeInto(before, { into: 'RD-2B3C4D' }, ctx('2026-09-04T10:00:00Z')).case;
    expect(() => recordReply(closed, ctx('2026-09-05T10:00:00Z'))).toThrow(InvalidTransitionError);
  });

  it('an answer logged later is dated the day it arrived, between the question and today', () => {
    const asked = askForClarification(inProgress(), ctx('2026-09-10T09:00:00Z')).case;
    const { case: c, entry } = recordClarificationAnswer(asked, { receivedOn: '2026-09-12' }, ctx('2026-09-15T10:00:00Z'));
    expect(c).toMatchObject({ status: 'in_progress', clarifications: [{ askedOn: '2026-09-10', answeredOn: '2026-09-12' }], dueOn: '2026-10-06' });
    expect(entry).toMatchObject({ action: 'ClarificationAnswered', detail: { answeredOn: '2026-09-12' } });
    expect(() => recordClarificationAnswer(asked, { receivedOn: '2026-09-09' }, ctx('2026-09-15T10:00:00Z'))).toThrow(InvalidClarificationError);
    expect(() => recordClarificationAnswer(asked, { receivedOn: '2026-09-16' }, ctx('2026-09-15T10:00:00Z'))).toThrow(InvalidClarificationError);
    expect(() => recordClarificationAnswer(asked, { receivedOn: '12/09/2026' }, ctx('2026-09-15T10:00:00Z'))).toThrow();
  });

  it('a letter received 3 days ago and logged today has its clock start 3 days ago; in person too; never logged before it arrived', () => {
    const letter = receive(intake({ channel: 'post', receivedAt: '2026-09-04T12:00:00Z', at: '2026-09-07T09:00:00Z', actor: DPO }));
    expect(letter.case).toMatchObject({ receivedOn: '2026-09-04', clockStartsOn: '2026-09-04', dueOn: '2026-10-05', createdAt: '2026-09-07T09:00:00Z' });
    expect(letter.entry).toMatchObject({ at: '2026-09-07T09:00:00Z', actor: DPO });
    expect(receive(intake({ channel: 'in-person', receivedAt: '2026-09-04T12:00:00Z', actor: DPO })).case.channel).toBe('in-person');
    expect(() => receive(intake({ channel: 'phone', receivedAt: '2026-09-08T12:00:00Z', at: '2026-09-07T09:00:00Z' }))).toThrow(InvalidIntakeError);
  });
});

// ---------------------------------------------------------------------------------------
// Complaints (DPA 2018 s.164A)
// ---------------------------------------------------------------------------------------

describe('complaints', () => {
  it('a complaint has no identity gate and is never closed unverified', () => {
    expect(() => askForIdentity(complaint(), ctx('2026-09-03T10:00:00Z'))).toThrow(NotForComplaintsError);
    // Even one left awaiting identity by older code is not closed unverified.
    const legacy = { ...askForIdentity(received(), ctx('2026-09-03T10:00:00Z')).case, rights: ['complaint' as const] };
    expect(() => closeUnverified(legacy, ctx('2026-12-01T10:00:00Z'))).toThrow(NotForComplaintsError);
    // A request that also asks for a right is a rights request.
    expect(askForIdentity(received({ rights: ['access', 'complaint'] }), ctx('2026-09-03T10:00:00Z')).case.status).toBe('awaiting_identity');
  });

  it('is acknowledged once, within 30 days, and closed with its outcome', () => {
    expect(complaintAcknowledgeBy(complaint())).toBe('2026-10-03');
    const ack = acknowledgeComplaint(complaint(), ctx('2026-09-10T10:00:00Z'));
    expect(ack.case).toMatchObject({ status: 'received', complaintAcknowledgedOn: '2026-09-10' });
    expect(ack.entry).toMatchObject({ action: 'ComplaintAcknowledged', detail: { acknowledgeBy: '2026-10-03' } });
    expect(() => acknowledgeComplaint(ack.case, ctx('2026-09-11T10:00:00Z'))).toThrow(InvalidTransitionError);
    expect(() => acknowledgeComplaint(inProgress(), ctx('2026-09-11T10:00:00Z'))).toThrow(NotAComplaintError);

    const answered = closeComplaint(ack.case, { outcome: ' We corrected the record ' }, ctx('2026-09-20T10:00:00Z'));
    expect(answered.case).toMatchObject({
      status: 'closed',
      outcome: 'completed',
      respondedOn: '2026-09-20',
      expiresAt: retentionExpiry('2026-09-20T10:00:00Z'),
      closing: { done: 'We corrected the record', systemsSearched: [] },
    });
    expect(answered.entry.action).toBe('ComplaintAnswered');
    expect(JSON.stringify(answered.entry)).not.toContain('corrected');
    expect(() => closeComplaint(ack.case, { outcome: ' ' }, ctx('2026-09-20T10:00:00Z'))).toThrow(MissingReasonError);
    expect(() => closeComplaint(inProgress(), { outcome: 'x' }, ctx('2026-09-20T10:00:00Z'))).toThrow(NotAComplaintError);
    expect(() => closeCase(ack.case, { outcome: 'withdrawn', summary: { done: 'x', systemsSearched: [] } }, ctx('2026-09-20T10:00:00Z'))).toThrow(
      NotForComplaintsError,
    );
  });

  it('the keeper reminds the team to acknowledge 5 working days before the limit and on its last working day, never about identity', () => {
    const c = complaint(); // acknowledge by Sat 3 Oct 2026 → last working day Fri 2 Oct
    const kinds = (from: string, to: string) => {
      const out: string[] = [];
      let x = c;
      let now = new Date(from);
      while (now < new Date(to)) {
        const plan = nextCheckpoint(x, now);
        if (plan.kind === 'done') break;
        const cp = plan;
        now = new Date(Math.max(Date.parse(cp.at), now.getTime() + 1));
        if (cp.kind === 'recheck' || Date.parse(cp.at) > Date.parse(to)) continue;
        out.push(cp.id);
        x = { ...x, audit: [...x.audit, { at: cp.at, actor: 'system', action: 'KeeperNoticeSent', detail: { checkpoint: cp.id, kind: cp.kind } }] };
      }
      return out;
    };
    const ids = kinds('2026-09-03T10:00:00Z', '2026-10-03T00:00:00Z');
    expect(ids).toContain('complaint-ack-reminder-5:2026-10-03');
    expect(ids).toContain('complaint-ack-reminder-0:2026-10-03');
    expect(ids.filter((id) => id.startsWith('complaint-ack'))).toEqual(['complaint-ack-reminder-5:2026-10-03', 'complaint-ack-reminder-0:2026-10-03']);
    expect(ids.some((id) => /verify|unverified/.test(id))).toBe(false);
    const remind = dueCheckpoints(c, new Date('2026-09-25T09:00:00Z')).find((x) => x.kind === 'complaint-ack-reminder');
    expect(remind).toMatchObject({ on: '2026-09-25', level: 5, anchor: '2026-10-03' });
    // Acknowledged: no more reminders.
    const acked = step(acknowledgeComplaint(c, ctx('2026-09-10T10:00:00Z')));
    expect(dueCheckpoints(acked, new Date('2026-10-02T10:00:00Z')).some((x) => x.kind === 'complaint-ack-reminder')).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------
// What the desk may offer
// ---------------------------------------------------------------------------------------

describe('allowedActions', () => {
  it('lists what each kind of case allows now', () => {
    // 'close' here is a withdrawal: a full or partial completion waits for identity.
    expect(allowedActions(received())).toEqual([
      'confirm-identity',
      'request-identity',
      'mark-complex',
      'refuse',
      'reply',
      'reclassify',
      'merge',
      'close',
      'forward',
      'place-hold',
    ]);
    const working = inProgress();
    expect(allowedActions(working)).toEqual([
      'request-identity',
      'request-clarification',
      'mark-complex',
      'refuse',
      'reply',
      'reclassify',
      'merge',
      'close',
      'forward',
      'place-hold',
    ]);
    const complex = markComplex(working, ctx('2026-09-05T10:00:00Z')).case;
    expect(allowedActions(complex)).toContain('extend');
    expect(allowedActions(complex)).not.toContain('mark-complex');
    expect(allowedActions(extend(complex, { reason: 'x' }, ctx('2026-09-06T10:00:00Z')).case)).not.toContain('extend');
    expect(allowedActions(askForClarification(working, ctx('2026-09-05T10:00:00Z')).case)).toContain('record-clarification');
    expect(allowedActions(complaint())).toEqual([
      'confirm-identity',
      'reply',
      'reclassify',
      'merge',
      'acknowledge-complaint',
      'close-complaint',
      'place-hold',
    ]);
    expect(allowedActions(acknowledgeComplaint(complaint(), ctx('2026-09-05T10:00:00Z')).case)).not.toContain('acknowledge-complaint');
    // A closed case allows only the legal hold (issue 13).
    expect(allowedActions(mergeInto(working, { into: 'RD-2B3C4D' }, ctx('2026-09-05T10:00:00Z')).case)).toEqual(['place-hold']);
  });
});
