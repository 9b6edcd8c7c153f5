/**
 * The desk's sign-in: OpenID Connect authorization code flow with PKCE (S256) against the
 * staff issuer (Cognito's hosted UI in AWS, the local provider on `npm start`). The desk is a
 * public client: no client secret; the PKCE verifier, the nonce and where to go back to wait in
 * a pending sign-in keyed by the state, used once. The state is also bound to the browser that
 * started the sign-in by a short-lived cookie, so nobody can finish a sign-in in someone
 * else's browser (login CSRF).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { clearedSessionCookie, safeReturnTo, sessionCookie, type StaffAuthDeps } from './authenticate';
import { PENDING_SIGN_IN_SECONDS, randomToken, SESSION_MAX_SECONDS, startSession } from './session';
import { canRead, NotPermittedError } from './staff';
import { issuerMetadata, type IdTokenVerifier } from './verify';

export const SIGN_IN_COOKIE = 'rd_signin';

export interface SignInDeps extends StaffAuthDeps {
  readonly issuer: string;
  readonly clientId: string;
  readonly verifyIdToken: IdTokenVerifier;
}

const basePathOf = (publicBaseUrl: string) => new URL(publicBaseUrl).pathname.replace(/\/+$/, '');
const baseUrlOf = (publicBaseUrl: string) => publicBaseUrl.replace(/\/+$/, '');
export const redirectUriOf = (publicBaseUrl: string): string => `${baseUrlOf(publicBaseUrl)}/desk/callback`;

/** Sent back only to the callback, on the issuer's top-level redirect (Lax), for 10 minutes. */
const signInCookie = (value: string, publicBaseUrl: string, maxAge: number) =>
  `${SIGN_IN_COOKIE}=${value}; Max-Age=${maxAge}; Path=${basePathOf(publicBaseUrl)}/desk/callback; HttpOnly; Secure; SameSite=Lax`;

/** GET /desk/sign-in: where to send the browser (the issuer's authorization endpoint) and the cookie binding the state to it. */
export async function beginSignIn(returnTo: unknown, deps: SignInDeps): Promise<{ location: string; cookie: string }> {
  const metadata = await issuerMetadata(deps.issuer);
  const state = randomToken();
  const pending = { verifier: randomToken(), nonce: randomToken(), returnTo: safeReturnTo(returnTo) };
  await deps.sessions.putPendingSignIn(state, pending, new Date(deps.clock.now().getTime() + PENDING_SIGN_IN_SECONDS * 1000));
  const url = new URL(metadata.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: deps.clientId,
    redirect_uri: redirectUriOf(deps.publicBaseUrl),
    scope: 'openid email profile',
    state,
    nonce: pending.nonce,
    code_challenge: createHash('sha256').update(pending.verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();
  return { location: url.toString(), cookie: signInCookie(state, deps.publicBaseUrl, PENDING_SIGN_IN_SECONDS) };
}

export type SignInResult =
  | { readonly outcome: 'signed-in'; readonly location: string; readonly cookies: readonly string[] }
  /** Unknown, used, expired or foreign state, or an error from the issuer: start again. */
  | { readonly outcome: 'start-again'; readonly cookies: readonly string[] };

export interface CallbackInput {
  readonly code?: string | undefined;
  readonly state?: string | undefined;
  /** The sign-in cookie the browser sent back. */
  readonly boundState?: string | undefined;
  /** The issuer reported an error (e.g. access_denied). */
  readonly error?: string | undefined;
}

const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** GET /desk/callback: exchanges the code, checks both tokens and starts the session. */
export async function completeSignIn(input: CallbackInput, deps: SignInDeps): Promise<SignInResult> {
  const clearSignIn = signInCookie('', deps.publicBaseUrl, 0);
  const startAgain: SignInResult = { outcome: 'start-again', cookies: [clearSignIn] };
  const { code, state, boundState } = input;
  if (!state || !boundState || !same(state, boundState)) return startAgain;
  // Taken (deleted) before anything else: a replayed callback finds nothing.
  const pending = await deps.sessions.takePendingSignIn(state);
  if (!pending || input.error || !code) return startAgain;

  const metadata = await issuerMetadata(deps.issuer);
  const res = await fetch(metadata.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUriOf(deps.publicBaseUrl),
      client_id: deps.clientId,
      code_verifier: pending.verifier,
    }),
    signal: AbortSignal.timeout(8_000),
  });
  if (res.status >= 500) throw Object.assign(new Error(`staff issuer token endpoint answered ${res.status}`), { name: 'ServiceUnavailable' });
  if (!res.ok) return startAgain; // a used or expired code
  const tokens = (await res.json()) as { access_token?: string; id_token?: string };
  const id = await deps.verifyIdToken(tokens.id_token ?? '', pending.nonce);
  const staff = await deps.verifyToken(tokens.access_token ?? '');
  if (id.sub !== staff.sub) return startAgain;
  if (!canRead(staff)) throw new NotPermittedError('Your account has no access to the desk. Ask the DPO to add you to a group.');
  const session = await startSession(deps.sessions, staff, deps.clock);
  return {
    outcome: 'signed-in',
    location: `${basePathOf(deps.publicBaseUrl)}${pending.returnTo}`,
    cookies: [sessionCookie(session.id, SESSION_MAX_SECONDS), clearSignIn],
  };
}

/**
 * POST /desk/sign-out (form token already checked): ends the desk's session, then the
 * issuer's where it publishes an end-session endpoint (the local provider; Cognito does not).
 */
export async function signOut(sessionId: string | undefined, deps: SignInDeps): Promise<{ location: string; cookie: string; atIssuer: boolean }> {
  if (sessionId) await deps.sessions.delete(sessionId);
  const signedOut = `${baseUrlOf(deps.publicBaseUrl)}/desk/signed-out`;
  const metadata = await issuerMetadata(deps.issuer).catch(() => undefined);
  if (!metadata?.end_session_endpoint) return { location: signedOut, cookie: clearedSessionCookie(), atIssuer: false };
  const url = new URL(metadata.end_session_endpoint);
  url.searchParams.set('client_id', deps.clientId);
  url.searchParams.set('post_logout_redirect_uri', signedOut);
  return { location: url.toString(), cookie: clearedSessionCookie(), atIssuer: true };
}
