/** GET /api/cases/{reference} — the case with its due date explained, its timeline, correspondence and change plan with its lines (staff: read). */
import { json } from '#http/responses';
import { staffApi } from '#http/staff-handler';
import { caseJson } from '#shared/cases/case-json';
import { viewCase } from '#shared/cases/case-view';
import { planLinesOf } from '#shared/fulfilment/plan';
import { deskPlanReadDeps } from './desk-deps';
import { staffAuthDeps } from './deps';

// Built at cold start: a missing variable fails here, not mid-request.
const auth = staffAuthDeps();

const deps = deskPlanReadDeps();

export const handler = staffApi('read', auth, async (event) => {
  const view = await viewCase(event.pathParameters?.reference ?? '', deps);
  return json(200, caseJson(view, { planLines: await planLinesOf(view.case, deps.files) }));
});
