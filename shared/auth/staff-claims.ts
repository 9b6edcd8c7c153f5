/**
 * The staff user pool's pre-token-generation trigger (event version 2): puts the staff member's
 * verified email address and name into the ACCESS token.
 *
 * Why: the desk and the staff API name a staff member by the access token's `email` claim
 * (staffTokenVerifier, shared/auth/verify.ts), and the audit trail records them as
 * `staff:<email>` (actorOf). Cognito's access tokens carry no `email`, and with email sign-in
 * their `username` is an opaque UUID, so without this the trail would name staff by UUID.
 *
 * Only a verified address is added: an unverified one (a change not yet confirmed) must not
 * become anyone's identity, so then nothing is added and the verifier falls back to `username`.
 * Groups, scopes, the ID token and every other claim stay as Cognito made them. Pure: no I/O,
 * no logging (the event holds the user's attributes).
 */
import type { AccessTokenGeneration, PreTokenGenerationV2TriggerEvent } from 'aws-lambda';

/** The claims added to staff access tokens, by the user attribute each comes from. */
export const STAFF_ACCESS_CLAIMS = { email: 'email', name: 'name' } as const;

/** The claims `attributes` justify: email and name for a verified address, none otherwise. */
export function staffAccessClaims(attributes: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const email = attributes.email;
  if (attributes.email_verified !== 'true' || !email) return {};
  const name = attributes.name;
  return { [STAFF_ACCESS_CLAIMS.email]: email, ...(name ? { [STAFF_ACCESS_CLAIMS.name]: name } : {}) };
}

/**
 * The event with the staff claims added to the access token's `claimsToAddOrOverride`; every
 * other part of its response (ID token, group overrides, other access-token changes) kept as given.
 */
export function addStaffClaims<E extends PreTokenGenerationV2TriggerEvent>(event: E): E {
  const claims = staffAccessClaims(event.request?.userAttributes ?? {});
  if (Object.keys(claims).length === 0) return event;
  // Cognito sends `claimsAndScopeOverrideDetails: null` when nothing has been set yet.
  const details = event.response?.claimsAndScopeOverrideDetails ?? {};
  const access: AccessTokenGeneration = details.accessTokenGeneration ?? {};
  return {
    ...event,
    response: {
      ...event.response,
      claimsAndScopeOverrideDetails: {
        ...details,
        accessTokenGeneration: { ...access, claimsToAddOrOverride: { ...access.claimsToAddOrOverride, ...claims } },
      },
    },
  };
}
