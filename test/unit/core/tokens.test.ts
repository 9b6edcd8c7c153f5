import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ExpiredTokenError, InvalidTokenError, signToken, verifyToken } from '#shared/core/tokens';

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
    for (const bad of [`${forged}.${sig}`, `${payload}.${sig.slice(0, -2)}AA`, `${payload}x.${sig}`, '', 'a.b.c', 'x'.repeat(600), '../../etc/passwd']) {
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
