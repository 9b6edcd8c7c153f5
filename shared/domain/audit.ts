/**
 * Events that change nothing about a case but belong in its record (an email sent, a
 * notice given): the case comes back unchanged but for `updatedAt`, with the entry the
 * store appends (docs/rules.md, Records of requests).
 */
import type { Actor, AuditEntry, Case } from './case';

/**
 * Every action a case's audit trail can record, past tense, in one list: the lifecycle's moves
 * (shared/domain/lifecycle.ts) and the events use cases record. Reports and the desk read
 * trails by these names, so a new one is added here first.
 */
export const AUDIT_ACTIONS = [
  // Lifecycle moves
  'RequestReceived',
  'IdentityRequested',
  'IdentityReceived',
  'IdentityConfirmed',
  'ClarificationRequested',
  'ClarificationAnswered',
  'DeadlineExtended',
  'FeeRequested',
  'FeeReceived',
  'MarkedComplex',
  'RequestCompleted',
  'RequestPartiallyCompleted',
  'RequestRefused',
  'ForwardedToController',
  'RequestWithdrawn',
  'ClosedUnverified',
  'RightsReclassified',
  'CaseMerged',
  'ComplaintAcknowledged',
  'ComplaintAnswered',
  'CaseReopened',
  // Legal hold (issue 13)
  'LegalHoldPlaced',
  'LegalHoldReleased',
  // Desk events
  'ReplySent',
  // Intake events
  'AcknowledgementSent',
  'AcknowledgementFailed',
  'ConfirmationSent',
  'ConfirmationLinkReused',
  'DpoNotified',
  'EmailReceived',
  'CorrespondenceReceived',
  // Outbox events (the sends themselves record the intake and keeper events above)
  'MailWithheld',
  'MailFailed',
  'MailDelayed',
  // Deadline keeper events
  'KeeperStarted',
  'KeeperNoticeSent',
  // Desk events
  'LetterSent',
  'LetterPosted',
  'CorrespondenceRead',
  // Fulfilment (issue 14): searches of Icetrak's systems and the access answer
  'SearchStarted',
  'SourceSearched',
  'SourceSearchFailed',
  'SearchFinished',
  'IdentifiersAdded',
  'ManualSearchRecorded',
  'RecordsMarkedThirdParty',
  'RecordsUnmarkedThirdParty',
  'ExportPrepared',
  'ExportReleased',
  'ExportDownloaded',
  'ExportReviewed',
  // Processor requests (issue 15): the request forwarded to a customer's privacy contact
  'ForwardSent',
  // Fulfilment part 2 (issue 15): the change plan, its execution and verification
  'PlanProposed',
  'PlanApproved',
  'PlanExecutionRetried',
  'PlanExecutionStarted',
  'PlanSourceApplied',
  'PlanSourceFailed',
  'PlanExecutionFailed',
  'PlanAwaitingManualExecution',
  'PlanExecuted',
  'ManualExecutionConfirmed',
  'PlanVerificationStarted',
  'PlanVerified',
  'PlanVerificationFailed',
  'RecipientNotified',
  // Restriction (Art. 18(3); issue 15): the person told before it is lifted, then the lift plan
  'RestrictionLiftAnnounced',
  'RestrictionLiftProposed',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export function recordEvent(c: Case, at: string, actor: Actor, action: AuditAction, detail?: AuditEntry['detail']): { case: Case; entry: AuditEntry } {
  return { case: { ...c, updatedAt: at }, entry: { at, actor, action, ...(detail ? { detail } : {}) } };
}

/** Whether the trail already records `action` (retries use this to avoid doing a thing twice). */
export function hasEvent(c: Case, action: AuditAction): boolean {
  return c.audit.some((e) => e.action === action);
}
