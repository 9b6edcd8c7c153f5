/**
 * A fault-injection HTTP proxy for tests: put it in front of any emulator through the SDK's
 * standard `AWS_ENDPOINT_URL_<SERVICE>` variable (docs/operations.md, "Fault injection"),
 * then switch failures on and off while the handlers run.
 *
 *   const ses = await faultProxy({ target: () => stack?.urls.ses, failWith: 503 });
 *   process.env.AWS_ENDPOINT_URL_SESV2 = ses.url;  // before startLocalStack()
 *   ses.fail();  ...  ses.heal();  expect(ses.forwarded).toBe(…);
 *
 * Requests and responses are streamed both ways with their headers untouched (the SigV4
 * signature still names the proxy's host; no emulator checks it). A failing request is
 * answered by the proxy and never reaches the target: its body is read and discarded (or the
 * connection cut, for 'reset').
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** DynamoDB's throttling answer, as the SDK's awsJson1_0 protocol parses it. */
export const DYNAMODB_THROTTLING = {
  status: 400,
  headers: { 'content-type': 'application/x-amz-json-1.0' },
  body: JSON.stringify({
    __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
    message:
      'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
  }),
} as const;

/** What a failing request gets. */
export type Fault =
  /** That HTTP status, with an AWS-style JSON error body (503: SES's "Service Unavailable"). */
  | number
  /** The connection is cut without an answer (the SDK sees a network error, ECONNRESET). */
  | 'reset'
  /** DynamoDB's ProvisionedThroughputExceededException (400), which the SDK retries as throttling. */
  | 'throttle'
  /** Exactly this answer. */
  | { readonly status: number; readonly headers?: Readonly<Record<string, string>>; readonly body?: string };

/** What `match` sees of a request (before its body is read). */
export interface ProxiedRequest {
  readonly method: string;
  /** Path and query as sent. */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
}

export interface FaultProxyOptions {
  /** Where requests are forwarded: a base URL, or a function read per request (a target that starts after the proxy). */
  readonly target: string | (() => string | undefined);
  /** What failing requests get. Default 503. */
  readonly failWith?: Fault;
  /** Which requests may fail (default all); the others are always forwarded. */
  readonly match?: (req: ProxiedRequest) => boolean;
  /** Start failing at once. Default false: the proxy forwards until fail() is called. */
  readonly failing?: boolean;
}

export interface FaultProxy {
  /** `http://127.0.0.1:<port>`: the value for AWS_ENDPOINT_URL_<SERVICE>. */
  readonly url: string;
  /** Requests forwarded to the target (answered by it, whatever the status). */
  readonly forwarded: number;
  /** Requests the proxy failed. */
  readonly failed: number;
  /** Whether matching requests fail now. */
  readonly failing: boolean;
  /** Every request seen, in order: method, path and whether it was failed. */
  readonly requests: readonly (ProxiedRequest & { readonly outcome: 'forwarded' | 'failed' | 'unreachable' })[];
  /** Fails matching requests from now: all of them, or only the next `times`; `with` replaces failWith. */
  fail(opts?: { readonly with?: Fault; readonly times?: number }): void;
  /** Forwards everything from now. */
  heal(): void;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-connection', 'proxy-authorization']);

/** Raw headers (name, value, name, value…) in their order and spelling, repeats kept, less the hop-by-hop ones. */
function endToEnd(raw: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) if (!HOP_BY_HOP.has(raw[i]!.toLowerCase())) out.push(raw[i]!, raw[i + 1]!);
  return out;
}

function answerOf(fault: Exclude<Fault, 'reset'>): { status: number; headers: Record<string, string>; body: string } {
  if (fault === 'throttle') return { ...DYNAMODB_THROTTLING, headers: { ...DYNAMODB_THROTTLING.headers } };
  if (typeof fault === 'object') return { status: fault.status, headers: { ...fault.headers }, body: fault.body ?? '' };
  const type = fault === 503 ? 'ServiceUnavailable' : fault === 429 ? 'TooManyRequestsException' : 'InternalFailure';
  return {
    status: fault,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': type },
    body: JSON.stringify({ message: fault === 503 ? 'Service Unavailable' : `Injected fault ${fault}` }),
  };
}

export async function faultProxy(opts: FaultProxyOptions): Promise<FaultProxy> {
  const match = opts.match ?? (() => true);
  let fault: Fault = opts.failWith ?? 503;
  let failing = opts.failing ?? false;
  let remaining = Infinity; // failures left before healing by itself
  let forwarded = 0;
  let failed = 0;
  const requests: (ProxiedRequest & { outcome: 'forwarded' | 'failed' | 'unreachable' })[] = [];

  function failRequest(req: IncomingMessage, res: ServerResponse): void {
    if (fault === 'reset') {
      req.socket.destroy();
      return;
    }
    const answer = answerOf(fault);
    req.resume(); // read and discard the body, so the client can read the answer
    req.once('end', () => {
      res.writeHead(answer.status, { ...answer.headers, 'content-length': Buffer.byteLength(answer.body) });
      res.end(answer.body);
    });
  }

  const server: Server = createServer((req, res) => {
    const seen = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers };
    req.on('error', () => undefined);
    res.on('error', () => undefined);
    if (failing && remaining > 0 && match(seen)) {
      remaining -= 1;
      if (remaining === 0) failing = false;
      failed += 1;
      requests.push({ ...seen, outcome: 'failed' });
      failRequest(req, res);
      return;
    }
    const base = typeof opts.target === 'function' ? opts.target() : opts.target;
    const record = { ...seen, outcome: 'forwarded' as 'forwarded' | 'unreachable' };
    requests.push(record);
    const unreachable = () => {
      record.outcome = 'unreachable';
      if (res.headersSent) res.destroy();
      else {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end('fault proxy: the target did not answer');
      }
    };
    if (!base) return unreachable();
    const target = new URL(req.url ?? '/', base);
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: endToEnd(req.rawHeaders) },
      (answer) => {
        forwarded += 1;
        res.writeHead(answer.statusCode ?? 502, answer.statusMessage, endToEnd(answer.rawHeaders));
        answer.pipe(res);
        answer.on('error', () => res.destroy());
      },
    );
    upstream.on('error', unreachable);
    req.pipe(upstream);
    res.once('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get forwarded() {
      return forwarded;
    },
    get failed() {
      return failed;
    },
    get failing() {
      return failing;
    },
    requests,
    fail(how = {}) {
      if (how.with !== undefined) fault = how.with;
      remaining = how.times ?? Infinity;
      failing = remaining > 0;
    },
    heal() {
      failing = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
