/**
 * Following a confirmation link across signing-key rotations: a link signed with the current or
 * the previous key verifies, one signed two rotations ago does not, and a link signed with a key
 * newer than the verifier's copy verifies once the keys are read afresh. The keys come from the
 * real adapter in its local-stack form (SIGNING_KEY, SIGNING_KEY_PREVIOUS), the path the local
 * stack runs.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { signingKeyRing, verificationKeysOf } from '#adapters/signing-key';
import type { Case } from '#domain/case';
import { signToken } from '#shared/core/tokens';
import { checkLink, type LinkDeps } from '#shared/intake/verify-email';
import type { CaseStore } from '#shared/ports';
import { aCase } from '#test/support/cases';

const now = new Date('2026-12-01T10:00:00Z');
const expiresAt = now.getTime() / 1000 + 3600;
// A case closed unverified: a valid link for it reads the case and answers 'closed', changing nothing.
const closed: Case = { ...aCase({ status: 'closed', outcome: 'closed_unverified' }), identityReceivedOn: undefined };

function deps(verificationKeys: LinkDeps['verificationKeys']) {
  const find = vi.fn(async (id: string) => (id === closed.id ? closed : undefined));
  const cases = { find } as unknown as CaseStore;
  return { find, deps: { cases, clock: { now: () => now }, verificationKeys } };
}

const linkFor = (key: Buffer) => signToken(key, { caseId: closed.id, purpose: 'verify', expiresAt });

describe('following a confirmation link across key rotations', () => {
  const [twoAgo, previous, current] = [randomBytes(32), randomBytes(32), randomBytes(32)];
  const local = verificationKeysOf(signingKeyRing({ SIGNING_KEY: current.toString('base64url'), SIGNING_KEY_PREVIOUS: previous.toString('base64url') }));

  it('accepts a link signed with the current key or the previous one', async () => {
    for (const key of [current, previous]) {
      const { find, deps: d } = deps(local);
      expect(await checkLink(linkFor(key), d)).toEqual({ outcome: 'closed' });
      expect(find).toHaveBeenCalledWith(closed.id);
    }
  });

  it('refuses a link signed with the key of two rotations ago, without reading the case', async () => {
    const { find, deps: d } = deps(local);
    expect(await checkLink(linkFor(twoAgo), d)).toEqual({ outcome: 'invalid' });
    expect(find).not.toHaveBeenCalled();
  });

  it('reads the keys afresh once for a link no cached key matches (it may carry a newer key), and not for junk', async () => {
    const newer = randomBytes(32);
    const keys = vi.fn(async (opts?: { refresh?: boolean }) => (opts?.refresh ? [newer, current] : [current, previous]));
    expect(await checkLink(linkFor(newer), deps(keys).deps)).toEqual({ outcome: 'closed' });
    expect(keys.mock.calls).toEqual([[], [{ refresh: true }]]);

    keys.mockClear();
    expect(await checkLink(linkFor(twoAgo), deps(keys).deps)).toEqual({ outcome: 'invalid' });
    expect(keys).toHaveBeenCalledTimes(2);

    keys.mockClear();
    expect(await checkLink('not-a-link', deps(keys).deps)).toEqual({ outcome: 'invalid' });
    expect(keys.mock.calls).toEqual([[]]);
  });
});
