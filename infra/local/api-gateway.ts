/**
 * The API Gateway (REST, Lambda proxy, payload v1) side of the local adapter: a Node request
 * becomes an APIGatewayProxyEvent plus a Lambda-like context, and a handler's result is checked
 * and turned into an HTTP response the way API Gateway would (malformed results are refused).
 */
import { validateHeaderName, validateHeaderValue, type IncomingMessage, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { Route } from '#lambdas/manifest';
import { json } from '#http/responses';
import { LOCAL_ACCOUNT } from './lambda-context';
import type { Match } from './routing';

const STAGE = 'local';

const TEXT_TYPES = new Set(['application/json', 'application/x-www-form-urlencoded', 'application/xml', 'application/javascript']);
const utf8 = new TextDecoder('utf-8', { fatal: true });

function isText(contentType: string | undefined, body: Buffer): boolean {
  if (contentType === undefined) {
    try {
      utf8.decode(body);
      return true;
    } catch {
      return false;
    }
  }
  const mime = contentType.split(';')[0]!.trim().toLowerCase();
  return mime.startsWith('text/') || TEXT_TYPES.has(mime) || mime.endsWith('+json') || mime.endsWith('+xml');
}

function headerMaps(req: IncomingMessage): { headers: Record<string, string>; multi: Record<string, string[]> } {
  const headers: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  const nameOf = new Map<string, string>(); // first spelling seen wins, as repeated headers fold together
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const given = req.rawHeaders[i]!;
    const name = nameOf.get(given.toLowerCase()) ?? given;
    nameOf.set(given.toLowerCase(), name);
    headers[name] = req.rawHeaders[i + 1]!;
    (multi[name] ??= []).push(req.rawHeaders[i + 1]!);
  }
  // API Gateway adds the forwarding headers; the client's X-Forwarded-For is kept and extended.
  const set = (lower: string, fallback: string, value: string) => {
    const name = nameOf.get(lower) ?? fallback;
    headers[name] = value;
    multi[name] = [value];
  };
  const ip = sourceIp(req);
  const xff = nameOf.get('x-forwarded-for');
  set('x-forwarded-for', 'X-Forwarded-For', xff ? `${headers[xff] ?? ''}, ${ip}` : ip);
  set('x-forwarded-proto', 'X-Forwarded-Proto', 'http');
  set('x-forwarded-port', 'X-Forwarded-Port', String(req.socket.localPort ?? ''));
  return { headers, multi };
}

function sourceIp(req: IncomingMessage): string {
  return (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
}

function queryMaps(search: URLSearchParams) {
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [key, value] of search) {
    single[key] = value; // API Gateway keeps the last value in the single-value map
    (multi[key] ??= []).push(value);
  }
  return Object.keys(single).length ? { single, multi } : { single: null, multi: null };
}

function requestTime(d: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${months[d.getUTCMonth()] ?? ''}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

export interface EventInput {
  req: IncomingMessage;
  method: Route['method'];
  pathname: string;
  search: URLSearchParams;
  match: Match;
  body: Buffer;
  requestId: string;
}

export function toEvent({ req, method, pathname, search, match, body, requestId }: EventInput): APIGatewayProxyEvent {
  const { headers, multi } = headerMaps(req);
  const query = queryMaps(search);
  const contentType = Object.entries(headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1];
  const binary = body.length > 0 && !isText(contentType, body);
  const now = new Date();
  const host = req.headers.host ?? 'localhost';
  return {
    resource: match.resource.path,
    path: pathname,
    httpMethod: method,
    headers,
    multiValueHeaders: multi,
    queryStringParameters: query.single,
    multiValueQueryStringParameters: query.multi,
    pathParameters: match.pathParameters,
    stageVariables: null,
    body: body.length === 0 ? null : binary ? body.toString('base64') : body.toString('utf8'),
    isBase64Encoded: binary,
    requestContext: {
      accountId: LOCAL_ACCOUNT,
      apiId: 'local',
      authorizer: null,
      domainName: host,
      domainPrefix: host.split('.')[0]!,
      extendedRequestId: requestId,
      httpMethod: method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: sourceIp(req),
        user: null,
        userAgent: req.headers['user-agent'] ?? null,
        userArn: null,
      },
      path: `/${STAGE}${pathname}`,
      protocol: `HTTP/${req.httpVersion}`,
      requestId,
      requestTime: requestTime(now),
      requestTimeEpoch: now.getTime(),
      resourceId: 'local',
      resourcePath: match.resource.path,
      stage: STAGE,
    },
  };
}

export interface HttpResponse {
  status: number;
  headers: [string, string[]][];
  body: Buffer;
}

const HOP_BY_HOP = new Set(['connection', 'content-length', 'transfer-encoding', 'keep-alive']);
const scalar = (v: unknown): v is string | number | boolean => ['string', 'number', 'boolean'].includes(typeof v);

/** Checks a handler's result as API Gateway would; a string says why it is malformed. */
export function toHttpResponse(result: unknown): HttpResponse | string {
  if (typeof result !== 'object' || result === null) return 'the handler returned no response object';
  const r = result as Record<string, unknown>;
  if (typeof r.statusCode !== 'number' || !Number.isInteger(r.statusCode) || r.statusCode < 100 || r.statusCode > 599) {
    return 'statusCode is not an HTTP status';
  }
  if (r.body !== undefined && r.body !== null && typeof r.body !== 'string') return 'body is not a string';
  if (r.isBase64Encoded !== undefined && typeof r.isBase64Encoded !== 'boolean') return 'isBase64Encoded is not a boolean';
  const merged = new Map<string, [string, string[]]>();
  const add = (name: string, value: string) => {
    const entry = merged.get(name.toLowerCase()) ?? [name, []];
    if (!entry[1].includes(value)) entry[1].push(value);
    merged.set(name.toLowerCase(), entry);
  };
  if (r.multiValueHeaders !== undefined && r.multiValueHeaders !== null) {
    if (typeof r.multiValueHeaders !== 'object') return 'multiValueHeaders is not an object';
    for (const [name, values] of Object.entries(r.multiValueHeaders)) {
      if (!Array.isArray(values) || !values.every(scalar)) return `multiValueHeaders["${name}"] is not a list of values`;
      values.forEach((v) => add(name, String(v)));
    }
  }
  if (r.headers !== undefined && r.headers !== null) {
    if (typeof r.headers !== 'object') return 'headers is not an object';
    for (const [name, value] of Object.entries(r.headers)) {
      if (!scalar(value)) return `headers["${name}"] is not a single value`;
      add(name, String(value));
    }
  }
  const headers: [string, string[]][] = [];
  for (const [lower, [name, values]] of merged) {
    if (HOP_BY_HOP.has(lower)) continue;
    try {
      validateHeaderName(name);
      values.forEach((v) => validateHeaderValue(name, v));
    } catch {
      return `header "${name}" is not a valid HTTP header`;
    }
    headers.push([name, values]);
  }
  // API Gateway answers application/json when the integration names no type.
  if (!merged.has('content-type')) headers.push(['content-type', ['application/json']]);
  const text = r.body ?? '';
  return { status: r.statusCode, headers, body: r.isBase64Encoded ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8') };
}

export function fromResult(result: APIGatewayProxyResult): HttpResponse {
  const response = toHttpResponse(result);
  if (typeof response === 'string') throw new Error(response);
  return response;
}

export function errorResponse(status: number, error: string, message: string, headers: Record<string, string> = {}): HttpResponse {
  return fromResult(json(status, { error, message }, headers));
}

export function write(res: ServerResponse, response: HttpResponse, requestId: string): void {
  if (res.headersSent || res.destroyed) return;
  for (const [name, values] of response.headers) res.setHeader(name, values.length === 1 ? values[0]! : values);
  res.setHeader('x-amzn-requestid', requestId);
  res.setHeader('content-length', response.body.length);
  res.writeHead(response.status);
  res.end(response.body);
}
