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
import { CHANNELS, RIGHTS, type Actor, type AuditEntry, type Case, type CaseStatus, type Channel, type Outcome, type Requester, type Right } from './case';
import type { AuditAction } from './audit';
import { computeDeadline, formatLongDate, londonDateOf, type DeadlineInput, type Nation } from './deadlines';
import { DEFAULT_NATION, assertNation } from './calendar';
import { ExtensionTooLateError, InvalidIntakeError, InvalidTransitionError, MissingControllerError, MissingReasonError } from './errors';
import { isReference } from './reference';

/** When and by whom a move is made. `at` is an ISO 8601 instant with an offset. */
export interface TransitionContext {
  at: string;
  actor: Actor;
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
] as const;
export type Move = (typeof MOVES)[number];

// Moves that change a flag or a date but not the status, allowed on every open case.
const KEEP = <S extends CaseStatus>(status: S) => ({ extend: status, recordFee: status, markComplex: status }) as const;
// Ends every open case may reach: a refusal, a forward to the controller or a withdrawal
// can happen at any point before the answer.
const ANY_TIME_ENDS = { refuse: 'closed', forwardToController: 'closed', withdraw: 'closed' } as const;

/**
 * Status → allowed move → status after the move. A move absent from a status's row is
 * refused with InvalidTransitionError; `closed` allows nothing.
 */
export const TRANSITIONS: { readonly [S in CaseStatus]: Readonly<Partial<Record<Move, CaseStatus>>> } = {
  received: {
    confirmIdentity: 'in_progress',
    askForIdentity: 'awaiting_identity',
    ...KEEP('received'),
    ...ANY_TIME_ENDS,
    closeUnverified: 'closed',
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
  closed: {},
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

/** The deadline rules' view of a case. */
export function deadlineInputOf(c: Case): DeadlineInput {
  return {
    receivedOn: c.receivedOn,
    identityReceivedOn: c.identityReceivedOn,
    feeReceivedOn: c.feeReceivedOn,
    clarifications: c.clarifications,
    extended: c.extended,
    nation: c.nation,
  };
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

/** Ask for proportionate proof of identity (docs/rules.md, Identity and clarification). */
export function askForIdentity(c: Case, ctx: TransitionContext): Transition {
  return apply(c, 'askForIdentity', ctx, 'IdentityRequested', (today) => ({ changes: { identityRequestedOn: today } }));
}

/** The ID asked for arrived: the clock restarts on that London date (docs/rules.md, The deadline, 1). */
export function identityReceived(c: Case, ctx: TransitionContext): Transition {
  return apply(c, 'identityReceived', ctx, 'IdentityReceived', (today) => ({ changes: { identityReceivedOn: today } }));
}

// ---------------------------------------------------------------------------------------
// Clarification ("stop the clock")
// ---------------------------------------------------------------------------------------

/** Ask what information is wanted; the clock stops from today (docs/rules.md, The deadline, 4). */
export function askForClarification(c: Case, ctx: TransitionContext): Transition {
  return apply(c, 'askForClarification', ctx, 'ClarificationRequested', (today) => ({
    changes: { clarifications: [...c.clarifications, { askedOn: today }] },
  }));
}

/** The answer arrived; today is the last paused day (both ends count). */
export function clarificationAnswered(c: Case, ctx: TransitionContext): Transition {
  return apply(c, 'clarificationAnswered', ctx, 'ClarificationAnswered', (today) => ({
    changes: { clarifications: c.clarifications.map((q) => (q.answeredOn == null ? { ...q, answeredOn: today } : q)) },
  }));
}

// ---------------------------------------------------------------------------------------
// Extension, fee, complexity
// ---------------------------------------------------------------------------------------

/**
 * Extend by two months (three from the clock start) for a complex request or several
 * requests from the same person (docs/rules.md, The deadline, 3). Only once, with reasons, and
 * no later than the extension-notice limit (docs/rules.md, The deadline, 6): the requester must
 * be told before the first month ends.
 */
export function extend(c: Case, input: { reason: string }, ctx: TransitionContext): Transition {
  return apply(c, 'extend', ctx, 'DeadlineExtended', (today) => {
    if (c.extended) throw new InvalidTransitionError('The case has already been extended; it can be extended only once.');
    const reason = requireText(input.reason, 'An extension needs reasons to give the requester.');
    const limit = extensionLimit(c, today);
    if (today > limit) {
      throw new ExtensionTooLateError(`The extension had to be notified by ${formatLongDate(limit)}.`);
    }
    return { changes: { extended: true, extensionReason: reason }, detail: { extensionNoticeBy: limit } };
  });
}

/**
 * The last day an extension can be notified. While a clarification is outstanding there is
 * no limit yet; it will be at least the limit as if answered today (answering later only
 * pushes it further out), so that lower bound is what is checked.
 */
function extensionLimit(c: Case, today: string): string {
  const clarifications = c.clarifications.map((q) => (q.answeredOn == null ? { ...q, answeredOn: today > q.askedOn ? today : q.askedOn } : q));
  const { extensionNoticeBy } = computeDeadline({ ...deadlineInputOf(c), clarifications, extended: false });
  // Never null: every clarification above has an answer date.
  return extensionNoticeBy as string;
}

export type FeeStage = 'requested' | 'received';

/**
 * A fee (only for manifestly unfounded or excessive requests, or extra copies: docs/rules.md,
 * Refusals and fees) was asked for or paid. Payment restarts the clock (The deadline, 1).
 */
export function recordFee(c: Case, input: { stage: FeeStage }, ctx: TransitionContext): Transition {
  if (input.stage === 'requested') {
    return apply(c, 'recordFee', ctx, 'FeeRequested', (today) => {
      if (feeOutstanding(c)) throw new InvalidTransitionError('A fee has already been requested and not yet received.');
      return { changes: { feeRequestedOn: today } };
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

function feeOutstanding(c: Case): boolean {
  return c.feeRequestedOn != null && (c.feeReceivedOn == null || c.feeReceivedOn < c.feeRequestedOn);
}

/** Flag the request as complex: the keeper warns before the extension-notice limit passes. */
export function markComplex(c: Case, ctx: TransitionContext): Transition {
  return apply(c, 'markComplex', ctx, 'MarkedComplex', () => {
    if (c.complex) throw new InvalidTransitionError('The case is already marked complex.');
    return { changes: { complex: true } };
  });
}

// ---------------------------------------------------------------------------------------
// Closing
// ---------------------------------------------------------------------------------------

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

/** Refused (manifestly unfounded or excessive, or an exemption); the reasons go to the requester (docs/rules.md, Refusals and fees). */
export function refuse(c: Case, input: { reasons: string }, ctx: TransitionContext): Transition {
  return close(c, 'refuse', ctx, 'RequestRefused', 'refused', () => ({
    outcomeReasons: requireText(input.reasons, 'A refusal needs reasons to give the requester.'),
  }));
}

/** Icetrak is only the processor: forwarded to the controller's privacy contact (docs/rules.md, Controller or processor). */
export function forwardToController(c: Case, input: { controller: string; contact: string }, ctx: TransitionContext): Transition {
  return close(c, 'forwardToController', ctx, 'ForwardedToController', 'forwarded', () => {
    const controller = input.controller?.trim() ?? '';
    const contact = input.contact?.trim() ?? '';
    if (controller === '' || contact === '') {
      throw new MissingControllerError('Forwarding needs the controller’s name and its privacy contact.');
    }
    return { forwardedTo: { controller, contact } };
  });
}

/** The requester withdrew the request. */
export function withdraw(c: Case, ctx: TransitionContext): Transition {
  return close(c, 'withdraw', ctx, 'RequestWithdrawn', 'withdrawn');
}

/** Identity was never confirmed; nothing was disclosed. */
export function closeUnverified(c: Case, ctx: TransitionContext): Transition {
  return close(c, 'closeUnverified', ctx, 'ClosedUnverified', 'closed_unverified');
}

function close(c: Case, move: Move, ctx: TransitionContext, action: AuditAction, outcome: Outcome, extra: () => Partial<Case> = () => ({})): Transition {
  return apply(c, move, ctx, action, (today) => ({
    changes: { ...extra(), outcome, closedAt: ctx.at },
    // Was the answer in time? Reports and auditors ask first (docs/rules.md, Records of requests).
    detail: { outcome, closedOn: today },
  }));
}

// ---------------------------------------------------------------------------------------
// The one place a move is applied
// ---------------------------------------------------------------------------------------

interface MoveEffect {
  changes?: Partial<Case>;
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
      c.status === 'closed'
        ? 'The case is closed; nothing more can be done to it.'
        : `“${move}” is not possible while the case is ${c.status.replace(/_/g, ' ')}.`,
    );
  }
  const today = londonDateOf(ctx.at, 'time of the move');
  const { changes = {}, detail = {} } = effect(today);

  const next: Case = { ...c, ...changes, status: to, updatedAt: ctx.at };
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
