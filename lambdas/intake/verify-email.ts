/**
 * GET /verify/{token} — the confirmation link from the acknowledgement email. Shows a button
 * that confirms (POST, lambdas/intake/confirm-email.ts); opening the link changes nothing.
 */
import { httpHandler } from '#http/middleware';
import { html } from '#http/responses';
import { checkLink } from '#shared/intake/verify-email';
import { confirmLinkPage, linkProblemPage, verifiedPage } from '#shared/templates/pages';
import { linkDeps, site } from './deps';

// Built at cold start: a missing variable fails here, not mid-request.
const deps = linkDeps();
const pages = site();

const STATUS = { ready: 200, 'already-confirmed': 200, invalid: 400, expired: 410, closed: 409 } as const;

export const handler = httpHandler(async (event) => {
  const token = event.pathParameters?.token ?? '';
  const result = await checkLink(token, deps);
  const page =
    result.outcome === 'ready'
      ? confirmLinkPage(pages, { reference: result.reference, token })
      : result.outcome === 'already-confirmed'
        ? verifiedPage(pages, { reference: result.reference, dueOn: result.dueOn, alreadyConfirmed: true })
        : linkProblemPage(pages, result.outcome);
  return html(STATUS[result.outcome], page);
});
