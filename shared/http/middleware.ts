/**
 * The middy stack every HTTP handler uses: header normalisation, bounded body parsing
 * (JSON or form-encoded), security headers, and the error table. Handlers stay thin:
 * they receive `event.parsedBody` and return a response; they never catch or parse.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { html, json } from './responses';
import { ValidationError } from '#domain/errors';
import { MalformedBodyError, PayloadTooLargeError, RETRY_AFTER_SECONDS, statusOf, UnsupportedMediaTypeError } from './errors';
import { errorFields, logger } from '#shared/core/log';
import { escapeHtml } from './html';

export const MAX_BODY_BYTES = 64 * 1024;

export type BodyKind = 'json' | 'form' | 'multipart';

/**
 * A file of a multipart form body, as parsedBody carries it: the same shape the staff API takes
 * in JSON (`{ name, contentType, base64 }`), so one schema validates both. A file input left
 * empty arrives as "" (the platform's parser makes an unnamed, empty part a string).
 */
export interface UploadedFile {
  name: string;
  contentType: string;
  base64: string;
}
export type ParsedBody = Record<string, unknown>;

export interface HttpEvent extends APIGatewayProxyEvent {
  parsedBody: ParsedBody;
  bodyKind: BodyKind | undefined;
}

/** Form fields repeat for multi-selects (rights=access&rights=erasure): repeated keys become arrays. */
function parseForm(body: string): ParsedBody {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const prev = out[key];
    out[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

/**
 * multipart/form-data (a desk form with a file input), parsed by the platform's own Fetch API
 * (undici's Response.formData: no parser of ours, no dependency). Text fields as in parseForm.
 */
async function parseMultipart(bytes: Buffer, contentType: string): Promise<ParsedBody> {
  let data: FormData;
  try {
    // Deprecated for servers because it buffers a whole body in memory: here the body is already in
    // memory and bounded (MAX_BODY_BYTES, checked above), so that concern does not arise.
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- a bounded body, parsed by the platform (no dependency)
    data = await new Response(bytes, { headers: { 'content-type': contentType } }).formData();
  } catch {
    throw new MalformedBodyError('The request body is not a valid multipart form.');
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of data) {
    let v: string | UploadedFile;
    if (typeof value === 'string') v = value;
    // A file input left empty: browsers send a part with `filename=""` and no bytes; it is no file.
    else if (value.name === '' && value.size === 0) v = '';
    else
      v = { name: value.name, contentType: value.type || 'application/octet-stream', base64: Buffer.from(await value.arrayBuffer()).toString('base64') };
    const prev = out[key];
    out[key] = prev === undefined ? v : Array.isArray(prev) ? [...(prev as unknown[]), v] : [prev, v];
  }
  return out;
}

function bodyParser(accepts: readonly BodyKind[]): MiddlewareObj<HttpEvent, APIGatewayProxyResult> {
  return {
    before: async ({ event }) => {
      const raw = event.body ?? '';
      const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
      if (bytes.length > MAX_BODY_BYTES) {
        throw new PayloadTooLargeError(`The request body is larger than ${MAX_BODY_BYTES / 1024} KB.`);
      }
      event.parsedBody = {};
      event.bodyKind = undefined;
      if (bytes.length === 0 || accepts.length === 0) return;
      const type = (event.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      const text = bytes.toString('utf8');
      if (type === 'application/json' && accepts.includes('json')) {
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch {
          throw new MalformedBodyError('The request body is not valid JSON.');
        }
        if (typeof value !== 'object' || value === null || Array.isArray(value)) {
          throw new MalformedBodyError('The request body must be a JSON object.');
        }
        event.parsedBody = value as ParsedBody;
        event.bodyKind = 'json';
      } else if (type === 'application/x-www-form-urlencoded' && accepts.includes('form')) {
        event.parsedBody = parseForm(text);
        event.bodyKind = 'form';
      } else if (type === 'multipart/form-data' && accepts.includes('multipart')) {
        event.parsedBody = await parseMultipart(bytes, event.headers['content-type']!);
        event.bodyKind = 'multipart';
      } else {
        const names = { json: 'application/json', form: 'application/x-www-form-urlencoded', multipart: 'multipart/form-data' } as const;
        throw new UnsupportedMediaTypeError(`Send the body as ${accepts.map((k) => names[k]).join(' or ')}.`);
      }
    },
  };
}

/** True when the caller is a browser that wants a page rather than JSON. */
export function wantsHtml(event: APIGatewayProxyEvent): boolean {
  const accept = event.headers?.['accept'] ?? '';
  const type = event.headers?.['content-type'] ?? '';
  return (
    type.startsWith('application/x-www-form-urlencoded') ||
    type.startsWith('multipart/form-data') ||
    (accept.includes('text/html') && !accept.includes('application/json'))
  );
}

function errorPage(status: number, message: string): string {
  const title = status === 503 ? 'Sorry, please try again in a minute' : 'Sorry, something went wrong';
  return `<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Error - Icetrak privacy requests</title></head><body><main><h1>${title}</h1><p>${escapeHtml(message)}</p><p>Error ${status}.</p></main></body></html>`;
}

/** What a 503 tells the caller: nothing was half-done, and when to try again. */
export const UNAVAILABLE_MESSAGE =
  'A service we depend on is not answering just now, so we have not saved or changed anything and nothing was lost. Please go back and send the same thing again in a minute; if it keeps happening, email dpo@icetrak.net.';

/** Lets a page handler answer a known error with its own page (e.g. the form with inline errors). */
export type HtmlErrorRenderer = (err: Error, event: HttpEvent) => APIGatewayProxyResult | undefined;

/** A page renderer that fails must not turn a 400 into a failed invocation (a 502 at API Gateway): the generic page answers instead. */
function renderSafely(render: HtmlErrorRenderer, err: Error, event: HttpEvent): APIGatewayProxyResult | undefined {
  try {
    return render(err, event);
  } catch (renderError) {
    logger.error('Error page failed to render', errorFields(renderError));
    return undefined;
  }
}

const errorHandler = (renderHtml?: HtmlErrorRenderer): MiddlewareObj<HttpEvent, APIGatewayProxyResult> => ({
  onError: (request) => {
    const err = request.error;
    const status = statusOf(err);
    const correlationId = request.context.awsRequestId;
    if (status === 500) {
      logger.error('Unhandled error', { ...errorFields(err), correlationId });
    } else if (status === 503) {
      logger.warn('Dependency unavailable', { ...errorFields(err), correlationId });
    } else {
      logger.info('Rejected', { errorName: err?.name, status, correlationId });
    }
    const message =
      status === 500
        ? `Something went wrong on our side. Quote this reference if you contact us: ${correlationId}.`
        : status === 503
          ? UNAVAILABLE_MESSAGE
          : err!.message;
    const error = status === 500 ? 'InternalError' : status === 503 ? 'ServiceUnavailable' : err!.name;
    const body: Record<string, unknown> = { error, message };
    if (err instanceof ValidationError) body.errors = err.fields;
    if (status >= 500) body.correlationId = correlationId;
    const page = wantsHtml(request.event) && status < 500 && renderHtml ? renderSafely(renderHtml, err!, request.event) : undefined;
    const response = page ?? (wantsHtml(request.event) ? html(status, errorPage(status, message)) : json(status, body));
    if (status === 503) response.headers = { ...response.headers, 'Retry-After': String(RETRY_AFTER_SECONDS) };
    request.response = response;
  },
});

export type HttpHandlerFn = (event: HttpEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** Wraps a handler body in the standard HTTP stack. `accepts` lists the body types it takes. */
export function httpHandler(fn: HttpHandlerFn, opts: { accepts?: readonly BodyKind[]; renderHtmlError?: HtmlErrorRenderer } = {}) {
  return middy<HttpEvent, APIGatewayProxyResult>({ timeoutEarlyInMillis: 0 })
    .use(injectLambdaContext(logger))
    .use(httpHeaderNormalizer())
    .use(errorHandler(opts.renderHtmlError))
    .use(bodyParser(opts.accepts ?? []))
    .handler(fn);
}
