/**
 * What the keys context's handler uses, built on first call from exactly the configuration
 * lambdas/keys/manifest.ts grants (SIGNING_KEY_SECRET_ARN).
 */
import { secretsManagerClient } from '#adapters/aws-clients';
import { SecretsManagerKeyVersions } from '#adapters/secrets-manager-key-versions';
import { readConfig } from '#shared/core/config';
import type { RotateDeps } from '#shared/keys/rotate-signing-key';

const memo: { rotate?: RotateDeps } = {};

/** The rotation of the signing key secret named by SIGNING_KEY_SECRET_ARN, and of no other. */
export function rotateDeps(): RotateDeps {
  return (memo.rotate ??= (() => {
    const secretArn = readConfig(['SIGNING_KEY_SECRET_ARN']).SIGNING_KEY_SECRET_ARN;
    return { secretArn, versions: new SecretsManagerKeyVersions(secretsManagerClient(), secretArn) };
  })());
}
