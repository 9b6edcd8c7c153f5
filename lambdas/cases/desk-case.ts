/** GET /desk/cases/{reference} — one case: why its date, the search's records, timeline, correspondence, the actions allowed now. Staff: read. */
import { html } from '#http/responses';
import { deskPage } from '#http/staff-handler';
import { viewCase } from '#shared/cases/case-view';
import { searchRecordsOf } from '#shared/fulfilment/search-records';
import { casePage } from '#shared/templates/desk-pages';
import { planLinesOf } from '#shared/fulfilment/plan';
import { deskCasePageDeps, deskSite } from './desk-deps';
import { staffAuthDeps } from './deps';

// Built at cold start: a missing variable fails here, not mid-request.
const auth = staffAuthDeps();

const deps = deskCasePageDeps();
const { basePath } = deskSite();

const FLASH: Record<string, string> = { done: 'Done. The timeline shows what was recorded, and any letter is in the correspondence.' };

export const handler = deskPage('read', auth, async (event, { staff, csrf }) => {
  const view = await viewCase(event.pathParameters?.reference ?? '', deps);
  const records = await searchRecordsOf(view.case, deps.fulfilment);
  const flash = FLASH[event.queryStringParameters?.flash ?? ''];
  const planLines = await planLinesOf(view.case, deps.fulfilment.files);
  return html(200, casePage({ view, staff, csrf: csrf ?? '', basePath, records, planLines, ...(flash ? { flash } : {}) }));
});
