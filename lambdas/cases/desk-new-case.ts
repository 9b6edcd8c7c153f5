/** GET /desk/new — the form to log a request made by phone, post, in person or email. Staff: act. */
import { html } from '#http/responses';
import { deskPage } from '#http/staff-handler';
import { newCaseId } from '#shared/core/ids';
import { newCasePage } from '#shared/templates/desk-pages';
import { deskSite } from './desk-deps';
import { staffAuthDeps } from './deps';

// Built at cold start: a missing variable fails here, not mid-request.
const auth = staffAuthDeps();

const { basePath } = deskSite();

// The form carries the new case's id, so a double submit (or a refresh of the POST) makes one case.
export const handler = deskPage('act', auth, async (_event, { staff, csrf }) =>
  html(200, newCasePage({ staff, csrf: csrf ?? '', basePath, entryId: newCaseId() })),
);
