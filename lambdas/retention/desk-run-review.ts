/** POST /desk/retention — reviews a month now from the desk's form, then 303 to it (staff: act, CSRF-checked). */
import { ValidationError } from '#domain/errors';
import { seeOther } from '#http/responses';
import { deskPage } from '#http/staff-handler';
import { basePath, staffAuthDeps } from '#lambdas/cases/deps';
import { runAccountReview } from '#shared/retention/account-review';
import { rejectedForm } from './desk-render';
import { accountReviewDeps } from './review-deps';

// Built at cold start: a missing variable fails here, not mid-request.
const auth = staffAuthDeps();

const deps = accountReviewDeps();
const base = basePath();

export const handler = deskPage(
  'act',
  auth,
  async (event, caller) => {
    const body = event.parsedBody;
    try {
      const month = typeof body.month === 'string' ? body.month : '';
      const review = await runAccountReview(deps, month, `staff:${caller.staff.email}`);
      return seeOther(`${base}/desk/retention?month=${review.month}&done=reviewed`);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return rejectedForm(deps, caller, base, { form: 'run' }, err.fields, body);
    }
  },
  { accepts: ['form'] },
);
