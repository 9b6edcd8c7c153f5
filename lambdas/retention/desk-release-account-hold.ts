/** POST /desk/retention/holds/{accountId}/release — releases an account's legal hold from the desk's form, then 303 back (staff: act). */
import { ValidationError } from '#domain/errors';
import { seeOther } from '#http/responses';
import { deskPage } from '#http/staff-handler';
import { basePath, staffAuthDeps } from '#lambdas/cases/deps';
import { releaseAccountHold } from '#shared/retention/account-holds';
import { rejectedForm } from './desk-render';
import { retentionDeps } from './review-deps';

// Built at cold start: a missing variable fails here, not mid-request.
const auth = staffAuthDeps();

const deps = retentionDeps();
const base = basePath();

export const handler = deskPage(
  'act',
  auth,
  async (event, caller) => {
    const accountId = event.pathParameters?.accountId ?? '';
    try {
      await releaseAccountHold({ holds: deps.holds, clock: deps.clock }, accountId, event.parsedBody, `staff:${caller.staff.email}`);
      return seeOther(`${base}/desk/retention?done=released#holds`);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return rejectedForm(deps, caller, base, { form: 'release', accountId }, err.fields, event.parsedBody);
    }
  },
  { accepts: ['form'] },
);
