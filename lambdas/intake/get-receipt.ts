/**
 * GET /requests/{reference}/received — the page the form redirects to after a POST. It looks
 * nothing up and shows only the reference from its own address and generic next steps, so a
 * guessed address reveals nothing, not even whether the request exists.
 */
import { isReference } from '#domain/reference';
import { RouteNotFoundError } from '#http/errors';
import { httpHandler } from '#http/middleware';
import { html } from '#http/responses';
import { submittedPage } from '#shared/templates/pages';
import { site } from './deps';

// Built at cold start: a missing variable fails here, not mid-request.
const pages = site();

export const handler = httpHandler(async (event) => {
  const reference = event.pathParameters?.reference ?? '';
  if (!isReference(reference)) throw new RouteNotFoundError('There is no request with that reference here.');
  const replyBy = event.queryStringParameters?.reply === 'post' ? 'post' : 'email';
  return html(200, submittedPage(pages, { reference, replyBy }));
});
