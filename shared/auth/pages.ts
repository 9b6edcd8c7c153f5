/** The few pages of the sign-in itself (the desk's own pages are in shared/templates/). No scripts, no external assets. */
import { h, type RawHtml } from '#http/html';

function shell(title: string, body: RawHtml, head: RawHtml | string = ''): string {
  return h`<!doctype html>
<html lang="en-GB">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">${head}
<title>${title} - Rightsdesk</title>
<style>body{font-family:Arial,Helvetica,sans-serif;font-size:19px;line-height:1.4;max-width:40em;margin:2em auto;padding:0 16px;color:#0b0c0c}a{color:#1d70b8}a:focus{outline:3px solid #fd0}</style>
</head>
<body><main id="main">
${body}
</main></body></html>`.value;
}

/** A sign-in that cannot be finished (expired, used, or not started in this browser). */
export function startAgainPage(basePath: string): string {
  return shell(
    'Sign-in expired',
    h`<h1>Your sign-in has expired</h1>
<p>It took too long, was already used, or was started in another browser or tab.</p>
<p><a href="${basePath}/desk/sign-in">Start again</a></p>`,
  );
}

/**
 * After the callback: the session cookie is SameSite=Strict, and a browser does not send it on
 * the redirect that follows the issuer's cross-site one (Cognito's domain), so the desk is
 * reached from this same-site page instead.
 */
export function signedInPage(location: string): string {
  return shell(
    'Signed in',
    h`<h1>You are signed in</h1>
<p><a href="${location}">Continue to the desk</a></p>`,
    h`<meta http-equiv="refresh" content="0;url=${location}">`,
  );
}

export function signedOutPage(basePath: string): string {
  return shell(
    'Signed out',
    h`<h1>You have signed out</h1>
<p>Close the browser if you are on a shared computer.</p>
<p><a href="${basePath}/desk/sign-in">Sign in again</a></p>`,
  );
}

/**
 * After POST /desk/sign-out, on the way to the issuer's own sign-out. A page, not a 303: the
 * desk's pages allow `form-action 'self'` only, and browsers apply that to a form's redirects,
 * so a redirect to the issuer's origin would be blocked.
 */
export function signingOutPage(location: string): string {
  return shell(
    'Signing out',
    h`<h1>You have signed out of the desk</h1>
<p><a href="${location}">Continue to sign out of the staff sign-in too</a></p>`,
    h`<meta http-equiv="refresh" content="0;url=${location}">`,
  );
}
