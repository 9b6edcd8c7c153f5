/**
 * Verifying the staff issuer's tokens: the access token a Bearer request or the sign-in
 * callback presents, and the ID token of the sign-in. The same code serves Cognito
 * (issuer https://cognito-idp.eu-west-2.amazonaws.com/<poolId>) and the local provider
 * (infra/local/oidc.ts), whose access tokens carry the same claims. Every failure is one
 * UnauthenticatedError with a message safe to show; nothing of the token is logged.
 */
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { STAFF_ROLES, UnauthenticatedError, type Staff, type StaffRole } from './staff';

export const CLOCK_TOLERANCE_SECONDS = 5;
const ALGORITHMS = ['RS256'];
const INVALID = 'Your sign-in is not valid or has expired. Sign in again.';

/** The parts of the issuer's OpenID configuration the desk uses. */
export interface IssuerMetadata {
  readonly issuer: string;
  readonly authorization_endpoint: string;
  readonly token_endpoint: string;
  readonly jwks_uri: string;
  /** Absent for Cognito (its logout endpoint is not published in discovery). */
  readonly end_session_endpoint?: string;
}

const discovered = new Map<string, Promise<IssuerMetadata>>();

/** The issuer's `/.well-known/openid-configuration`, fetched once per process (a failure is retried next time). */
export function issuerMetadata(issuer: string): Promise<IssuerMetadata> {
  let found = discovered.get(issuer);
  if (!found) {
    found = (async () => {
      const res = await fetch(`${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(5_000) });
      if (!res.ok) throw Object.assign(new Error(`staff issuer discovery answered ${res.status}`), { name: 'ServiceUnavailable' });
      const doc = (await res.json()) as Partial<IssuerMetadata>;
      if (!doc.authorization_endpoint || !doc.token_endpoint) throw new Error('staff issuer discovery lacks its endpoints');
      return { ...doc, jwks_uri: doc.jwks_uri ?? `${issuer.replace(/\/+$/, '')}/.well-known/jwks.json` } as IssuerMetadata;
    })();
    found.catch(() => discovered.delete(issuer));
    discovered.set(issuer, found);
  }
  return found;
}

export interface StaffVerifierOptions {
  readonly issuer: string;
  readonly clientId: string;
  /** The issuer's keys; default: its JWKS, found through discovery and cached (jose's remote key set). */
  readonly keys?: JWTVerifyGetKey;
}

export type StaffTokenVerifier = (token: string) => Promise<Staff>;

/** The issuer's key set, fetched lazily and cached, found through discovery. */
function remoteKeys(issuer: string): JWTVerifyGetKey {
  let set: Promise<JWTVerifyGetKey> | undefined;
  return async (header, token) => {
    if (!set) {
      set = issuerMetadata(issuer).then((m) => createRemoteJWKSet(new URL(m.jwks_uri)));
      set.catch(() => (set = undefined));
    }
    return (await set)(header, token);
  };
}

function rolesOf(payload: JWTPayload): StaffRole[] {
  const groups = payload['cognito:groups'];
  if (!Array.isArray(groups)) return [];
  return STAFF_ROLES.filter((role) => groups.includes(role));
}

/** Key or network trouble reaching the issuer is not the caller's fault: let it surface as a 503, not a 401. */
function isUnavailable(err: unknown): boolean {
  return (
    err instanceof joseErrors.JWKSTimeout || (err instanceof Error && !(err instanceof joseErrors.JOSEError) && !(err instanceof UnauthenticatedError))
  );
}

async function verified(token: string, keys: JWTVerifyGetKey, issuer: string, audience?: string) {
  try {
    return await jwtVerify(token, keys, {
      issuer,
      ...(audience !== undefined && { audience }),
      algorithms: ALGORITHMS,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ['exp', 'sub'],
    });
  } catch (err) {
    if (isUnavailable(err)) throw err;
    throw new UnauthenticatedError(INVALID);
  }
}

/** Checks a staff access token (signature, issuer, expiry, client, token use) and says who it names. */
export function staffTokenVerifier(opts: StaffVerifierOptions): StaffTokenVerifier {
  const issuer = opts.issuer.replace(/\/+$/, '');
  const keys = opts.keys ?? remoteKeys(issuer);
  return async (token) => {
    if (typeof token !== 'string' || token.split('.').length !== 3) throw new UnauthenticatedError(INVALID);
    const { payload, protectedHeader } = await verified(token, keys, issuer);
    const typ = protectedHeader.typ?.toLowerCase();
    if (typ !== undefined && typ !== 'at+jwt' && typ !== 'application/at+jwt') throw new UnauthenticatedError(INVALID);
    if (payload.client_id !== opts.clientId) throw new UnauthenticatedError(INVALID);
    if (payload.token_use !== undefined && payload.token_use !== 'access') throw new UnauthenticatedError(INVALID);
    const email = typeof payload.email === 'string' ? payload.email : typeof payload.username === 'string' ? payload.username : undefined;
    if (!email) throw new UnauthenticatedError(INVALID);
    return { sub: payload.sub!, email, name: typeof payload.name === 'string' && payload.name ? payload.name : email, roles: rolesOf(payload) };
  };
}

export type IdTokenVerifier = (token: string, nonce: string) => Promise<{ sub: string }>;

/** Checks the sign-in's ID token: signature, issuer, audience (the desk's client), expiry and the nonce the sign-in sent. */
export function idTokenVerifier(opts: StaffVerifierOptions): IdTokenVerifier {
  const issuer = opts.issuer.replace(/\/+$/, '');
  const keys = opts.keys ?? remoteKeys(issuer);
  return async (token, nonce) => {
    if (typeof token !== 'string') throw new UnauthenticatedError(INVALID);
    const { payload } = await verified(token, keys, issuer, opts.clientId);
    if (payload.nonce !== nonce || (payload.token_use !== undefined && payload.token_use !== 'id')) throw new UnauthenticatedError(INVALID);
    return { sub: payload.sub! };
  };
}
