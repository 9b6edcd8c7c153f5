/** GET /desk/reports/{id}/{file} — a report, shown in the desk (HTML) or downloaded (CSV, figures). Staff: read. */
import { RouteNotFoundError } from '#http/errors';
import { deskPage } from '#http/staff-handler';
import { staffAuthDeps } from '#lambdas/cases/deps';
import { readReportFile } from '#shared/reports/desk';
import { fileResponse } from './file-response';
import { reportsReadDeps } from './deps';

// Built at cold start: a missing variable fails here, not mid-request.
const auth = staffAuthDeps();

const deps = reportsReadDeps();

export const handler = deskPage('read', auth, async (event) => {
  const found = await readReportFile(deps, event.pathParameters?.id ?? '', event.pathParameters?.file ?? '');
  if (!found) throw new RouteNotFoundError('There is no such report.');
  return fileResponse(found);
});
