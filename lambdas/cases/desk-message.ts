/** GET /desk/cases/{reference}/messages/{message} — one inbound email of the case, as stored. Staff: read. */
import { RouteNotFoundError } from '#http/errors';
import { html } from '#http/responses';
import { deskPage } from '#http/staff-handler';
import { readMessage } from '#shared/cases/messages';
import { messagePage } from '#shared/templates/desk-pages';
import { deskFilesDeps, deskSite } from './desk-deps';
import { staffAuthDeps } from './deps';

// Built at cold start: a missing variable fails here, not mid-request.
const auth = staffAuthDeps();

const deps = deskFilesDeps();
const { basePath } = deskSite();

export const handler = deskPage('read', auth, async (event, { staff, csrf }) => {
  const found = await readMessage(event.pathParameters?.reference ?? '', event.pathParameters?.message ?? '', deps);
  if (!found) throw new RouteNotFoundError('That case has no such message.');
  const { from } = found.message;
  const sender = from ? (from.name ? `${from.name} <${from.address}>` : from.address) : '(no usable sender)';
  return html(
    200,
    messagePage({ ...found, message: { ...found.message, from: sender, date: found.message.date ?? '' }, staff, csrf: csrf ?? '', basePath }),
  );
});
