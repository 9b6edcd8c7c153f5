/** GET /desk/cases/{reference}/letters/{letter} — a letter to print and post, for a requester without an email address. Staff: read. */
import { RouteNotFoundError } from '#http/errors';
import { html } from '#http/responses';
import { deskPage } from '#http/staff-handler';
import { caseByReference } from '#shared/cases/case-view';
import { outboxOf } from '#domain/outbox';
import { letterPage } from '#shared/templates/desk-pages';
import { deskReadDeps, deskSite } from './desk-deps';
import { staffAuthDeps } from './deps';

// Built at cold start: a missing variable fails here, not mid-request.
const auth = staffAuthDeps();

const deps = deskReadDeps();
const { basePath, dpoAddress } = deskSite();

export const handler = deskPage('read', auth, async (event) => {
  const c = await caseByReference(event.pathParameters?.reference ?? '', deps);
  const entry = outboxOf(c).find((e) => e.id === event.pathParameters?.letter && e.to === 'requester');
  if (!entry) throw new RouteNotFoundError('That case has no such letter.');
  return html(200, letterPage({ c, entry, dpoAddress, basePath }));
});
