/** GET /desk — the DPO desk's queue: a view (?view=), a search (?q=), a page (?cursor=). Staff: read. */
import { html } from '#http/responses';
import { deskPage } from '#http/staff-handler';
import { listQueue, parseQueueQuery } from '#shared/cases/queue';
import { queuePage } from '#shared/templates/desk-pages';
import { deskReadDeps, deskSite } from './desk-deps';
import { staffAuthDeps } from './deps';

// Built at cold start: a missing variable fails here, not mid-request.
const auth = staffAuthDeps();

const deps = deskReadDeps();
const { basePath } = deskSite();

export const handler = deskPage('read', auth, async (event, { staff, csrf }) => {
  const page = await listQueue(parseQueueQuery(event.queryStringParameters), deps);
  return html(200, queuePage({ page, staff, csrf: csrf ?? '', basePath }));
});
