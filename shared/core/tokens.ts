/**
 * Signed, expiring links (email confirmation). A token is
 *   base64url(JSON {c: caseId, p: purpose, e: expiry epoch s, n: nonce}) "." base64url(HMAC-SHA256)
 * It carries only the opaque case id, never personal data. Single use is enforced by the
 * case itself: once the address is confirmed, every confirmation link for it is spent.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { DomainError } from '#domain/errors';

/** verify: an email confirmation link; export: an access answer's download link (shared/fulfilment/export/link.ts). */
export type TokenPurpose = 'verify' | 'export';

export interface TokenClaims {
  caseId: string;
  purpose: TokenPurpose;
  expiresAt: number; // epoch seconds
  nonce: string;
}

export class InvalidTokenError extends DomainError {
  override readonly name = 'InvalidTokenError';
}
/**
 * A well-formed link whose signature matches none of the keys given. It may be signed by a key
 * newer than the caller's copy (the key rotated since it was read): the caller may read the keys
 * afresh and try once more. Otherwise an InvalidTokenError like any other.
 */
export class UnknownSignatureError extends InvalidTokenError {}
export class ExpiredTokenError extends DomainError {
  override readonly name = 'ExpiredTokenError';
}

export const VERIFY_TOKEN_TTL_SECONDS = 7 * 24 * 3600;

/**
 * The longest a link may live. A link verifies under the key that signed it while that key is
 * current or previous, which is at least one rotation interval less a day (the rotation window)
 * and the key cache (docs/operations.md, Link-signing key): 28 days leaves a margin under the
 * 30-day rotation (infra/signing-key-rotation.ts checks the schedule against this). Longer
 * expiries asked for (a verify reminder's link, valid until the case would close) are cut to it.
 */
export const MAX_TOKEN_LIFETIME_SECONDS = 28 * 24 * 3600;
const MAX_TOKEN_LENGTH = 512;

const mac = (key: Buffer, payload: string) => createHmac('sha256', key).update(payload).digest();

export function signToken(key: Buffer, claims: Omit<TokenClaims, 'nonce'> & { nonce?: string }): string {
  const body = { c: claims.caseId, p: claims.purpose, e: claims.expiresAt, n: claims.nonce ?? randomBytes(9).toString('base64url') };
  const payload = Buffer.from(JSON.stringify(body)).toString('base64url');
  return `${payload}.${mac(key, payload).toString('base64url')}`;
}

/**
 * Checks signature, purpose and expiry. `keys`: the current key first, then the previous one
 * (rotation overlap); a token signed by any of them verifies. Throws InvalidTokenError (or its
 * UnknownSignatureError) or ExpiredTokenError.
 */
export function verifyToken(keys: Buffer | readonly Buffer[], token: string, purpose: TokenPurpose, now: Date): TokenClaims {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token)) {
    throw new InvalidTokenError('This link is not valid.');
  }
  const [payload, signature] = token.split('.') as [string, string];
  const given = Buffer.from(signature, 'base64url');
  // Canonical encoding only: base64url's last character carries spare bits, and a link whose
  // text was altered must not verify even if it decodes to the same bytes.
  if (given.toString('base64url') !== signature) throw new InvalidTokenError('This link is not valid.');
  // Every key is tried, so the time taken does not tell which one matched.
  let matched = false;
  for (const key of Buffer.isBuffer(keys) ? [keys] : keys) {
    const expected = mac(key, payload);
    if (given.length === expected.length && timingSafeEqual(given, expected)) matched = true;
  }
  if (!matched) throw new UnknownSignatureError('This link is not valid.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidTokenError('This link is not valid.');
  }
  if (typeof parsed !== 'object' || parsed === null) throw new InvalidTokenError('This link is not valid.');
  const body = parsed as { c?: unknown; p?: unknown; e?: unknown; n?: unknown };
  if (typeof body.c !== 'string' || body.p !== purpose || typeof body.e !== 'number' || typeof body.n !== 'string') {
    throw new InvalidTokenError('This link is not valid.');
  }
  if (body.e <= Math.floor(now.getTime() / 1000)) throw new ExpiredTokenError('This link has expired.');
  return { caseId: body.c, purpose, expiresAt: body.e, nonce: body.n };
}
