/**
 * `npm run token -- <email>`: prints an access token for a seeded staff user of the running
 * local stack (`npm start`), for trying the JSON API with `Authorization: Bearer <token>`.
 * It signs in at the local OpenID provider as a browser would (code flow with PKCE), with the
 * password `npm start` keeps in .data/staff-users.json (or STAFF_PASSWORD), and prints only the token.
 *
 * Environment: STAFF_ISSUER (default http://localhost:$OIDC_PORT, 3001), PUBLIC_BASE_URL
 * (default http://localhost:$PORT, 3000), STAFF_PASSWORD (e.g. for a stack run with --memory).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { codeFlowAccessToken } from '#infra/local/oidc-client';
import { DEFAULT_OIDC_PORT, DESK_CLIENT_ID, readLocalStaffUsers, USERS_FILE } from '#infra/local/oidc';
import { DEFAULT_DATA_DIR, DEFAULT_PORT } from '#infra/local/stack';

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

const email = process.argv[2];
if (!email || email.startsWith('-')) fail('Usage: npm run token -- <email>   (a seeded staff user, e.g. dpo.lead@icetrak.net)');

const issuer = (process.env.STAFF_ISSUER ?? `http://localhost:${process.env.OIDC_PORT || DEFAULT_OIDC_PORT}`).replace(/\/+$/, '');
const publicBaseUrl = (process.env.PUBLIC_BASE_URL ?? `http://localhost:${process.env.PORT || DEFAULT_PORT}`).replace(/\/+$/, '');

let password = process.env.STAFF_PASSWORD;
if (!password) {
  if (!existsSync(join(DEFAULT_DATA_DIR, USERS_FILE))) {
    fail(`No ${join('.data', USERS_FILE)}: start the local stack with \`npm start\` (not --memory), or set STAFF_PASSWORD.`);
  }
  const user = readLocalStaffUsers(DEFAULT_DATA_DIR).find((u) => u.email.toLowerCase() === email.toLowerCase());
  if (!user) fail(`${email} is not a seeded staff user (see .data/${USERS_FILE}).`);
  password = user.password;
}

try {
  const healthy = await fetch(`${issuer}/.well-known/openid-configuration`).then((r) => r.ok);
  if (!healthy) throw new Error('not the provider');
} catch {
  fail(`The local OpenID provider is not answering at ${issuer}. Start the local stack with \`npm start\` first.`);
}

try {
  const token = await codeFlowAccessToken({ issuer, clientId: DESK_CLIENT_ID, redirectUri: `${publicBaseUrl}/desk/callback`, email, password });
  process.stdout.write(`${token}\n`);
} catch (err) {
  fail(`Could not get a token: ${err instanceof Error ? err.message : String(err)}`);
}
