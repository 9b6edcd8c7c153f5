/**
 * Who is asking, for every staff route: a Bearer access token (the JSON API, scripts), else the
 * desk's session cookie. Acting through a session (a form POST) also needs the session's form
 * token and a same-site request, so another site cannot make a signed-in browser act.
 * 401: no valid token or session. 403: a cross-site request, a missing or wrong form token, or
 * a role that does not allow it.
 */
import { timingSafeEqual } from 'node:crypto';
import type { HttpEvent } from '#http/middleware';
import { ForbiddenError } from '#http/errors';
import type { Clock } from '#shared/ports';
import { currentSession, type SessionStore, type StaffSession } from './session';
import { canAct, canRead, NotPermittedError, UnauthenticatedError, type Staff, type StaffNeed } from './staff';
import type { StaffTokenVerifier } from './verify';

/**
 * The session cookie. `__Host-`: only ever set Secure, for Path=/ and this host alone, so no
 * sibling subdomain can plant or overwrite it. Chromium accepts it on http://localhost too
 * (localhost counts as a secure context), so the name is the same locally and in AWS.
 */
export const SESSION_COOKIE = '__Host-rd_session';

export interface StaffAuthDeps {
  readonly verifyToken: StaffTokenVerifier;
  readonly sessions: SessionStore;
  readonly clock: Clock;
  /** PUBLIC_BASE_URL: its origin is the only one the desk's forms may post from. */
  readonly publicBaseUrl: string;
}

export interface Authenticated {
  readonly staff: Staff;
  readonly via: 'bearer' | 'session';
  /** The session's form token, for the page's forms (session only). */
  readonly csrf?: string;
}

const UNAUTHENTICATED = 'Sign in to use the desk.';

/** The cookies of a request (API Gateway REST proxy: one `cookie` header). */
export function cookiesOf(event: Pick<HttpEvent, 'headers'>): Map<string, string> {
  const out = new Map<string, string>();
  const header = Object.entries(event.headers ?? {}).find(([k]) => k.toLowerCase() === 'cookie')?.[1] ?? '';
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 1) continue;
    const name = part.slice(0, eq).trim();
    if (!out.has(name)) out.set(name, part.slice(eq + 1).trim());
  }
  return out;
}

const header = (event: Pick<HttpEvent, 'headers'>, name: string) => Object.entries(event.headers ?? {}).find(([k]) => k.toLowerCase() === name)?.[1];

function sameValue(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Refuses a request from another site or origin (Sec-Fetch-Site, or an Origin other than the desk's) and a form
 * whose `_csrf` is not the session's. For every state-changing request made with a session.
 */
export function assertSameSiteForm(event: HttpEvent, csrf: string, publicBaseUrl: string): void {
  const fetchSite = header(event, 'sec-fetch-site');
  const origin = header(event, 'origin');
  // Desk forms post to their own origin. Under the pages' Referrer-Policy: no-referrer, browsers send
  // `Origin: null` even then; Sec-Fetch-Site (which no page can set) must then say same-origin. The form token covers the rest.
  const otherSite = fetchSite !== undefined && fetchSite !== 'same-origin' && fetchSite !== 'none';
  const opaqueButSameOrigin = origin === 'null' && fetchSite === 'same-origin';
  if (otherSite || (origin !== undefined && origin !== new URL(publicBaseUrl).origin && !opaqueButSameOrigin)) {
    throw new ForbiddenError('This form can only be sent from the desk itself.');
  }
  const given = event.parsedBody?._csrf;
  if (typeof given !== 'string' || !sameValue(given, csrf)) {
    throw new ForbiddenError('This form has expired. Go back, reload the page and try again.');
  }
}

/** The session the request's cookie names, if it is live. */
export async function sessionOf(
  event: HttpEvent,
  deps: Pick<StaffAuthDeps, 'sessions' | 'clock'>,
): Promise<{ id: string; session: StaffSession } | undefined> {
  const id = cookiesOf(event).get(SESSION_COOKIE);
  if (!id || !/^[A-Za-z0-9_-]{43}$/.test(id)) return undefined;
  const session = await currentSession(deps.sessions, id, deps.clock);
  return session && { id, session };
}

function allow(staff: Staff, need: StaffNeed): void {
  if (!canRead(staff)) throw new NotPermittedError('Your account has no access to the desk. Ask the DPO to add you to a group.');
  if (need === 'act' && !canAct(staff)) throw new NotPermittedError('Your account can read cases but not act on them.');
}

export async function authenticateStaff(event: HttpEvent, deps: StaffAuthDeps, need: StaffNeed): Promise<Authenticated> {
  const authorization = header(event, 'authorization');
  if (authorization !== undefined) {
    const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(authorization.trim());
    if (!match) throw new UnauthenticatedError(UNAUTHENTICATED);
    const staff = await deps.verifyToken(match[1]!);
    allow(staff, need);
    return { staff, via: 'bearer' };
  }
  const found = await sessionOf(event, deps);
  if (!found) throw new UnauthenticatedError(UNAUTHENTICATED);
  const { staff, csrf } = found.session;
  // A GET changes nothing (the form to log a request needs 'act' but carries no form token yet).
  if (need === 'act' && event.httpMethod !== 'GET' && event.httpMethod !== 'HEAD') assertSameSiteForm(event, csrf, deps.publicBaseUrl);
  allow(staff, need);
  return { staff, via: 'session', csrf };
}

const cookieAttributes = 'Path=/; HttpOnly; Secure; SameSite=Strict';

export const sessionCookie = (id: string, maxAgeSeconds: number): string => `${SESSION_COOKIE}=${id}; Max-Age=${maxAgeSeconds}; ${cookieAttributes}`;

export const clearedSessionCookie = (): string => `${SESSION_COOKIE}=; Max-Age=0; ${cookieAttributes}`;

/** A local /desk path (with its query) safe to return to after signing in; anything else is /desk. */
export function safeReturnTo(value: unknown): string {
  if (typeof value !== 'string' || value.length > 512) return '/desk';
  return /^\/desk(?:\/[A-Za-z0-9\-._~%!$&'()*+,;=:@/]*)?(?:\?[A-Za-z0-9\-._~%!$&'()*+,;=:@/?]*)?$/.test(value) && !value.includes('//') ? value : '/desk';
}

/** Where an unauthenticated page GET goes: the sign-in, coming back to this page. `basePath`: PUBLIC_BASE_URL's path (a stage). */
export function signInLocation(event: Pick<HttpEvent, 'path' | 'queryStringParameters'>, basePath = ''): string {
  const query = new URLSearchParams(Object.entries(event.queryStringParameters ?? {}).filter((e): e is [string, string] => e[1] !== undefined)).toString();
  const returnTo = safeReturnTo(`${event.path}${query ? `?${query}` : ''}`);
  return `${basePath}/desk/sign-in?returnTo=${encodeURIComponent(returnTo)}`;
}
