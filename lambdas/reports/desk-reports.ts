/** GET /desk/reports — the reports made so far, and "run now" for the DPO team. Staff: read. */
import { londonDateOf } from '#domain/calendar';
import { html } from '#http/responses';
import { deskPage } from '#http/staff-handler';
import { basePath, staffAuthDeps } from '#lambdas/cases/deps';
import { clock } from '#adapters/from-env';
import { listReports } from '#shared/reports/desk';
import { reportsPage } from '#shared/templates/report-pages';
import { reportsListDeps } from './deps';

// Built at cold start: a missing variable fails here, not mid-request.
const auth = staffAuthDeps();

const deps = reportsListDeps();
const base = basePath();
const time = clock();

export const handler = deskPage('read', auth, async (event, { staff, csrf }) => {
  const page = await listReports(deps, event.queryStringParameters?.cursor);
  return html(
    200,
    reportsPage({
      ...page,
      staff,
      csrf: csrf ?? '',
      basePath: base,
      today: londonDateOf(time.now()),
    }),
  );
});
