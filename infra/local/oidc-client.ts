/**
 * A scripted browser for the local staff sign-in, with no browser: follows redirects by hand,
 * keeps cookies in a jar and fills in the local provider's login form. `npm run token` and the
 * tests' signInAs/bearerFor use it; the real desk handlers and provider do everything else.
 */
import { createHash, randomBytes } from 'node:crypto';

/** Cookies by name, across localhost ports (as a browser keeps them: cookies ignore the port). */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  store(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=thu, 01 jan 1970/i.test(a));
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(eq + 1).trim());
    }
  }

  get(name: string): string | undefined {
    return this.cookies.get(name);
  }

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  /** GET or POST with the jar's cookies, storing those set; redirects are not followed. */
  async fetch(url: string | URL, init: RequestInit = {}): Promise<Response> {
    const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), cookie: this.header() } });
    this.store(res);
    return res;
  }
}

export class LoginRefusedError extends Error {
  override readonly name = 'LoginRefusedError';
}

/**
 * Follows `start` through the provider's login (filling in `email` and `password`) until a
 * redirect to a URL `stopAt` accepts, which it returns without fetching it.
 */
export async function passwordLogin(
  start: string,
  { email, password, jar, stopAt }: { email: string; password: string; jar: CookieJar; stopAt: (url: URL) => boolean },
): Promise<URL> {
  let url = new URL(start);
  let init: RequestInit = {};
  for (let hop = 0; hop < 20; hop++) {
    const res = await jar.fetch(url, init);
    init = {};
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      url = new URL(location, url);
      if (stopAt(url)) return url;
      continue;
    }
    const body = await res.text();
    const form = /<form method="post" action="([^"]+)"/.exec(body);
    if (res.status !== 200 || !form) throw new LoginRefusedError(`The sign-in stopped at ${url.pathname} with status ${res.status}.`);
    if (/role="alert"/.test(body) && hop > 0 && url.pathname.endsWith('/login')) {
      throw new LoginRefusedError('The local provider refused the email address or password.');
    }
    url = new URL(form[1]!.replace(/&amp;/g, '&'), url);
    init = {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email, password }).toString(),
    };
  }
  throw new LoginRefusedError('The sign-in redirected too many times.');
}

/** A PKCE verifier and its S256 challenge. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export interface CodeFlowOptions {
  readonly issuer: string;
  readonly clientId: string;
  /** The client's registered redirect URI (the desk's callback): the code is taken from it, never sent there. */
  readonly redirectUri: string;
  readonly email: string;
  readonly password: string;
}

/** An access token from the local provider: the authorization code flow with PKCE, logging in with the password. */
export async function codeFlowAccessToken(opts: CodeFlowOptions): Promise<string> {
  const discovery = (await (await fetch(`${opts.issuer}/.well-known/openid-configuration`)).json()) as {
    authorization_endpoint: string;
    token_endpoint: string;
  };
  const { verifier, challenge } = pkcePair();
  const state = pkcePair().verifier;
  const auth = new URL(discovery.authorization_endpoint);
  auth.search = new URLSearchParams({
    client_id: opts.clientId,
    response_type: 'code',
    redirect_uri: opts.redirectUri,
    scope: 'openid email profile',
    state,
    nonce: pkcePair().verifier,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  const callback = await passwordLogin(auth.toString(), {
    email: opts.email,
    password: opts.password,
    jar: new CookieJar(),
    stopAt: (u) => `${u.origin}${u.pathname}` === opts.redirectUri,
  });
  if (callback.searchParams.get('state') !== state) throw new LoginRefusedError('The provider answered with another state.');
  const res = await fetch(discovery.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: callback.searchParams.get('code') ?? '',
      redirect_uri: opts.redirectUri,
      client_id: opts.clientId,
      code_verifier: verifier,
    }),
  });
  const body = (await res.json()) as { access_token?: string };
  if (!res.ok || !body.access_token) throw new LoginRefusedError(`The provider's token endpoint answered ${res.status}.`);
  return body.access_token;
}
