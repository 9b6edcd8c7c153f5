/** POST /desk/cases — logs a request from the desk's form, then 303 to the new case (staff: act, CSRF-checked). */
import { ValidationError } from '#domain/errors';
import { html, seeOther } from '#http/responses';
import { deskHeaders, deskPage } from '#http/staff-handler';
import { enterRequest, parseStaffEntry } from '#shared/cases/enter';
import { newCaseId } from '#shared/core/ids';
import { newCasePage } from '#shared/templates/desk-pages';
import { deskEntryDeps, deskSite } from './desk-deps';
import { staffAuthDeps } from './deps';

// Built at cold start: a missing variable fails here, not mid-request.
const auth = staffAuthDeps();

const deps = deskEntryDeps();
const { basePath } = deskSite();

export const handler = deskPage(
  'act',
  auth,
  async (event, { staff, csrf }) => {
    try {
      const c = await enterRequest(parseStaffEntry(event.parsedBody), staff, deps);
      return seeOther(`${basePath}/desk/cases/${encodeURIComponent(c.reference)}?flash=done`);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      const { _csrf: _ignored, ...values } = event.parsedBody;
      const entryId = typeof values.entryId === 'string' && values.entryId ? values.entryId : newCaseId();
      return html(400, newCasePage({ staff, csrf: csrf ?? '', basePath, entryId, errors: err.fields, values }), deskHeaders(process.env.STAFF_ISSUER));
    }
  },
  { accepts: ['form'] },
);
