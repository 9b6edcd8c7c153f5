/**
 * Secrets Manager rotation of the link-signing key: one of the four steps per invocation
 * (shared/keys/rotate-signing-key.ts).
 */
import { logger } from '#shared/core/log';
import { rotationHandler } from '#shared/events/middleware';
import { ROTATION_STEPS, RotationRefusedError, rotateSigningKey, type RotationEvent } from '#shared/keys/rotate-signing-key';
import { rotateDeps } from './deps';

const deps = rotateDeps();

function parse(event: unknown): RotationEvent {
  const e = (event ?? {}) as Partial<Record<keyof RotationEvent, unknown>>;
  if (typeof e.SecretId !== 'string' || typeof e.ClientRequestToken !== 'string' || !ROTATION_STEPS.some((s) => s === e.Step)) {
    throw new RotationRefusedError('Not a Secrets Manager rotation event.');
  }
  return { SecretId: e.SecretId, ClientRequestToken: e.ClientRequestToken, Step: e.Step as RotationEvent['Step'] };
}

export const handler = rotationHandler(parse, async (event) => {
  const outcome = await rotateSigningKey(event, deps);
  // The version id is not secret (it is in the secret's metadata); the key never appears.
  logger.info('Signing key rotation step', { step: event.Step, versionId: event.ClientRequestToken, outcome });
  return { outcome };
});
