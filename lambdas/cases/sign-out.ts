/**
 * POST /desk/sign-out — the desk's sign-out button (a form with the session's `_csrf`): ends the
 * session, clears the cookie, and sends the browser on to sign out at the issuer where it can
 * (the local provider), else to /desk/signed-out.
 */
import { httpHandler } from '#http/middleware';
import { html, seeOther } from '#http/responses';
import { assertSameSiteForm, sessionOf } from '#shared/auth/authenticate';
import { signingOutPage } from '#shared/auth/pages';
import { signOut } from '#shared/auth/sign-in';
import { staffAuthDeps } from './deps';

// Built at cold start: a missing variable fails here, not mid-request.
const deps = staffAuthDeps();

export const handler = httpHandler(
  async (event) => {
    const found = await sessionOf(event, deps);
    if (found) assertSameSiteForm(event, found.session.csrf, deps.publicBaseUrl);
    const { location, cookie, atIssuer } = await signOut(found?.id, deps);
    // To the issuer through a page: a 303 to another origin would break the form's `form-action 'self'`.
    const response = atIssuer ? html(200, signingOutPage(location)) : seeOther(location);
    return { ...response, multiValueHeaders: { 'set-cookie': [cookie] } };
  },
  { accepts: ['form'] },
);
