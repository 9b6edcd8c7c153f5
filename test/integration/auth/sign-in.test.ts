/**
 * Staff sign-in end to end on the local stack: the desk's sign-in handlers behind the local API
 * adapter, the local OpenID provider, sessions in dynalite, and a test-only staff route
 * (test/fixtures/auth/whoami.ts) that authenticates as the desk's pages and API will.
 */
import { generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routesOf, type Route } from '#lambdas/manifest';
import { CASES } from '#lambdas/cases/manifest';
import { CookieJar, passwordLogin } from '#infra/local/oidc-client';
import { startLocalStack, type LocalStack } from '#infra/local/stack';
import { SESSION_COOKIE } from '#shared/auth/authenticate';
import { bearerFor, signInAs, signInWithJar } from '#test/support/staff';
import { localDynamoClient } from '#infra/local/emulators';
import { DynamoSessionStore } from '#adapters/dynamo-session-store';
import { systemClock } from '#shared/ports';

const WHOAMI = 'test/fixtures/auth/whoami.ts';
const ROUTES: Route[] = [
  ...routesOf(CASES.handlers),
  { method: 'GET', path: '/desk/whoami', entry: WHOAMI, access: 'staff' },
  { method: 'POST', path: '/desk/whoami', entry: WHOAMI, access: 'staff' },
];
const DPO = 'dpo.lead@icetrak.net';
const VIEWER = 'auditor@icetrak.net';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({ port: 0, sesPort: 0, memory: true, routes: ROUTES, log: () => undefined });
});
afterAll(() => stack?.stop());

const api = (path: string, init: RequestInit = {}) => fetch(`${stack.urls.api}${path}`, { redirect: 'manual', ...init });
const withCookie = (cookie: string, init: RequestInit = {}): RequestInit => ({ ...init, headers: { ...(init.headers as object), cookie } });
const formPost = (cookie: string, fields: Record<string, string>, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', origin: new URL(stack.urls.api).origin, ...headers },
  body: new URLSearchParams(fields).toString(),
});

describe('signing in', () => {
  it('sets a session cookie that a staff page reads the staff member from, and returns to the page asked for', async () => {
    const { jar, res } = await signInWithJar(stack, DPO, undefined, '/desk/cases?state=open');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('url=/desk/cases?state=open');
    const setCookie = res.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`))!;
    expect(setCookie).toMatch(/; HttpOnly; Secure; SameSite=Strict/);
    expect(setCookie).toContain('Path=/;');
    const me = await api('/desk/whoami', withCookie(`${SESSION_COOKIE}=${jar.get(SESSION_COOKIE)!}`));
    expect(me.status).toBe(200);
    expect(await me.json()).toEqual({
      staff: { sub: expect.any(String), email: DPO, name: 'Dana Lead', roles: ['dpo'] },
      via: 'session',
      hasCsrf: true,
    });
  });

  it('sends a page request without a session to sign in, coming back to that page', async () => {
    const res = await api('/desk/whoami', { headers: { accept: 'text/html' } });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/desk/sign-in?returnTo=%2Fdesk%2Fwhoami');
    expect((await api('/desk/whoami')).status).toBe(401);
  });

  it('refuses a wrong password with the form again, the same for an unknown address', async () => {
    await expect(signInWithJar(stack, DPO, 'not-the-password')).rejects.toThrow('refused the email address or password');
    await expect(signInWithJar(stack, 'nobody@icetrak.net', 'whatever')).rejects.toThrow('refused the email address or password');
  });

  it('refuses a callback whose state is forged, replayed, or not bound to this browser', async () => {
    const { jar, callback, res } = await signInWithJar(stack, DPO);
    expect(res.status).toBe(200);
    // Replayed: the pending sign-in was used up.
    const replay = await jar.fetch(callback);
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain('Start again');
    expect(replay.headers.getSetCookie().some((c) => c.startsWith(`${SESSION_COOKIE}=`))).toBe(false);
    // Forged: a state nobody issued, with a matching cookie.
    const forged = new URL(callback);
    forged.searchParams.set('state', 'x'.repeat(43));
    const forgedRes = await fetch(forged, { redirect: 'manual', headers: { cookie: `rd_signin=${'x'.repeat(43)}` } });
    expect(forgedRes.status).toBe(400);
    // Another browser: a real, unused state and code, without the sign-in cookie of the browser that started it.
    const started = new CookieJar();
    const unused = await passwordLogin(`${stack.urls.api}/desk/sign-in`, {
      email: VIEWER,
      password: stack.staffUsers.find((u) => u.email === VIEWER)!.password,
      jar: started,
      stopAt: (u) => u.pathname === '/desk/callback',
    });
    expect((await new CookieJar().fetch(unused)).status).toBe(400);
    // The browser that started it still can (the failed attempt above did not use it up).
    expect((await started.fetch(unused)).status).toBe(200);
  });
});

describe('Bearer tokens', () => {
  it('accepts an access token from the local provider', async () => {
    const token = await bearerFor(stack, VIEWER);
    const res = await api('/desk/whoami', { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ staff: { email: VIEWER, name: 'Avery Auditor', roles: ['viewer'] }, via: 'bearer' });
  });

  it('answers 401 to a token from another issuer, a tampered one, an expired one and one for another client', async () => {
    const good = await bearerFor(stack, DPO);
    const [header, payload, signature] = good.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, 'cognito:groups': ['dpo', 'viewer'], email: 'x@icetrak.net' })).toString('base64url')}.${signature}`;
    const { privateKey } = await generateKeyPair('RS256');
    const { kid } = JSON.parse(Buffer.from(header, 'base64url').toString()) as { kid: string };
    const foreign = (extra: Record<string, unknown>, iss: string) =>
      new SignJWT({ ...claims, ...extra }).setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid }).setIssuer(iss).sign(privateKey);
    const tokens = {
      // The specific checks (expiry, client, token use) with the issuer's real key are in test/unit/auth/verify.test.ts.
      otherIssuer: await foreign({}, 'https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_other'),
      tampered,
      // Signed by a key the issuer never published, with the issuer's own name.
      unknownKey: await foreign({}, stack.env.STAFF_ISSUER!),
      expired: await foreign({ exp: Math.floor(Date.now() / 1000) - 60 }, stack.env.STAFF_ISSUER!),
      otherClient: await foreign({ client_id: 'someone-else' }, stack.env.STAFF_ISSUER!),
      garbage: 'not-a-token',
    };
    for (const [kind, token] of Object.entries(tokens)) {
      const res = await api('/desk/whoami', { headers: { authorization: `Bearer ${token}` } });
      expect(res.status, kind).toBe(401);
      expect(JSON.stringify(await res.json()), kind).not.toContain(token.slice(0, 20));
    }
  });

  it('lets a dpo act with a token, but not a viewer (403)', async () => {
    const post = (token: string) =>
      api('/desk/whoami', { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{}' });
    expect((await post(await bearerFor(stack, DPO))).status).toBe(200);
    expect((await post(await bearerFor(stack, VIEWER))).status).toBe(403);
  });
});

describe('acting through a session', () => {
  it('needs the form token and a same-site request, and the dpo role', async () => {
    const dpo = await signInAs(stack, DPO);
    expect((await api('/desk/whoami', formPost(dpo.cookie, { _csrf: dpo.csrf }))).status).toBe(200);
    expect((await api('/desk/whoami', formPost(dpo.cookie, {}))).status).toBe(403);
    // One character different (never the same character again: that would be the right token, once in 64 runs).
    const wrong = `${dpo.csrf.slice(0, -1)}${dpo.csrf.endsWith('A') ? 'B' : 'A'}`;
    expect((await api('/desk/whoami', formPost(dpo.cookie, { _csrf: wrong }))).status).toBe(403);
    expect((await api('/desk/whoami', formPost(dpo.cookie, { _csrf: dpo.csrf }, { origin: 'https://evil.example' }))).status).toBe(403);
    expect((await api('/desk/whoami', formPost(dpo.cookie, { _csrf: dpo.csrf }, { 'sec-fetch-site': 'cross-site' }))).status).toBe(403);
    // Another port or subdomain of the same site is not the desk either.
    expect((await api('/desk/whoami', formPost(dpo.cookie, { _csrf: dpo.csrf }, { 'sec-fetch-site': 'same-site' }))).status).toBe(403);
    // A browser under the pages' no-referrer policy sends Origin: null with Sec-Fetch-Site: same-origin.
    expect((await api('/desk/whoami', formPost(dpo.cookie, { _csrf: dpo.csrf }, { origin: 'null', 'sec-fetch-site': 'same-origin' }))).status).toBe(200);
    expect((await api('/desk/whoami', formPost(dpo.cookie, { _csrf: dpo.csrf }, { origin: 'null', 'sec-fetch-site': 'same-site' }))).status).toBe(403);
    expect((await api('/desk/whoami', formPost(dpo.cookie, { _csrf: dpo.csrf }, { origin: 'null' }))).status).toBe(403);
    const viewer = await signInAs(stack, VIEWER);
    expect((await api('/desk/whoami', formPost(viewer.cookie, { _csrf: viewer.csrf }))).status).toBe(403);
    expect((await api('/desk/whoami', withCookie(viewer.cookie))).status).toBe(200);
  });
});

describe('the end of a session', () => {
  const store = () => new DynamoSessionStore({ client: localDynamoClient(stack.urls.dynamodb), tableName: stack.env.CASES_TABLE!, clock: systemClock });
  const idOf = (cookie: string) => cookie.slice(`${SESSION_COOKIE}=`.length);

  it('comes after 30 minutes without a request', async () => {
    const { cookie } = await signInAs(stack, VIEWER);
    await store().touch(idOf(cookie), new Date(Date.now() - 29 * 60_000));
    expect((await api('/desk/whoami', withCookie(cookie))).status).toBe(200);
    await store().touch(idOf(cookie), new Date(Date.now() - 31 * 60_000));
    expect((await api('/desk/whoami', withCookie(cookie))).status).toBe(401);
  });

  it('comes with signing out: the session is deleted, the cookie cleared, and the issuer signs out too', async () => {
    const { cookie, csrf } = await signInAs(stack, DPO);
    // Without the form token, or from another site, nothing happens.
    expect((await api('/desk/sign-out', formPost(cookie, {}))).status).toBe(403);
    expect((await api('/desk/sign-out', formPost(cookie, { _csrf: csrf }, { origin: 'https://evil.example' }))).status).toBe(403);
    expect((await api('/desk/whoami', withCookie(cookie))).status).toBe(200);

    const res = await api('/desk/sign-out', formPost(cookie, { _csrf: csrf }));
    expect(res.status).toBe(200);
    const page = await res.text();
    const location = new URL(/<a href="([^"]+)">Continue to sign out/.exec(page)![1]!.replace(/&amp;/g, '&'));
    expect(`${location.origin}${location.pathname}`).toBe(`${stack.urls.oidc}/session/end`);
    expect(location.searchParams.get('post_logout_redirect_uri')).toBe(`${stack.urls.api}/desk/signed-out`);
    expect(res.headers.getSetCookie()).toContain(`${SESSION_COOKIE}=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Strict`);
    expect((await api('/desk/whoami', withCookie(cookie))).status).toBe(401);
    expect(await store().get(idOf(cookie))).toBeUndefined();

    const signedOut = await api('/desk/signed-out');
    expect(signedOut.status).toBe(200);
    expect(await signedOut.text()).toContain('You have signed out');
  });
});
