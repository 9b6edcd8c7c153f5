/** GET /desk/signed-out — where sign-out ends (also the issuer's post-logout redirect). */
import { httpHandler } from '#http/middleware';
import { html } from '#http/responses';
import { signedOutPage } from '#shared/auth/pages';
import { basePath } from './deps';

const base = basePath();

export const handler = httpHandler(async () => html(200, signedOutPage(base)));
