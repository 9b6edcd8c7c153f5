/**
 * The staff user pool's pre-token-generation trigger (V2_0): the verified email address and the
 * name go into the access token, and nothing else of the event changes.
 */
import type { Context, PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { handler } from '#lambdas/cases/add-staff-claims';
import { addStaffClaims, staffAccessClaims } from '#shared/auth/staff-claims';
import { cognitoTriggerHandler } from '#shared/events/middleware';

const USER_UUID = '8f2b6c1e-4d3a-4b5e-9f60-2a7d1c3e5b94';

/** An event as Cognito sends it for a managed-login sign-in: the response's details still null. */
function event(attributes: Record<string, string>, response?: PreTokenGenerationV2TriggerEvent['response']): PreTokenGenerationV2TriggerEvent {
  return {
    version: '2',
    region: 'eu-west-2',
    userPoolId: 'eu-west-2_AbCdEf123',
    triggerSource: 'TokenGeneration_HostedAuth',
    userName: USER_UUID,
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: 'desk-client-id' },
    request: {
      userAttributes: { sub: USER_UUID, 'cognito:user_status': 'CONFIRMED', ...attributes },
      groupConfiguration: { groupsToOverride: ['dpo'], iamRolesToOverride: [], preferredRole: undefined },
      scopes: ['openid', 'email', 'profile'],
    },
    response: response ?? ({ claimsAndScopeOverrideDetails: null } as unknown as PreTokenGenerationV2TriggerEvent['response']),
  };
}

const VERIFIED = { email: 'dpo.lead@icetrak.net', email_verified: 'true', name: 'Dana Lead' };

describe('addStaffClaims', () => {
  it('adds the verified email and the name to the access token, and nothing to the ID token', () => {
    const out = addStaffClaims(event(VERIFIED));
    expect(out.response.claimsAndScopeOverrideDetails).toEqual({
      accessTokenGeneration: { claimsToAddOrOverride: { email: 'dpo.lead@icetrak.net', name: 'Dana Lead' } },
    });
    expect(out.response.claimsAndScopeOverrideDetails.idTokenGeneration).toBeUndefined();
  });

  it('adds the email alone when no name is set', () => {
    const { name: _unused, ...attributes } = VERIFIED;
    expect(addStaffClaims(event(attributes)).response.claimsAndScopeOverrideDetails.accessTokenGeneration).toEqual({
      claimsToAddOrOverride: { email: 'dpo.lead@icetrak.net' },
    });
  });

  it.each([['false'], [''], ['TRUE']])('adds nothing for an address whose email_verified is %j (not yet verified)', (verified) => {
    const given = event({ ...VERIFIED, email_verified: verified });
    const out = addStaffClaims(given);
    expect(out).toEqual(given);
    expect(out.response.claimsAndScopeOverrideDetails).toBeNull();
  });

  it('adds nothing without email_verified or without an address', () => {
    const { email_verified: _v, ...unverified } = VERIFIED;
    expect(addStaffClaims(event(unverified)).response.claimsAndScopeOverrideDetails).toBeNull();
    const { email: _e, ...noAddress } = VERIFIED;
    expect(addStaffClaims(event(noAddress)).response.claimsAndScopeOverrideDetails).toBeNull();
  });

  it('leaves the groups as Cognito made them: no group override, the request untouched', () => {
    const given = event(VERIFIED);
    const before = structuredClone(given);
    const out = addStaffClaims(given);
    expect(out.response.claimsAndScopeOverrideDetails.groupOverrideDetails).toBeUndefined();
    expect(out.request).toEqual(before.request);
    // The input is not changed in place.
    expect(given).toEqual(before);
  });

  it('keeps what the response already holds, overriding only the email and name claims', () => {
    const response: PreTokenGenerationV2TriggerEvent['response'] = {
      claimsAndScopeOverrideDetails: {
        idTokenGeneration: { claimsToAddOrOverride: { department: 'privacy' }, claimsToSuppress: ['phone_number'] },
        accessTokenGeneration: {
          claimsToAddOrOverride: { tenant: 'icetrak', email: 'stale@icetrak.net' },
          claimsToSuppress: ['origin_jti'],
          scopesToAdd: ['desk/read'],
          scopesToSuppress: ['aws.cognito.signin.user.admin'],
        },
        groupOverrideDetails: { groupsToOverride: ['viewer'] },
      },
    };
    const out = addStaffClaims(event(VERIFIED, structuredClone(response)));
    expect(out.response.claimsAndScopeOverrideDetails).toEqual({
      idTokenGeneration: response.claimsAndScopeOverrideDetails.idTokenGeneration,
      accessTokenGeneration: {
        claimsToAddOrOverride: { tenant: 'icetrak', email: 'dpo.lead@icetrak.net', name: 'Dana Lead' },
        claimsToSuppress: ['origin_jti'],
        scopesToAdd: ['desk/read'],
        scopesToSuppress: ['aws.cognito.signin.user.admin'],
      },
      groupOverrideDetails: { groupsToOverride: ['viewer'] },
    });
  });

  it('keeps every other field of the event', () => {
    const given = event(VERIFIED);
    const { response: _r, ...rest } = addStaffClaims(given);
    const { response: _g, ...before } = given;
    expect(rest).toEqual(before);
  });
});

describe('staffAccessClaims', () => {
  it('takes only email and name, whatever else the attributes hold', () => {
    expect(staffAccessClaims({ ...VERIFIED, phone_number: '+447700900123', 'custom:team': 'dpo', sub: USER_UUID })).toEqual({
      email: 'dpo.lead@icetrak.net',
      name: 'Dana Lead',
    });
  });
});

describe('the handler (lambdas/cases/add-staff-claims.ts)', () => {
  const context = { awsRequestId: 'req-1', functionName: 'add-staff-claims', getRemainingTimeInMillis: () => 5_000 } as unknown as Context;
  /** What the function writes to its log while `run` runs. */
  async function logged(run: () => Promise<unknown>): Promise<string> {
    const lines: string[] = [];
    const capture = (chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    };
    // Powertools writes errors to stderr, everything else to stdout.
    const writes = [vi.spyOn(process.stdout, 'write').mockImplementation(capture), vi.spyOn(process.stderr, 'write').mockImplementation(capture)];
    try {
      await run();
    } finally {
      for (const w of writes) w.mockRestore();
    }
    return lines.join('');
  }
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('answers Cognito with the event, the claims added, and logs nothing', async () => {
    let out: PreTokenGenerationV2TriggerEvent | undefined;
    const log = await logged(async () => (out = await handler(event(VERIFIED), context)));
    expect(out?.response.claimsAndScopeOverrideDetails.accessTokenGeneration?.claimsToAddOrOverride).toEqual({
      email: 'dpo.lead@icetrak.net',
      name: 'Dana Lead',
    });
    expect(log).toBe('');
  });

  it('logs a failure by its class alone (never the message, which may quote an attribute) and fails the sign-in', async () => {
    const failing = cognitoTriggerHandler<PreTokenGenerationV2TriggerEvent>(() => {
      throw new TypeError('bad attribute dpo.lead@icetrak.net');
    });
    let thrown: unknown;
    const log = await logged(() => failing(event(VERIFIED), context).catch((err: unknown) => (thrown = err)));
    expect(thrown).toBeInstanceOf(TypeError);
    expect(log).toContain('"errorName":"TypeError"');
    expect(log).toContain('"correlationId":"req-1"');
    expect(log).not.toMatch(/icetrak|Dana|bad attribute|staff-claims\.test/);
  });
});
