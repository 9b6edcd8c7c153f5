/**
 * The other half of endpoint-overrides.test.ts, in its own process (handler modules and their
 * SDK clients live for the process): with no AWS_ENDPOINT_URL_* set, the handlers' mail goes
 * straight to the SES emulator, and a proxy nobody named sees nothing.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '#infra/local/stack';
import { faultProxy, type FaultProxy } from '#test/support/fault-proxy';
import { emailsTo } from '#test/support/http';
import { anAddress, submitRequest } from '#test/support/submit';

let stack: LocalStack | undefined;
let proxy: FaultProxy;

beforeAll(async () => {
  delete process.env.AWS_ENDPOINT_URL;
  delete process.env.AWS_ENDPOINT_URL_SESV2;
  proxy = await faultProxy({ target: () => stack?.urls.ses });
  stack = await startLocalStack({ port: 0, sesPort: 0, memory: true, log: () => undefined });
});
afterAll(async () => {
  await stack?.stop();
  await proxy.close();
});

it('sends the handlers’ mail straight to the emulator when no override is set', async () => {
  const { urls, endpoints, overridden, env } = stack!;
  expect(overridden).toEqual([]);
  expect(endpoints.SESV2).toBe(env.AWS_ENDPOINT_URL_SESV2);
  expect(new URL(endpoints.SESV2).port).toBe(new URL(urls.ses).port);
  const email = anAddress();
  expect(await submitRequest(urls.api, email)).toBe(201);
  expect(await emailsTo(urls.ses, email)).toHaveLength(1);
  expect(proxy.requests).toEqual([]);
});
