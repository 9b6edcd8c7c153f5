/**
 * The local stand-in for the staff user pool (Cognito in AWS): a real OpenID Connect provider
 * (oidc-provider) on its own port, with the seeded staff users and the desk's public client.
 * Its access tokens are JWTs (RFC 9068) carrying the same claims a Cognito access token does
 * (`client_id`, `username`, `cognito:groups`) plus `email` and `name`, so one verifier
 * (shared/auth/verify.ts) accepts both.
 *
 * The login is our own small form, checked with scrypt: oidc-provider's devInteractions page
 * accepts any password. Consent is given automatically: the desk is a first-party client.
 * Passwords, signing keys and cookie keys persist under the data directory (mode 0600), so a
 * restart keeps both the passwords the banner printed and the tokens already issued; in
 * memory mode they are new on every start.
 */
import { randomBytes, randomUUID, scryptSync, timingSafeEqual } from 'node:crypto';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import type { default as Provider, Configuration, KoaContextWithOIDC } from 'oidc-provider';
import { h } from '#http/html';
import { SECURITY_HEADERS } from '#http/responses';

export const DEFAULT_OIDC_PORT = 3001;
export const DESK_CLIENT_ID = 'rightsdesk-desk';
/** The audience of the desk's access tokens; the provider grants it by default, so the desk never names it. */
export const DESK_RESOURCE = 'urn:rightsdesk:desk';
export const USERS_FILE = 'staff-users.json';
const KEYS_FILE = 'staff-oidc-keys.json';

export interface LocalStaffUser {
  readonly sub: string;
  readonly email: string;
  readonly name: string;
  readonly groups: readonly string[];
  /** Printed by `npm start` and used by `npm run token`; never logged. */
  readonly password: string;
}

export interface LocalOidcOptions {
  /** Default 3001; 0 picks a free one. */
  readonly port?: number;
  /** Where users and keys persist; undefined: in memory, new every start. */
  readonly dataDir?: string;
  /** The desk's base URL (PUBLIC_BASE_URL): its callback and signed-out pages are under `/desk/`. */
  readonly publicBaseUrl: string;
}

export interface LocalOidc {
  readonly issuer: string;
  readonly url: string;
  readonly clientId: string;
  readonly users: readonly LocalStaffUser[];
  close(): Promise<void>;
}

const SEEDED = [
  { email: 'dpo.lead@icetrak.net', name: 'Dana Lead', groups: ['dpo'] },
  { email: 'auditor@icetrak.net', name: 'Avery Auditor', groups: ['viewer'] },
] as const;

const newPassword = () => randomBytes(12).toString('base64url');

function seedUsers(): LocalStaffUser[] {
  return SEEDED.map((u) => ({ ...u, groups: [...u.groups], sub: randomUUID(), password: newPassword() }));
}

/** Reads `file` (JSON), or writes `make()` to it (mode 0600) on first use. */
function loadOrCreate<T>(file: string, make: () => T): T {
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as T;
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    return value;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    const value = make();
    writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    return value;
  }
}

/** Reads the seeded users a running (persisted) local stack uses: `npm run token` logs in with these. */
export function readLocalStaffUsers(dataDir: string): LocalStaffUser[] {
  return JSON.parse(readFileSync(join(dataDir, USERS_FILE), 'utf8')) as LocalStaffUser[];
}

interface Keys {
  readonly jwks: JWK[];
  readonly cookieKeys: string[];
}

async function newKeys(): Promise<Keys> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: randomUUID(), alg: 'RS256', use: 'sig' };
  return { jwks: [jwk], cookieKeys: [randomBytes(32).toString('base64url')] };
}

/** scrypt hashes of the passwords, made once at start-up; a login compares in constant time. */
function passwordChecker(users: readonly LocalStaffUser[]) {
  const salt = randomBytes(16);
  const hashes = new Map(users.map((u) => [u.email.toLowerCase(), scryptSync(u.password, salt, 32)]));
  // An unknown address costs the same scrypt as a known one: no user enumeration by timing.
  const decoy = scryptSync(newPassword(), salt, 32);
  return (email: string, password: string): LocalStaffUser | undefined => {
    const expected = hashes.get(email.trim().toLowerCase());
    const given = scryptSync(password, salt, 32);
    const ok = timingSafeEqual(given, expected ?? decoy) && expected !== undefined;
    return ok ? users.find((u) => u.email.toLowerCase() === email.trim().toLowerCase()) : undefined;
  };
}

function loginPage(uid: string, opts: { email?: string; error?: boolean }): string {
  return h`<!doctype html>
<html lang="en-GB">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
<title>${opts.error ? 'Error: ' : ''}Sign in - Rightsdesk staff (local)</title>
<style>body{font-family:Arial,Helvetica,sans-serif;font-size:19px;max-width:32em;margin:2em auto;padding:0 16px}label{display:block;font-weight:bold;margin:16px 0 4px}input{font:inherit;padding:6px;width:100%;border:2px solid #0b0c0c}button{font:inherit;font-weight:bold;color:#fff;background:#00703c;border:0;padding:10px 16px;margin-top:24px}.error{border-left:5px solid #d4351c;padding-left:12px;color:#d4351c;font-weight:bold}a:focus,input:focus,button:focus{outline:3px solid #fd0}</style>
</head>
<body><main>
<h1>Sign in to the Rightsdesk desk</h1>
<p>Local sign-in for Icetrak staff (stands in for the Cognito user pool).</p>
${opts.error ? h`<p class="error" role="alert" id="error">The email address or password is not right.</p>` : ''}
<form method="post" action="/interaction/${uid}/login" novalidate>
<label for="email">Email address</label>
<input id="email" name="email" type="email" autocomplete="username" spellcheck="false" value="${opts.email ?? ''}" required${opts.error ? h` aria-describedby="error"` : ''}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>
</main></body></html>`.value;
}

/** `formAction`: where the login form's redirects may lead (browsers apply form-action to them): here, then the desk's callback. */
function send(res: ServerResponse, status: number, body: string, formAction = "'self'"): void {
  const csp = SECURITY_HEADERS['content-security-policy']!.replace("form-action 'self'", `form-action ${formAction}`);
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-security-policy': csp, 'content-type': 'text/html; charset=utf-8' });
  res.end(body);
}

async function formOf(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 16 * 1024) throw new Error('login form too large');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

export async function startLocalOidc(opts: LocalOidcOptions): Promise<LocalOidc> {
  // Imported here, not at the top: `npm run token` reads this module's constants without loading the provider.
  const { default: Provider, errors: oidcErrors } = await import('oidc-provider');
  const users = opts.dataDir ? loadOrCreate(join(opts.dataDir, USERS_FILE), seedUsers) : seedUsers();
  const keys = opts.dataDir ? await loadOrCreateKeys(opts.dataDir) : await newKeys();
  const checkPassword = passwordChecker(users);
  const byId = (id: string) => users.find((u) => u.sub === id);
  const base = opts.publicBaseUrl.replace(/\/+$/, '');

  // The issuer names the port, so the provider is made once the server listens.
  const made: { provider?: Provider; callback?: ReturnType<Provider['callback']> } = {};
  const server = createServer((req, res) => {
    const { provider, callback } = made;
    if (!provider || !callback) return send(res, 503, 'starting');
    const match = /^\/interaction\/([A-Za-z0-9_-]+)(\/login)?$/.exec((req.url ?? '').split('?')[0]!);
    if (match) {
      interaction(provider, req, res, match[1]!, match[2] !== undefined).catch(() => {
        if (!res.headersSent)
          send(res, 400, '<!doctype html><title>Sign-in expired</title><p>This sign-in has expired. Go back to the desk and start again.</p>');
        else res.destroy();
      });
      return;
    }
    void callback(req, res);
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? DEFAULT_OIDC_PORT, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
  const issuer = `http://localhost:${port}`;

  const configuration: Configuration = {
    clients: [
      {
        client_id: DESK_CLIENT_ID,
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: [`${base}/desk/callback`],
        post_logout_redirect_uris: [`${base}/desk/signed-out`],
      },
    ],
    pkce: { required: () => true },
    jwks: { keys: keys.jwks },
    cookies: { keys: keys.cookieKeys },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'cognito:groups'] },
    // Cognito's ID tokens carry email, name and groups in the code flow too.
    conformIdTokenClaims: false,
    findAccount: (_ctx, id) => {
      const user = byId(id);
      if (!user) return undefined;
      return {
        accountId: user.sub,
        claims: () => ({ sub: user.sub, email: user.email, email_verified: true, name: user.name, 'cognito:groups': [...user.groups] }),
      };
    },
    extraTokenClaims: (_ctx, token) => {
      const user = token.kind === 'AccessToken' && 'accountId' in token ? byId(token.accountId) : undefined;
      return user ? { username: user.email, email: user.email, name: user.name, 'cognito:groups': [...user.groups] } : undefined;
    },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => DESK_RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource) => {
          if (resource !== DESK_RESOURCE) throw new oidcErrors.InvalidTarget();
          return { scope: 'openid email profile', audience: DESK_RESOURCE, accessTokenFormat: 'jwt', accessTokenTTL: 3600 };
        },
      },
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    // First-party client: the grant is made at once, no consent screen.
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const { client, session } = ctx.oidc;
      if (!client || !session?.accountId) return undefined;
      const grantId = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
      if (grantId) {
        const found = await ctx.oidc.provider.Grant.find(grantId);
        if (found) return found;
      }
      const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope('openid email profile');
      grant.addResourceScope(DESK_RESOURCE, 'openid email profile');
      await grant.save();
      session.grantIdFor(client.clientId, grant.jti);
      return grant;
    },
    ttl: { AccessToken: 3600, IdToken: 3600, AuthorizationCode: 60, Interaction: 600, Session: 8 * 3600, Grant: 8 * 3600, RefreshToken: 8 * 3600 },
  };
  const provider = new Provider(issuer, configuration);
  // Errors oidc-provider would print carry no personal data, but are noise in test output.
  provider.on('server_error', () => undefined);
  made.provider = provider;
  made.callback = provider.callback();

  async function interaction(p: Provider, req: IncomingMessage, res: ServerResponse, uid: string, isLogin: boolean): Promise<void> {
    // Bound to the browser by oidc-provider's interaction cookie: a forged form post fails here.
    const details = await p.interactionDetails(req, res);
    if (details.uid !== uid) throw new Error('interaction mismatch');
    if (details.prompt.name !== 'login') {
      await p.interactionFinished(req, res, {}, { mergeWithLastSubmission: true });
      return;
    }
    const formAction = `'self' ${new URL(base).origin}`;
    if (!isLogin) return send(res, 200, loginPage(uid, {}), formAction);
    if (req.method !== 'POST') return send(res, 405, loginPage(uid, {}), formAction);
    const form = await formOf(req);
    const email = form.get('email') ?? '';
    const user = checkPassword(email, form.get('password') ?? '');
    if (!user) return send(res, 200, loginPage(uid, { email, error: true }), formAction);
    await p.interactionFinished(req, res, { login: { accountId: user.sub } }, { mergeWithLastSubmission: false });
  }

  return {
    issuer,
    url: issuer,
    clientId: DESK_CLIENT_ID,
    users,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Signing and cookie keys kept across restarts, so tokens and provider sessions issued earlier stay valid. */
async function loadOrCreateKeys(dataDir: string): Promise<Keys> {
  const file = join(dataDir, KEYS_FILE);
  try {
    return loadOrCreate<Keys>(file, () => {
      throw Object.assign(new Error('no keys yet'), { code: 'NOKEYS' });
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'NOKEYS') throw err;
    const keys = await newKeys();
    writeFileSync(file, `${JSON.stringify(keys)}\n`, { mode: 0o600, flag: 'wx' });
    return keys;
  }
}
