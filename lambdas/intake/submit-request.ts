/**
 * POST /requests — form-encoded (answers 303 See Other to the receipt page, so a refresh never
 * posts again) or JSON (answers 201, or 200 for a replay; 400 JSON). Invalid form input
 * re-renders the form with inline errors and loses nothing typed.
 */
import { randomUUID } from 'node:crypto';
import { httpHandler, type HttpEvent } from '#http/middleware';
import { ValidationError } from '#domain/errors';
import { html, json, seeOther } from '#http/responses';
import { submitRequest } from '#shared/intake/submit-request';
import type { SubmitAnswer } from '#shared/intake/submission';
import { receiptPath, requestFormPage } from '#shared/templates/pages';
import { site, submitDeps } from './deps';

// Built at cold start: a missing variable fails here, not mid-request.
const deps = submitDeps();
const pages = site();

const idempotencyKeyOf = (event: HttpEvent): string | undefined => {
  const formKey = event.parsedBody.idempotencyKey;
  return (event.headers['idempotency-key'] ?? (typeof formKey === 'string' ? formKey : undefined))?.slice(0, 200);
};

export const handler = httpHandler(
  async (event) => {
    const ctx = {
      bodyKind: event.bodyKind === 'form' ? ('form' as const) : ('json' as const),
      idempotencyKey: idempotencyKeyOf(event),
      sourceIp: event.requestContext?.identity?.sourceIp,
    };
    const result = await submitRequest(event.parsedBody, ctx, deps);
    if (event.bodyKind === 'form') return seeOther(receiptPath(pages, result));
    return json(result.replayed ? 200 : 201, { reference: result.reference, status: result.status } satisfies SubmitAnswer);
  },
  {
    accepts: ['json', 'form'],
    renderHtmlError: (err, event) =>
      err instanceof ValidationError
        ? html(400, requestFormPage(pages, { values: event.parsedBody, errors: err.fields, idempotencyKey: idempotencyKeyOf(event) ?? randomUUID() }))
        : undefined,
  },
);
