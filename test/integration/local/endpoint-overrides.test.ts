/**
 * The SDK's standard endpoint overrides under the local stack: AWS_ENDPOINT_URL_<SERVICE> (and
 * AWS_ENDPOINT_URL) set before start put a proxy between the real handlers and an emulator.
 * Proved with a recording fault proxy in front of aws-ses-v2-local and a real submission.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '#infra/local/stack';
import { faultProxy, type FaultProxy } from '#test/support/fault-proxy';
import { emailsTo } from '#test/support/http';
import { anAddress, submitRequest } from '#test/support/submit';

const VARS = ['AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_SESV2', 'AWS_ENDPOINT_URL_DYNAMODB'] as const;
const saved = Object.fromEntries(VARS.map((name) => [name, process.env[name]]));
let stack: LocalStack | undefined;
let proxy: FaultProxy | undefined;

afterEach(async () => {
  await stack?.stop();
  await proxy?.close();
  stack = proxy = undefined;
  for (const name of VARS) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

const start = async () => (stack = await startLocalStack({ port: 0, sesPort: 0, memory: true, log: () => undefined }));

describe('AWS_ENDPOINT_URL_<SERVICE> set before the local stack starts', () => {
  // One stack for the handler traffic: handler modules and their SDK clients live for the
  // process, as in a Lambda execution environment, so a second stack would reuse the first's.
  it('sends the handlers’ mail through the proxy it names, which can take SES down and bring it back', async () => {
    proxy = await faultProxy({ target: () => stack?.urls.ses, failWith: 503 });
    process.env.AWS_ENDPOINT_URL_SESV2 = proxy.url;
    const { urls, endpoints, overridden } = await start();
    expect(endpoints.SESV2).toBe(proxy.url);
    expect(overridden).toEqual(['SESV2']);
    expect(process.env.AWS_ENDPOINT_URL_SESV2).toBe(proxy.url);
    expect(process.env.AWS_ENDPOINT_URL_DYNAMODB).toBe(urls.dynamodb); // the others still reach their emulators

    const before = anAddress();
    expect(await submitRequest(urls.api, before)).toBe(201);
    expect(await emailsTo(urls.ses, before)).toHaveLength(1);
    expect(proxy.forwarded).toBe(1);
    expect(proxy.requests).toEqual([expect.objectContaining({ method: 'POST', path: '/v2/email/outbound-emails', outcome: 'forwarded' })]);

    proxy.fail();
    const during = anAddress();
    await submitRequest(urls.api, during);
    expect(proxy.failed).toBeGreaterThan(0);
    expect(proxy.forwarded).toBe(1);
    expect(await emailsTo(urls.ses, during)).toEqual([]);

    proxy.heal();
    const after = anAddress();
    expect(await submitRequest(urls.api, after)).toBe(201);
    expect(await emailsTo(urls.ses, after)).toHaveLength(1);
    expect(proxy.forwarded).toBe(2);
  });

  it('takes AWS_ENDPOINT_URL for every emulated service, a service’s own variable winning over it', async () => {
    proxy = await faultProxy({ target: () => stack?.urls.ses });
    process.env.AWS_ENDPOINT_URL = 'http://127.0.0.1:9/everything';
    process.env.AWS_ENDPOINT_URL_SESV2 = proxy.url;
    const { env, overridden } = await start();
    expect(env).toMatchObject({
      AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:9/everything',
      AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9/everything',
      AWS_ENDPOINT_URL_SFN: 'http://127.0.0.1:9/everything',
      AWS_ENDPOINT_URL_SES: 'http://127.0.0.1:9/everything',
      AWS_ENDPOINT_URL_SESV2: proxy.url,
    });
    expect([...overridden].sort()).toEqual(['DYNAMODB', 'S3', 'SES', 'SESV2', 'SFN']);
    // The stack's own parts (the table, /health) still talk to the emulators.
    expect((await fetch(stack!.urls.health)).status).toBe(200);
    await stack!.stop();
    expect(process.env.AWS_ENDPOINT_URL_DYNAMODB).toBe(saved.AWS_ENDPOINT_URL_DYNAMODB);
    expect(process.env.AWS_ENDPOINT_URL_SESV2).toBe(proxy.url);
  });
});
