/**
 * The acknowledgement every intake sends (form, email, and staff entry to come), written once:
 * sign a confirmation token → build the link → render the email → send it → record
 * 'AcknowledgementSent'. While identity is awaited the email carries the confirmation link;
 * once the address is confirmed (e.g. a DKIM-verified email) it gives the due date instead.
 * And the DPO team's notice of a newly verified request, which every intake sends once too.
 */
import type { Case } from '#domain/case';
import { recordEvent } from '#domain/audit';
import type { CaseStore, Clock, Mailer } from '#shared/ports';
import { acknowledgementEmail, emailReceivedEmail, newRequestNotice } from '#shared/templates/emails';
import { MAX_TOKEN_LIFETIME_SECONDS, VERIFY_TOKEN_TTL_SECONDS, signToken } from './tokens';

/** What signing a confirmation link takes. */
export interface ConfirmationLinkDeps {
  clock: Clock;
  signingKey: () => Promise<Buffer>;
  settings: { publicBaseUrl: string };
}

export interface AcknowledgeDeps extends ConfirmationLinkDeps {
  cases: CaseStore;
  mailer: Mailer;
  /** dpoAddress: named in the email and its Reply-To, so replies thread into the case. */
  settings: { publicBaseUrl: string; dpoAddress: string };
}

/** The confirmation page's address for `token` (GET /verify/{token}). */
export function confirmUrl(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/verify/${encodeURIComponent(token)}`;
}

/**
 * A signed confirmation link for the case, valid for VERIFY_TOKEN_TTL_SECONDS or until
 * `notBefore` (epoch seconds), whichever is later, but never longer than
 * MAX_TOKEN_LIFETIME_SECONDS (the signing key's rotation overlap must cover its whole life).
 */
export async function confirmationLink(caseId: string, deps: ConfirmationLinkDeps, notBefore = 0): Promise<string> {
  const nowSeconds = Math.floor(deps.clock.now().getTime() / 1000);
  const expiresAt = Math.min(Math.max(nowSeconds + VERIFY_TOKEN_TTL_SECONDS, notBefore), nowSeconds + MAX_TOKEN_LIFETIME_SECONDS);
  return confirmUrl(deps.settings.publicBaseUrl, signToken(await deps.signingKey(), { caseId, purpose: 'verify', expiresAt }));
}

/**
 * Sends the requester the acknowledgement and records it; answers the case as recorded.
 * `inReplyTo` threads the answer to an inbound email. Send errors propagate (the caller
 * decides which are permanent); nothing is recorded unless the send succeeded.
 */
export async function acknowledge(c: Case, deps: AcknowledgeDeps, opts: { inReplyTo?: string } = {}): Promise<Case> {
  const awaitingIdentity = c.status === 'awaiting_identity';
  const email = awaitingIdentity
    ? acknowledgementEmail(c, { confirmUrl: await confirmationLink(c.id, deps), dpoAddress: deps.settings.dpoAddress })
    : emailReceivedEmail(c, { dpoAddress: deps.settings.dpoAddress });
  const messageId = await deps.mailer.send({
    to: c.requester.email,
    ...email,
    replyTo: deps.settings.dpoAddress,
    ...(opts.inReplyTo ? { inReplyTo: opts.inReplyTo } : {}),
  });
  const detail = { messageId, ...(awaitingIdentity ? { linkExpiresInDays: VERIFY_TOKEN_TTL_SECONDS / 86_400 } : { dueOn: c.dueOn }) };
  const at = deps.clock.now().toISOString();
  return deps.cases.update(c.id, (cur) => recordEvent(cur, at, 'system', 'AcknowledgementSent', detail), { current: c });
}

/**
 * Tells the DPO team (TEAM_ADDRESS, never the DPO mailbox, which is Rightsdesk's own intake)
 * of a newly verified request and records 'DpoNotified'; answers the case as recorded.
 */
export async function notifyTeam(c: Case, deps: { cases: CaseStore; mailer: Mailer; clock: Clock; settings: { teamAddress: string } }): Promise<Case> {
  const messageId = await deps.mailer.send({ to: deps.settings.teamAddress, ...newRequestNotice(c) });
  const at = deps.clock.now().toISOString();
  return deps.cases.update(c.id, (cur) => recordEvent(cur, at, 'system', 'DpoNotified', { messageId }), { current: c });
}
