/** GET / — the request form. */
import { randomUUID } from 'node:crypto';
import { httpHandler } from '#http/middleware';
import { html } from '#http/responses';
import { requestFormPage } from '#shared/templates/pages';
import { site } from './deps';

// Built at cold start: a missing variable fails here, not mid-request.
const pages = site();

export const handler = httpHandler(async () => html(200, requestFormPage(pages, { values: {}, errors: {}, idempotencyKey: randomUUID() })));
