/** GET /api/retention-reviews/{month} — a month's retention review of Icetrak's accounts; 404 if not reviewed (staff: read). */
import { json } from '#http/responses';
import { staffApi } from '#http/staff-handler';
import { staffAuthDeps } from '#lambdas/cases/deps';
import { monthPeriod } from '#domain/report-period';
import { reviewJson } from '#shared/retention/account-review';
import { retentionDeps } from './review-deps';

// Built at cold start: a missing variable fails here, not mid-request.
const auth = staffAuthDeps();

const deps = retentionDeps();

export const handler = staffApi('read', auth, async (event) => {
  const { period } = monthPeriod(event.pathParameters?.month ?? '');
  const review = await deps.reviews.find(period);
  if (!review) return json(404, { error: 'NotFound', message: `${period} has not been reviewed.` });
  return json(200, reviewJson(review));
});
