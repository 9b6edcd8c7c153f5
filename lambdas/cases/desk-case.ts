/** GET /desk/cases/{reference} — one case: why its date, timeline, correspondence, the actions allowed now. Staff: read. */
import { html } from '#http/responses';
import { deskPage } from '#http/staff-handler';
import { viewCase } from '#shared/cases/case-view';
import { casePage } from '#shared/templates/desk-pages';
import { planLinesOf } from '#shared/fulfilment/plan';
import { deskPlanReadDeps, deskSite } from './desk-deps';
import { staffAuthDeps } from './deps';

// Built at cold start: a missing variable fails here, not mid-request.
const auth = staffAuthDeps();

const deps = deskPlanReadDeps();
const { basePath } = deskSite();

const FLASH: Record<string, string> = { done: 'Done. The timeline shows what was recorded, and any letter is in the correspondence.' };

export const handler = deskPage('read', auth, async (event, { staff, csrf }) => {
  const view = await viewCase(event.pathParameters?.reference ?? '', deps);
  const flash = FLASH[event.queryStringParameters?.flash ?? ''];
  const planLines = await planLinesOf(view.case, deps.files);
  return html(200, casePage({ view, staff, csrf: csrf ?? '', basePath, planLines, ...(flash ? { flash } : {}) }));
});
