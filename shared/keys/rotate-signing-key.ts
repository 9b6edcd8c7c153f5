/**
 * Use case: one step of a Secrets Manager rotation of the link-signing key (the four-step
 * protocol: createSecret, setSecret, testSecret, finishSecret). Secrets Manager invokes the
 * rotation function once per step with the new version's id (ClientRequestToken), and retries
 * a failed step, so every step is idempotent:
 *
 *   createSecret  a new random key (KEY_BYTES, base64url) as the AWSPENDING version, unless
 *                 that version exists already
 *   setSecret     nothing: no other service holds the key
 *   testSecret    the pending key is well formed and signs a link that verifies
 *   finishSecret  AWSCURRENT moves to the new version; Secrets Manager labels the old one
 *                 AWSPREVIOUS, which verifiers still accept (shared/adapters/signing-key.ts)
 *
 * Only the one secret the function is configured with is rotated. Key material is never logged.
 */
import { randomBytes } from 'node:crypto';
import { signToken, verifyToken } from '#shared/core/tokens';

export const ROTATION_STEPS = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const;
export type RotationStep = (typeof ROTATION_STEPS)[number];

/** What Secrets Manager sends the rotation function. */
export interface RotationEvent {
  readonly SecretId: string;
  readonly ClientRequestToken: string;
  readonly Step: RotationStep;
}

/** The signing key's bytes: 32 random bytes, stored as base64url text (43 characters). */
export const KEY_BYTES = 32;

/** A secret's versions, as the rotation needs them (shared/adapters/secrets-manager-key-versions.ts). */
export interface KeyVersions {
  /** Whether rotation is on, and the staging labels of each version id. */
  describe(): Promise<{ rotationEnabled: boolean; stagesByVersion: Readonly<Record<string, readonly string[]>> }>;
  /** The value of the version with `stage` (and `versionId`, when given), or undefined if there is none. */
  value(stage: 'AWSCURRENT' | 'AWSPENDING', versionId?: string): Promise<string | undefined>;
  /** Stores `value` as version `versionId` labelled AWSPENDING (idempotent for the same id and value). */
  putPending(versionId: string, value: string): Promise<void>;
  /** Moves AWSCURRENT from version `from` to version `to`. */
  makeCurrent(to: string, from: string): Promise<void>;
}

export interface RotateDeps {
  readonly versions: KeyVersions;
  /** The secret this function may rotate (SIGNING_KEY_SECRET_ARN). */
  readonly secretArn: string;
  /** @default 32 random bytes, base64url */
  readonly newKey?: () => string;
}

/** A rotation request this function must not act on (another secret, an unknown version, rotation off). */
export class RotationRefusedError extends Error {
  override readonly name = 'RotationRefusedError';
}

export type RotationOutcome = 'created' | 'exists' | 'set' | 'tested' | 'finished' | 'already-current';

export async function rotateSigningKey(event: RotationEvent, deps: RotateDeps): Promise<RotationOutcome> {
  if (event.SecretId !== deps.secretArn) throw new RotationRefusedError('This function rotates only its own signing key secret.');
  if (!(ROTATION_STEPS as readonly string[]).includes(event.Step)) throw new RotationRefusedError('Unknown rotation step.');
  const token = event.ClientRequestToken;
  const { rotationEnabled, stagesByVersion } = await deps.versions.describe();
  if (!rotationEnabled) throw new RotationRefusedError('Rotation is not enabled on the secret.');
  const stages = stagesByVersion[token];
  if (!stages) throw new RotationRefusedError('The rotation names a version the secret does not have.');
  if (stages.includes('AWSCURRENT')) return 'already-current';
  if (!stages.includes('AWSPENDING')) throw new RotationRefusedError('The rotation names a version that is not pending.');

  switch (event.Step) {
    case 'createSecret': {
      if ((await deps.versions.value('AWSCURRENT')) === undefined) throw new RotationRefusedError('The secret has no current version.');
      if ((await deps.versions.value('AWSPENDING', token)) !== undefined) return 'exists';
      await deps.versions.putPending(token, (deps.newKey ?? (() => randomBytes(KEY_BYTES).toString('base64url')))());
      return 'created';
    }
    case 'setSecret':
      return 'set';
    case 'testSecret': {
      const pending = await deps.versions.value('AWSPENDING', token);
      if (pending === undefined || !isKey(pending)) throw new RotationRefusedError('The pending version is not a signing key.');
      // The key signs a link that verifies under it, as the handlers will use it (its UTF-8 bytes).
      const key = Buffer.from(pending, 'utf8');
      const now = new Date();
      verifyToken(key, signToken(key, { caseId: 'rotation-test', purpose: 'verify', expiresAt: Math.floor(now.getTime() / 1000) + 60 }), 'verify', now);
      return 'tested';
    }
    case 'finishSecret': {
      const current = Object.entries(stagesByVersion).find(([, s]) => s.includes('AWSCURRENT'))?.[0];
      if (current === undefined) throw new RotationRefusedError('The secret has no current version.');
      await deps.versions.makeCurrent(token, current);
      return 'finished';
    }
  }
}

/** What rotation writes: KEY_BYTES bytes as base64url text. */
function isKey(value: string): boolean {
  return /^[A-Za-z0-9_-]+$/.test(value) && Buffer.from(value, 'base64url').length === KEY_BYTES;
}
