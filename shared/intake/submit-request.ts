/**
 * Use case: a rights request arrives through the public form (HTML or JSON).
 * Validates, drops honeypot hits, rate-limits per client, and turns each distinct
 * submission into exactly one case — a retry (same Idempotency-Key, or the same content
 * within minutes) answers with the same case, and never counts against the rate limit — owing
 * the acknowledgement with the confirmation link in the same write that creates the case, then
 * sending it (the outbox's fast path; the sweep sends it if that fails). Safe to retry at any
 * point: every step checks what is already done.
 */
import { createHash } from 'node:crypto';
import type { Case } from '#domain/case';
import { askForIdentity, receive } from '#domain/lifecycle';
import { CaseAlreadyExistsError, TooManyRequestsError } from '#domain/errors';
import type { CaseStore, Clock, Keeper, RateLimiter, SubmissionClaim, SubmissionLedger } from '#shared/ports';
import { MAIL_IDS, oweAcknowledgement } from '#shared/core/acknowledge';
import { deliver, type OutboxDeps } from '#shared/core/outbox';
import { startKeeper } from '#shared/core/start-keeper';
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
}

export interface SubmitContext {
  idempotencyKey?: string;
  /** The client's address, only ever hashed (rate limiting). */
  sourceIp?: string;
}

export interface SubmitResult {
  reference: string;
  status: 'awaiting_identity';
  email: string;
  /** True when this answer replays an earlier submission. */
  replayed: boolean;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

function contentFingerprint(s: Submission): string {
  const canonical = JSON.stringify([
    [...s.rights].sort(),
    s.fullName.toLowerCase(),
    s.email.toLowerCase(),
    s.phone ?? '',
    s.relationship,
    s.details ?? '',
    s.accountReference ?? '',
  ]);
  return `content:${sha256(canonical)}`;
}

export async function submitRequest(raw: Record<string, unknown>, ctx: SubmitContext, deps: SubmitDeps): Promise<SubmitResult> {
  const honeypot = isHoneypotHit(raw);
  const submission = parseSubmission(raw);
  if (honeypot) {
    // Answer like a success so the bot learns nothing; no case, no email.
    return { reference: deps.ids.reference(), status: 'awaiting_identity', email: submission.email, replayed: false };
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
  // Only the writer that created the case owes the acknowledgement; whoever gets here first sends it.
  await deliver(c, [MAIL_IDS.acknowledgement(c.id)], deps.outbox);
  return { reference: c.reference, status: 'awaiting_identity', email: c.requester.email, replayed };
}

async function createCase(s: Submission, claim: SubmissionClaim, deps: SubmitDeps): Promise<Case> {
  const at = deps.clock.now().toISOString();
  const received = receive({
    id: claim.caseId,
    reference: claim.reference,
    rights: s.rights,
    channel: 'form',
    requester: {
      fullName: s.fullName,
      email: s.email,
      relationship: s.relationship,
      ...(s.phone ? { phone: s.phone } : {}),
      ...(s.accountReference ? { accountReference: s.accountReference } : {}),
    },
    ...(s.details ? { details: s.details } : {}),
    receivedAt: at,
    nation: deps.settings.nation,
    actor: 'requester',
  });
  // Confirming control of the email address is the proportionate first identity step (docs/rules.md).
  const asked = askForIdentity(received.case, { at, actor: 'system' });
  try {
    return await deps.cases.create(oweAcknowledgement(asked.case, at), received.entry, {
      ...asked.entry,
      detail: { ...asked.entry.detail, method: 'email-link' },
    });
  } catch (err) {
    if (err instanceof CaseAlreadyExistsError) return deps.cases.get(claim.caseId); // a concurrent retry won
    throw err;
  }
}
