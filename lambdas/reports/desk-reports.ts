/** GET /desk/reports — the reports made so far, and "run now" for the DPO team. Staff: read. */
import { londonDateOf } from '#domain/calendar';
import { defaultPeriod } from '#domain/report-period';
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
  const today = londonDateOf(time.now());
  return html(
    200,
    reportsPage({
      ...page,
      staff,
      csrf: csrf ?? '',
      basePath: base,
      defaults: { monthly: defaultPeriod('monthly', today), weekly: defaultPeriod('weekly', today) },
    }),
  );
});
