/** GET /desk/retention[?month=YYYY-MM] — the retention review of Icetrak's accounts and the account holds. Staff: read. */
import { londonDateOf } from '#domain/calendar';
import { html } from '#http/responses';
import { deskPage } from '#http/staff-handler';
import { basePath, staffAuthDeps } from '#lambdas/cases/deps';
import { retentionView } from '#shared/retention/account-review';
import { retentionReviewPage } from '#shared/templates/retention-review-page';
import { retentionDeps } from './review-deps';

// Built at cold start: a missing variable fails here, not mid-request.
const auth = staffAuthDeps();

const deps = retentionDeps();
const base = basePath();

const FLASHES: Record<string, string> = { reviewed: 'Month reviewed.', placed: 'Hold placed.', released: 'Hold released.' };

export const handler = deskPage('read', auth, async (event, { staff, csrf }) => {
  const query = event.queryStringParameters ?? {};
  const view = await retentionView(deps, query.month);
  const flash = query.done ? FLASHES[query.done] : undefined;
  return html(
    200,
    retentionReviewPage({ ...view, staff, csrf: csrf ?? '', basePath: base, today: londonDateOf(deps.clock.now()), ...(flash ? { flash } : {}) }),
  );
});
