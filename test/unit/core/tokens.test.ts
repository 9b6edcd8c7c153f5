import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { confirmationLink } from '#shared/core/acknowledge';
import {
  ExpiredTokenError,
  InvalidTokenError,
  MAX_TOKEN_LIFETIME_SECONDS,
  UnknownSignatureError,
  VERIFY_TOKEN_TTL_SECONDS,
  signToken,
  verifyToken,
} from '#shared/core/tokens';

const key = randomBytes(32);
const now = new Date('2026-11-27T12:00:00Z');
const exp = now.getTime() / 1000 + 60;

describe('signed links', () => {
  it('round-trips the case id and nothing personal', () => {
    const token = signToken(key, { caseId: '01JABCDEF', purpose: 'verify', expiresAt: exp });
    expect(verifyToken(key, token, 'verify', now)).toMatchObject({ caseId: '01JABCDEF', purpose: 'verify', expiresAt: exp });
    expect(Buffer.from(token.split('.')[0]!, 'base64url').toString()).not.toMatch(/@/);
  });

  it('gives each token a fresh nonce', () => {
    const a = signToken(key, { caseId: 'X', purpose: 'verify', expiresAt: exp });
    const b = signToken(key, { caseId: 'X', purpose: 'verify', expiresAt: exp });
    expect(a).not.toBe(b);
  });

  it('rejects expired tokens', () => {
    const token = signToken(key, { caseId: 'X', purpose: 'verify', expiresAt: exp });
    expect(() => verifyToken(key, token, 'verify', new Date((exp + 1) * 1000))).toThrow(ExpiredTokenError);
    expect(() => verifyToken(key, token, 'verify', new Date(exp * 1000))).toThrow(ExpiredTokenError);
  });

  it('rejects tampering, other keys and junk', () => {
    const token = signToken(key, { caseId: 'X', purpose: 'verify', expiresAt: exp });
    const [payload, sig] = token.split('.') as [string, string];
    const forged = Buffer.from(JSON.stringify({ c: 'Y', p: 'verify', e: exp, n: 'n' })).toString('base64url');
    // The signature with its first character changed (never to itself: the first character carries 6 full bits).
    const tampered = `${sig.startsWith('A') ? 'B' : 'A'}${sig.slice(1)}`;
    for (const bad of [`${forged}.${sig}`, `${payload}.${tampered}`, `${payload}x.${sig}`, '', 'a.b.c', 'x'.repeat(600), '../../etc/passwd']) {
      expect(() => verifyToken(key, bad, 'verify', now)).toThrow(InvalidTokenError);
    }
    expect(() => verifyToken(randomBytes(32), token, 'verify', now)).toThrow(InvalidTokenError);
  });

  it('rejects every single-character change to the signature, including its spare trailing bits', () => {
    const token = signToken(key, { caseId: 'X', purpose: 'verify', expiresAt: exp });
    const [payload, sig] = token.split('.') as [string, string];
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    for (let i = 0; i < sig.length; i++) {
      for (const ch of alphabet) {
        if (ch === sig[i]) continue;
        const altered = `${payload}.${sig.slice(0, i)}${ch}${sig.slice(i + 1)}`;
        expect(() => verifyToken(key, altered, 'verify', now), `position ${i} -> ${ch}`).toThrow(InvalidTokenError);
      }
    }
  });
});

describe('signed links across key rotations', () => {
  // Three generations of the key: each rotation makes the current key the previous one.
  const [twoAgo, previous, current] = [randomBytes(32), randomBytes(32), randomBytes(32)];
  const keys = [current, previous];
  const signedWith = (k: Buffer) => signToken(k, { caseId: 'X', purpose: 'verify', expiresAt: exp });

  it('verifies a link signed with the current key or the previous one', () => {
    expect(verifyToken(keys, signedWith(current), 'verify', now).caseId).toBe('X');
    expect(verifyToken(keys, signedWith(previous), 'verify', now).caseId).toBe('X');
  });

  it('refuses a link signed with the key of two rotations ago, as a signature no key matches', () => {
    expect(() => verifyToken(keys, signedWith(twoAgo), 'verify', now)).toThrow(UnknownSignatureError);
    expect(() => verifyToken(keys, signedWith(twoAgo), 'verify', now)).toThrow(InvalidTokenError);
    expect(() => verifyToken([], signedWith(current), 'verify', now)).toThrow(UnknownSignatureError);
  });

  it('still checks expiry and shape whichever key signed', () => {
    expect(() => verifyToken(keys, signedWith(previous), 'verify', new Date((exp + 1) * 1000))).toThrow(ExpiredTokenError);
    const [payload, sig] = signedWith(previous).split('.') as [string, string];
    // Malformed, not merely unknown: no point in reading the keys again.
    expect(() => verifyToken(keys, `${payload}.${sig}=`, 'verify', now)).toThrow(InvalidTokenError);
    expect(() => verifyToken(keys, `${payload}.${sig}=`, 'verify', now)).not.toThrow(UnknownSignatureError);
  });
});

describe('confirmation links', () => {
  const deps = { clock: { now: () => now }, signingKey: async () => key, settings: { publicBaseUrl: 'https://privacy.example' } };
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const expiryOf = (url: string) => verifyToken(key, decodeURIComponent(url.split('/verify/')[1]!), 'verify', now).expiresAt;

  it('live VERIFY_TOKEN_TTL_SECONDS, or until a later time asked for', async () => {
    expect(expiryOf(await confirmationLink('X', deps))).toBe(nowSeconds + VERIFY_TOKEN_TTL_SECONDS);
    expect(expiryOf(await confirmationLink('X', deps, nowSeconds + 23 * 86400))).toBe(nowSeconds + 23 * 86400);
  });

  it('never outlive the key rotation overlap (MAX_TOKEN_LIFETIME_SECONDS)', async () => {
    expect(expiryOf(await confirmationLink('X', deps, nowSeconds + 60 * 86400))).toBe(nowSeconds + MAX_TOKEN_LIFETIME_SECONDS);
  });
});
