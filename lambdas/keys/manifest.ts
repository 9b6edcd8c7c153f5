/**
 * The keys context: rotating the link-signing key. Secrets Manager invokes the rotation function
 * on the secret's schedule (infra/signing-key-rotation.ts); the local stack has no Secrets
 * Manager, and no rotation (its key is SIGNING_KEY, with an optional SIGNING_KEY_PREVIOUS).
 */
import type { ContextManifest } from '#lambdas/manifest';

export const KEYS: ContextManifest = {
  context: 'keys',
  handlers: [
    {
      id: 'RotateSigningKey',
      entry: 'lambdas/keys/rotate-signing-key.ts',
      description: 'Rightsdesk: rotate the link-signing key (Secrets Manager rotation)',
      trigger: { kind: 'rotation' },
      // Reads, writes and relabels versions of the signing key secret, and nothing else.
      uses: { signingKey: 'rotate' },
    },
  ],
};
