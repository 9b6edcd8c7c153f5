/**
 * The key ring the handlers sign and verify with. In AWS it reads the secret's AWSCURRENT and
 * AWSPREVIOUS versions (Secrets Manager is mocked at the SDK: there is no Secrets Manager
 * emulator here); under the local stack, SIGNING_KEY and SIGNING_KEY_PREVIOUS.
 */
import { randomBytes } from 'node:crypto';
import { GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { KEY_CACHE_SECONDS, MIN_REFRESH_SECONDS, currentKeyOf, signingKeyRing, verificationKeysOf } from '#adapters/signing-key';
import { signToken, verifyToken } from '#shared/core/tokens';

const ARN = 'arn:aws:secretsmanager:eu-west-2:111111111111:secret:RightsdeskSigningKey-AbCdEf';
const sm = mockClient(SecretsManagerClient);
afterEach(() => sm.reset());

const secret = () => randomBytes(32).toString('base64url');
/** The secret's versions by stage, as Secrets Manager would answer GetSecretValue. */
function stages(values: { AWSCURRENT: string; AWSPREVIOUS?: string }) {
  sm.reset();
  sm.on(GetSecretValueCommand).callsFake((input: { SecretId: string; VersionStage: 'AWSCURRENT' | 'AWSPREVIOUS' }) => {
    expect(input.SecretId).toBe(ARN);
    const value = values[input.VersionStage];
    if (value === undefined) throw new ResourceNotFoundException({ message: 'no such stage', $metadata: {} });
    return { SecretString: value };
  });
}

function ring() {
  let t = Date.parse('2026-12-01T10:00:00Z');
  const keys = signingKeyRing({ SIGNING_KEY_SECRET_ARN: ARN }, { client: new SecretsManagerClient({ region: 'eu-west-2' }), now: () => t });
  return { keys, advance: (seconds: number) => (t += seconds * 1000) };
}

describe('signing keys from Secrets Manager', () => {
  it('are AWSCURRENT and AWSPREVIOUS (their UTF-8 bytes); before the first rotation there is no previous', async () => {
    const [a, b] = [secret(), secret()];
    stages({ AWSCURRENT: b, AWSPREVIOUS: a });
    expect(await ring().keys()).toEqual({ current: Buffer.from(b, 'utf8'), previous: Buffer.from(a, 'utf8') });
    stages({ AWSCURRENT: a });
    expect(await ring().keys()).toEqual({ current: Buffer.from(a, 'utf8') });
  });

  it('sign with the current key and verify with both', async () => {
    const [a, b] = [secret(), secret()];
    stages({ AWSCURRENT: b, AWSPREVIOUS: a });
    const { keys } = ring();
    expect(await currentKeyOf(keys)()).toEqual(Buffer.from(b, 'utf8'));
    const verification = await verificationKeysOf(keys)();
    expect(verification).toEqual([Buffer.from(b, 'utf8'), Buffer.from(a, 'utf8')]);
    const now = new Date('2026-12-01T10:00:00Z');
    const old = signToken(Buffer.from(a, 'utf8'), { caseId: 'X', purpose: 'verify', expiresAt: now.getTime() / 1000 + 60 });
    expect(verifyToken(verification, old, 'verify', now).caseId).toBe('X');
  });

  it('are cached for KEY_CACHE_SECONDS, then read again, so a rotation reaches a warm function', async () => {
    const [a, b, c] = [secret(), secret(), secret()];
    stages({ AWSCURRENT: b, AWSPREVIOUS: a });
    const { keys, advance } = ring();
    await keys();
    stages({ AWSCURRENT: c, AWSPREVIOUS: b });
    advance(KEY_CACHE_SECONDS - 1);
    expect((await keys()).current).toEqual(Buffer.from(b, 'utf8'));
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(0);
    advance(1);
    expect(await keys()).toEqual({ current: Buffer.from(c, 'utf8'), previous: Buffer.from(b, 'utf8') });
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('are read afresh on request, at most every MIN_REFRESH_SECONDS (junk links cannot run up calls)', async () => {
    const [a, b] = [secret(), secret()];
    stages({ AWSCURRENT: a });
    const { keys, advance } = ring();
    await keys();
    stages({ AWSCURRENT: b, AWSPREVIOUS: a });
    advance(MIN_REFRESH_SECONDS - 1);
    expect((await keys({ refresh: true })).current).toEqual(Buffer.from(a, 'utf8'));
    advance(1);
    expect((await keys({ refresh: true })).current).toEqual(Buffer.from(b, 'utf8'));
    expect((await keys({ refresh: true })).current).toEqual(Buffer.from(b, 'utf8'));
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('keep the keys already read when Secrets Manager fails, and fail without any', async () => {
    const a = secret();
    stages({ AWSCURRENT: a });
    const { keys, advance } = ring();
    await keys();
    sm.reset();
    sm.on(GetSecretValueCommand).rejects(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }));
    advance(KEY_CACHE_SECONDS);
    expect((await keys()).current).toEqual(Buffer.from(a, 'utf8'));
    await expect(ring().keys()).rejects.toMatchObject({ name: 'ThrottlingException' });
  });

  it('refuse an empty or short secret, naming the stage and not the value', async () => {
    stages({ AWSCURRENT: 'short' });
    await expect(ring().keys()).rejects.toThrow("The signing key secret's AWSCURRENT version is empty or too short.");
  });
});

describe('signing keys under the local stack', () => {
  it('are SIGNING_KEY and, when set, SIGNING_KEY_PREVIOUS (base64url)', async () => {
    const [a, b] = [randomBytes(32), randomBytes(32)];
    const keys = signingKeyRing({ SIGNING_KEY: b.toString('base64url'), SIGNING_KEY_PREVIOUS: a.toString('base64url') });
    expect(await verificationKeysOf(keys)({ refresh: true })).toEqual([b, a]);
    expect(await verificationKeysOf(signingKeyRing({ SIGNING_KEY: b.toString('base64url') }))()).toEqual([b]);
  });

  it('fail the cold start on a bad previous key, or with both the key and the secret', () => {
    expect(() => signingKeyRing({ SIGNING_KEY: secret(), SIGNING_KEY_PREVIOUS: 'short' })).toThrow('SIGNING_KEY_PREVIOUS is invalid');
    expect(() => signingKeyRing({ SIGNING_KEY: secret(), SIGNING_KEY_SECRET_ARN: ARN })).toThrow('set exactly one of');
  });
});
