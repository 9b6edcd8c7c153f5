/** GET /verify/{token} — the confirmation link from the acknowledgement email. */
import { httpHandler } from '#http/middleware';
import { html } from '#http/responses';
import { verifyEmail } from '#shared/intake/verify-email';
import { linkProblemPage, verifiedPage } from '#shared/templates/pages';
import { site, verifyDeps } from './deps';

// Built at cold start: a missing variable fails here, not mid-request.
const deps = verifyDeps();
const pages = site();

const STATUS = { confirmed: 200, 'already-confirmed': 200, invalid: 400, expired: 410, closed: 409 } as const;

export const handler = httpHandler(async (event) => {
  const result = await verifyEmail(event.pathParameters?.token ?? '', deps);
  const page =
    result.outcome === 'confirmed' || result.outcome === 'already-confirmed'
      ? verifiedPage(pages, { reference: result.reference, dueOn: result.dueOn, alreadyConfirmed: result.outcome === 'already-confirmed' })
      : linkProblemPage(pages, result.outcome);
  return html(STATUS[result.outcome], page);
});
