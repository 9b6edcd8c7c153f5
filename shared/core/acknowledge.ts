/**
 * The mail every intake owes, written once (form, email, and staff entry to come): the
 * acknowledgement (while identity is awaited it carries the confirmation link; once the address
 * is confirmed, e.g. by a DKIM-verified email, it gives the due date instead), the confirmation
 * after the link is used, and the DPO team's notice of a newly verified request. Each is an
 * outbox entry (shared/domain/outbox.ts) put on the case in the same write as the change that
 * owes it; shared/core/outbox.ts sends it.
 */
import type { Case } from '#domain/case';
import { owe } from '#domain/outbox';
import type { Clock } from '#shared/ports';
import { MAX_TOKEN_LIFETIME_SECONDS, VERIFY_TOKEN_TTL_SECONDS, signToken } from './tokens';

/** What signing a confirmation link takes. */
export interface ConfirmationLinkDeps {
  clock: Clock;
  signingKey: () => Promise<Buffer>;
  settings: { publicBaseUrl: string };
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

/** The case's page on the DPO desk, for the team's notices, reminders and escalations. */
export function deskCaseUrl(baseUrl: string, reference: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/desk/cases/${encodeURIComponent(reference)}`;
}

/** Stable outbox ids: owing the same mail twice is a no-op. */
export const MAIL_IDS = {
  acknowledgement: (caseId: string) => `ack:${caseId}`,
  confirmation: (caseId: string) => `confirmed:${caseId}`,
  teamNotice: (caseId: string) => `notice:new:${caseId}`,
  keeperNotice: (checkpointId: string) => `notice:${checkpointId}`,
  /** The team's alert that a reply joined the case (one per inbound message). */
  correspondenceNotice: (sesMessageId: string) => `notice:reply:${sesMessageId}`,
} as const;

/** The case owing its acknowledgement; `inReplyTo` threads it under an inbound email. */
export function oweAcknowledgement(c: Case, at: string, opts: { inReplyTo?: string } = {}): Case {
  return owe(
    c,
    { id: MAIL_IDS.acknowledgement(c.id), kind: 'acknowledgement', to: 'requester', ...(opts.inReplyTo ? { params: { inReplyTo: opts.inReplyTo } } : {}) },
    at,
  );
}

/** The case owing the requester the confirmation (with the due date) and the team its new-request notice. */
export function oweConfirmation(c: Case, at: string): Case {
  return owe(c, { id: MAIL_IDS.confirmation(c.id), kind: 'confirmation', to: 'requester' }, at);
}

/**
 * The case owing the DPO team an alert that a reply joined it: it may carry ID documents or
 * change the request. The alert names no sender and quotes nothing; the desk shows the message.
 */
export function oweCorrespondenceNotice(c: Case, at: string, opts: { sesMessageId: string; fromRequester: boolean }): Case {
  return owe(
    c,
    {
      id: MAIL_IDS.correspondenceNotice(opts.sesMessageId),
      kind: 'team-notice',
      to: 'team',
      params: { reply: opts.sesMessageId, fromRequester: opts.fromRequester },
    },
    at,
  );
}

/** The case owing the DPO team (TEAM_ADDRESS, never the DPO mailbox, which is Rightsdesk's own intake) its new-request notice. */
export function oweTeamNotice(c: Case, at: string): Case {
  return owe(c, { id: MAIL_IDS.teamNotice(c.id), kind: 'team-notice', to: 'team' }, at);
}
