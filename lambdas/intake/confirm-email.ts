/**
 * POST /verify/{token} — the button on the confirmation page. The token in the path is the
 * credential (a forged cross-site form would need it); a browser's cross-site POST is refused
 * all the same (Sec-Fetch-Site, or an Origin other than the site's).
 */
import { ForbiddenError } from '#http/errors';
import { httpHandler } from '#http/middleware';
import { html } from '#http/responses';
import { confirmEmail } from '#shared/intake/verify-email';
import { linkProblemPage, verifiedPage } from '#shared/templates/pages';
import { publicOrigin, site, verifyDeps } from './deps';

// Built at cold start: a missing variable fails here, not mid-request.
const deps = verifyDeps();
const pages = site();
const origin = publicOrigin();

const STATUS = { confirmed: 200, 'already-confirmed': 200, invalid: 400, expired: 410, closed: 409 } as const;

export const handler = httpHandler(
  async (event) => {
    const fetchSite = event.headers['sec-fetch-site'];
    const requestOrigin = event.headers['origin'];
    if (fetchSite === 'cross-site' || (requestOrigin && requestOrigin !== 'null' && requestOrigin !== origin)) {
      throw new ForbiddenError('Confirm your address from the page the link in our email opens.');
    }
    const result = await confirmEmail(event.pathParameters?.token ?? '', deps);
    const page =
      result.outcome === 'confirmed' || result.outcome === 'already-confirmed'
        ? verifiedPage(pages, { reference: result.reference, dueOn: result.dueOn, alreadyConfirmed: result.outcome === 'already-confirmed' })
        : linkProblemPage(pages, result.outcome);
    return html(STATUS[result.outcome], page);
  },
  { accepts: ['form'] },
);
