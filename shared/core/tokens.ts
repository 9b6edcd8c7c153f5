/**
 * Signed, expiring links (email confirmation). A token is
 *   base64url(JSON {c: caseId, p: purpose, e: expiry epoch s, n: nonce}) "." base64url(HMAC-SHA256)
 * It carries only the opaque case id, never personal data. Single use is enforced by the
 * case itself: once the address is confirmed, every confirmation link for it is spent.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { DomainError } from '#domain/errors';

export type TokenPurpose = 'verify';

export interface TokenClaims {
  caseId: string;
  purpose: TokenPurpose;
  expiresAt: number; // epoch seconds
  nonce: string;
}

export class InvalidTokenError extends DomainError {
  override readonly name = 'InvalidTokenError';
}
export class ExpiredTokenError extends DomainError {
  override readonly name = 'ExpiredTokenError';
}

export const VERIFY_TOKEN_TTL_SECONDS = 7 * 24 * 3600;
const MAX_TOKEN_LENGTH = 512;

const mac = (key: Buffer, payload: string) => createHmac('sha256', key).update(payload).digest();

export function signToken(key: Buffer, claims: Omit<TokenClaims, 'nonce'> & { nonce?: string }): string {
  const body = { c: claims.caseId, p: claims.purpose, e: claims.expiresAt, n: claims.nonce ?? randomBytes(9).toString('base64url') };
  const payload = Buffer.from(JSON.stringify(body)).toString('base64url');
  return `${payload}.${mac(key, payload).toString('base64url')}`;
}

/** Checks signature, purpose and expiry. Throws InvalidTokenError or ExpiredTokenError. */
export function verifyToken(key: Buffer, token: string, purpose: TokenPurpose, now: Date): TokenClaims {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token)) {
    throw new InvalidTokenError('This link is not valid.');
  }
  const [payload, signature] = token.split('.') as [string, string];
  const expected = mac(key, payload);
  const given = Buffer.from(signature, 'base64url');
  // Canonical encoding only: base64url's last character carries spare bits, and a link whose
  // text was altered must not verify even if it decodes to the same bytes.
  if (given.length !== expected.length || given.toString('base64url') !== signature || !timingSafeEqual(given, expected)) {
    throw new InvalidTokenError('This link is not valid.');
  }
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
