/**
 * Use case: a rights request arrives through the public form (HTML or JSON).
 * Validates, drops honeypot hits, rate-limits per client, and turns each distinct
 * submission into exactly one case — a retry (same Idempotency-Key, or the same content
 * within minutes) answers with the same case, and never counts against the rate limit — owing
 * the acknowledgement with the confirmation link in the same write that creates the case, then
 * sending it (the outbox's fast path; the sweep sends it if that fails). Safe to retry at any
 * point: every step checks what is already done.
 *
 * A requester without an email address gives a postal address: the case is flagged
 * 'reply-by-post', gets no confirmation link (there is no address to confirm), stays
 * 'received' with the clock running from receipt, and owes its acknowledgement by post (an
 * outbox entry in state 'post', for the DPO team to send) and the team its new-request notice
 * now. A request made for someone else is flagged 'on-behalf' for the DPO team to check the
 * authority claimed.
 */
import { createHash } from 'node:crypto';
import type { Case } from '#domain/case';
import { askForIdentity, INTAKE_FLAGS, isComplaint, receive } from '#domain/lifecycle';
import { CaseAlreadyExistsError, TooManyRequestsError } from '#domain/errors';
import type { CaseStore, Clock, Keeper, RateLimiter, SubmissionClaim, SubmissionLedger } from '#shared/ports';
import { MAIL_IDS, oweAcknowledgement, oweTeamNotice } from '#shared/core/acknowledge';
import { deliver, type OutboxDeps } from '#shared/core/outbox';
import { startKeeper } from '#shared/core/start-keeper';
import { startIntakeSearch, type SearchDeps } from '#shared/core/start-search';
import type { Nation } from '#domain/deadlines';
import { isHoneypotHit, parseSubmission, type Submission } from './submission';

/** A same-content resubmission within this window is a retry, not a new request. */
export const CONTENT_WINDOW_SECONDS = 10 * 60;
export const KEY_WINDOW_SECONDS = 24 * 3600;
export const RATE_LIMIT = { submissions: 10, windowSeconds: 3600 } as const;

export interface SubmitDeps {
  cases: CaseStore;
  ledger: SubmissionLedger;
  limiter: RateLimiter;
  clock: Clock;
  /** Starts the case's deadline keeper (Step Functions); a failure is left to the hourly sweep. */
  keeper: Keeper;
  /** Sends the acknowledgement the new case owes. */
  outbox: OutboxDeps;
  ids: { caseId: () => string; reference: () => string };
  settings: { nation: Nation };
  /** Starts the search of a processor request at intake (issue 15); absent, staff start it from the desk. */
  search?: SearchDeps;
}

export interface SubmitContext {
  /** How the body came: JSON is checked against the contract exactly; a form is mapped onto it first. */
  bodyKind: 'json' | 'form';
  idempotencyKey?: string;
  /** The client's address, only ever hashed (rate limiting). */
  sourceIp?: string;
}

export interface SubmitResult {
  reference: string;
  /** awaiting_identity: a confirmation link went to the email address; received: a postal requester, nothing to confirm. */
  status: 'awaiting_identity' | 'received';
  /** How we will answer: by email, or by post when no email address was given. */
  replyBy: 'email' | 'post';
  /** True when this answer replays an earlier submission. */
  replayed: boolean;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

function contentFingerprint(s: Submission): string {
  const person = s.onBehalfOf;
  const canonical = JSON.stringify([
    [...s.rights].sort(),
    s.fullName.toLowerCase(),
    (s.email ?? '').toLowerCase(),
    s.postalAddress ?? '',
    s.phone ?? '',
    s.relationship,
    s.details ?? '',
    s.accountReference ?? '',
    person ? [person.fullName.toLowerCase(), (person.email ?? '').toLowerCase(), person.postalAddress ?? '', person.capacity, person.authority] : null,
  ]);
  return `content:${sha256(canonical)}`;
}

export async function submitRequest(raw: Record<string, unknown>, ctx: SubmitContext, deps: SubmitDeps): Promise<SubmitResult> {
  const honeypot = ctx.bodyKind === 'form' && isHoneypotHit(raw);
  const submission = parseSubmission(raw, ctx.bodyKind);
  if (honeypot) {
    // Answer like a success so the bot learns nothing; no case, no email.
    return { reference: deps.ids.reference(), ...replyOf(submission.email ?? ''), replayed: false };
  }

  const key = ctx.idempotencyKey ? `key:${sha256(ctx.idempotencyKey)}` : contentFingerprint(submission);
  const ttl = ctx.idempotencyKey ? KEY_WINDOW_SECONDS : CONTENT_WINDOW_SECONDS;

  let claim: SubmissionClaim | undefined = await deps.ledger.find(key);
  let replayed = Boolean(claim);
  if (!claim) {
    // Counted per submission key: concurrent copies of one submission count once.
    if (ctx.sourceIp && !(await deps.limiter.hit(`ip:${sha256(ctx.sourceIp)}`, RATE_LIMIT.submissions, RATE_LIMIT.windowSeconds, key))) {
      throw new TooManyRequestsError('Too many requests from your connection. Please wait an hour and try again, or email us.');
    }
    const mine = { caseId: deps.ids.caseId(), reference: deps.ids.reference() };
    const earlier = await deps.ledger.claim(key, mine, ttl);
    replayed = Boolean(earlier);
    claim = earlier ?? mine;
  }

  const saved = (await deps.cases.find(claim.caseId)) ?? (await createCase(submission, claim, deps));
  // The case is saved before its keeper starts, so a keeper that fails to start loses nothing.
  const c = (await startKeeper(saved, deps, 'intake')) ?? saved;
  // Only the writer that created the case owes its mail; whoever gets here first sends it.
  const sent = await deliver(c, [MAIL_IDS.acknowledgement(c.id), MAIL_IDS.teamNotice(c.id)], deps.outbox);
  // A processor request with nothing to confirm (a postal requester) is searched now (R20); others when their address is confirmed.
  await startIntakeSearch(sent, deps.search);
  return { reference: c.reference, ...replyOf(c.requester.email), replayed };
}

const replyOf = (email: string): Pick<SubmitResult, 'status' | 'replyBy'> =>
  email === '' ? { status: 'received', replyBy: 'post' } : { status: 'awaiting_identity', replyBy: 'email' };

async function createCase(s: Submission, claim: SubmissionClaim, deps: SubmitDeps): Promise<Case> {
  const at = deps.clock.now().toISOString();
  const received = receive({
    id: claim.caseId,
    reference: claim.reference,
    rights: s.rights,
    channel: 'form',
    requester: {
      fullName: s.fullName,
      email: s.email ?? '',
      relationship: s.relationship,
      ...(s.postalAddress ? { postalAddress: s.postalAddress } : {}),
      ...(s.phone ? { phone: s.phone } : {}),
      ...(s.accountReference ? { accountReference: s.accountReference } : {}),
      ...(s.onBehalfOf ? { onBehalfOf: s.onBehalfOf } : {}),
    },
    ...(s.details ? { details: s.details } : {}),
    receivedAt: at,
    nation: deps.settings.nation,
    actor: 'requester',
    flags: [...(s.email ? [] : [INTAKE_FLAGS.replyByPost]), ...(s.onBehalfOf ? [INTAKE_FLAGS.onBehalf] : [])],
  });
  const audited = { ...received.entry, detail: { ...received.entry.detail, replyBy: s.email ? 'email' : 'post', onBehalf: Boolean(s.onBehalfOf) } };
  try {
    // A complaint has no identity gate (docs/rules.md, Complaints): no link to confirm, the team hears of it now.
    if (!s.email || isComplaint(received.case)) {
      // No address to confirm: the case stays 'received' and its clock runs from receipt (docs/rules.md, R9); the team hears of it now.
      return await deps.cases.create(oweTeamNotice(oweAcknowledgement(received.case, at), at), audited);
    }
    // Confirming control of the email address is the proportionate first identity step (docs/rules.md).
    const asked = askForIdentity(received.case, { at, actor: 'system' });
    return await deps.cases.create(oweAcknowledgement(asked.case, at), audited, {
      ...asked.entry,
      detail: { ...asked.entry.detail, method: 'email-link' },
    });
  } catch (err) {
    if (err instanceof CaseAlreadyExistsError) return deps.cases.get(claim.caseId); // a concurrent retry won
    throw err;
  }
}
