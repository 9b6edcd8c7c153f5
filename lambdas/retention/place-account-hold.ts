/** POST /api/account-holds {"accountId", "reason", "reviewOn"?} — places a legal hold on a customer account; 201, or 409 if held (staff: act). */
import { json } from '#http/responses';
import { staffApi } from '#http/staff-handler';
import { staffAuthDeps } from '#lambdas/cases/deps';
import { holdJson, placeAccountHold } from '#shared/retention/account-holds';
import { retentionDeps } from './review-deps';

// Built at cold start: a missing variable fails here, not mid-request.
const auth = staffAuthDeps();

const deps = retentionDeps();

export const handler = staffApi(
  'act',
  auth,
  async (event, { staff }) =>
    json(201, holdJson(await placeAccountHold({ holds: deps.holds, clock: deps.clock }, event.parsedBody, `staff:${staff.email}`))),
  { accepts: ['json'] },
);
