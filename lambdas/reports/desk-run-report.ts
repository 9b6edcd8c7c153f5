/** POST /desk/reports — runs a report now from the desk's form, then 303 to it (staff: act, CSRF-checked). */
import { londonDateOf } from '#domain/calendar';
import { ValidationError } from '#domain/errors';
import { html, seeOther } from '#http/responses';
import { deskHeaders, deskPage } from '#http/staff-handler';
import { basePath, staffAuthDeps } from '#lambdas/cases/deps';
import { listReports, parseRunRequest } from '#shared/reports/desk';
import { REPORT_FILES } from '#shared/reports/record';
import { runReport } from '#shared/reports/run';
import { reportsPage } from '#shared/templates/report-pages';
import { reportRunDeps } from './deps';

// Built at cold start: a missing variable fails here, not mid-request.
const auth = staffAuthDeps();

const deps = reportRunDeps();
const base = basePath();

export const handler = deskPage(
  'act',
  auth,
  async (event, { staff, csrf }) => {
    try {
      const { record } = await runReport(deps, { ...parseRunRequest(event.parsedBody), by: `staff:${staff.email}` });
      return seeOther(`${base}/desk/reports/${record.id}/${REPORT_FILES.html.name}`);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      const { _csrf: _ignored, ...values } = event.parsedBody;
      const page = await listReports(deps);
      return html(
        400,
        reportsPage({
          ...page,
          staff,
          csrf: csrf ?? '',
          basePath: base,
          today: londonDateOf(deps.clock.now()),
          errors: err.fields,
          values,
        }),
        deskHeaders(process.env.STAFF_ISSUER),
      );
    }
  },
  { accepts: ['form'] },
);
