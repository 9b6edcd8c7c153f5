/** GET /verify/{token} — the confirmation link from the acknowledgement email. */
import { httpHandler } from '../../shared/http/middleware';
import { html } from '../../shared/http/responses';
import { verifyEmail } from '../../shared/intake/verify-email';
import { linkProblemPage, verifiedPage } from '../../shared/templates/pages';
import { site } from './root';
import { verifyDeps } from './verify-root';

const STATUS = { confirmed: 200, 'already-confirmed': 200, invalid: 400, expired: 410, closed: 409 } as const;

export const handler = httpHandler(async (event) => {
  const result = await verifyEmail(event.pathParameters?.token ?? '', verifyDeps);
  const page =
    result.outcome === 'confirmed' || result.outcome === 'already-confirmed'
      ? verifiedPage(site, { reference: result.reference, dueOn: result.dueOn, alreadyConfirmed: result.outcome === 'already-confirmed' })
      : linkProblemPage(site, result.outcome);
  return html(STATUS[result.outcome], page);
});
