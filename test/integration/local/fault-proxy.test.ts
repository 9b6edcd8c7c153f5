/**
 * test/support/fault-proxy.ts, the fault injector the outage tests put in front of an
 * emulator: it forwards faithfully (bodies streamed, headers kept), fails on a switch with the
 * answers the SDK sees from AWS, and counts what it did.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '#infra/local/emulators';
import { useDynamo } from '#test/support/emulators';
import { faultProxy, type FaultProxy } from '#test/support/fault-proxy';

const dynamo = useDynamo();
const client = (endpoint: string) => new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });

/** An echo server: answers with what it received (method, path, headers, body size and hash). */
let echo: Server;
let echoUrl: string;
beforeAll(async () => {
  echo = createServer((req, res) => {
    let size = 0;
    let sum = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      for (const b of c) sum = (sum + b) % 65_521;
    });
    req.on('end', () => {
      res.setHeader('x-echo', ['one', 'two']);
      res.end(JSON.stringify({ method: req.method, path: req.url, rawHeaders: req.rawHeaders, size, sum }));
    });
  });
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => echo.close(() => r())));

const proxies: FaultProxy[] = [];
async function proxyTo(opts: Parameters<typeof faultProxy>[0]): Promise<FaultProxy> {
  const p = await faultProxy(opts);
  proxies.push(p);
  return p;
}
afterAll(async () => {
  for (const p of proxies) await p.close();
});

describe('fault proxy', () => {
  it('forwards method, path, query, headers and a streamed 5 MB body unchanged, and the answer’s headers back', async () => {
    const proxy = await proxyTo({ target: echoUrl });
    const body = Buffer.alloc(5 * 1024 * 1024, 7);
    body.write('start');
    const res = await fetch(`${proxy.url}/a/b%2Fc?x=1&x=2`, {
      method: 'PUT',
      headers: { 'X-Custom': 'yes', 'content-type': 'application/octet-stream' },
      body,
    });
    const got = (await res.json()) as { method: string; path: string; rawHeaders: string[]; size: number; sum: number };
    let sum = 0;
    for (const b of body) sum = (sum + b) % 65_521;
    expect(got).toMatchObject({ method: 'PUT', path: '/a/b%2Fc?x=1&x=2', size: body.length, sum });
    expect(got.rawHeaders).toEqual(expect.arrayContaining(['X-Custom', 'yes']));
    expect(res.headers.get('x-echo')).toBe('one, two');
    expect(proxy.forwarded).toBe(1);
    expect(proxy.failed).toBe(0);
  });

  it('answers DynamoDB-style throttling the SDK recognises, then forwards once healed', async () => {
    const proxy = await proxyTo({ target: dynamo.url, failWith: 'throttle' });
    const db = client(proxy.url);
    try {
      proxy.fail();
      const put = new PutItemCommand({ TableName: dynamo.tableName, Item: { pk: { S: 'x' }, sk: { S: 'y' } } });
      await expect(db.send(put)).rejects.toMatchObject({
        name: 'ProvisionedThroughputExceededException',
        $metadata: { httpStatusCode: 400 },
      });
      proxy.heal();
      const { Table } = await db.send(new DescribeTableCommand({ TableName: dynamo.tableName }));
      expect(Table?.TableStatus).toBe('ACTIVE');
      expect({ forwarded: proxy.forwarded, failed: proxy.failed }).toEqual({ forwarded: 1, failed: 1 });
    } finally {
      db.destroy();
    }
  });

  it('fails only matching requests, only `times` of them, with a 503 the SDK treats as a server error', async () => {
    const proxy = await proxyTo({
      target: dynamo.url,
      match: (req) => req.headers['x-amz-target'] === 'DynamoDB_20120810.PutItem',
    });
    const db = client(proxy.url);
    try {
      proxy.fail({ times: 1 });
      expect(proxy.failing).toBe(true);
      await expect(db.send(new DescribeTableCommand({ TableName: dynamo.tableName }))).resolves.toBeDefined(); // not matched
      const put = () => db.send(new PutItemCommand({ TableName: dynamo.tableName, Item: { pk: { S: 'p' }, sk: { S: 's' } } }));
      await expect(put()).rejects.toMatchObject({ $metadata: { httpStatusCode: 503 }, $fault: 'server' });
      expect(proxy.failing).toBe(false);
      await expect(put()).resolves.toBeDefined();
      expect(proxy.requests.map((r) => r.outcome)).toEqual(['forwarded', 'failed', 'forwarded']);
    } finally {
      db.destroy();
    }
  });

  it('cuts the connection for "reset", and answers 502 when the target is unreachable', async () => {
    const proxy = await proxyTo({ target: dynamo.url, failWith: 'reset', failing: true });
    const db = client(proxy.url);
    try {
      await expect(db.send(new DescribeTableCommand({ TableName: dynamo.tableName }))).rejects.toMatchObject({ code: 'ECONNRESET' });
    } finally {
      db.destroy();
    }
    const nowhere = await proxyTo({ target: () => undefined });
    expect((await fetch(`${nowhere.url}/x`)).status).toBe(502);
    expect(nowhere.requests).toEqual([expect.objectContaining({ outcome: 'unreachable' })]);
  });
});
