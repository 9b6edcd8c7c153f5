/**
 * Staff sign-in for tests, through the real thing: the desk's sign-in handlers behind the local
 * API adapter and the local OpenID provider, driven with fetch and a cookie jar.
 */
import { CookieJar, passwordLogin, pkcePair } from '#infra/local/oidc-client';
import { localDynamoClient } from '#infra/local/emulators';
import type { LocalStack } from '#infra/local/stack';
import { DynamoSessionStore } from '#adapters/dynamo-session-store';
import { SESSION_COOKIE } from '#shared/auth/authenticate';
import { systemClock } from '#shared/ports';

function userOf(stack: LocalStack, email: string) {
  const user = stack.staffUsers.find((u) => u.email === email);
  if (!user) throw new Error(`${email} is not a seeded staff user of the local provider.`);
  return user;
}

/** Signs `email` in through GET /desk/sign-in and back through the callback, in a fresh jar; returns the jar with it. */
export async function signInWithJar(stack: LocalStack, email: string, password = userOf(stack, email).password, returnTo = '/desk') {
  const jar = new CookieJar();
  const callback = await passwordLogin(`${stack.urls.api}/desk/sign-in?returnTo=${encodeURIComponent(returnTo)}`, {
    email,
    password,
    jar,
    stopAt: (url) => url.pathname === '/desk/callback',
  });
  const res = await jar.fetch(callback);
  return { jar, callback, res };
}

/** A signed-in desk session for `email`: its cookie header and the session's form token. */
export async function signInAs(stack: LocalStack, email: string): Promise<{ cookie: string; csrf: string }> {
  const { jar, res } = await signInWithJar(stack, email);
  const id = jar.get(SESSION_COOKIE);
  if (res.status !== 200 || !id) throw new Error(`The sign-in callback answered ${res.status} without a session.`);
  // The form token is on every desk page; read from the store here, so this works before any page does.
  const client = localDynamoClient(stack.urls.dynamodb);
  try {
    const session = await new DynamoSessionStore({ client, tableName: stack.env.CASES_TABLE!, clock: systemClock }).get(id);
    return { cookie: `${SESSION_COOKIE}=${id}`, csrf: session!.csrf };
  } finally {
    client.destroy();
  }
}

/** An access token for `email` from the local provider (the code flow with PKCE, as `npm run token` does). */
export async function bearerFor(stack: LocalStack, email: string): Promise<string> {
  const user = userOf(stack, email);
  const issuer = stack.env.STAFF_ISSUER!;
  const clientId = stack.env.STAFF_CLIENT_ID!;
  const redirectUri = `${stack.urls.api}/desk/callback`;
  const { verifier, challenge } = pkcePair();
  const auth = new URL(`${issuer}/auth`);
  auth.search = new URLSearchParams({
    client_id: clientId,
    response_type: 'code',
    redirect_uri: redirectUri,
    scope: 'openid email profile',
    state: pkcePair().verifier,
    nonce: pkcePair().verifier,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  const jar = new CookieJar();
  const callback = await passwordLogin(auth.toString(), { email, password: user.password, jar, stopAt: (u) => u.href.startsWith(redirectUri) });
  const res = await fetch(`${issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: callback.searchParams.get('code') ?? '',
      redirect_uri: redirectUri,
      client_id: clientId,
      code_verifier: verifier,
    }),
  });
  const body = (await res.json()) as { access_token?: string };
  if (!res.ok || !body.access_token) throw new Error(`The local provider's token endpoint answered ${res.status}.`);
  return body.access_token;
}
