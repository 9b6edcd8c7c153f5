/**
 * Staff sign-in for tests, through the real thing: the desk's sign-in handlers behind the local
 * API adapter and the local OpenID provider, driven with fetch and a cookie jar.
 */
import { codeFlowAccessToken, CookieJar, passwordLogin } from '#infra/local/oidc-client';
import { localDynamoClient } from '#infra/local/emulators';
import type { LocalStack } from '#infra/local/stack';
import { DynamoSessionStore } from '#adapters/dynamo-session-store';
import { SESSION_COOKIE } from '#shared/auth/authenticate';
import { systemClock } from '#shared/ports';
import { request, type TestResponse } from '#test/support/http';

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
  return codeFlowAccessToken({
    issuer: stack.env.STAFF_ISSUER!,
    clientId: stack.env.STAFF_CLIENT_ID!,
    redirectUri: `${stack.urls.api}/desk/callback`,
    email,
    password: userOf(stack, email).password,
  });
}

/** A call to the staff API of `stack` as JSON, with `token` as Bearer (none: unauthenticated), and `body` as JSON. */
export function staffCall(
  stack: LocalStack,
  path: string,
  token: string | undefined,
  opts: { method?: string; body?: unknown } = {},
): Promise<TestResponse> {
  return request(`${stack.urls.api}${path}`, {
    method: opts.method ?? 'GET',
    headers: {
      accept: 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
  });
}
