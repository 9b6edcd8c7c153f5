/** POST /api/account-holds/{accountId}/release {"reason"} — releases an account's legal hold; 200, or 409 if not held (staff: act). */
import { json } from '#http/responses';
import { staffApi } from '#http/staff-handler';
import { staffAuthDeps } from '#lambdas/cases/deps';
import { releaseAccountHold } from '#shared/retention/account-holds';
import { retentionDeps } from './review-deps';

// Built at cold start: a missing variable fails here, not mid-request.
const auth = staffAuthDeps();

const deps = retentionDeps();

export const handler = staffApi(
  'act',
  auth,
  async (event, { staff }) => {
    const { accountId } = await releaseAccountHold(
      { holds: deps.holds, clock: deps.clock },
      event.pathParameters?.accountId ?? '',
      event.parsedBody,
      `staff:${staff.email}`,
    );
    return json(200, { accountId, released: true });
  },
  { accepts: ['json'] },
);
