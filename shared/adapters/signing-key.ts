/**
 * The link-signing keys: from Secrets Manager in AWS, or from SIGNING_KEY (and, optionally,
 * SIGNING_KEY_PREVIOUS) under the local stack. Links are signed with the current key and
 * verified against the current and the previous one (docs/operations.md, Link-signing key):
 * the secret rotates on a schedule (infra/signing-key-rotation.ts), and a link signed just
 * before a rotation must still verify until it expires.
 *
 * In AWS the keys are the AWSCURRENT and AWSPREVIOUS versions of the secret (their UTF-8
 * bytes), read together and cached for KEY_CACHE_SECONDS, so a rotation reaches every warm
 * function within that time. A verifier that meets a link no cached key matches may ask for
 * the keys afresh (`refresh`): the link may be signed by a key newer than its copy. Refreshes
 * are rate-limited (MIN_REFRESH_SECONDS), so junk links cannot run up Secrets Manager calls.
 * Key material is never logged.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { readConfig, readOneOf } from '#shared/core/config';
import { secretsManagerClient } from './aws-clients';

/** The key new links are signed with. */
export type KeySource = () => Promise<Buffer>;

/** The keys links verify against, current first. `refresh`: read them again (at most every MIN_REFRESH_SECONDS). */
export type VerificationKeySource = (opts?: { refresh?: boolean }) => Promise<Buffer[]>;

export interface SigningKeys {
  readonly current: Buffer;
  /** Absent until the secret has rotated once. */
  readonly previous?: Buffer;
}

/** Both keys, cached; `refresh` as in VerificationKeySource. */
export type KeyRing = (opts?: { refresh?: boolean }) => Promise<SigningKeys>;

/** How long read keys are used before they are read again: the longest a rotation takes to reach a warm function. */
export const KEY_CACHE_SECONDS = 300;
/** The shortest time between two reads of the secret. */
export const MIN_REFRESH_SECONDS = 10;

export interface KeyRingOptions {
  /** @default a Secrets Manager client for the function's region */
  readonly client?: Pick<SecretsManagerClient, 'send'>;
  /** Milliseconds since the epoch. @default Date.now */
  readonly now?: () => number;
}

const MIN_SECRET_LENGTH = 32;

/** The keys from the environment: SIGNING_KEY_SECRET_ARN (AWS) or SIGNING_KEY [+ SIGNING_KEY_PREVIOUS] (local stack). */
export function signingKeyRing(env: NodeJS.ProcessEnv = process.env, opts: KeyRingOptions = {}): KeyRing {
  const cfg = readOneOf(['SIGNING_KEY', 'SIGNING_KEY_SECRET_ARN'], env);
  if (cfg.SIGNING_KEY) {
    const previous = env.SIGNING_KEY_PREVIOUS === undefined ? undefined : readConfig(['SIGNING_KEY_PREVIOUS'], env).SIGNING_KEY_PREVIOUS;
    const keys: SigningKeys = {
      current: Buffer.from(cfg.SIGNING_KEY, 'base64url'),
      ...(previous !== undefined && { previous: Buffer.from(previous, 'base64url') }),
    };
    return async () => keys;
  }
  return secretKeyRing(cfg.SIGNING_KEY_SECRET_ARN!, opts);
}

function secretKeyRing(secretId: string, opts: KeyRingOptions): KeyRing {
  const now = opts.now ?? Date.now;
  let client = opts.client;
  let cached: { keys: SigningKeys; readAt: number } | undefined;
  let reading: Promise<SigningKeys> | undefined;

  const readStage = async (stage: 'AWSCURRENT' | 'AWSPREVIOUS'): Promise<Buffer | undefined> => {
    client ??= secretsManagerClient();
    let secret: string | undefined;
    try {
      secret = (await client.send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: stage }))).SecretString;
    } catch (err) {
      // No version carries AWSPREVIOUS until the first rotation.
      if (stage === 'AWSPREVIOUS' && (err as { name?: unknown }).name === 'ResourceNotFoundException') return undefined;
      throw err;
    }
    if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH)
      throw new Error(`The signing key secret's ${stage} version is empty or too short.`);
    return Buffer.from(secret, 'utf8');
  };

  const read = async (): Promise<SigningKeys> => {
    const [current, previous] = await Promise.all([readStage('AWSCURRENT'), readStage('AWSPREVIOUS')]);
    return { current: current!, ...(previous && { previous }) };
  };

  return async ({ refresh = false } = {}) => {
    const age = cached ? now() - cached.readAt : Infinity;
    const fresh = age < KEY_CACHE_SECONDS * 1000 && !(refresh && age >= MIN_REFRESH_SECONDS * 1000);
    if (cached && fresh) return cached.keys;
    reading ??= read()
      .then((keys) => {
        cached = { keys, readAt: now() };
        return keys;
      })
      .finally(() => {
        reading = undefined;
      });
    try {
      return await reading;
    } catch (err) {
      // Secrets Manager unreachable: the keys already read still verify and sign; the next call tries again.
      if (cached) return cached.keys;
      throw err;
    }
  };
}

/** The signing key of `ring`: the current one. */
export function currentKeyOf(ring: KeyRing): KeySource {
  return async () => (await ring()).current;
}

/** The verification keys of `ring`: current, then previous. */
export function verificationKeysOf(ring: KeyRing): VerificationKeySource {
  return async (opts) => {
    const { current, previous } = await ring(opts);
    return previous ? [current, previous] : [current];
  };
}
