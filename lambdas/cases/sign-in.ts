/** GET /desk/sign-in — starts the staff sign-in: 303 to the issuer's sign-in page (Cognito's hosted UI in AWS). */
import { httpHandler } from '#http/middleware';
import { seeOther } from '#http/responses';
import { beginSignIn } from '#shared/auth/sign-in';
import { staffAuthDeps } from './deps';

// Built at cold start: a missing variable fails here, not mid-request.
const deps = staffAuthDeps();

export const handler = httpHandler(async (event) => {
  const { location, cookie } = await beginSignIn(event.queryStringParameters?.returnTo, deps);
  return { ...seeOther(location), multiValueHeaders: { 'set-cookie': [cookie] } };
});
