/** GET /desk/register — Icetrak's processing register, every system and recipient, defaults marked. Staff: read. */
import { html } from '#http/responses';
import { deskPage } from '#http/staff-handler';
import { basePath, staffAuthDeps } from '#lambdas/cases/deps';
import { ICETRAK_REGISTER } from '#shared/fulfilment/icetrak-register';
import { registerPage } from '#shared/templates/register-page';

// Built at cold start: a missing variable fails here, not mid-request.
const auth = staffAuthDeps();
const base = basePath();

export const handler = deskPage('read', auth, async (_event, { staff, csrf }) =>
  html(200, registerPage({ register: ICETRAK_REGISTER, staff, csrf: csrf ?? '', basePath: base })),
);
