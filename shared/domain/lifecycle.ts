/**
 * The case lifecycle (DESIGN.md, Case lifecycle):
 *
 *   received → awaiting_identity → in_progress ⇄ awaiting_clarification → closed(outcome)
 *
 * `extended` and `complex` are flags on an open case, not states.
 *
 * Every move is a pure function `(case, input?, context) → { case, entry }`: time and the
 * actor come in as arguments (no clock, no I/O). The returned case keeps its `version`
 * and its `audit` unchanged: the store writes the new case and appends `entry` to the
 * trail in one conditional write, checking and bumping the version (DESIGN.md, Data
 * model). For `receive`, the store creates the item with `audit: [entry]`.
 *
 * Every move recomputes `clockStartsOn`, `dueOn` and `extensionNoticeBy` from the case's
 * dates, so the stored deadline can never drift from the rules in deadlines.ts.
 * A move the status does not allow throws InvalidTransitionError; the allowed moves are
 * the data in TRANSITIONS.
 */
import {
  CHANNELS,
  FEE_GROUNDS,
  isComplaint,
  KEPT_REASONS,
  REFUSAL_GROUNDS,
  RIGHTS,
  type Actor,
  type AuditEntry,
  type Case,
  type CaseStatus,
  type Channel,
  type ClosingSummary,
  type FeeGround,
  type Outcome,
  type RefusalGround,
  type Requester,
  type Right,
} from './case';
import { recordEvent, type AuditAction } from './audit';
import { complaintAcknowledgeBy, computeDeadline, deadlineInputOf, feeOutstanding, formatLongDate, londonDateOf, type Nation } from './deadlines';
import { DEFAULT_NATION, assertIsoDate, assertNation } from './calendar';
import { closeUnverifiedCheckpoint, type KeeperOffsets } from './checkpoints';
import {
  ExtensionTooLateError,
  IdentityWindowOpenError,
  InvalidClarificationError,
  InvalidIntakeError,
  InvalidMergeError,
  InvalidTransitionError,
  MissingControllerError,
  MissingGroundError,
  MissingReasonError,
  NotAComplaintError,
  NotComplexError,
  NotForComplaintsError,
  AlreadyOnHoldError,
  InvalidDateError,
  NotOnHoldError,
} from './errors';
import { isReference } from './reference';
import { caseExpiry, type RetentionSchedule } from './retention';

export { COMPLAINT_ACKNOWLEDGE_DAYS, complaintAcknowledgeBy, deadlineInputOf } from './deadlines';
export { isComplaint } from './case';

/** When and by whom a move is made. `at` is an ISO 8601 instant with an offset. */
export interface TransitionContext {
  at: string;
  actor: Actor;
  /**
   * The deployment's retention schedule (RETENTION_* settings): a closing and a hold's release take
   * the case's expiry from it. @default RETENTION (shared/domain/retention.ts)
   */
  retention?: RetentionSchedule;
}

/** The new case (same version, same audit) and the audit entry the store appends. */
export interface Transition {
  case: Case;
  entry: AuditEntry;
}

export const MOVES = [
  'confirmIdentity',
  'askForIdentity',
  'identityReceived',
  'askForClarification',
  'clarificationAnswered',
  'extend',
  'recordFee',
  'markComplex',
  'complete',
  'partiallyComplete',
  'refuse',
  'forwardToController',
  'withdraw',
  'closeUnverified',
  'forwardPart',
  'reclassify',
  'merge',
  'acknowledgeComplaint',
  'closeComplaint',
  'reopen',
] as const;
export type Move = (typeof MOVES)[number];

// Moves that change a flag or a date but not the status, allowed on every open case.
const KEEP = <S extends CaseStatus>(status: S) =>
  ({ extend: status, recordFee: status, markComplex: status, forwardPart: status, reclassify: status, acknowledgeComplaint: status }) as const;
// Ends every open case may reach: a refusal, a forward to the controller, a withdrawal, a
// merge into the case it duplicates or a complaint's answer can happen at any point.
const ANY_TIME_ENDS = { refuse: 'closed', forwardToController: 'closed', withdraw: 'closed', merge: 'closed', closeComplaint: 'closed' } as const;

/**
 * Status → allowed move → status after the move. A move absent from a status's row is
 * refused with InvalidTransitionError; `closed` allows only reopening.
 */
export const TRANSITIONS: { readonly [S in CaseStatus]: Readonly<Partial<Record<Move, CaseStatus>>> } = {
  received: {
    confirmIdentity: 'in_progress',
    askForIdentity: 'awaiting_identity',
    ...KEEP('received'),
    ...ANY_TIME_ENDS,
  },
  awaiting_identity: {
    identityReceived: 'in_progress',
    ...KEEP('awaiting_identity'),
    ...ANY_TIME_ENDS,
    closeUnverified: 'closed',
  },
  in_progress: {
    // Doubt about identity can surface after work has started; the clock restarts when
    // the ID arrives (docs/rules.md, The deadline, 1).
    askForIdentity: 'awaiting_identity',
    askForClarification: 'awaiting_clarification',
    ...KEEP('in_progress'),
    complete: 'closed',
    partiallyComplete: 'closed',
    ...ANY_TIME_ENDS,
  },
  awaiting_clarification: {
    clarificationAnswered: 'in_progress',
    ...KEEP('awaiting_clarification'),
    // What can be provided meanwhile may be all the requester ever gets (docs/rules.md,
    // Identity and clarification); a full completion waits for the answer.
    partiallyComplete: 'closed',
    ...ANY_TIME_ENDS,
  },
  // A closed case only comes back by being reopened (reopen): the same request, the same clock.
  closed: { reopen: 'in_progress' },
};

export function allowedMoves(status: CaseStatus): Move[] {
  return MOVES.filter((move) => TRANSITIONS[status][move] !== undefined);
}

export function canMove(status: CaseStatus, move: Move): boolean {
  return TRANSITIONS[status][move] !== undefined;
}

export function isOpen(status: CaseStatus): boolean {
  return status !== 'closed';
}

/** What the desk offers, by name (one button or form each). */
export const DESK_ACTIONS = [
  'confirm-identity',
  'request-identity',
  'request-clarification',
  'record-clarification',
  'mark-complex',
  'extend',
  'refuse',
  'reply',
  'reclassify',
  'merge',
  'close',
  'acknowledge-complaint',
  'close-complaint',
  'forward',
  'place-hold',
  'release-hold',
  'reopen',
] as const;
export type DeskAction = (typeof DESK_ACTIONS)[number];

/**
 * The desk actions allowed now for this case: the moves its status allows (TRANSITIONS),
 * less what the case's own rules refuse (an extension only for a complex case not yet
 * extended, no identity check for a complaint, each complaint step once), so the desk shows
 * only what will succeed. Time-dependent refusals (an extension too late) are left to the move.
 */
export function allowedActions(c: Case): DeskAction[] {
  // A legal hold is about keeping records, not the request: open or closed alike.
  const hold: DeskAction[] = c.legalHold === undefined ? ['place-hold'] : ['release-hold'];
  // A case merged into another is answered there: reopen that one instead.
  if (!isOpen(c.status)) return c.outcome === 'merged' ? hold : [...hold, 'reopen'];
  const can = (move: Move) => canMove(c.status, move);
  const complaint = isComplaint(c);
  const allowed: Record<DeskAction, boolean> = {
    'confirm-identity': can('confirmIdentity') || can('identityReceived'),
    'request-identity': can('askForIdentity') && !complaint,
    'request-clarification': can('askForClarification'),
    'record-clarification': can('clarificationAnswered'),
    'mark-complex': can('markComplex') && !c.complex && !complaint,
    extend: can('extend') && c.complex && !c.extended && !complaint,
    refuse: can('refuse') && !complaint,
    reply: true,
    reclassify: can('reclassify'),
    merge: can('merge'),
    close: (can('complete') || can('partiallyComplete') || can('withdraw')) && !complaint,
    'acknowledge-complaint': can('acknowledgeComplaint') && complaint && c.complaintAcknowledgedOn == null,
    'close-complaint': can('closeComplaint') && complaint,
    forward: (can('forwardToController') || can('forwardPart')) && !complaint,
    'place-hold': hold.includes('place-hold'),
    'release-hold': hold.includes('release-hold'),
    reopen: false,
  };
  return DESK_ACTIONS.filter((a) => allowed[a]);
}

/** A question asked today would be late: the due date has passed (docs/rules.md, The deadline, 7). */
function pastDue(c: Case, today: string): boolean {
  return c.dueOn != null && today > c.dueOn;
}

// ---------------------------------------------------------------------------------------
// Creating a case
// ---------------------------------------------------------------------------------------

export interface ReceiveInput {
  id: string;
  reference: string;
  rights: Right[];
  channel: Channel;
  requester: Requester;
  details?: string;
  /** When the request arrived (an email's arrival, a form POST, the day the letter came). */
  receivedAt: string;
  nation?: Nation;
  actor: Actor;
  /** When the case was logged, if later than the request arrived (post, phone); default receivedAt. */
  at?: string;
  /** The channel already verified the requester (e.g. the form's email confirmation): start work at once. */
  identityConfirmed?: boolean;
  /** Flags the case starts with (e.g. 'spam-review' for mail the spam scanner flagged). */
  flags?: string[];
}

/**
 * The flag on a case whose rights nobody has named yet: an email the triage keywords did not
 * recognise (shared/domain/triage.ts). Only email may arrive so: a form names its rights, and
 * whoever logs a letter or a call picks them. The DPO team classifies it by hand.
 */
export const UNCLASSIFIED = 'unclassified';

/** Flags a web-form case can start with; the DPO team works from them. */
export const INTAKE_FLAGS = {
  /** No email address: every letter goes by post to requester.postalAddress (the outbox routes it), and no confirmation link was sent. */
  replyByPost: 'reply-by-post',
  /** Made for someone else (requester.onBehalfOf): the DPO checks the authority claimed before disclosing anything. */
  onBehalf: 'on-behalf',
} as const;

/** A new case from an intake. The clock starts on the London date the request arrived. */
export function receive(input: ReceiveInput): Transition {
  if (typeof input.id !== 'string' || input.id.trim() === '') throw new InvalidIntakeError('A case needs an id.');
  if (!isReference(input.reference)) throw new InvalidIntakeError('The case reference is not in the form RD-XXXXXX.');
  if (!(CHANNELS as readonly string[]).includes(input.channel)) throw new InvalidIntakeError('Unknown channel.');
  const rights = [...new Set(input.rights ?? [])];
  if (rights.length === 0 && input.channel !== 'email') {
    throw new InvalidIntakeError('A request must name at least one right (or a complaint).');
  }
  if (rights.some((r) => !(RIGHTS as readonly string[]).includes(r))) throw new InvalidIntakeError('Unknown right.');

  const nation = assertNation(input.nation ?? DEFAULT_NATION);
  const receivedOn = londonDateOf(input.receivedAt, 'received time');
  const at = input.at ?? input.receivedAt;
  londonDateOf(at, 'time of the move');
  if (Date.parse(input.receivedAt) > Date.parse(at)) throw new InvalidIntakeError('A request cannot be logged before it arrived.');
  const status: CaseStatus = input.identityConfirmed ? 'in_progress' : 'received';

  const base: Case = {
    id: input.id,
    reference: input.reference,
    version: 1,
    status,
    rights,
    channel: input.channel,
    requester: input.requester,
    nation,
    receivedAt: input.receivedAt,
    receivedOn,
    clarifications: [],
    extended: false,
    complex: false,
    clockStartsOn: receivedOn,
    dueOn: null,
    extensionNoticeBy: null,
    flags: [...new Set([...(rights.length === 0 ? [UNCLASSIFIED] : []), ...(input.flags ?? [])])],
    createdAt: at,
    updatedAt: at,
    audit: [],
  };
  if (input.details !== undefined) base.details = input.details;
  const created: Case = { ...base, ...computeDeadline(deadlineInputOf(base)) };

  return {
    case: created,
    entry: auditEntry({ at, actor: input.actor }, 'RequestReceived', {
      to: status,
      channel: input.channel,
      rights: rights.join(','),
      identityConfirmed: input.identityConfirmed === true,
      clockStartsOn: created.clockStartsOn,
      dueOn: created.dueOn,
      ...(created.flags.length ? { flags: created.flags.join(',') } : {}),
    }),
  };
}

// ---------------------------------------------------------------------------------------
// Identity
// ---------------------------------------------------------------------------------------

/** Identity is not in doubt (e.g. the sender's address matches the account): start work. The clock does not restart. */
export function confirmIdentity(c: Case, ctx: TransitionContext): Transition {
  return apply(c, 'confirmIdentity', ctx, 'IdentityConfirmed', () => ({}));
}

/**
 * Ask for proportionate proof of identity (docs/rules.md, Identity and clarification). Not for a
 * complaint. Asked after the due date it is a question only: the ID it brings does not restart
 * the clock (docs/rules.md, The deadline, 7).
 */
export function askForIdentity(c: Case, ctx: TransitionContext): Transition {
  return apply(c, 'askForIdentity', ctx, 'IdentityRequested', (today) => {
    if (isComplaint(c)) throw new NotForComplaintsError('A complaint is not a rights request: there is no identity check.');
    const late = pastDue(c, today);
    return late
      ? { changes: { identityRequestedOn: today, identityRequestedLate: true }, detail: { late: true } }
      : { changes: { identityRequestedOn: today }, remove: ['identityRequestedLate'] };
  });
}

/** The ID asked for arrived: the clock restarts on that London date (docs/rules.md, The deadline, 1), unless it was asked for late (7). */
export function identityReceived(c: Case, ctx: TransitionContext): Transition {
  return apply(c, 'identityReceived', ctx, 'IdentityReceived', (today) =>
    c.identityRequestedLate === true ? { changes: { lateIdentityReceivedOn: today }, detail: { late: true } } : { changes: { identityReceivedOn: today } },
  );
}

/**
 * Whether the email-address check (the confirmation link) is what the case awaits: the last
 * identity request was the intake's own, not a DPO's request for stronger proof. A used or
 * unused link never satisfies a DPO's request (docs/rules.md, Intake and identity).
 */
export function awaitsEmailLink(c: Case): boolean {
  if (c.status !== 'awaiting_identity') return false;
  const asked = c.audit.filter((e) => e.action === 'IdentityRequested').at(-1);
  return asked === undefined || !asked.actor.startsWith('staff:');
}

// ---------------------------------------------------------------------------------------
// Clarification ("stop the clock")
// ---------------------------------------------------------------------------------------

/**
 * Ask what information is wanted; the clock stops from today (docs/rules.md, The deadline, 4).
 * Asked after the due date it is recorded as a late question: no pause, the case stays overdue (7).
 */
export function askForClarification(c: Case, ctx: TransitionContext): Transition {
  return apply(c, 'askForClarification', ctx, 'ClarificationRequested', (today) => {
    const late = pastDue(c, today);
    return {
      changes: { clarifications: [...c.clarifications, late ? { askedOn: today, late: true } : { askedOn: today }] },
      ...(late ? { detail: { late: true } } : {}),
    };
  });
}

/** The answer arrived; today is the last paused day (both ends count). */
export function clarificationAnswered(c: Case, ctx: TransitionContext): Transition {
  return apply(c, 'clarificationAnswered', ctx, 'ClarificationAnswered', (today) => ({
    changes: { clarifications: c.clarifications.map((q) => (q.answeredOn == null ? { ...q, answeredOn: today } : q)) },
  }));
}

/**
 * The answer arrived on `receivedOn` (logged later, e.g. a letter): that day is the last paused
 * day. It cannot be before the question was asked nor after today.
 */
export function recordClarificationAnswer(c: Case, input: { receivedOn: string }, ctx: TransitionContext): Transition {
  return apply(c, 'clarificationAnswered', ctx, 'ClarificationAnswered', (today) => {
    const receivedOn = assertIsoDate(input.receivedOn, 'answer received date');
    if (receivedOn > today) throw new InvalidClarificationError('An answer cannot be recorded as received after today.');
    if (c.clarifications.some((q) => q.answeredOn == null && receivedOn < q.askedOn)) {
      throw new InvalidClarificationError('An answer cannot be received before the question was asked.');
    }
    return {
      changes: { clarifications: c.clarifications.map((q) => (q.answeredOn == null ? { ...q, answeredOn: receivedOn } : q)) },
      detail: { answeredOn: receivedOn },
    };
  });
}

// ---------------------------------------------------------------------------------------
// Extension, fee, complexity
// ---------------------------------------------------------------------------------------

/**
 * Extend by two months (three from the clock start) for a complex request (the case is marked
 * complex) or several requests from the same person (`severalRequests`) (docs/rules.md, The
 * deadline, 3). Only once, with reasons, and no later than the extension-notice limit
 * (docs/rules.md, The deadline, 6): the requester must be told before the first month ends.
 */
export function extend(c: Case, input: { reason: string; severalRequests?: boolean }, ctx: TransitionContext): Transition {
  return apply(c, 'extend', ctx, 'DeadlineExtended', (today) => {
    if (c.extended) throw new InvalidTransitionError('The case has already been extended; it can be extended only once.');
    if (!c.complex && input.severalRequests !== true) {
      throw new NotComplexError('Only a complex request, or one of several from the same person, can be extended: mark it complex first.');
    }
    const reason = requireText(input.reason, 'An extension needs reasons to give the requester.');
    const limit = extensionLimit(c, today);
    if (today > limit) {
      throw new ExtensionTooLateError(`The extension had to be notified by ${formatLongDate(limit)}.`);
    }
    const ground = c.complex ? 'complex' : 'several-requests';
    return { changes: { extended: true, extensionReason: reason, extensionGround: ground }, detail: { extensionNoticeBy: limit, ground } };
  });
}

/**
 * The last day an extension can be notified. While a clarification is outstanding there is
 * no limit yet; it will be at least the limit as if answered today (answering later only
 * pushes it further out), so that lower bound is what is checked. Likewise a requested fee
 * as if paid today.
 */
function extensionLimit(c: Case, today: string): string {
  const clarifications = c.clarifications.map((q) => (q.answeredOn == null ? { ...q, answeredOn: today > q.askedOn ? today : q.askedOn } : q));
  const input = deadlineInputOf(c);
  const feeReceivedOn = feeOutstanding(input) ? today : c.feeReceivedOn;
  const { extensionNoticeBy } = computeDeadline({ ...input, clarifications, feeReceivedOn, extended: false });
  // Never null: every clarification above has an answer date and no fee is outstanding.
  return extensionNoticeBy as string;
}

export type FeeStage = 'requested' | 'received';

/**
 * A fee was asked for or paid. Asking needs a ground (manifestly unfounded or excessive, or
 * extra copies: docs/rules.md, Refusals and fees); while it is unpaid the clock does not run
 * (dueOn is null), and payment starts it again on the day it arrives (The deadline, 1 and 8).
 */
export function recordFee(c: Case, input: { stage: FeeStage; ground?: FeeGround }, ctx: TransitionContext): Transition {
  if (input.stage === 'requested') {
    return apply(c, 'recordFee', ctx, 'FeeRequested', (today) => {
      if (feeOutstanding(c)) throw new InvalidTransitionError('A fee has already been requested and not yet received.');
      const ground = input.ground;
      if (ground === undefined || !(FEE_GROUNDS as readonly string[]).includes(ground)) {
        throw new MissingGroundError('A fee can be asked for only for a manifestly unfounded or excessive request, or for extra copies.');
      }
      return { changes: { feeRequestedOn: today, feeGround: ground }, detail: { ground } };
    });
  }
  if (input.stage === 'received') {
    return apply(c, 'recordFee', ctx, 'FeeReceived', (today) => {
      if (!feeOutstanding(c)) throw new InvalidTransitionError('No fee has been requested, so none can be received.');
      return { changes: { feeReceivedOn: today } };
    });
  }
  throw new InvalidTransitionError('Unknown fee stage.');
}

/** Flag the request as complex: the keeper warns before the extension-notice limit passes. */
export function markComplex(c: Case, ctx: TransitionContext): Transition {
  return apply(c, 'markComplex', ctx, 'MarkedComplex', () => {
    if (c.complex) throw new InvalidTransitionError('The case is already marked complex.');
    return { changes: { complex: true } };
  });
}

/** The DPO team names the rights an unclassified (or misread) request asks for; at least one. */
export function reclassify(c: Case, input: { rights: Right[] }, ctx: TransitionContext): Transition {
  return apply(c, 'reclassify', ctx, 'RightsReclassified', () => {
    const rights = [...new Set(Array.isArray(input.rights) ? input.rights : [])];
    if (rights.length === 0) throw new InvalidIntakeError('Name at least one right (or a complaint).');
    if (rights.some((r) => !(RIGHTS as readonly string[]).includes(r))) throw new InvalidIntakeError('Unknown right.');
    return {
      changes: { rights, flags: c.flags.filter((f) => f !== UNCLASSIFIED) },
      detail: { rights: rights.join(','), previous: c.rights.join(',') },
    };
  });
}

/** A reply to the requester went out (a letter, an email from the desk): recorded, nothing else changes. */
export function recordReply(c: Case, ctx: TransitionContext): Transition {
  if (!isOpen(c.status)) throw new InvalidTransitionError('The case is closed; nothing more can be done to it.');
  londonDateOf(ctx.at, 'time of the move');
  return recordEvent(c, ctx.at, ctx.actor, 'ReplySent');
}

// ---------------------------------------------------------------------------------------
// Complaints (DPA 2018 s.164A)
// ---------------------------------------------------------------------------------------

/** The complaint was acknowledged (once). */
export function acknowledgeComplaint(c: Case, ctx: TransitionContext): Transition {
  return apply(c, 'acknowledgeComplaint', ctx, 'ComplaintAcknowledged', (today) => {
    if (!isComplaint(c)) throw new NotAComplaintError('Only a complaint is acknowledged this way.');
    if (c.complaintAcknowledgedOn != null) throw new InvalidTransitionError('The complaint has already been acknowledged.');
    return { changes: { complaintAcknowledgedOn: today }, detail: { acknowledgeBy: complaintAcknowledgeBy(c) } };
  });
}

/** The complaint was answered with its outcome: closed as completed, with the summary kept for the record. */
export function closeComplaint(c: Case, input: { outcome: string }, ctx: TransitionContext): Transition {
  return close(c, 'closeComplaint', ctx, 'ComplaintAnswered', 'completed', () => {
    if (!isComplaint(c)) throw new NotAComplaintError('Only a complaint is answered this way.');
    const done = requireText(input.outcome, 'Answering a complaint needs its outcome.');
    return { closing: { done, systemsSearched: [] } };
  });
}

// ---------------------------------------------------------------------------------------
// Closing
// ---------------------------------------------------------------------------------------

// The retention schedule lives in retention.ts; these names stay importable from the lifecycle.
export { RECORD_RETENTION_YEARS, retentionExpiry } from './retention';

/** Everything asked for was provided or done. */
export function complete(c: Case, ctx: TransitionContext): Transition {
  return close(c, 'complete', ctx, 'RequestCompleted', 'completed');
}

/** Part was done; reasons say what was not and why (e.g. data kept for a legal obligation). */
export function partiallyComplete(c: Case, input: { reasons: string }, ctx: TransitionContext): Transition {
  return close(c, 'partiallyComplete', ctx, 'RequestPartiallyCompleted', 'partially_completed', () => ({
    outcomeReasons: requireText(input.reasons, 'A partial completion needs reasons for what was not done.'),
  }));
}

export type DeskOutcome = 'completed' | 'partially-completed' | 'withdrawn';

/**
 * The desk's one way to close a request, recording what was done, what was withheld and why,
 * and the systems searched (docs/rules.md, Records of requests). A partial completion needs
 * what was withheld. Not for complaints (closeComplaint).
 */
export function closeCase(c: Case, input: { outcome: DeskOutcome; summary: ClosingSummary }, ctx: TransitionContext): Transition {
  const target = DESK_OUTCOMES[input.outcome] as (typeof DESK_OUTCOMES)[DeskOutcome] | undefined;
  if (target === undefined) throw new InvalidTransitionError('Unknown outcome.');
  return close(c, target.move, ctx, target.action, target.outcome, () => {
    if (isComplaint(c)) throw new NotForComplaintsError('A complaint is answered with its outcome (close-complaint).');
    const summary = input.summary as Partial<ClosingSummary> | undefined;
    const done = requireText(summary?.done, 'Closing needs a summary of what was done.');
    const systemsSearched = Array.isArray(summary?.systemsSearched)
      ? [...new Set(summary.systemsSearched.map((x) => (typeof x === 'string' ? x.trim() : '')).filter((x) => x !== ''))]
      : [];
    const withheldText = typeof summary?.withheld === 'string' ? summary.withheld.trim() : '';
    if (input.outcome === 'partially-completed' && withheldText === '') {
      throw new MissingReasonError('A partial completion needs what was withheld and why.');
    }
    const keptBecause = Array.isArray(summary?.keptBecause) ? [...new Set(summary.keptBecause)] : [];
    if (keptBecause.some((r) => !(KEPT_REASONS as readonly string[]).includes(r))) throw new MissingReasonError('Unknown reason for what was kept.');
    if (keptBecause.length > 0 && input.outcome !== 'partially-completed') {
      throw new MissingReasonError('Reasons for what was kept go with a partial completion only.');
    }
    const closing: ClosingSummary = {
      done,
      systemsSearched,
      ...(withheldText ? { withheld: withheldText } : {}),
      ...(keptBecause.length ? { keptBecause } : {}),
    };
    return { closing, ...(input.outcome === 'partially-completed' ? { outcomeReasons: withheldText } : {}) };
  });
}

const DESK_OUTCOMES = {
  completed: { move: 'complete', action: 'RequestCompleted', outcome: 'completed' },
  'partially-completed': { move: 'partiallyComplete', action: 'RequestPartiallyCompleted', outcome: 'partially_completed' },
  withdrawn: { move: 'withdraw', action: 'RequestWithdrawn', outcome: 'withdrawn' },
} as const satisfies Record<DeskOutcome, { move: Move; action: AuditAction; outcome: Outcome }>;

/** Refused as manifestly unfounded or excessive; the ground and reasons go to the requester (docs/rules.md, Refusals and fees). */
export function refuse(c: Case, input: { ground: RefusalGround; reasons: string }, ctx: TransitionContext): Transition {
  return close(c, 'refuse', ctx, 'RequestRefused', 'refused', () => {
    const ground = input.ground;
    if (ground === undefined || !(REFUSAL_GROUNDS as readonly string[]).includes(ground)) {
      throw new MissingGroundError('A refusal needs its ground: manifestly unfounded or manifestly excessive.');
    }
    return { refusalGround: ground, outcomeReasons: requireText(input.reasons, 'A refusal needs reasons to give the requester.') };
  });
}

/**
 * Icetrak is only the processor: forwarded to the controller's privacy contact (docs/rules.md,
 * Controller or processor). Closes the case with outcome 'forwarded', unless an Icetrak part
 * remains (`icetrakPartRemains`): then the forward is recorded and the case stays open.
 */
export function forwardToController(
  c: Case,
  input: { controller: string; contact: string; icetrakPartRemains?: boolean },
  ctx: TransitionContext,
): Transition {
  const forwardedTo = () => {
    const controller = input.controller?.trim() ?? '';
    const contact = input.contact?.trim() ?? '';
    if (controller === '' || contact === '') {
      throw new MissingControllerError('Forwarding needs the controller’s name and its privacy contact.');
    }
    return { forwardedTo: { controller, contact } };
  };
  if (input.icetrakPartRemains === true) {
    return apply(c, 'forwardPart', ctx, 'ForwardedToController', () => ({ changes: forwardedTo(), detail: { icetrakPartRemains: true } }));
  }
  return close(c, 'forwardToController', ctx, 'ForwardedToController', 'forwarded', forwardedTo);
}

/** A duplicate: closed as merged into the case it repeats (`into`, a reference). */
export function mergeInto(c: Case, input: { into: string }, ctx: TransitionContext): Transition {
  return close(
    c,
    'merge',
    ctx,
    'CaseMerged',
    'merged',
    () => {
      const into = typeof input.into === 'string' ? input.into.trim() : '';
      if (!isReference(into)) throw new InvalidMergeError('Merge into a case reference in the form RD-XXXXXX.');
      if (into === c.reference) throw new InvalidMergeError('A case cannot be merged into itself.');
      return { mergedInto: into };
    },
    (x) => ({ into: x.mergedInto ?? null }),
  );
}

/** The requester withdrew the request. */
export function withdraw(c: Case, ctx: TransitionContext): Transition {
  return close(c, 'withdraw', ctx, 'RequestWithdrawn', 'withdrawn');
}

/**
 * Identity was never confirmed; nothing was disclosed. Only from awaiting identity, only once
 * the requester's time to answer (the keeper's close-unverified checkpoint, 30 days by
 * default) has run out, and never for a complaint.
 */
export function closeUnverified(c: Case, ctx: TransitionContext, offsets: Partial<KeeperOffsets> = {}): Transition {
  return close(c, 'closeUnverified', ctx, 'ClosedUnverified', 'closed_unverified', () => {
    if (isComplaint(c)) throw new NotForComplaintsError('A complaint is never closed as unverified.');
    const opensOn = closeUnverifiedCheckpoint(c, offsets).on;
    if (londonDateOf(ctx.at, 'time of the move') < opensOn) {
      throw new IdentityWindowOpenError(`The requester has until ${formatLongDate(opensOn)} to confirm who they are.`);
    }
    return {};
  });
}

/**
 * Every closing: the outcome, when, the response date, and the retention expiry (none while a
 * legal hold is on the case: docs/rules.md, Retention).
 */
function close(
  c: Case,
  move: Move,
  ctx: TransitionContext,
  action: AuditAction,
  outcome: Outcome,
  extra: () => Partial<Case> = () => ({}),
  moreDetail: (next: Partial<Case>) => NonNullable<AuditEntry['detail']> = () => ({}),
): Transition {
  return apply(c, move, ctx, action, (today) => {
    const changes: Partial<Case> = { ...extra(), outcome, closedAt: ctx.at, respondedOn: today };
    const expiresAt = caseExpiry({ ...c, ...changes, status: 'closed' }, ctx.retention);
    if (expiresAt !== undefined) changes.expiresAt = expiresAt;
    return {
      changes,
      ...(expiresAt === undefined ? { remove: ['expiresAt'] as const } : {}),
      // Was the answer in time? Reports and auditors ask first (docs/rules.md, Records of requests).
      detail: { outcome, closedOn: today, ...moreDetail(changes) },
    };
  });
}

/**
 * The DPO reopens a closed case (the requester shows the answer was incomplete, or it was closed
 * by mistake): the same request, so the same clock and due date; what the closing recorded
 * (outcome, closing summary, response date) goes, and so does its retention expiry — an open case
 * is never deleted (docs/retention.md). The reason is kept as a note, not in the audit trail. A
 * merged case is not reopened: the case it was merged into holds the request.
 */
export function reopen(c: Case, input: { reason: string }, ctx: TransitionContext): Transition {
  if (c.status === 'closed' && c.outcome === 'merged') {
    throw new InvalidTransitionError(`This case was merged into ${c.mergedInto ?? 'another case'}: reopen that case instead.`);
  }
  const reason = requireText(input.reason, 'Reopening needs its reason.');
  const t = apply(c, 'reopen', ctx, 'CaseReopened', () => ({
    remove: ['outcome', 'outcomeReasons', 'closedAt', 'respondedOn', 'closing', 'refusalGround', 'forwardedTo', 'expiresAt'],
    detail: { previousOutcome: c.outcome ?? null, closedAt: c.closedAt ?? null },
  }));
  return { ...t, case: { ...t.case, notes: [...(c.notes ?? []), { at: ctx.at, by: ctx.actor, kind: 'reopened', text: reason }] } };
}

/** How many times the case was reopened: its deadline keeper's round (each round is a new execution). */
export function keeperRound(c: Pick<Case, 'audit'>): number {
  return c.audit.filter((e) => e.action === 'CaseReopened').length;
}

/** An open case whose current round has no keeper yet: never started, or reopened since it last was. */
export function needsKeeper(c: Pick<Case, 'audit' | 'status'>): boolean {
  if (!isOpen(c.status)) return false;
  const lastStart = c.audit.findLastIndex((e) => e.action === 'KeeperStarted');
  const lastReopen = c.audit.findLastIndex((e) => e.action === 'CaseReopened');
  return lastStart < 0 || lastStart < lastReopen;
}

// ---------------------------------------------------------------------------------------
// Legal hold (issue 13; docs/retention.md)
// ---------------------------------------------------------------------------------------

/**
 * The DPO places a legal hold (litigation, an investigation): nothing of the case is deleted while
 * it is on, so its `expiresAt` goes. Open or closed alike: not a move of the lifecycle, the status
 * and the deadline stay as they are. `reviewOn`, when given, is a date from today on, when the
 * hold should be looked at again.
 */
export function placeHold(c: Case, input: { reason: string; reviewOn?: string | undefined }, ctx: TransitionContext): Transition {
  if (c.legalHold !== undefined) throw new AlreadyOnHoldError('The case is already on legal hold.');
  const reason = requireText(input.reason, 'A legal hold needs its reason.');
  const today = londonDateOf(ctx.at, 'time of the move');
  let reviewOn: string | undefined;
  if (input.reviewOn !== undefined && input.reviewOn.trim() !== '') {
    reviewOn = assertIsoDate(input.reviewOn.trim(), 'review date');
    if (reviewOn < today) throw new InvalidDateError('The review date cannot be in the past.');
  }
  const next: Case = {
    ...c,
    legalHold: { since: ctx.at, reason, ...(reviewOn ? { reviewOn } : {}), placedBy: ctx.actor },
    notes: [...(c.notes ?? []), { at: ctx.at, by: ctx.actor, kind: 'legal-hold-placed', text: reason }],
    updatedAt: ctx.at,
  };
  delete next.expiresAt;
  // The reasons are free text: they stay on the case (the hold, its notes), never in the audit trail's short fields.
  return { case: next, entry: auditEntry(ctx, 'LegalHoldPlaced', { status: c.status, reviewOn: reviewOn ?? null }) };
}

/** The DPO releases the hold, with a reason: a closed case gets its expiry from the schedule again; an open one has none. */
export function releaseHold(c: Case, input: { reason: string }, ctx: TransitionContext): Transition {
  if (c.legalHold === undefined) throw new NotOnHoldError('The case is not on legal hold.');
  const reason = requireText(input.reason, 'Releasing a legal hold needs its reason.');
  londonDateOf(ctx.at, 'time of the move');
  const next: Case = { ...c, notes: [...(c.notes ?? []), { at: ctx.at, by: ctx.actor, kind: 'legal-hold-released', text: reason }], updatedAt: ctx.at };
  delete next.legalHold;
  delete next.expiresAt;
  const expiresAt = caseExpiry(next, ctx.retention);
  if (expiresAt !== undefined) next.expiresAt = expiresAt;
  return {
    case: next,
    entry: auditEntry(ctx, 'LegalHoldReleased', { status: c.status, heldSince: c.legalHold.since, expiresAt: expiresAt ?? null }),
  };
}

// ---------------------------------------------------------------------------------------
// The one place a move is applied
// ---------------------------------------------------------------------------------------

interface MoveEffect {
  changes?: Partial<Case>;
  /** Optional fields the move clears. */
  remove?: readonly (keyof Case)[];
  detail?: AuditEntry['detail'];
}

/**
 * Checks the move is allowed from the case's status, works out its effect on the London
 * date of `ctx.at`, recomputes the deadline and builds the audit entry. The checks run in
 * a fixed order: status, then the time, then the move's own rules.
 */
function apply(c: Case, move: Move, ctx: TransitionContext, action: AuditAction, effect: (today: string) => MoveEffect): Transition {
  const to = TRANSITIONS[c.status][move];
  if (to === undefined) {
    throw new InvalidTransitionError(
      c.status === 'closed' ? 'The case is closed; reopen it first.' : `“${move}” is not possible while the case is ${c.status.replace(/_/g, ' ')}.`,
    );
  }
  const today = londonDateOf(ctx.at, 'time of the move');
  const { changes = {}, remove = [], detail = {} } = effect(today);

  const next: Case = { ...c, ...changes, status: to, updatedAt: ctx.at };
  for (const key of remove) delete next[key];
  Object.assign(next, computeDeadline(deadlineInputOf(next)));

  return {
    case: next,
    entry: auditEntry(ctx, action, {
      from: c.status,
      to,
      clockStartsOn: next.clockStartsOn,
      dueOn: next.dueOn,
      ...detail,
    }),
  };
}

function auditEntry(ctx: TransitionContext, action: AuditAction, detail: NonNullable<AuditEntry['detail']>): AuditEntry {
  return { at: ctx.at, actor: ctx.actor, action, detail };
}

function requireText(text: unknown, message: string): string {
  const trimmed = typeof text === 'string' ? text.trim() : '';
  if (trimmed === '') throw new MissingReasonError(message);
  return trimmed;
}
