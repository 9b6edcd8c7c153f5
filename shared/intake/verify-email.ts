/**
 * Use case: the requester follows the confirmation link. A valid, unexpired link for a
 * case still awaiting identity records the confirmation (the clock starts — docs/rules.md, The
 * deadline, 1), then tells the requester the due date and the DPO team (TEAM_ADDRESS, never
 * the DPO mailbox, which is Rightsdesk's own intake) about the new verified request. Used,
 * expired, tampered or closed links change nothing.
 */
import type { Case } from '#domain/case';
import { hasEvent, recordEvent } from '#domain/audit';
import { identityReceived } from '#domain/lifecycle';
import type { CaseStore, Clock, Mailer } from '#shared/ports';
import { notifyTeam } from '#shared/core/acknowledge';
import { confirmedEmail } from '#shared/templates/emails';
import { ExpiredTokenError, InvalidTokenError, UnknownSignatureError, verifyToken, type TokenClaims } from '#shared/core/tokens';

export interface VerifyDeps {
  cases: CaseStore;
  mailer: Mailer;
  clock: Clock;
  /**
   * The keys a link may be signed with, current first, then the previous one (the signing key
   * rotates). `refresh`: read them again, for a link none of them matches (it may carry a newer key).
   */
  verificationKeys: (opts?: { refresh?: boolean }) => Promise<Buffer[]>;
  /** dpoAddress: named to the requester and their Reply-To; teamAddress: where the staff notice goes. */
  settings: { dpoAddress: string; teamAddress: string };
}

export type VerifyResult =
  { outcome: 'confirmed' | 'already-confirmed'; reference: string; dueOn: string | null } | { outcome: 'invalid' | 'expired' | 'closed' };

export async function verifyEmail(token: string, deps: VerifyDeps): Promise<VerifyResult> {
  const now = deps.clock.now();
  let caseId: string;
  try {
    caseId = (await verifyLink(token, deps, now)).caseId;
  } catch (err) {
    if (err instanceof ExpiredTokenError) return { outcome: 'expired' };
    if (err instanceof InvalidTokenError) return { outcome: 'invalid' };
    throw err;
  }
  const current = await deps.cases.find(caseId);
  if (!current) return { outcome: 'invalid' };

  let confirmedNow = false;
  const c =
    current.status === 'awaiting_identity'
      ? await deps.cases.update(
          caseId,
          (cur) => {
            // Re-checked on every attempt: a concurrent click may have confirmed it already.
            if (cur.status !== 'awaiting_identity') return recordEvent(cur, now.toISOString(), 'requester', 'ConfirmationLinkReused');
            confirmedNow = true;
            return identityReceived(cur, { at: now.toISOString(), actor: 'requester' });
          },
          { current },
        )
      : current;

  if (!c.identityReceivedOn) return { outcome: 'closed' };
  if (c.status === 'closed' && !confirmedNow) return { outcome: 'closed' };
  await sendNotices(c, deps, now);
  return { outcome: confirmedNow ? 'confirmed' : 'already-confirmed', reference: c.reference, dueOn: c.dueOn };
}

/** Verifies against the keys as read; a signature none of them matches gets one more try with the keys read afresh. */
async function verifyLink(token: string, deps: VerifyDeps, now: Date): Promise<TokenClaims> {
  try {
    return verifyToken(await deps.verificationKeys(), token, 'verify', now);
  } catch (err) {
    if (!(err instanceof UnknownSignatureError)) throw err;
    return verifyToken(await deps.verificationKeys({ refresh: true }), token, 'verify', now);
  }
}

/** Each notice goes once; a retry after a failure sends only what is missing. */
async function sendNotices(c: Case, deps: VerifyDeps, now: Date): Promise<void> {
  const at = now.toISOString();
  if (!hasEvent(c, 'ConfirmationSent')) {
    const messageId = await deps.mailer.send({ to: c.requester.email, ...confirmedEmail(c, deps.settings), replyTo: deps.settings.dpoAddress });
    c = await deps.cases.update(c.id, (cur) => recordEvent(cur, at, 'system', 'ConfirmationSent', { messageId, dueOn: cur.dueOn }), { current: c });
  }
  if (!hasEvent(c, 'DpoNotified')) {
    await notifyTeam(c, deps);
  }
}
