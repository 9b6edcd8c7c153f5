/**
 * The staff token verifier, with keys made here (no stack): what Cognito's access tokens and
 * the local provider's look like, and every way a token must fail.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnauthenticatedError } from '#shared/auth/staff';
import { idTokenVerifier, staffTokenVerifier } from '#shared/auth/verify';

const ISSUER = 'https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_AbCdEf123';
const CLIENT = 'desk-client-id';
const now = () => Math.floor(Date.now() / 1000);

let key: CryptoKey;
let otherKey: CryptoKey;
let jwk: JWK;

/** A Cognito access token's claims (no email, name or typ; `username` and `token_use`). */
const cognitoClaims = (): JWTPayload => ({
  sub: '6f1c-sub',
  iss: ISSUER,
  client_id: CLIENT,
  token_use: 'access',
  scope: 'openid email profile',
  username: 'dpo.lead@icetrak.net',
  'cognito:groups': ['dpo', 'admins'],
  iat: now(),
  exp: now() + 3600,
});

async function sign(claims: JWTPayload, opts: { signer?: CryptoKey; header?: Record<string, unknown> } = {}): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'k1', ...opts.header }).sign(opts.signer ?? key);
}

let verify: ReturnType<typeof staffTokenVerifier>;
beforeAll(async () => {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  key = privateKey;
  ({ privateKey: otherKey } = await generateKeyPair('RS256'));
  jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' };
  verify = staffTokenVerifier({ issuer: ISSUER, clientId: CLIENT, keys: createLocalJWKSet({ keys: [jwk] }) });
});

describe('staffTokenVerifier', () => {
  it('accepts a Cognito access token: email from username, roles only the staff ones', async () => {
    expect(await verify(await sign(cognitoClaims()))).toEqual({
      sub: '6f1c-sub',
      email: 'dpo.lead@icetrak.net',
      name: 'dpo.lead@icetrak.net',
      roles: ['dpo'],
    });
  });

  describe('with email sign-in, where Cognito makes the username a UUID', () => {
    const USER_UUID = '8f2b6c1e-4d3a-4b5e-9f60-2a7d1c3e5b94';
    /** What the pool issues: no email of its own; `email` and `name` come from the pre-token-generation trigger. */
    const emailSignIn = (extra: JWTPayload): JWTPayload => ({ ...cognitoClaims(), sub: USER_UUID, username: USER_UUID, ...extra });

    it('names the staff member by the email claim the trigger adds (shared/auth/staff-claims.ts)', async () => {
      const token = await sign(emailSignIn({ email: 'dpo.lead@icetrak.net', name: 'Dana Lead' }));
      expect(await verify(token)).toEqual({ sub: USER_UUID, email: 'dpo.lead@icetrak.net', name: 'Dana Lead', roles: ['dpo'] });
    });

    it('falls back to the username without it (no trigger, or an unverified address): the UUID', async () => {
      const staff = await verify(await sign(emailSignIn({})));
      expect(staff.email).toBe(USER_UUID);
      expect(staff.name).toBe(USER_UUID);
    });
  });

  it('accepts an RFC 9068 access token of the local provider (typ at+jwt, email and name)', async () => {
    const { token_use: _unused, ...claims } = cognitoClaims();
    const token = await sign(
      { ...claims, email: 'auditor@icetrak.net', name: 'Avery Auditor', 'cognito:groups': ['viewer'] },
      { header: { typ: 'at+jwt' } },
    );
    expect(await verify(token)).toEqual({ sub: '6f1c-sub', email: 'auditor@icetrak.net', name: 'Avery Auditor', roles: ['viewer'] });
  });

  it('gives no roles to a token without staff groups', async () => {
    const { 'cognito:groups': _unused, ...claims } = cognitoClaims();
    expect((await verify(await sign(claims))).roles).toEqual([]);
  });

  it('allows a few seconds of clock skew, no more', async () => {
    await expect(verify(await sign({ ...cognitoClaims(), exp: now() - 2 }))).resolves.toMatchObject({ sub: '6f1c-sub' });
    await expect(verify(await sign({ ...cognitoClaims(), exp: now() - 30 }))).rejects.toThrow(UnauthenticatedError);
    await expect(verify(await sign({ ...cognitoClaims(), nbf: now() + 60 }))).rejects.toThrow(UnauthenticatedError);
  });

  const refusals: Array<[string, () => Promise<string>]> = [
    ['another issuer', () => sign({ ...cognitoClaims(), iss: 'https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_Other' })],
    ['another client', () => sign({ ...cognitoClaims(), client_id: 'someone-else' })],
    ['no client', () => sign({ ...cognitoClaims(), client_id: undefined })],
    ['an ID token', () => sign({ ...cognitoClaims(), token_use: 'id' })],
    ['a JWT that is not an access token', () => sign(cognitoClaims(), { header: { typ: 'JWT' } })],
    ['no expiry', () => sign({ ...cognitoClaims(), exp: undefined })],
    ['no subject', () => sign({ ...cognitoClaims(), sub: undefined })],
    ['no address', () => sign({ ...cognitoClaims(), username: undefined })],
    ['a key the issuer never published', () => sign(cognitoClaims(), { signer: otherKey })],
    [
      'a tampered payload',
      async () => {
        const [h = '', , s = ''] = (await sign(cognitoClaims())).split('.');
        return `${h}.${Buffer.from(JSON.stringify({ ...cognitoClaims(), 'cognito:groups': ['dpo'] })).toString('base64url')}.${s}`;
      },
    ],
    [
      'alg none',
      async () =>
        `${Buffer.from('{"alg":"none","kid":"k1"}').toString('base64url')}.${Buffer.from(JSON.stringify(cognitoClaims())).toString('base64url')}.`,
    ],
    ['not a JWT', async () => 'abc.def'],
  ];

  it.each(refusals)('refuses %s with a 401 whose message quotes nothing of the token', async (_what, make) => {
    const token = await make();
    const err = await verify(token).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UnauthenticatedError);
    expect((err as Error).message).toBe('Your sign-in is not valid or has expired. Sign in again.');
  });
});

describe("staffTokenVerifier with the issuer's published keys", () => {
  let server: Server;
  let issuer: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/.well-known/openid-configuration') {
        res.end(JSON.stringify({ issuer, authorization_endpoint: `${issuer}/auth`, token_endpoint: `${issuer}/token`, jwks_uri: `${issuer}/keys` }));
      } else if (req.url === '/keys') res.end(JSON.stringify({ keys: [jwk] }));
      else res.writeHead(404).end('{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('finds the key set through discovery', async () => {
    const remote = staffTokenVerifier({ issuer, clientId: CLIENT });
    expect((await remote(await sign({ ...cognitoClaims(), iss: issuer }))).email).toBe('dpo.lead@icetrak.net');
    await expect(remote(await sign({ ...cognitoClaims(), iss: issuer }, { signer: otherKey }))).rejects.toThrow(UnauthenticatedError);
  });
});

describe('idTokenVerifier', () => {
  const idClaims = (): JWTPayload => ({ sub: '6f1c-sub', iss: ISSUER, aud: CLIENT, token_use: 'id', nonce: 'n-1', iat: now(), exp: now() + 3600 });
  const verifyId = () => idTokenVerifier({ issuer: ISSUER, clientId: CLIENT, keys: createLocalJWKSet({ keys: [jwk] }) });

  it("accepts the sign-in's ID token and names its subject", async () => {
    expect(await verifyId()(await sign(idClaims()), 'n-1')).toEqual({ sub: '6f1c-sub' });
  });

  it('refuses another nonce, another audience, and an access token', async () => {
    await expect(verifyId()(await sign(idClaims()), 'n-2')).rejects.toThrow(UnauthenticatedError);
    await expect(verifyId()(await sign({ ...idClaims(), aud: 'someone-else' }), 'n-1')).rejects.toThrow(UnauthenticatedError);
    await expect(verifyId()(await sign({ ...idClaims(), token_use: 'access' }), 'n-1')).rejects.toThrow(UnauthenticatedError);
  });
});
