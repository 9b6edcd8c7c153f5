/**
 * POST /desk/sign-out — the desk's sign-out button (a form with the session's `_csrf`): ends the
 * session, clears the cookie, and signs out at the issuer where it can (the local provider).
 */
import { httpHandler } from '#http/middleware';
import { seeOther } from '#http/responses';
import { assertSameSiteForm, sessionOf } from '#shared/auth/authenticate';
import { signOut } from '#shared/auth/sign-in';
import { staffAuthDeps } from './deps';

// Built at cold start: a missing variable fails here, not mid-request.
const deps = staffAuthDeps();

export const handler = httpHandler(
  async (event) => {
    const found = await sessionOf(event, deps);
    if (found) assertSameSiteForm(event, found.session.csrf, deps.publicBaseUrl);
    const { location, cookie } = await signOut(found?.id, deps);
    return { ...seeOther(location), multiValueHeaders: { 'set-cookie': [cookie] } };
  },
  { accepts: ['form'] },
);
