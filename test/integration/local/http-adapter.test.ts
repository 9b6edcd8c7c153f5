/**
 * The local API Gateway adapter, driven over real HTTP against a stack in memory mode with
 * test-only routes (handlers under test/fixtures/local/, some using the real middleware).
 */
import { request } from 'node:http';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Route } from '#lambdas/manifest';
import { startLocalStack, type LocalStack } from '#infra/local/stack';

const fixture = (name: string) => `test/fixtures/local/${name}.ts`;
const route = (method: Route['method'], path: string, name: string): Route => ({ method, path, entry: fixture(name), access: 'public' });

const ROUTES: Route[] = [
  route('GET', '/echo/{id}', 'echo'),
  route('POST', '/echo/{id}', 'echo'),
  route('GET', '/events/{kind}', 'event'),
  route('GET', '/events/special', 'event'),
  route('GET', '/files/{key+}', 'event'),
  route('POST', '/binary', 'binary'),
  route('GET', '/throws', 'throws'),
  route('GET', '/fails', 'fails'),
  route('GET', '/garbage/{kind}', 'garbage'),
  route('GET', '/slow', 'slow'),
  route('GET', '/missing', 'does-not-exist'),
  // The production route shapes, answered by the event fixture.
  route('GET', '/verify/{token}', 'event'),
  route('POST', '/requests', 'event'),
];

let stack: LocalStack;
const logs: string[] = [];

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, sesPort: 0, memory: true, routes: ROUTES, handlerTimeoutMs: 1_500, log: (l) => logs.push(l) });
});
afterAll(() => stack?.stop());

const api = (path: string, init?: RequestInit) => fetch(`${stack.urls.api}${path}`, init);

async function expectHealthy(): Promise<void> {
  const res = await api('/health');
  expect(res.status).toBe(200);
}

/** A raw HTTP/1.1 exchange, for what fetch will not send. */
function raw(opts: { method?: string; path: string; headers?: Record<string, string | number>; body?: Buffer[] }) {
  const { port } = new URL(stack.urls.api);
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path, headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    for (const chunk of opts.body ?? []) req.write(chunk);
    req.end();
  });
}

type EchoedEvent = { event: APIGatewayProxyEvent; context: Record<string, unknown>; envAtImport: Record<string, string | null> };

describe('routing', () => {
  it('answers 404 JSON for a path no route has', async () => {
    const res = await api('/no/such/route');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ error: 'RouteNotFound', message: expect.any(String) });
  });

  it('answers 405 with an Allow header when the path exists but the method does not', async () => {
    const res = await api('/echo/abc', { method: 'DELETE' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, POST');
    expect(await res.json()).toMatchObject({ error: 'MethodNotAllowed' });
    expect((await api('/health', { method: 'POST' })).headers.get('allow')).toBe('GET');
  });

  it('prefers a literal resource over a parameter, as API Gateway does', async () => {
    const special = (await (await api('/events/special')).json()) as EchoedEvent;
    const other = (await (await api('/events/other')).json()) as EchoedEvent;
    expect(special.event.resource).toBe('/events/special');
    expect(special.event.pathParameters).toBeNull();
    expect(other.event.resource).toBe('/events/{kind}');
    expect(other.event.pathParameters).toEqual({ kind: 'other' });
  });

  it('passes decoded path parameters (greedy ones too) and query strings, keeping the raw path', async () => {
    const res = await api('/echo/abc%20d%C3%A9f?x=1&x=2&y=%C3%A9t%C3%A9&flag');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      pathParameters: { id: 'abc déf' },
      queryStringParameters: { x: '2', y: 'été', flag: '' },
    });
    const { event } = (await (await api('/files/a/b%2Fc/d.pdf?x=1&x=2')).json()) as EchoedEvent;
    expect(event.pathParameters).toEqual({ key: 'a/b/c/d.pdf' });
    expect(event.path).toBe('/files/a/b%2Fc/d.pdf');
    expect(event.multiValueQueryStringParameters).toEqual({ x: ['1', '2'] });
  });

  it('treats empty path segments as part of the path, not as a host', async () => {
    expect((await raw({ path: '//health' })).status).toBe(404);
    expect((await raw({ path: '/echo//' })).status).toBe(404);
  });

  it('answers 400 for a malformed percent-encoding instead of crashing', async () => {
    const res = await raw({ path: '/%E0%A4%A' });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ error: 'MalformedUrl' });
    await expectHealthy();
  });
});

describe('encoded dots and slashes (no path traversal)', () => {
  /** What a raw request reached: the resource, its parameters and the path the handler was told. */
  async function reached(method: string, path: string) {
    const res = await raw({ method, path, ...(method === 'POST' && { headers: { 'content-type': 'application/json' }, body: [Buffer.from('{}')] }) });
    if (res.status !== 200) return { status: res.status };
    const { event } = JSON.parse(res.body) as EchoedEvent;
    return { status: res.status, resource: event.resource, pathParameters: event.pathParameters, path: event.path };
  }

  it.each([
    ['POST', '/%2e%2e/requests'],
    ['POST', '/verify/%2e%2e/requests'],
    ['POST', '/verify/%2E%2e/requests'],
    ['POST', '/verify/.%2e/requests'],
    ['POST', '/verify/../requests'],
    ['POST', '/verify/./../requests'],
    ['POST', 'http://localhost/verify/%2e%2e/requests'],
    ['GET', '/echo/x/%2e%2e/%2e%2e/events/special'],
    ['GET', '/verify/x/%2e%2e/abc'],
    ['GET', '/echo\\..\\events\\special'],
    ['GET', '/events/x/../special'],
  ])('%s %s matches no route: dot segments are not removed', async (method, path) => {
    expect(await reached(method, path)).toEqual({ status: 404 });
  });

  it('keeps an encoded slash or dots inside the parameter of its own segment', async () => {
    expect(await reached('GET', '/verify/..%2f..%2frequests')).toEqual({
      status: 200,
      resource: '/verify/{token}',
      pathParameters: { token: '../../requests' },
      path: '/verify/..%2f..%2frequests',
    });
    expect(await reached('GET', '/verify/%2e%2e')).toEqual({
      status: 200,
      resource: '/verify/{token}',
      pathParameters: { token: '..' },
      path: '/verify/%2e%2e',
    });
    expect(await reached('GET', '/events/x\\..\\..\\echo\\abc')).toMatchObject({
      resource: '/events/{kind}',
      pathParameters: { kind: 'x\\..\\..\\echo\\abc' },
    });
    expect(await reached('GET', '/files/a/%2e%2e/%2e%2e/events/special')).toMatchObject({
      resource: '/files/{key+}',
      pathParameters: { key: 'a/../../events/special' },
      path: '/files/a/%2e%2e/%2e%2e/events/special',
    });
  });

  it('serves /health only at /health, not at a path that dots its way there', async () => {
    expect((await raw({ path: '/echo/%2e%2e/health' })).status).toBe(404);
    expect((await raw({ path: '/echo/../health' })).status).toBe(404);
    expect((await raw({ path: '/health%2f' })).status).toBe(404);
    expect((await raw({ path: '/health' })).status).toBe(200);
  });
});

describe('the event and context a handler receives', () => {
  it('is a REST API proxy event with a Lambda-like context, built after the env was set', async () => {
    const res = await api('/events/look?q=1', { headers: { 'X-Trace': 'a', 'user-agent': 'vitest' } });
    expect(res.status).toBe(200);
    const { event, context, envAtImport } = (await res.json()) as EchoedEvent;
    expect(event).toMatchObject({
      httpMethod: 'GET',
      resource: '/events/{kind}',
      path: '/events/look',
      pathParameters: { kind: 'look' },
      queryStringParameters: { q: '1' },
      multiValueQueryStringParameters: { q: ['1'] },
      stageVariables: null,
      body: null,
      isBase64Encoded: false,
      requestContext: { stage: 'local', resourcePath: '/events/{kind}', httpMethod: 'GET', path: '/local/events/look' },
    });
    expect(event.headers['X-Trace']).toBe('a');
    expect(event.multiValueHeaders['X-Trace']).toEqual(['a']);
    expect(event.headers['X-Forwarded-For']).toBe('127.0.0.1');
    expect(event.requestContext.identity.sourceIp).toBe('127.0.0.1');
    expect(event.requestContext.identity.userAgent).toBe('vitest');
    expect(event.requestContext.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get('x-amzn-requestid')).toBe(event.requestContext.requestId);
    expect(context).toMatchObject({ functionName: 'rightsdesk-local-event', awsRequestId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(context.remainingMs).toBeGreaterThan(1_000);
    expect(context.remainingMs).toBeLessThanOrEqual(1_500);
    expect(envAtImport).toEqual({
      CASES_TABLE: 'rightsdesk-cases',
      PUBLIC_BASE_URL: stack.urls.api,
      AWS_ENDPOINT_URL_DYNAMODB: stack.urls.dynamodb,
    });
  });

  it('writes back single and multi-value headers', async () => {
    const res = await raw({ path: '/events/headers' });
    expect(res.headers['x-single']).toBe('yes');
    expect(res.headers['x-multi']).toBe('one, two');
  });

  it('sends binary bodies base64-encoded and writes base64 responses back as bytes', async () => {
    const bytes = Buffer.from([0, 255, 1, 254, 0x80, 0x81, 10, 13]);
    const res = await api('/binary', { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: bytes });
    expect(res.headers.get('x-was-base64')).toBe('true');
    expect(Buffer.from(await res.arrayBuffer())).toEqual(bytes);
    const text = await api('/binary', { method: 'POST', headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'héllo' });
    expect(text.headers.get('x-was-base64')).toBe('false');
    expect(Buffer.from(await text.arrayBuffer()).toString('utf8')).toBe('héllo');
  });
});

describe('bodies, through the real middleware', () => {
  const post = (body: string | Buffer, type = 'application/json') => api('/echo/x', { method: 'POST', headers: { 'content-type': type }, body });

  it('parses a JSON object body', async () => {
    const res = await post(JSON.stringify({ rights: ['access'], name: 'Ada' }));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ parsedBody: { rights: ['access'], name: 'Ada' }, bodyKind: 'json' });
  });

  it('answers 400 with a clear message for malformed JSON', async () => {
    const res = await post('{"rights": [');
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'MalformedBodyError', message: 'The request body is not valid JSON.' });
  });

  it('answers 415 for a content type the route does not take', async () => {
    const res = await post('rights=access', 'text/plain');
    expect(res.status).toBe(415);
    expect(await res.json()).toMatchObject({ error: 'UnsupportedMediaTypeError' });
  });

  it('answers 413 JSON for a 100 KB body and keeps serving', async () => {
    const res = await post(JSON.stringify({ text: 'x'.repeat(100 * 1024) }));
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: 'PayloadTooLarge', message: expect.stringContaining('64 KB') });
    await expectHealthy();
  });

  it('answers 413 for an over-long chunked body without a Content-Length', async () => {
    const chunk = Buffer.alloc(16 * 1024, 'a');
    const res = await raw({
      method: 'POST',
      path: '/echo/x',
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      body: Array.from({ length: 7 }, () => chunk),
    });
    expect(res.status).toBe(413);
    await expectHealthy();
  });

  it('accepts a body of exactly the limit', async () => {
    const limit = (await import('#http/middleware')).MAX_BODY_BYTES;
    const padding = 'x'.repeat(limit - JSON.stringify({ p: '' }).length);
    const res = await post(JSON.stringify({ p: padding }));
    expect(res.status).toBe(200);
  });
});

describe('failures never take the server down', () => {
  it('answers 502 when a handler throws, logs no message text, and still serves /health', async () => {
    const res = await api('/throws');
    expect(res.status).toBe(502);
    const body = await res.text();
    expect(JSON.parse(body)).toMatchObject({ error: 'BadGateway' });
    expect(body).not.toContain('ada@example.org');
    expect(logs.join('\n')).toContain('threw Error');
    expect(logs.join('\n')).not.toContain('ada@example.org');
    await expectHealthy();
  });

  it('lets the middleware answer 500 with a correlation id for an unexpected error', async () => {
    const res = await api('/fails');
    expect(res.status).toBe(500);
    const body = (await res.json()) as Record<string, string>;
    expect(body).toMatchObject({ error: 'InternalError', correlationId: expect.any(String) });
    expect(JSON.stringify(body)).not.toContain('ada@example.org');
  });

  it.each(['nothing', 'no-status', 'object-body', 'bad-header'])('answers 502 for a malformed result (%s)', async (kind) => {
    const res = await api(`/garbage/${kind}`);
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ error: 'BadGateway' });
  });

  it('answers 502 when the route module cannot be loaded', async () => {
    const res = await api('/missing');
    expect(res.status).toBe(502);
    expect(logs.some((l) => l.startsWith('could not load test/fixtures/local/does-not-exist.ts'))).toBe(true);
  });

  it('answers 504 when a handler runs past its deadline', async () => {
    const res = await api('/slow');
    expect(res.status).toBe(504);
    expect(await res.json()).toMatchObject({ error: 'GatewayTimeout' });
  });

  it('survives requests aborted mid-body and mid-handler', async () => {
    const { port } = new URL(stack.urls.api);
    await new Promise<void>((resolve) => {
      const req = request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/echo/x',
        headers: { 'content-type': 'application/json', 'content-length': 1000 },
      });
      req.on('error', () => resolve());
      req.write('{"half":');
      setTimeout(() => req.destroy(), 50);
    });
    await new Promise<void>((resolve) => {
      const req = request({ host: '127.0.0.1', port, path: '/slow' });
      req.on('error', () => resolve());
      req.end();
      setTimeout(() => req.destroy(), 100);
    });
    await expectHealthy();
    await new Promise((r) => setTimeout(r, 50));
    expect(logs).toEqual(expect.arrayContaining([expect.stringMatching(/^POST \/echo\/\{id\} aborted \d+ms$/)]));
  });
});

describe('the request log', () => {
  it('has one line per request with the route template, status and time, never the raw path or query', async () => {
    const before = logs.length;
    await api('/echo/tok-SECRET-123?email=ada%40example.org');
    await api('/tokens/tok-SECRET-456');
    await new Promise((r) => setTimeout(r, 50));
    const lines = logs.slice(before);
    expect(lines).toEqual([expect.stringMatching(/^GET \/echo\/\{id\} 200 \d+ms$/), expect.stringMatching(/^GET - 404 \d+ms$/)]);
    expect(lines.join('\n')).not.toMatch(/SECRET|example\.org/);
  });
});
