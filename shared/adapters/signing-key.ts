/**
 * The link-signing key: from Secrets Manager in AWS (Powertools caches it across
 * invocations), or from SIGNING_KEY under the local stack. Read lazily, once.
 */
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { readOneOf } from '#shared/core/config';

export type KeySource = () => Promise<Buffer>;

export function signingKeySource(env: NodeJS.ProcessEnv = process.env): KeySource {
  const cfg = readOneOf(['SIGNING_KEY', 'SIGNING_KEY_SECRET_ARN'], env);
  if (cfg.SIGNING_KEY) {
    const key = Buffer.from(cfg.SIGNING_KEY, 'base64url');
    return async () => key;
  }
  const arn = cfg.SIGNING_KEY_SECRET_ARN!;
  return async () => {
    const secret = await getSecret(arn, { maxAge: 3600 });
    if (typeof secret !== 'string' || secret.length < 32) throw new Error('The signing key secret is empty or too short.');
    return Buffer.from(secret, 'utf8');
  };
}
