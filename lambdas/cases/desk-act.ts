/**
 * POST /desk/cases/{reference}/actions — a desk form's action (staff: act, CSRF-checked), then
 * 303 back to the case (post/redirect/get). A bad field or a move the rules refuse redraws the
 * case page with the message and the form as it was sent.
 */
import { DomainError, ValidationError } from '#domain/errors';
import { statusOf } from '#http/errors';
import { html, seeOther } from '#http/responses';
import { deskHeaders, deskPage } from '#http/staff-handler';
import { act, parseAction } from '#shared/cases/act';
import { viewCase } from '#shared/cases/case-view';
import { searchRecordsOf } from '#shared/fulfilment/search-records';
import { casePage } from '#shared/templates/desk-pages';
import { deskActWithHoldsDeps, deskSite } from './desk-deps';
import { staffAuthDeps } from './deps';

// Built at cold start: a missing variable fails here, not mid-request.
const auth = staffAuthDeps();

const deps = deskActWithHoldsDeps();
const { basePath } = deskSite();

export const handler = deskPage(
  'act',
  auth,
  async (event, { staff, csrf }) => {
    const reference = event.pathParameters?.reference ?? '';
    try {
      const c = await act(reference, parseAction(event.parsedBody), staff, deps);
      return seeOther(`${basePath}/desk/cases/${encodeURIComponent(c.reference)}?flash=done`);
    } catch (err) {
      // The rules' and the fields' refusals are answered on the case page itself; anything else goes to the error stack.
      if (!(err instanceof DomainError) || statusOf(err) >= 500 || statusOf(err) === 404 || statusOf(err) === 401 || statusOf(err) === 403) throw err;
      const view = await viewCase(reference, deps);
      const records = deps.fulfilment ? await searchRecordsOf(view.case, deps.fulfilment) : {};
      const errors = err instanceof ValidationError ? err.fields : { action: err.message };
      const { _csrf: _ignored, ...values } = event.parsedBody;
      return html(statusOf(err), casePage({ view, staff, csrf: csrf ?? '', basePath, errors, values, records }), deskHeaders(process.env.STAFF_ISSUER));
    }
  },
  // Multipart for the manual search's upload (its form has a file input); the body stays within the stack's 64 KB.
  { accepts: ['form', 'multipart'] },
);
