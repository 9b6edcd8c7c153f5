/**
 * The local provider in persisted mode: passwords and signing keys live under the data
 * directory (mode 0600), so after a restart the printed passwords still work and a token
 * issued before it still verifies.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { CASES } from '#lambdas/cases/manifest';
import { routesOf } from '#lambdas/manifest';
import { readLocalStaffUsers } from '#infra/local/oidc';
import { startLocalStack, type LocalStack } from '#infra/local/stack';
import { staffTokenVerifier } from '#shared/auth/verify';
import { bearerFor, signInAs } from '#test/support/staff';

const dataDir = mkdtempSync(join(tmpdir(), 'rightsdesk-auth-'));
let stack: LocalStack | undefined;
afterAll(async () => {
  await stack?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A port free now, so both runs' provider has the same issuer URL, as `npm start` on its fixed port does. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

const start = (oidcPort: number) => startLocalStack({ port: 0, sesPort: 0, oidcPort, dataDir, routes: routesOf(CASES.handlers), log: () => undefined });

it('keeps the staff passwords and signing keys across a restart', async () => {
  const oidcPort = await freePort();
  stack = await start(oidcPort);
  const token = await bearerFor(stack, 'auditor@icetrak.net');
  const users = stack.staffUsers;
  expect(readLocalStaffUsers(dataDir)).toEqual(users);
  expect((statSync(join(dataDir, 'staff-users.json')).mode & 0o777).toString(8)).toBe('600');
  expect(new Set(users.map((u) => u.password)).size).toBe(2);
  await stack.stop();

  stack = await start(oidcPort);
  expect(stack.staffUsers).toEqual(users);
  // Issued before the restart, verified against the keys the provider publishes after it.
  const verify = staffTokenVerifier({ issuer: stack.env.STAFF_ISSUER!, clientId: stack.env.STAFF_CLIENT_ID! });
  expect((await verify(token)).email).toBe('auditor@icetrak.net');
  expect((await signInAs(stack, 'dpo.lead@icetrak.net')).csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
});
