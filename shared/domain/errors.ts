/**
 * Every domain error extends DomainError and sets a stable `name`.
 * The HTTP layer maps names to status codes in one table (shared/http/errors.ts);
 * messages are written for the person who will read them (DPO or requester)
 * and never carry personal data.
 */
export abstract class DomainError extends Error {
  abstract override readonly name: string;
}

/** A date string that is not a real YYYY-MM-DD calendar date. */
export class InvalidDateError extends DomainError {
  override readonly name = 'InvalidDateError';
}

/** A clarification answered before it was asked, or similar impossible order of events. */
export class InvalidClarificationError extends DomainError {
  override readonly name = 'InvalidClarificationError';
}

/** A lifecycle move that the case's current state does not allow. */
export class InvalidTransitionError extends DomainError {
  override readonly name = 'InvalidTransitionError';
}

/** Extension attempted after the extension-notice limit (docs/rules.md, The deadline, 3 and 6). */
export class ExtensionTooLateError extends DomainError {
  override readonly name = 'ExtensionTooLateError';
}

/** A move that legally needs written reasons (refusal, partial completion, extension) was made without them. */
export class MissingReasonError extends DomainError {
  override readonly name = 'MissingReasonError';
}

/** The case was changed by someone else since it was read (optimistic locking). */
export class VersionConflictError extends DomainError {
  override readonly name = 'VersionConflictError';
}

/** No case with that id or reference (or it has expired under retention). */
export class CaseNotFoundError extends DomainError {
  override readonly name = 'CaseNotFoundError';
}

/** A case with that id already exists (create is not an upsert). */
export class CaseAlreadyExistsError extends DomainError {
  override readonly name = 'CaseAlreadyExistsError';
}

/** A nation other than england-and-wales, scotland or northern-ireland (docs/rules.md, The deadline, 5). */
export class InvalidNationError extends DomainError {
  override readonly name = 'InvalidNationError';
}

/** A new request that lacks what a case needs (no right named, unknown channel, malformed reference). */
export class InvalidIntakeError extends DomainError {
  override readonly name = 'InvalidIntakeError';
}

/** Forwarding to a controller without naming it and its privacy contact (docs/rules.md, Controller or processor). */
export class MissingControllerError extends DomainError {
  override readonly name = 'MissingControllerError';
}

/** Input that failed its schema: one message per field, safe to show back to the sender. */
export class ValidationError extends DomainError {
  override readonly name = 'ValidationError';
  constructor(readonly fields: Record<string, string>) {
    super('Some fields need correcting.');
  }
}

/** A client asked more often than its limit allows. */
export class TooManyRequestsError extends DomainError {
  override readonly name = 'TooManyRequestsError';
}

/** An extension for a case not marked complex and not one of several requests from the same person (docs/rules.md, The deadline, 3). */
export class NotComplexError extends DomainError {
  override readonly name = 'NotComplexError';
}

/** Closing unverified before the requester's time to confirm has run out, or from a status that never asked. */
export class IdentityWindowOpenError extends DomainError {
  override readonly name = 'IdentityWindowOpenError';
}

/** A rights-request move on a complaint (DPA 2018 s.164A: no identity gate, never closed unverified). */
export class NotForComplaintsError extends DomainError {
  override readonly name = 'NotForComplaintsError';
}

/** A complaint move on a case that is not a complaint. */
export class NotAComplaintError extends DomainError {
  override readonly name = 'NotAComplaintError';
}

/** A refusal or a fee without one of the grounds the law allows (docs/rules.md, Refusals and fees). */
export class MissingGroundError extends DomainError {
  override readonly name = 'MissingGroundError';
}

/** A merge into itself or into something that is not a case reference. */
export class InvalidMergeError extends DomainError {
  override readonly name = 'InvalidMergeError';
}

/** A legal hold placed on a case already under one (issue 13). */
export class AlreadyOnHoldError extends DomainError {
  override readonly name = 'AlreadyOnHoldError';
}

/** A legal hold released on a case not under one. */
export class NotOnHoldError extends DomainError {
  override readonly name = 'NotOnHoldError';
}

/** A legal hold placed on a customer account already under one (issue 13, the retention review). */
export class AccountAlreadyHeldError extends DomainError {
  override readonly name = 'AccountAlreadyHeldError';
}

/** A legal hold released on a customer account not under one. */
export class AccountNotHeldError extends DomainError {
  override readonly name = 'AccountNotHeldError';
}

/** An export asked for before the case's search has finished (issue 14): there is nothing reviewed to answer with yet. */
export class SearchNotFinishedError extends DomainError {
  override readonly name = 'SearchNotFinishedError';
}

/** An export released that was never prepared, or released twice (issue 14). */
export class ExportNotReleasableError extends DomainError {
  override readonly name = 'ExportNotReleasableError';
}
