import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '#domain/errors';
import { httpHandler, type HttpEvent } from '#http/middleware';
import { html } from '#http/responses';

const context = { awsRequestId: 'req-1', functionName: 'test', getRemainingTimeInMillis: () => 10_000 } as unknown as Context;

/** What API Gateway sends; the body parser adds parsedBody and bodyKind. */
function event(body: string, headers: Record<string, string>): HttpEvent {
  return { body, headers, isBase64Encoded: false, httpMethod: 'POST', path: '/requests' } as unknown as HttpEvent;
}

const rejects = async () => {
  throw new ValidationError({ rights: 'Select what you would like us to do' });
};

describe('httpHandler error pages', () => {
  it('answers a schema failure with its own page when the caller wants HTML', async () => {
    const handler = httpHandler(rejects, { accepts: ['json'], renderHtmlError: () => html(400, '<p>the form again</p>') });
    const res = await handler(event('{"rights":[{}]}', { 'content-type': 'application/json', accept: 'text/html' }), context);
    expect(res).toMatchObject({ statusCode: 400, body: '<p>the form again</p>' });
  });

  it('answers 400 with the generic page, not a failed invocation, when the page renderer itself throws', async () => {
    const handler = httpHandler(rejects, {
      accepts: ['json'],
      renderHtmlError: () => {
        throw new TypeError('Cannot convert object to primitive value');
      },
    });
    const res = await handler(event('{"rights":[{"toString":1}]}', { 'content-type': 'application/json', accept: 'text/html' }), context);
    expect(res.statusCode).toBe(400);
    expect(res.headers?.['content-type']).toMatch(/text\/html/);
    expect(res.body).toContain('Some fields need correcting.');
  });

  it('answers JSON clients with JSON whatever the renderer does', async () => {
    const handler = httpHandler(rejects, { accepts: ['json'], renderHtmlError: () => html(400, 'page') });
    const res = await handler(event('{}', { 'content-type': 'application/json', accept: 'application/json' }), context);
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ error: 'ValidationError', errors: { rights: expect.any(String) } });
  });
});
