/**
 * Use case: the requester confirms their email address with the link from the acknowledgement.
 *
 * Opening the link (`checkLink`, GET) changes nothing: mail security scanners fetch every link
 * in a message, so a page load must not confirm an address no person confirmed. The page
 * offers a button; pressing it (`confirmEmail`, POST) confirms. A valid, unexpired link for a
 * case still awaiting identity records the confirmation (the clock starts — docs/rules.md, The
 * deadline, 1) and, in the same conditional write, owes the requester the confirmation with the
 * due date and the DPO team (TEAM_ADDRESS, never the DPO mailbox, which is Rightsdesk's own
 * intake) its notice of a new verified request. Of any number of concurrent presses exactly
 * one confirms and owes the mail; the others see "already confirmed". Used, expired, tampered
 * or closed links change nothing. Nor does any link once a DPO has asked for stronger proof of
 * identity: the link proves control of the address, not who the requester is.
 */
import type { Case } from '#domain/case';
import { recordEvent } from '#domain/audit';
import { VersionConflictError } from '#domain/errors';
import { awaitsEmailLink, identityReceived } from '#domain/lifecycle';
import type { CaseStore, Clock } from '#shared/ports';
import { MAIL_IDS, oweConfirmation, oweTeamNotice } from '#shared/core/acknowledge';
import { deliver, type OutboxDeps } from '#shared/core/outbox';
import { startIntakeSearch, type SearchDeps } from '#shared/core/start-search';
import { ExpiredTokenError, InvalidTokenError, UnknownSignatureError, verifyToken, type TokenClaims } from '#shared/core/tokens';

export interface LinkDeps {
  cases: CaseStore;
  clock: Clock;
  /**
   * The keys a link may be signed with, current first, then the previous one (the signing key
   * rotates). `refresh`: read them again, for a link none of them matches (it may carry a newer key).
   */
  verificationKeys: (opts?: { refresh?: boolean }) => Promise<Buffer[]>;
}

export interface VerifyDeps extends LinkDeps {
  /** Sends the confirmation and the team's notice the confirmation owes. */
  outbox: OutboxDeps;
  /** Starts the search of a processor request once its address is confirmed (issue 15); absent, staff start it from the desk. */
  search?: SearchDeps;
}

export type LinkProblemOutcome = { outcome: 'invalid' | 'expired' | 'closed' };

/** What opening the link shows: a button to confirm, or why there is nothing to confirm. */
export type LinkCheck =
  { outcome: 'ready'; reference: string } | { outcome: 'already-confirmed'; reference: string; dueOn: string | null } | LinkProblemOutcome;

export type VerifyResult = { outcome: 'confirmed' | 'already-confirmed'; reference: string; dueOn: string | null } | LinkProblemOutcome;

/** The case a link names, or why it names none. */
async function caseOfLink(token: string, deps: LinkDeps, now: Date): Promise<Case | LinkProblemOutcome> {
  let caseId: string;
  try {
    caseId = (await verifyLink(token, deps, now)).caseId;
  } catch (err) {
    if (err instanceof ExpiredTokenError) return { outcome: 'expired' };
    if (err instanceof InvalidTokenError) return { outcome: 'invalid' };
    throw err;
  }
  return (await deps.cases.find(caseId)) ?? { outcome: 'invalid' };
}

/** Verifies against the keys as read; a signature none of them matches gets one more try with the keys read afresh. */
async function verifyLink(token: string, deps: LinkDeps, now: Date): Promise<TokenClaims> {
  try {
    return verifyToken(await deps.verificationKeys(), token, 'verify', now);
  } catch (err) {
    if (!(err instanceof UnknownSignatureError)) throw err;
    return verifyToken(await deps.verificationKeys({ refresh: true }), token, 'verify', now);
  }
}

const isProblem = (x: Case | LinkProblemOutcome): x is LinkProblemOutcome => !('id' in x);

/** Attempts of the reused-link audit write (a burst of presses contends for one item). */
const REUSE_ATTEMPTS = 20;

/** Thrown inside the conditional update to abandon it: another press confirmed first. */
class ConfirmedMeanwhile extends Error {}

/** GET: reads only. */
export async function checkLink(token: string, deps: LinkDeps): Promise<LinkCheck> {
  const c = await caseOfLink(token, deps, deps.clock.now());
  if (isProblem(c)) return c;
  if (awaitsEmailLink(c)) return { outcome: 'ready', reference: c.reference };
  // The DPO asked for stronger proof: the address was (or is) confirmed, but that is all a link can do.
  if (c.status === 'awaiting_identity') return { outcome: 'already-confirmed', reference: c.reference, dueOn: c.dueOn };
  if (!c.identityReceivedOn || c.status === 'closed') return { outcome: 'closed' };
  return { outcome: 'already-confirmed', reference: c.reference, dueOn: c.dueOn };
}

/** POST: confirms, once. */
export async function confirmEmail(token: string, deps: VerifyDeps): Promise<VerifyResult> {
  const now = deps.clock.now();
  const at = now.toISOString();
  const current = await caseOfLink(token, deps, now);
  if (isProblem(current)) return current;

  let confirmedNow = false;
  let c: Case;
  if (awaitsEmailLink(current)) {
    try {
      c = await deps.cases.update(
        current.id,
        (cur) => {
          // Re-checked on every attempt: a concurrent press may have confirmed it already, and
          // then this one writes nothing (twenty presses at once make one write, not twenty).
          if (!awaitsEmailLink(cur)) throw new ConfirmedMeanwhile();
          const t = identityReceived(cur, { at, actor: 'requester' });
          return { ...t, case: oweTeamNotice(oweConfirmation(t.case, at), at) };
        },
        { current },
      );
      confirmedNow = true;
    } catch (err) {
      if (!(err instanceof ConfirmedMeanwhile)) throw err;
      c = await deps.cases.get(current.id);
    }
  } else {
    // A press on a link already used: the trail says so. Twenty presses at once are nineteen such
    // writes to one item; each retries with jitter, and one still losing after REUSE_ATTEMPTS
    // answers all the same from the case as stored (its line is a duplicate of a neighbour's).
    try {
      c = await deps.cases.update(current.id, (cur) => recordEvent(cur, at, 'requester', 'ConfirmationLinkReused'), {
        current,
        maxAttempts: REUSE_ATTEMPTS,
      });
    } catch (err) {
      if (!(err instanceof VersionConflictError)) throw err;
      c = await deps.cases.get(current.id);
    }
  }

  // Awaiting the proof a DPO asked for: a link (used or not) does not satisfy it (docs/rules.md, R9).
  if (c.status === 'awaiting_identity' && !confirmedNow) return { outcome: 'already-confirmed', reference: c.reference, dueOn: c.dueOn };
  if (!c.identityReceivedOn) return { outcome: 'closed' };
  if (c.status === 'closed' && !confirmedNow) return { outcome: 'closed' };
  // Whoever confirmed owes the mail; any press sends what is still pending (after an SES outage, say).
  c = await deliver(c, [MAIL_IDS.confirmation(c.id), MAIL_IDS.teamNotice(c.id)], deps.outbox);
  // A processor request is searched as soon as its address is confirmed (R20); a later press recovers a start that failed.
  await startIntakeSearch(c, deps.search);
  return { outcome: confirmedNow ? 'confirmed' : 'already-confirmed', reference: c.reference, dueOn: c.dueOn };
}
