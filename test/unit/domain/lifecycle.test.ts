import { describe, expect, it } from 'vitest';
import { STATUSES, type Actor, type Case, type CaseStatus } from '#domain/case';
import { computeDeadline } from '#domain/deadlines';
import {
  ExtensionTooLateError,
  InvalidClarificationError,
  InvalidDateError,
  InvalidIntakeError,
  InvalidNationError,
  InvalidTransitionError,
  MissingControllerError,
  MissingReasonError,
} from '#domain/errors';
import {
  MOVES,
  TRANSITIONS,
  allowedMoves,
  askForClarification,
  askForIdentity,
  canMove,
  clarificationAnswered,
  closeUnverified,
  complete,
  confirmIdentity,
  deadlineInputOf,
  acknowledgeComplaint,
  closeComplaint,
  extend,
  forwardToController,
  mergeInto,
  allowedActions,
  closeCase,
  reclassify,
  identityReceived,
  markComplex,
  partiallyComplete,
  receive,
  recordFee,
  refuse,
  withdraw,
  type Move,
  reopen,
  keeperRound,
  needsKeeper,
  type ReceiveInput,
  type Transition,
  type TransitionContext,
} from '#domain/lifecycle';

// ---------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------

const DPO: Actor = 'staff:dpo-anna';
const ctx = (at: string, actor: Actor = DPO): TransitionContext => ({ at, actor });

// Personal data and free text that must never reach an audit entry.
const NAME = 'Jane Requester';
const EMAIL = 'jane.requester@example.org';
const DETAILS = 'Please send me every record about Jane Requester';
const REASONS = 'Several systems hold the data and a search of the archive is needed';

const intake = (over: Partial<ReceiveInput> = {}): ReceiveInput => ({
  id: '01KAQ3V6Y8ZJ4N7R2M5T9W8XCD',
  reference: 'RD-7K4M9P',
  rights: ['access', 'erasure'],
  channel: 'email',
  requester: { fullName: NAME, email: EMAIL, relationship: 'customer' },
  details: DETAILS,
  receivedAt: '2026-09-03T09:15:00Z', // Thu 3 Sep 2026 → due Mon 5 Oct 2026
  actor: 'requester',
  ...over,
});

const received = (over: Partial<ReceiveInput> = {}) => receive(intake(over)).case;
const inProgress = () => confirmIdentity(received(), ctx('2026-09-03T10:00:00Z')).case;

/** A fresh case in each status, reached through the real transitions. */
const CASE_IN: Record<CaseStatus, () => Case> = {
  received: () => received(),
  awaiting_identity: () => askForIdentity(received(), ctx('2026-09-03T10:00:00Z')).case,
  in_progress: inProgress,
  awaiting_clarification: () => askForClarification(inProgress(), ctx('2026-09-04T10:00:00Z')).case,
  closed: () => withdraw(inProgress(), ctx('2026-09-05T10:00:00Z', 'requester')).case,
};

/** Each move with valid arguments, and the audit action it records. */
const MOVE: Record<Move, { run: (c: Case, context: TransitionContext) => Transition; action: string }> = {
  confirmIdentity: { run: (c, x) => confirmIdentity(c, x), action: 'IdentityConfirmed' },
  askForIdentity: { run: (c, x) => askForIdentity(c, x), action: 'IdentityRequested' },
  identityReceived: { run: (c, x) => identityReceived(c, x), action: 'IdentityReceived' },
  askForClarification: { run: (c, x) => askForClarification(c, x), action: 'ClarificationRequested' },
  clarificationAnswered: { run: (c, x) => clarificationAnswered(c, x), action: 'ClarificationAnswered' },
  extend: { run: (c, x) => extend(c, { reason: REASONS, severalRequests: true }, x), action: 'DeadlineExtended' },
  recordFee: { run: (c, x) => recordFee(c, { stage: 'requested', ground: 'extra-copies' }, x), action: 'FeeRequested' },
  markComplex: { run: (c, x) => markComplex(c, x), action: 'MarkedComplex' },
  complete: { run: (c, x) => complete(c, x), action: 'RequestCompleted' },
  partiallyComplete: { run: (c, x) => partiallyComplete(c, { reasons: REASONS }, x), action: 'RequestPartiallyCompleted' },
  refuse: { run: (c, x) => refuse(c, { ground: 'manifestly-excessive', reasons: REASONS }, x), action: 'RequestRefused' },
  forwardToController: {
    run: (c, x) => forwardToController(c, { controller: 'Acme Messaging Ltd', contact: 'privacy@acme.example' }, x),
    action: 'ForwardedToController',
  },
  withdraw: { run: (c, x) => withdraw(c, x), action: 'RequestWithdrawn' },
  // Offsets short enough that the requester's time to confirm has run out by the test's date.
  closeUnverified: { run: (c, x) => closeUnverified(c, x, { verifyReminderAfterDays: 1, closeUnverifiedAfterDays: 2 }), action: 'ClosedUnverified' },
  forwardPart: {
    run: (c, x) => forwardToController(c, { controller: 'Acme Messaging Ltd', contact: 'privacy@acme.example', icetrakPartRemains: true }, x),
    action: 'ForwardedToController',
  },
  reclassify: { run: (c, x) => reclassify(c, { rights: ['portability'] }, x), action: 'RightsReclassified' },
  merge: { run: (c, x) => mergeInto(c, { into: 'RD-2B3C4D' }, x), action: 'CaseMerged' },
  acknowledgeComplaint: { run: (c, x) => acknowledgeComplaint({ ...c, rights: ['complaint'] }, x), action: 'ComplaintAcknowledged' },
  closeComplaint: { run: (c, x) => closeComplaint({ ...c, rights: ['complaint'] }, { outcome: REASONS }, x), action: 'ComplaintAnswered' },
  reopen: { run: (c, x) => reopen(c, { reason: REASONS }, x), action: 'CaseReopened' },
};

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** Checks that hold for every successful move. */
function expectWellFormed(before: Case, result: Transition, context: TransitionContext, action: string, to: CaseStatus) {
  const { case: after, entry } = result;
  expect(after.status).toBe(to);
  expect(after.version).toBe(before.version); // the store bumps it
  expect(after.audit).toEqual(before.audit); // the store appends the entry
  expect(after.updatedAt).toBe(context.at);
  expect(after.id).toBe(before.id);
  expect({ clockStartsOn: after.clockStartsOn, dueOn: after.dueOn, extensionNoticeBy: after.extensionNoticeBy }).toEqual(
    computeDeadline(deadlineInputOf(after)),
  );
  expect(entry).toMatchObject({ at: context.at, actor: context.actor, action });
  expect(entry.detail).toMatchObject({ from: before.status, to });
  for (const value of Object.values(entry.detail ?? {})) expect(['string', 'number', 'boolean']).toContain(value === null ? 'string' : typeof value);
  const text = JSON.stringify(entry);
  for (const secret of [NAME, EMAIL, DETAILS, REASONS, 'Acme', 'privacy@']) expect(text).not.toContain(secret);
}

// ---------------------------------------------------------------------------------------
// The transition table
// ---------------------------------------------------------------------------------------

describe('transition table', () => {
  it('reads as intended (status → allowed moves → next status)', () => {
    expect(TRANSITIONS).toEqual({
      received: {
        confirmIdentity: 'in_progress',
        askForIdentity: 'awaiting_identity',
        extend: 'received',
        recordFee: 'received',
        markComplex: 'received',
        forwardPart: 'received',
        reclassify: 'received',
        acknowledgeComplaint: 'received',
        refuse: 'closed',
        forwardToController: 'closed',
        withdraw: 'closed',
        merge: 'closed',
        closeComplaint: 'closed',
      },
      awaiting_identity: {
        identityReceived: 'in_progress',
        extend: 'awaiting_identity',
        recordFee: 'awaiting_identity',
        markComplex: 'awaiting_identity',
        forwardPart: 'awaiting_identity',
        reclassify: 'awaiting_identity',
        acknowledgeComplaint: 'awaiting_identity',
        refuse: 'closed',
        forwardToController: 'closed',
        withdraw: 'closed',
        merge: 'closed',
        closeComplaint: 'closed',
        closeUnverified: 'closed',
      },
      in_progress: {
        askForIdentity: 'awaiting_identity',
        askForClarification: 'awaiting_clarification',
        extend: 'in_progress',
        recordFee: 'in_progress',
        markComplex: 'in_progress',
        forwardPart: 'in_progress',
        reclassify: 'in_progress',
        acknowledgeComplaint: 'in_progress',
        complete: 'closed',
        partiallyComplete: 'closed',
        refuse: 'closed',
        forwardToController: 'closed',
        withdraw: 'closed',
        merge: 'closed',
        closeComplaint: 'closed',
      },
      awaiting_clarification: {
        clarificationAnswered: 'in_progress',
        extend: 'awaiting_clarification',
        recordFee: 'awaiting_clarification',
        markComplex: 'awaiting_clarification',
        forwardPart: 'awaiting_clarification',
        reclassify: 'awaiting_clarification',
        acknowledgeComplaint: 'awaiting_clarification',
        partiallyComplete: 'closed',
        refuse: 'closed',
        forwardToController: 'closed',
        withdraw: 'closed',
        merge: 'closed',
        closeComplaint: 'closed',
      },
      closed: { reopen: 'in_progress' },
    });
  });

  it('every move is reachable from some status, and closed allows only reopening', () => {
    for (const move of MOVES)
      expect(
        STATUSES.some((s) => canMove(s, move)),
        move,
      ).toBe(true);
    expect(allowedMoves('closed')).toEqual(['reopen']);
    expect(allowedMoves('awaiting_identity')).toContain('closeUnverified');
    expect(allowedMoves('in_progress')).not.toContain('closeUnverified');
  });

  it('the fixtures are in the status they claim', () => {
    for (const status of STATUSES) expect(CASE_IN[status]().status).toBe(status);
  });
});

describe.each(STATUSES)('from %s', (status) => {
  const at = ctx('2026-09-10T12:00:00Z');

  it.each(MOVES.filter((m) => canMove(status, m)))('%s is allowed', (move) => {
    const before = deepFreeze(CASE_IN[status]()); // a move that mutated its input would throw
    const result = MOVE[move].run(before, at);
    expectWellFormed(before, result, at, MOVE[move].action, TRANSITIONS[status][move]!);
  });

  it.each(MOVES.filter((m) => !canMove(status, m)))('%s is refused with InvalidTransitionError', (move) => {
    const before = deepFreeze(CASE_IN[status]());
    expect(() => MOVE[move].run(before, at)).toThrow(InvalidTransitionError);
  });
});

// ---------------------------------------------------------------------------------------
// Receiving
// ---------------------------------------------------------------------------------------

describe('receive', () => {
  it('creates a received case with its deadline, version 1 and an empty trail', () => {
    const { case: c, entry } = receive(intake());
    expect(c).toMatchObject({
      id: '01KAQ3V6Y8ZJ4N7R2M5T9W8XCD',
      reference: 'RD-7K4M9P',
      version: 1,
      status: 'received',
      rights: ['access', 'erasure'],
      channel: 'email',
      nation: 'england-and-wales',
      details: DETAILS,
      receivedAt: '2026-09-03T09:15:00Z',
      receivedOn: '2026-09-03',
      clockStartsOn: '2026-09-03',
      dueOn: '2026-10-05',
      extensionNoticeBy: '2026-10-05',
      clarifications: [],
      extended: false,
      complex: false,
      flags: [],
      audit: [],
      createdAt: '2026-09-03T09:15:00Z',
      updatedAt: '2026-09-03T09:15:00Z',
    });
    expect(entry).toEqual({
      at: '2026-09-03T09:15:00Z',
      actor: 'requester',
      action: 'RequestReceived',
      detail: {
        to: 'received',
        channel: 'email',
        rights: 'access,erasure',
        identityConfirmed: false,
        clockStartsOn: '2026-09-03',
        dueOn: '2026-10-05',
      },
    });
  });

  it('dates the request by its London arrival date (23:30 UTC on 31 Mar 2026 is 1 Apr)', () => {
    const c = received({ receivedAt: '2026-03-31T23:30:00Z' });
    expect(c.receivedOn).toBe('2026-04-01');
    expect(c.dueOn).toBe('2026-05-01');
  });

  it('starts work at once when the channel already verified the requester', () => {
    const { case: c, entry } = receive(intake({ channel: 'form', identityConfirmed: true }));
    expect(c.status).toBe('in_progress');
    expect(c.clockStartsOn).toBe('2026-09-03');
    expect(entry.detail).toMatchObject({ to: 'in_progress', identityConfirmed: true });
  });

  it('records a letter logged later than it arrived: the clock runs from arrival', () => {
    const { case: c, entry } = receive(intake({ channel: 'post', receivedAt: '2026-09-03T08:00:00Z', at: '2026-09-07T09:30:00Z', actor: DPO }));
    expect(c).toMatchObject({ receivedOn: '2026-09-03', createdAt: '2026-09-07T09:30:00Z', dueOn: '2026-10-05' });
    expect(entry).toMatchObject({ at: '2026-09-07T09:30:00Z', actor: DPO });
  });

  it('uses the office’s nation', () => {
    expect(received({ receivedAt: '2026-10-30T10:00:00Z', nation: 'scotland' }).dueOn).toBe('2026-12-01');
  });

  it('takes an email that names no right as unclassified, for the DPO team to triage', () => {
    const { case: c, entry } = receive(intake({ rights: [], channel: 'email', flags: ['spam-review'] }));
    expect(c).toMatchObject({ rights: [], flags: ['unclassified', 'spam-review'], dueOn: '2026-10-05' });
    expect(entry.detail).toMatchObject({ rights: '', flags: 'unclassified,spam-review' });
  });

  it('starts a case with the flags it is given, each once', () => {
    expect(received({ flags: ['forwarded', 'forwarded'] }).flags).toEqual(['forwarded']);
  });

  it('keeps each right once and stores no undefined fields', () => {
    const c = received({ rights: ['access', 'access', 'complaint'], details: undefined });
    expect(c.rights).toEqual(['access', 'complaint']);
    expect('details' in c).toBe(false);
    expect(Object.values(c).some((v) => v === undefined)).toBe(false);
  });

  it.each([
    ['no right on a form', { rights: [], channel: 'form' }, InvalidIntakeError],
    ['no right on a letter', { rights: [], channel: 'post' }, InvalidIntakeError],
    ['an unknown right', { rights: ['access', 'telepathy'] as never }, InvalidIntakeError],
    ['an unknown channel', { channel: 'fax' }, InvalidIntakeError],
    ['a malformed reference', { reference: 'RD-0O1IL' }, InvalidIntakeError],
    ['a lower-case reference', { reference: 'rd-7k4m9p' }, InvalidIntakeError],
    ['no id', { id: ' ' }, InvalidIntakeError],
    ['an arrival time without a zone', { receivedAt: '2026-09-03T09:15:00' }, InvalidDateError],
    ['a malformed logging time', { at: 'later' }, InvalidDateError],
    ['an unknown nation', { nation: 'wales' as never }, InvalidNationError],
  ])('refuses %s', (_, over, error) => {
    expect(() => receive(intake(over as Partial<ReceiveInput>))).toThrow(error);
  });
});

// ---------------------------------------------------------------------------------------
// Identity, clarification, fee
// ---------------------------------------------------------------------------------------

describe('identity', () => {
  it('restarts the clock on the London date the ID arrives', () => {
    const asked = askForIdentity(received(), ctx('2026-09-03T10:00:00Z')).case;
    expect(asked).toMatchObject({ status: 'awaiting_identity', identityRequestedOn: '2026-09-03', dueOn: '2026-10-05' });

    const { case: c, entry } = identityReceived(asked, ctx('2026-09-10T23:30:00Z')); // 00:30 BST on 11 Sep
    expect(c).toMatchObject({
      status: 'in_progress',
      identityReceivedOn: '2026-09-11',
      clockStartsOn: '2026-09-11',
      dueOn: '2026-10-12', // Sun 11 Oct → Mon 12 Oct
    });
    expect(entry.detail).toMatchObject({ from: 'awaiting_identity', to: 'in_progress', clockStartsOn: '2026-09-11', dueOn: '2026-10-12' });
  });

  it('confirming identity without asking leaves the clock at receipt', () => {
    const c = confirmIdentity(received(), ctx('2026-09-08T10:00:00Z')).case;
    expect(c).toMatchObject({ status: 'in_progress', clockStartsOn: '2026-09-03', dueOn: '2026-10-05' });
    expect(c.identityReceivedOn).toBeUndefined();
  });

  it('can be asked for again once work has started; the new ID restarts the clock', () => {
    const again = askForIdentity(inProgress(), ctx('2026-09-07T10:00:00Z')).case;
    const c = identityReceived(again, ctx('2026-09-09T10:00:00Z')).case;
    expect(c).toMatchObject({ status: 'in_progress', clockStartsOn: '2026-09-09', dueOn: '2026-10-09' });
  });
});

describe('clarification', () => {
  it('stops the clock while the question is open and pushes the date by every paused day', () => {
    const asked = askForClarification(inProgress(), ctx('2026-09-10T09:00:00Z'));
    expect(asked.case).toMatchObject({
      status: 'awaiting_clarification',
      clarifications: [{ askedOn: '2026-09-10' }],
      dueOn: null,
      extensionNoticeBy: null,
    });
    expect(asked.entry.detail).toMatchObject({ dueOn: null });

    const answered = clarificationAnswered(asked.case, ctx('2026-09-12T15:00:00Z', 'requester'));
    expect(answered.case).toMatchObject({
      status: 'in_progress',
      clarifications: [{ askedOn: '2026-09-10', answeredOn: '2026-09-12' }],
      dueOn: '2026-10-06', // 3 Oct + 3 paused days
      extensionNoticeBy: '2026-10-06',
    });
    expect(answered.entry).toMatchObject({ actor: 'requester', action: 'ClarificationAnswered' });

    const second = clarificationAnswered(askForClarification(answered.case, ctx('2026-09-20T09:00:00Z')).case, ctx('2026-09-20T17:00:00Z'));
    expect(second.case.dueOn).toBe('2026-10-07'); // one more day
    expect(second.case.clarifications).toHaveLength(2);
  });

  it('an answer dated before the question is refused', () => {
    const asked = askForClarification(inProgress(), ctx('2026-09-10T09:00:00Z')).case;
    expect(() => clarificationAnswered(asked, ctx('2026-09-09T09:00:00Z'))).toThrow(InvalidClarificationError);
  });
});

describe('fee', () => {
  it('a fee received restarts the clock', () => {
    const requested = recordFee(inProgress(), { stage: 'requested', ground: 'manifestly-excessive' }, ctx('2026-09-05T10:00:00Z'));
    expect(requested.case).toMatchObject({ feeRequestedOn: '2026-09-05', dueOn: null }); // no clock while unpaid
    expect(requested.entry.action).toBe('FeeRequested');

    const paid = recordFee(requested.case, { stage: 'received' }, ctx('2026-09-14T10:00:00Z', 'system'));
    expect(paid.case).toMatchObject({ feeReceivedOn: '2026-09-14', clockStartsOn: '2026-09-14', dueOn: '2026-10-14' });
    expect(paid.entry).toMatchObject({ action: 'FeeReceived', actor: 'system' });

    // A later fee (e.g. for extra copies) can be requested once the first is paid.
    expect(recordFee(paid.case, { stage: 'requested', ground: 'extra-copies' }, ctx('2026-09-20T10:00:00Z')).case.feeRequestedOn).toBe('2026-09-20');
  });

  it('refuses a payment nobody asked for, and a second request while one is outstanding', () => {
    expect(() => recordFee(inProgress(), { stage: 'received' }, ctx('2026-09-05T10:00:00Z'))).toThrow(InvalidTransitionError);
    const requested = recordFee(inProgress(), { stage: 'requested', ground: 'manifestly-excessive' }, ctx('2026-09-05T10:00:00Z')).case;
    expect(() => recordFee(requested, { stage: 'requested', ground: 'extra-copies' }, ctx('2026-09-06T10:00:00Z'))).toThrow(InvalidTransitionError);
    expect(() => recordFee(requested, { stage: 'refunded' as never }, ctx('2026-09-06T10:00:00Z'))).toThrow(InvalidTransitionError);
  });
});

// ---------------------------------------------------------------------------------------
// Extension and complexity
// ---------------------------------------------------------------------------------------

describe('extend', () => {
  it('extends to three months from the clock start and keeps the notice limit', () => {
    const { case: c, entry } = extend(inProgress(), { reason: `  ${REASONS}  `, severalRequests: true }, ctx('2026-09-20T10:00:00Z'));
    expect(c).toMatchObject({
      extended: true,
      extensionReason: REASONS,
      status: 'in_progress',
      dueOn: '2026-12-03', // Thu 3 Dec 2026
      extensionNoticeBy: '2026-10-05',
    });
    expect(entry.detail).toMatchObject({ extensionNoticeBy: '2026-10-05', dueOn: '2026-12-03' });
  });

  it('is allowed up to the end of the notice limit’s London day, not after', () => {
    // 5 Oct 2026 is in BST: 22:30 UTC is 23:30 on the 5th; 23:30 UTC is already the 6th.
    expect(extend(inProgress(), { reason: REASONS, severalRequests: true }, ctx('2026-10-05T22:30:00Z')).case.extended).toBe(true);
    expect(() => extend(inProgress(), { reason: REASONS, severalRequests: true }, ctx('2026-10-05T23:30:00Z'))).toThrow(ExtensionTooLateError);
    expect(() => extend(inProgress(), { reason: REASONS, severalRequests: true }, ctx('2026-11-01T10:00:00Z'))).toThrow(/Monday 5 October 2026/);
  });

  it('needs reasons', () => {
    expect(() => extend(inProgress(), { reason: '   ', severalRequests: true }, ctx('2026-09-20T10:00:00Z'))).toThrow(MissingReasonError);
    expect(() => extend(inProgress(), { reason: undefined as never, severalRequests: true }, ctx('2026-09-20T10:00:00Z'))).toThrow(MissingReasonError);
  });

  it('happens once only', () => {
    const extended = extend(inProgress(), { reason: REASONS, severalRequests: true }, ctx('2026-09-20T10:00:00Z')).case;
    expect(() => extend(extended, { reason: REASONS, severalRequests: true }, ctx('2026-09-21T10:00:00Z'))).toThrow(InvalidTransitionError);
  });

  it('while paused, checks against the limit as if the question were answered today', () => {
    const paused = askForClarification(inProgress(), ctx('2026-09-10T09:00:00Z')).case;
    // 8 Oct is past the unpaused limit (5 Oct) but the 29 paused days so far push it to 2 Nov.
    const { case: c, entry } = extend(paused, { reason: REASONS, severalRequests: true }, ctx('2026-10-08T10:00:00Z'));
    expect(c).toMatchObject({ extended: true, status: 'awaiting_clarification', dueOn: null });
    expect(entry.detail).toMatchObject({ extensionNoticeBy: '2026-11-02' });
  });

  it('a question asked after the limit has passed does not revive the right to extend', () => {
    const late = askForClarification(inProgress(), ctx('2026-10-20T09:00:00Z')).case;
    expect(() => extend(late, { reason: REASONS, severalRequests: true }, ctx('2026-10-21T10:00:00Z'))).toThrow(ExtensionTooLateError);
  });

  it('checks the status before the reasons', () => {
    const closed = CASE_IN.closed();
    expect(() => extend(closed, { reason: '' }, ctx('2026-09-20T10:00:00Z'))).toThrow(InvalidTransitionError);
  });
});

describe('markComplex', () => {
  it('sets the flag once', () => {
    const c = markComplex(inProgress(), ctx('2026-09-08T10:00:00Z')).case;
    expect(c.complex).toBe(true);
    expect(c.dueOn).toBe('2026-10-05');
    expect(() => markComplex(c, ctx('2026-09-09T10:00:00Z'))).toThrow(InvalidTransitionError);
  });
});

// ---------------------------------------------------------------------------------------
// Closing
// ---------------------------------------------------------------------------------------

describe('closing', () => {
  const at = ctx('2026-09-30T14:00:00Z');

  it('records the outcome, when, and keeps the due date for the record', () => {
    const { case: c, entry } = complete(inProgress(), at);
    expect(c).toMatchObject({ status: 'closed', outcome: 'completed', closedAt: at.at, dueOn: '2026-10-05' });
    expect(entry.detail).toMatchObject({ outcome: 'completed', closedOn: '2026-09-30', dueOn: '2026-10-05' });
  });

  it.each([
    ['partiallyComplete', partiallyComplete, 'partially_completed'],
    ['refuse', (c: Case, input: { reasons: string }, x: TransitionContext) => refuse(c, { ground: 'manifestly-unfounded', ...input }, x), 'refused'],
  ] as const)('%s stores trimmed reasons and refuses blank ones', (_, move, outcome) => {
    expect(move(inProgress(), { reasons: ` ${REASONS} ` }, at).case).toMatchObject({ outcome, outcomeReasons: REASONS });
    expect(() => move(inProgress(), { reasons: ' \n ' }, at)).toThrow(MissingReasonError);
  });

  it('forwarding names the controller and its privacy contact', () => {
    const c = forwardToController(received(), { controller: ' Acme Messaging Ltd ', contact: 'privacy@acme.example' }, at).case;
    expect(c).toMatchObject({ outcome: 'forwarded', forwardedTo: { controller: 'Acme Messaging Ltd', contact: 'privacy@acme.example' } });
    expect(() => forwardToController(received(), { controller: 'Acme', contact: ' ' }, at)).toThrow(MissingControllerError);
    expect(() => forwardToController(received(), { controller: '', contact: 'privacy@acme.example' }, at)).toThrow(MissingControllerError);
  });

  it('withdrawal and closing unverified need no reasons', () => {
    expect(withdraw(CASE_IN.awaiting_clarification(), ctx(at.at, 'requester')).case.outcome).toBe('withdrawn');
    expect(closeUnverified(CASE_IN.awaiting_identity(), ctx('2026-10-05T09:00:00Z')).case.outcome).toBe('closed_unverified');
  });

  it('nothing can be done to a closed case but reopening it', () => {
    const closed = CASE_IN.closed();
    for (const move of MOVES.filter((m) => m !== 'reopen')) expect(() => MOVE[move].run(closed, at), move).toThrow(/closed; reopen it first/);
  });

  it('a malformed time is refused before anything changes', () => {
    expect(() => complete(inProgress(), ctx('2026-09-30 14:00'))).toThrow(InvalidDateError);
  });
});

describe('reopening', () => {
  const at = ctx('2026-09-30T14:00:00Z');
  const closedAt = '2026-09-20T10:00:00Z';
  const answered = () =>
    closeCase(
      inProgress(),
      {
        outcome: 'partially-completed',
        summary: { done: 'Sent a copy', withheld: 'Invoices kept', keptBecause: ['legal-obligation'], systemsSearched: ['accounts'] },
      },
      ctx(closedAt),
    ).case;

  it('brings the same request back in progress, with its clock, and forgets the closing and its expiry', () => {
    const before = answered();
    expect(before.expiresAt).toBeDefined();
    const t = reopen(before, { reason: REASONS }, ctx('2026-09-25T09:00:00Z'));
    expectWellFormed(before, t, ctx('2026-09-25T09:00:00Z'), 'CaseReopened', 'in_progress');
    const after = t.case;
    for (const key of ['outcome', 'outcomeReasons', 'closedAt', 'respondedOn', 'closing', 'expiresAt'] as const) expect(after[key], key).toBeUndefined();
    expect({ clockStartsOn: after.clockStartsOn, dueOn: after.dueOn }).toEqual({ clockStartsOn: before.clockStartsOn, dueOn: before.dueOn });
    expect(t.entry.detail).toMatchObject({ previousOutcome: 'partially_completed', closedAt });
    expect(after.notes?.at(-1)).toMatchObject({ kind: 'reopened', text: REASONS });
    expect(allowedActions(after)).toContain('close');
  });

  it('needs a reason, and refuses an open case and a merged one', () => {
    expect(() => reopen(answered(), { reason: ' ' }, at)).toThrow(MissingReasonError);
    expect(() => reopen(inProgress(), { reason: REASONS }, at)).toThrow(InvalidTransitionError);
    const merged = mergeInto(inProgress(), { into: 'RD-2B3C4D' }, at).case;
    expect(allowedActions(merged)).not.toContain('reopen');
    expect(() => reopen(merged, { reason: REASONS }, at)).toThrow(/merged into RD-2B3C4D: reopen that case instead/);
    expect(allowedActions(answered())).toContain('reopen');
  });

  it('gives the reopened case a new keeper round', () => {
    const started = (c: Case): Case => ({ ...c, audit: [...c.audit, { at: c.updatedAt, actor: 'system', action: 'KeeperStarted' }] });
    const open = started(inProgress());
    expect([needsKeeper(inProgress()), needsKeeper(open), keeperRound(open)]).toEqual([true, false, 0]);
    const closed = { ...answered(), audit: open.audit };
    expect(needsKeeper(closed)).toBe(false);
    const t = reopen(closed, { reason: REASONS }, ctx('2026-09-25T09:00:00Z'));
    const reopened = { ...t.case, audit: [...t.case.audit, t.entry] };
    expect([needsKeeper(reopened), keeperRound(reopened)]).toEqual([true, 1]);
    expect(needsKeeper(started(reopened))).toBe(false);
  });
});
