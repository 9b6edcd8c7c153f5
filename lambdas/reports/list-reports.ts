/** GET /api/reports — the reports made so far, newest period first (staff: read). */
import { json } from '#http/responses';
import { staffApi } from '#http/staff-handler';
import { basePath, staffAuthDeps } from '#lambdas/cases/deps';
import { listReports, reportJson } from '#shared/reports/desk';
import { reportsListDeps } from './deps';

// Built at cold start: a missing variable fails here, not mid-request.
const auth = staffAuthDeps();

const deps = reportsListDeps();
const base = basePath();

export const handler = staffApi('read', auth, async (event) => {
  const page = await listReports(deps, event.queryStringParameters?.cursor);
  return json(200, { reports: page.reports.map((r) => reportJson(r, base)), ...(page.next ? { next: page.next } : {}) });
});
