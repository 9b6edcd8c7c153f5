/**
 * The local stand-in for API Gateway (REST API, Lambda proxy integration, payload v1): a
 * node:http server that turns each request into an APIGatewayProxyEvent, calls the real
 * handler named in the routes table, and writes its APIGatewayProxyResult back. The handlers
 * are the production modules, imported lazily the first time their route is hit.
 *
 * Where API Gateway's behaviour is known it is followed: the path is matched as sent, segment
 * by segment, so `..`, `%2e%2e`, `%2F` or `\` never change which route matches; `path` stays
 * percent-encoded while path and query parameters are decoded (a parameter only within its own
 * segment); the most specific resource wins before the method is considered; a handler that
 * throws or answers garbage is a 502; 29 s is the integration timeout. The request log names
 * the route template, never the raw path (it may hold tokens).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import type { Route } from '#lambdas/manifest';
import { json } from '#http/responses';
import { errorResponse, fromResult, toEvent, toHttpResponse, write, type HttpResponse } from './api-gateway';
import { lambdaContext } from './lambda-context';
import { compileRoutes, matchResource, requestTarget, splitPath } from './routing';

/** API Gateway's maximum integration timeout for REST APIs. */
export const API_GATEWAY_TIMEOUT_MS = 29_000;
/** After a 413 the rest of the body is read and discarded up to this much, then the socket is cut. */
const DRAIN_LIMIT_BYTES = 1024 * 1024;
const DRAIN_TIMEOUT_MS = 5_000;

export type PartStatus = 'up' | 'down';

export interface HealthReport {
  parts: Record<string, PartStatus>;
  /** Why a part is down (an error name or status; never request data). */
  problems?: Record<string, string>;
}

export interface HttpAdapterOptions {
  readonly routes: readonly Route[];
  /** Route entries are relative to this directory (the repository root). */
  readonly rootDir: string;
  /** Probes every part of the stack for `GET /health`. */
  readonly health: () => Promise<HealthReport>;
  /** Requests wait for this before anything runs: handlers must not load before the stack has set their env. */
  readonly ready?: Promise<void>;
  /** Defaults to API Gateway's 29 s. */
  readonly timeoutMs?: number;
  readonly log?: (line: string) => void;
}

export interface HttpAdapter {
  readonly server: Server;
  /** Binds the server; resolves with the real port (pass 0 for a random one). */
  listen(port: number, host?: string): Promise<number>;
  close(): Promise<void>;
}

const BUILT_IN_PATHS: ReadonlySet<string> = new Set(['/health']);

type BodyResult = { kind: 'ok'; body: Buffer } | { kind: 'too-large' } | { kind: 'aborted' };

/** Reads at most `limit` bytes; beyond that it stops buffering and reports the body as too large. */
function readBody(req: IncomingMessage, limit: number, onContinue?: () => void): Promise<BodyResult> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve({ kind: 'too-large' });
  onContinue?.();
  return new Promise((done) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (result: BodyResult) => {
      req.off('data', onData).off('end', onEnd).off('error', onError).off('aborted', onError);
      done(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) finish({ kind: 'too-large' });
      else chunks.push(chunk);
    };
    const onEnd = () => finish({ kind: 'ok', body: Buffer.concat(chunks) });
    const onError = () => finish({ kind: 'aborted' });
    req.on('data', onData).on('end', onEnd).on('error', onError).on('aborted', onError);
  });
}

/** Reads and discards what is left of an over-long body so the client can read our 413; cuts the socket past a cap. */
function drain(req: IncomingMessage): void {
  if (req.complete) return;
  let drained = 0;
  const timer = setTimeout(() => req.socket.destroy(), DRAIN_TIMEOUT_MS).unref();
  req.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > DRAIN_LIMIT_BYTES) req.socket.destroy();
  });
  req.once('end', () => clearTimeout(timer));
  req.once('close', () => clearTimeout(timer));
  req.resume();
}

/** Error name and stack frames, without the message line (a message may quote request data). */
export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return typeof err;
  const frames = (err.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l));
  return [err.name, ...frames.slice(0, 8)].join('\n');
}

type HandlerFn = (event: APIGatewayProxyEvent, context: Context) => unknown;

class TimedOut extends Error {
  override readonly name = 'TimedOut';
}

export function createHttpAdapter(opts: HttpAdapterOptions): HttpAdapter {
  const resources = compileRoutes(opts.routes, BUILT_IN_PATHS);
  const log = opts.log ?? ((line: string) => console.log(line));
  const timeoutMs = opts.timeoutMs ?? API_GATEWAY_TIMEOUT_MS;
  const ready = opts.ready ?? Promise.resolve();
  ready.catch(() => undefined); // the stack reports its own start-up failure
  const modules = new Map<string, Promise<HandlerFn>>();
  let bodyLimit: Promise<number> | undefined;

  // Loaded after `ready`: the middleware module builds its logger from env at import time.
  const maxBodyBytes = () => (bodyLimit ??= import('#http/middleware').then((m) => m.MAX_BODY_BYTES));

  function loadHandler(entry: string): Promise<HandlerFn> {
    let loading = modules.get(entry);
    if (!loading) {
      loading = import(pathToFileURL(resolve(opts.rootDir, entry)).href).then((mod: { handler?: unknown }) => {
        if (typeof mod.handler !== 'function') throw new Error(`${entry} does not export a handler function`);
        return mod.handler as HandlerFn;
      });
      // A module that failed to load is retried on the next request (after the developer fixes it).
      loading.catch(() => modules.delete(entry));
      modules.set(entry, loading);
    }
    return loading;
  }

  async function invoke(route: Route, event: APIGatewayProxyEvent): Promise<HttpResponse> {
    let handler: HandlerFn;
    try {
      handler = await loadHandler(route.entry);
    } catch (err) {
      // Load errors (syntax, missing import) carry no request data: show them in full.
      log(`could not load ${route.entry}: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
      return errorResponse(502, 'BadGateway', 'The handler for this route could not be loaded; see the local stack log.');
    }
    const deadline = Date.now() + timeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new TimedOut()), timeoutMs);
    });
    try {
      const result = await Promise.race([Promise.resolve().then(() => handler(event, lambdaContext(route.entry, deadline, 1024))), timeout]);
      const response = toHttpResponse(result);
      if (typeof response === 'string') {
        log(`${route.entry} returned a malformed response: ${response}`);
        return errorResponse(502, 'BadGateway', 'The handler returned a malformed response.');
      }
      return response;
    } catch (err) {
      if (err instanceof TimedOut) {
        log(`${route.entry} did not answer within ${timeoutMs} ms`);
        return errorResponse(504, 'GatewayTimeout', 'The handler did not answer in time.');
      }
      log(`${route.entry} threw ${describeError(err)}`);
      return errorResponse(502, 'BadGateway', 'The handler failed; see the local stack log.');
    } finally {
      clearTimeout(timer);
    }
  }

  async function health(): Promise<HttpResponse> {
    const report = await opts.health();
    const up = Object.values(report.parts).every((s) => s === 'up');
    const body = up ? { status: 'ok', parts: report.parts } : { status: 'down', parts: report.parts, problems: report.problems ?? {} };
    return fromResult(json(up ? 200 : 503, body));
  }

  /** Works out the response; `route.template` is filled in as soon as a route matches (for the log). */
  async function respond(
    req: IncomingMessage,
    res: ServerResponse,
    route: { template: string },
    requestId: string,
    expectsContinue: boolean,
  ): Promise<{ response: HttpResponse | undefined }> {
    // The path as sent, never normalised: `//x` is a path, not a host, and `%2e%2e` is no path change.
    const url = requestTarget(req.url ?? '/');
    if (!url) return { response: errorResponse(400, 'MalformedUrl', 'The request URL is not valid.') };
    const segments = splitPath(url.path);
    if (!segments) return { response: errorResponse(400, 'MalformedUrl', 'The request path is not validly percent-encoded.') };
    await ready;
    const builtIn = segments.length === 1 ? `/${segments[0]!}` : undefined;
    if (builtIn !== undefined && BUILT_IN_PATHS.has(builtIn)) {
      route.template = builtIn;
      if (req.method !== 'GET') {
        return { response: errorResponse(405, 'MethodNotAllowed', `${builtIn} answers GET only.`, { allow: 'GET' }) };
      }
      return { response: await health() };
    }
    const match = matchResource(resources, segments);
    if (!match) return { response: errorResponse(404, 'RouteNotFound', 'There is no route for this path.') };
    route.template = match.resource.path;
    const target = match.resource.methods.get(req.method ?? '');
    if (!target) {
      const allow = [...match.resource.methods.keys()].sort().join(', ');
      return { response: errorResponse(405, 'MethodNotAllowed', `This route answers ${allow}.`, { allow }) };
    }
    const limit = await maxBodyBytes();
    const body = await readBody(req, limit, expectsContinue ? () => res.writeContinue() : undefined);
    if (body.kind === 'aborted') return { response: undefined };
    if (body.kind === 'too-large') {
      drain(req);
      return { response: errorResponse(413, 'PayloadTooLarge', `The request body is larger than ${limit / 1024} KB.`) };
    }
    const event = toEvent({
      req,
      method: target.method,
      pathname: url.path,
      search: url.search,
      match,
      body: body.body,
      requestId,
    });
    return { response: await invoke(target, event) };
  }

  function onRequest(req: IncomingMessage, res: ServerResponse, expectsContinue = false): void {
    const started = performance.now();
    const requestId = randomUUID();
    const method = /^[A-Z]{1,10}$/.test(req.method ?? '') ? req.method! : '?';
    const route = { template: '-' };
    // A client that goes away must never take the server down with it.
    req.on('error', () => undefined);
    res.on('error', () => undefined);
    res.once('close', () => {
      const ms = Math.round(performance.now() - started);
      log(`${method} ${route.template} ${res.writableFinished ? res.statusCode : 'aborted'} ${ms}ms`);
    });
    respond(req, res, route, requestId, expectsContinue)
      .then(({ response }) => {
        if (response) write(res, response, requestId);
        else res.destroy();
      })
      .catch((err: unknown) => {
        log(`local API adapter error: ${describeError(err)}`);
        try {
          write(res, errorResponse(502, 'BadGateway', 'The local API adapter failed; see its log.'), requestId);
        } catch {
          res.destroy();
        }
      });
  }

  const server = createServer((req, res) => onRequest(req, res));
  // Answer 100-continue ourselves, so an over-long body is refused before it is sent.
  server.on('checkContinue', (req, res) => onRequest(req, res, true));

  return {
    server,
    listen: (port, host = '127.0.0.1') =>
      new Promise<number>((resolveListen, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolveListen((server.address() as AddressInfo).port);
        });
      }),
    close: () =>
      new Promise<void>((resolveClose) => {
        if (!server.listening) return resolveClose();
        server.close(() => resolveClose());
        server.closeIdleConnections();
        // Requests still running get a moment to finish; then their connections are cut.
        setTimeout(() => server.closeAllConnections(), 1_000).unref();
      }),
  };
}
