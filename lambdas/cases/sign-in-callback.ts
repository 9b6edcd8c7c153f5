/**
 * GET /desk/callback — where the issuer sends the browser back with a code: the code is
 * exchanged, both tokens checked, and the session starts. A forged, replayed or expired state
 * gets a page saying to start again.
 */
import { httpHandler } from '#http/middleware';
import { html } from '#http/responses';
import { cookiesOf } from '#shared/auth/authenticate';
import { signedInPage, startAgainPage } from '#shared/auth/pages';
import { completeSignIn, SIGN_IN_COOKIE } from '#shared/auth/sign-in';
import { basePath, staffAuthDeps } from './deps';

// Built at cold start: a missing variable fails here, not mid-request.
const deps = staffAuthDeps();
const base = basePath();

export const handler = httpHandler(async (event) => {
  const query = event.queryStringParameters ?? {};
  const result = await completeSignIn(
    { code: query.code, state: query.state, error: query.error, boundState: cookiesOf(event).get(SIGN_IN_COOKIE) },
    deps,
  );
  const page = result.outcome === 'signed-in' ? html(200, signedInPage(result.location)) : html(400, startAgainPage(base));
  return { ...page, multiValueHeaders: { 'set-cookie': [...result.cookies] } };
});
