/**
 * Recipients' API tokens (issue 15): in AWS each is a Secrets Manager secret named in the
 * register (`noticeApi.tokenSecret`, under rightsdesk/recipients/, the only secrets the outbox
 * sweep may read), its SecretString the bearer token, read once per cold start and again when
 * the recipient answers 401 (the token rotated since). Under the local stack, which has no
 * Secrets Manager, RECIPIENT_TOKENS holds them instead: a JSON object from secret name to token.
 * Tokens are never logged, and errors never quote them.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod';
import { RECIPIENT_SECRET_PREFIX } from '#domain/register';
import { secretsManagerClient } from './aws-clients';
import type { RecipientTokens } from './fetch-recipient-api';

/** A token shorter than this is a misconfigured secret, not a token. */
const MIN_TOKEN_LENGTH = 16;
/** Nor is one longer than this (a header must stay small). */
const MAX_TOKEN_LENGTH = 4_096;

/** Checks the token is usable in a header (printable ASCII, no spaces); the message names the secret, never the value. */
function checked(name: string, token: string | undefined): string {
  if (typeof token !== 'string' || token.length < MIN_TOKEN_LENGTH || token.length > MAX_TOKEN_LENGTH || !/^[\x21-\x7e]+$/.test(token))
    throw new Error(`The recipient token secret ${name} is missing, empty or not a token.`);
  return token;
}

function assertRecipientSecret(name: string): void {
  if (!name.startsWith(RECIPIENT_SECRET_PREFIX)) throw new Error(`Only secrets under ${RECIPIENT_SECRET_PREFIX} hold recipient tokens.`);
}

/** Tokens from Secrets Manager, cached per cold start by secret name; `refresh` reads one again. */
export function secretsManagerRecipientTokens(client?: Pick<SecretsManagerClient, 'send'>): RecipientTokens {
  const cache = new Map<string, Promise<string>>();
  const read = async (name: string): Promise<string> => {
    client ??= secretsManagerClient();
    const out = await client.send(new GetSecretValueCommand({ SecretId: name }));
    return checked(name, out.SecretString);
  };
  return async (name, { refresh = false } = {}) => {
    assertRecipientSecret(name);
    let token = refresh ? undefined : cache.get(name);
    if (!token) {
      token = read(name);
      cache.set(name, token);
      // A failed read is not kept: the next notice tries again.
      token.catch(() => cache.get(name) === token && cache.delete(name));
    }
    return token;
  };
}

const localTokens = z.record(z.string().startsWith(RECIPIENT_SECRET_PREFIX), z.string());

/** The local stand-in: RECIPIENT_TOKENS, a JSON object from secret name to token. */
export function envRecipientTokens(json: string): RecipientTokens {
  const parsed = localTokens.safeParse(JSON.parse(json));
  if (!parsed.success) throw new Error(`RECIPIENT_TOKENS must be a JSON object from secret names under ${RECIPIENT_SECRET_PREFIX} to tokens.`);
  const tokens = parsed.data;
  return async (name) => {
    assertRecipientSecret(name);
    return checked(name, tokens[name]);
  };
}

/** RECIPIENT_TOKENS under the local stack; Secrets Manager everywhere else. */
export function recipientTokens(env: NodeJS.ProcessEnv = process.env): RecipientTokens {
  return env.RECIPIENT_TOKENS !== undefined ? envRecipientTokens(env.RECIPIENT_TOKENS) : secretsManagerRecipientTokens();
}
