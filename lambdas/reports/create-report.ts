/** POST /api/reports {"kind", "period"} — makes (or remakes) a report now; 201 with its files' URLs (staff: act). */
import { json } from '#http/responses';
import { staffApi } from '#http/staff-handler';
import { basePath, staffAuthDeps } from '#lambdas/cases/deps';
import { parseRunRequest, reportJson } from '#shared/reports/desk';
import { runReport } from '#shared/reports/run';
import { reportRunDeps } from './deps';

// Built at cold start: a missing variable fails here, not mid-request.
const auth = staffAuthDeps();

const deps = reportRunDeps();
const base = basePath();

export const handler = staffApi(
  'act',
  auth,
  async (event, { staff }) => {
    const { record } = await runReport(deps, { ...parseRunRequest(event.parsedBody), by: `staff:${staff.email}` });
    return json(201, reportJson(record, base));
  },
  { accepts: ['json'] },
);
