/** GET / — the request form. */
import { randomUUID } from 'node:crypto';
import { httpHandler } from '../../shared/http/middleware';
import { html } from '../../shared/http/responses';
import { requestFormPage } from '../../shared/templates/pages';
import { site } from './site';

export const handler = httpHandler(async () =>
  html(200, requestFormPage(site, { values: {}, errors: {}, idempotencyKey: randomUUID() })),
);
