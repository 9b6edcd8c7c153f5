/** GET /api/register — Icetrak's processing register as JSON (staff: read). */
import { json } from '#http/responses';
import { staffApi } from '#http/staff-handler';
import { staffAuthDeps } from '#lambdas/cases/deps';
import { ICETRAK_REGISTER } from '#shared/fulfilment/icetrak-register';
import { registerJson } from '#shared/fulfilment/register-json';

// Built at cold start: a missing variable fails here, not mid-request.
const auth = staffAuthDeps();

export const handler = staffApi('read', auth, async () => json(200, registerJson(ICETRAK_REGISTER)));
