/**
 * The desk's and the staff API's HTTP stack (issue 11): the standard stack (httpHandler) plus
 * authentication before anything is read. Every staff handler goes through one of these two:
 *   - staffApi: JSON; no valid token or session → 401, a viewer acting → 403;
 *   - deskPage: HTML; no session → 303 to sign in (and back), a viewer acting → 403 page;
 *     strict headers: no caching, no framing, no script, forms only to the site (and the
 *     issuer, where sign-out goes).
 */
import type { APIGatewayProxyResult } from 'aws-lambda';
import { authenticateStaff, signInLocation } from '#shared/auth/authenticate';
import { UnauthenticatedError, type Staff, type StaffNeed } from '#shared/auth/staff';
import { httpHandler, type BodyKind, type HtmlErrorRenderer, type HttpEvent } from './middleware';
import { SECURITY_HEADERS, seeOther } from './responses';

export type StaffAuthDeps = Parameters<typeof authenticateStaff>[1];

/** Who is asking, and the session's CSRF token for the forms a page draws (absent for a Bearer token). */
export interface StaffCaller {
  staff: Staff;
  csrf?: string;
}

type StaffFn = (event: HttpEvent, caller: StaffCaller) => Promise<APIGatewayProxyResult>;

interface StaffOptions {
  accepts?: readonly BodyKind[];
  renderHtmlError?: (err: Error, event: HttpEvent, caller: StaffCaller | undefined) => APIGatewayProxyResult | undefined;
}

async function authenticated(event: HttpEvent, auth: StaffAuthDeps, need: StaffNeed): Promise<StaffCaller> {
  const { staff, csrf } = await authenticateStaff(event, auth, need);
  return { staff, ...(csrf ? { csrf } : {}) };
}

export function staffApi(need: StaffNeed, auth: StaffAuthDeps, fn: StaffFn, opts: StaffOptions = {}) {
  const callers = new WeakMap<HttpEvent, StaffCaller>();
  return httpHandler(
    async (event) => {
      const caller = await authenticated(event, auth, need);
      callers.set(event, caller);
      return fn(event, caller);
    },
    { ...(opts.accepts ? { accepts: opts.accepts } : {}), ...htmlErrors(opts, callers) },
  );
}

/** Content-Security-Policy of the desk: no script at all; forms post to the site, and sign-out leaves for the issuer. */
export function deskHeaders(issuer: string | undefined): Record<string, string> {
  const issuerOrigin = issuer ? ` ${new URL(issuer).origin}` : '';
  return {
    ...SECURITY_HEADERS,
    'content-security-policy': `default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'${issuerOrigin}; frame-ancestors 'none'; base-uri 'none'`,
    'cache-control': 'no-store',
    pragma: 'no-cache',
  };
}

export function deskPage(need: StaffNeed, auth: StaffAuthDeps, fn: StaffFn, opts: StaffOptions = {}) {
  const callers = new WeakMap<HttpEvent, StaffCaller>();
  const headers = deskHeaders(process.env.STAFF_ISSUER);
  // The stage path (e.g. /prod) that PUBLIC_BASE_URL carries, which every staff handler is given.
  const basePath = new URL(process.env.PUBLIC_BASE_URL ?? 'http://localhost/').pathname.replace(/\/+$/, '');
  return httpHandler(
    async (event) => {
      let caller: StaffCaller;
      try {
        caller = await authenticated(event, auth, need);
      } catch (err) {
        // A page asked for without a session: sign in, then come back (a form POST comes back to its page).
        if (err instanceof UnauthenticatedError && event.httpMethod === 'GET') return seeOther(signInLocation(event, basePath));
        throw err;
      }
      callers.set(event, caller);
      const response = await fn(event, caller);
      return { ...response, headers: { ...response.headers, ...headers, ...pick(response.headers, ['content-type', 'content-disposition', 'location']) } };
    },
    { ...(opts.accepts ? { accepts: opts.accepts } : {}), ...htmlErrors(opts, callers) },
  );
}

function pick(headers: APIGatewayProxyResult['headers'], names: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const v = headers?.[name];
    if (v !== undefined) out[name] = String(v);
  }
  return out;
}

function htmlErrors(opts: StaffOptions, callers: WeakMap<HttpEvent, StaffCaller>): { renderHtmlError?: HtmlErrorRenderer } {
  const render = opts.renderHtmlError;
  return render ? { renderHtmlError: (err, event) => render(err, event, callers.get(event)) } : {};
}
