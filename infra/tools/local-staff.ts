/**
 * What the local command-line tools (`npm run token`, `npm run report`) share: the running local
 * stack's addresses, and an access token for one of its seeded staff users, got by signing in at
 * the local OpenID provider as a browser would (code flow with PKCE) with the password `npm start`
 * keeps in .data/staff-users.json (or STAFF_PASSWORD).
 *
 * Environment: STAFF_ISSUER and PUBLIC_BASE_URL (default: the running stack's, from
 * .data/endpoints.json, else ports $OIDC_PORT 3001 and $PORT 3000), STAFF_PASSWORD (e.g. for a
 * stack run with --memory).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { codeFlowAccessToken } from '#infra/local/oidc-client';
import { DEFAULT_OIDC_PORT, DESK_CLIENT_ID, readLocalStaffUsers, USERS_FILE } from '#infra/local/oidc';
import { readLocalEndpoints } from '#infra/local/endpoints';
import { DEFAULT_DATA_DIR, DEFAULT_PORT } from '#infra/local/stack';

export class ToolError extends Error {}

/** The stack's API and issuer: from the environment, else from .data/endpoints.json (a running `npm start`), else the default ports. */
export function localAddresses(): { issuer: string; publicBaseUrl: string } {
  let running: { api: string; oidc: string } | undefined;
  try {
    running = readLocalEndpoints(DEFAULT_DATA_DIR);
  } catch {
    running = undefined; // not running, or with --memory: the defaults, and the sign-in says what is wrong
  }
  return {
    issuer: (process.env.STAFF_ISSUER ?? running?.oidc ?? `http://localhost:${process.env.OIDC_PORT || DEFAULT_OIDC_PORT}`).replace(/\/+$/, ''),
    publicBaseUrl: (process.env.PUBLIC_BASE_URL ?? running?.api ?? `http://localhost:${process.env.PORT || DEFAULT_PORT}`).replace(/\/+$/, ''),
  };
}

/** An access token for `email`, a seeded staff user of the running local stack; ToolError says what is wrong. */
export async function localStaffToken(email: string): Promise<string> {
  const { issuer, publicBaseUrl } = localAddresses();
  let password = process.env.STAFF_PASSWORD;
  if (!password) {
    if (!existsSync(join(DEFAULT_DATA_DIR, USERS_FILE))) {
      throw new ToolError(`No ${join('.data', USERS_FILE)}: start the local stack with \`npm start\` (not --memory), or set STAFF_PASSWORD.`);
    }
    const user = readLocalStaffUsers(DEFAULT_DATA_DIR).find((u) => u.email.toLowerCase() === email.toLowerCase());
    if (!user) throw new ToolError(`${email} is not a seeded staff user (see .data/${USERS_FILE}).`);
    password = user.password;
  }
  try {
    const healthy = await fetch(`${issuer}/.well-known/openid-configuration`).then((r) => r.ok);
    if (!healthy) throw new Error('not the provider');
  } catch {
    throw new ToolError(`The local OpenID provider is not answering at ${issuer}. Start the local stack with \`npm start\` first.`);
  }
  try {
    return await codeFlowAccessToken({ issuer, clientId: DESK_CLIENT_ID, redirectUri: `${publicBaseUrl}/desk/callback`, email, password });
  } catch (err) {
    throw new ToolError(`Could not get a token: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Runs a tool's main, printing a ToolError's message (and nothing else) on failure. */
export function runTool(main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof ToolError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
