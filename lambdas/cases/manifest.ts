/**
 * The cases context: the DPO case desk (/desk): its sign-in, its pages and the staff API (./desk-routes.ts),
 * and the staff user pool's token trigger (AWS only).
 */
import type { ContextManifest, Uses } from '#lambdas/manifest';
import { DESK_HANDLERS } from './desk-routes';

/** What every staff route uses: sessions in the cases table, the staff issuer, and the desk's address. */
export const STAFF_USES = { cases: 'readWrite', staffAuth: true, settings: ['PUBLIC_BASE_URL'] } as const satisfies Uses;

export const CASES: ContextManifest = {
  context: 'cases',
  handlers: [
    {
      id: 'SignIn',
      entry: 'lambdas/cases/sign-in.ts',
      description: 'Rightsdesk GET /desk/sign-in',
      trigger: { kind: 'http', method: 'GET', path: '/desk/sign-in', access: 'staff' },
      // Writes the pending sign-in (state, PKCE verifier, nonce) and sends the browser to the issuer.
      uses: STAFF_USES,
    },
    {
      id: 'SignInCallback',
      entry: 'lambdas/cases/sign-in-callback.ts',
      description: 'Rightsdesk GET /desk/callback',
      trigger: { kind: 'http', method: 'GET', path: '/desk/callback', access: 'staff' },
      // Takes the pending sign-in, exchanges the code at the issuer, verifies both tokens, writes the session.
      uses: STAFF_USES,
    },
    {
      id: 'SignOut',
      entry: 'lambdas/cases/sign-out.ts',
      description: 'Rightsdesk POST /desk/sign-out',
      trigger: { kind: 'http', method: 'POST', path: '/desk/sign-out', access: 'staff' },
      // Deletes the session (form token checked) and names the issuer's end-session endpoint.
      uses: STAFF_USES,
    },
    {
      id: 'SignedOut',
      entry: 'lambdas/cases/signed-out.ts',
      description: 'Rightsdesk GET /desk/signed-out',
      trigger: { kind: 'http', method: 'GET', path: '/desk/signed-out', access: 'staff' },
      // A plain page linking to the sign-in; reads nothing.
      uses: { settings: ['PUBLIC_BASE_URL'] },
    },
    ...DESK_HANDLERS,
    {
      id: 'AddStaffClaims',
      entry: 'lambdas/cases/add-staff-claims.ts',
      description: 'Rightsdesk: staff email and name into Cognito access tokens (pre token generation)',
      trigger: { kind: 'cognito', trigger: 'preTokenGeneration' },
      // Works on the event alone: Cognito hands it the user's attributes.
      uses: {},
      // Cognito waits 5 seconds for a trigger, then fails the sign-in.
      timeoutSeconds: 5,
    },
  ],
};
