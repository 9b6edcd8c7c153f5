/** The desk's retention page drawn again after a rejected form (400), shared by its POST handlers. */
import { londonDateOf } from '#domain/calendar';
import { html } from '#http/responses';
import { deskHeaders, type StaffCaller } from '#http/staff-handler';
import { retentionView } from '#shared/retention/account-review';
import { retentionReviewPage, type RetentionForm } from '#shared/templates/retention-review-page';
import type { APIGatewayProxyResult } from 'aws-lambda';
import type { AccountReviewDeps } from '#shared/retention/account-review';

export async function rejectedForm(
  deps: Pick<AccountReviewDeps, 'holds' | 'reviews' | 'clock'>,
  caller: StaffCaller,
  base: string,
  form: RetentionForm,
  errors: Record<string, string>,
  body: Record<string, unknown>,
): Promise<APIGatewayProxyResult> {
  const { _csrf: _ignored, ...values } = body;
  const view = await retentionView(deps);
  return html(
    400,
    retentionReviewPage({
      ...view,
      staff: caller.staff,
      csrf: caller.csrf ?? '',
      basePath: base,
      today: londonDateOf(deps.clock.now()),
      failed: { ...form, errors, values },
    }),
    deskHeaders(process.env.STAFF_ISSUER),
  );
}
