import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { PublicApi, STAFF_API_SCOPE } from '#infra/api';
import { ConfigError, parseConfig } from '#infra/config';
import { foreignRegionsIn } from '#infra/residency';
import { StaffSignIn } from '#infra/staff-sign-in';
import { envNamesOf, type HandlerSpec } from '#lambdas/manifest';
import {
  acknowledgements,
  CDK_JSON_CONTEXT,
  londonStack,
  nagFindings,
  standaloneResources,
  synthesisedApp,
  TEST_CONTEXT,
  type Resources,
} from './support';

const INITIAL_DPO = 'dpo.lead@icetrak.net';
const BASE_URL = `https://${CDK_JSON_CONTEXT['rightsdesk:domain'] as string}`;

const ofType = (resources: Resources, type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

describe('StaffSignIn in the Rightsdesk stack', () => {
  let built: ReturnType<typeof synthesisedApp>;
  beforeAll(() => {
    built = synthesisedApp();
  });

  it('has one user pool: admin-created users, email sign-in, TOTP MFA required, strong passwords, email recovery, protected', () => {
    const pools = ofType(built.resources, 'AWS::Cognito::UserPool');
    expect(pools).toHaveLength(1);
    const [, pool] = pools[0]!;
    expect(pool.DeletionPolicy).toBe('Retain');
    built.template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: Match.objectLike({ AllowAdminCreateUserOnly: true }),
      UsernameAttributes: ['email'],
      UsernameConfiguration: { CaseSensitive: false },
      AutoVerifiedAttributes: ['email'],
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      Policies: {
        PasswordPolicy: {
          MinimumLength: 14,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
          TemporaryPasswordValidityDays: 3,
          PasswordHistorySize: 5,
        },
      },
      AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
      DeletionProtection: 'ACTIVE',
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
      UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: ['email'] },
    });
    const schema = pool.Properties.Schema as Array<{ Name: string; Required: boolean }>;
    expect(schema.find((a) => a.Name === 'email')?.Required).toBe(true);
    expect(schema.map((a) => a.Name).sort()).toEqual(['email', 'name']);
    expect(JSON.stringify(pool.Properties)).not.toMatch(/SMS_MFA|SmsConfiguration|phone_number/);
  });

  it('runs the pre-token-generation trigger (V2_0, which may change access tokens) of the cases manifest, and lets this pool alone invoke it', () => {
    const { stack, resources, logicalId } = built;
    const fn = stack.staffSignIn.preTokenGenerationFunction;
    expect(fn.spec?.entry).toBe('lambdas/cases/add-staff-claims.ts');
    const fnId = logicalId(fn.fn);
    const [, pool] = ofType(resources, 'AWS::Cognito::UserPool')[0]!;
    expect(pool.Properties.LambdaConfig).toEqual({
      PreTokenGenerationConfig: { LambdaArn: { 'Fn::GetAtt': [fnId, 'Arn'] }, LambdaVersion: 'V2_0' },
    });
    const permissions = ofType(resources, 'AWS::Lambda::Permission').filter(([, p]) => JSON.stringify(p.Properties.FunctionName).includes(fnId));
    expect(permissions.map(([, p]) => p.Properties)).toEqual([
      {
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': [fnId, 'Arn'] },
        Principal: 'cognito-idp.amazonaws.com',
        SourceArn: { 'Fn::GetAtt': [logicalId(stack.staffSignIn.userPool), 'Arn'] },
      },
    ]);
    // Cognito gives a trigger 5 seconds.
    expect(resources[fnId]!.Properties.Timeout).toBe(5);
  });

  it('has the groups dpo and viewer, whose names are the roles of shared/auth/staff.ts', () => {
    const groups = ofType(built.resources, 'AWS::Cognito::UserPoolGroup').map(([, g]) => g.Properties.GroupName as string);
    expect(groups.sort()).toEqual(['dpo', 'viewer']);
  });

  it('has one app client: public (no secret), authorization code only, openid email profile, the desk callback', () => {
    const clients = ofType(built.resources, 'AWS::Cognito::UserPoolClient');
    expect(clients).toHaveLength(1);
    const [, client] = clients[0]!;
    const props = client.Properties;
    expect(props.GenerateSecret).toBe(false);
    expect(props.AllowedOAuthFlows).toEqual(['code']);
    expect(props.AllowedOAuthFlowsUserPoolClient).toBe(true);
    expect([...(props.AllowedOAuthScopes as string[])].sort()).toEqual(['email', 'openid', 'profile']);
    expect(props.CallbackURLs).toEqual([`${BASE_URL}/desk/callback`]);
    expect(props.LogoutURLs).toEqual([`${BASE_URL}/desk/signed-out`]);
    expect(props.SupportedIdentityProviders).toEqual(['COGNITO']);
    // No password sent in the clear (USER_PASSWORD_AUTH), no custom or admin flow.
    expect([...(props.ExplicitAuthFlows as string[])].sort()).toEqual(['ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_SRP_AUTH']);
    expect(props).toMatchObject({
      AccessTokenValidity: 60,
      IdTokenValidity: 60,
      RefreshTokenValidity: 480,
      TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'minutes' },
      EnableTokenRevocation: true,
      PreventUserExistenceErrors: 'ENABLED',
    });
  });

  it('has a managed login (version 2) prefix domain with a style for the desk client', () => {
    const domains = ofType(built.resources, 'AWS::Cognito::UserPoolDomain');
    expect(domains).toHaveLength(1);
    const [, domain] = domains[0]!;
    expect(domain.Properties.ManagedLoginVersion).toBe(2);
    expect(domain.Properties.CustomDomainConfig).toBeUndefined();
    expect(JSON.stringify(domain.Properties.Domain)).toContain('rightsdesk-staff-');
    built.template.hasResourceProperties('AWS::Cognito::ManagedLoginBranding', {
      ClientId: { Ref: built.logicalId(built.stack.staffSignIn.client) },
      UseCognitoProvidedValues: true,
    });
  });

  it('creates no user unless rightsdesk:initialDpoEmail is set', () => {
    expect(ofType(built.resources, 'AWS::Cognito::UserPoolUser')).toEqual([]);
    expect(ofType(built.resources, 'AWS::Cognito::UserPoolUserToGroupAttachment')).toEqual([]);
  });

  it('issues tokens from the London pool and outputs the pool, the desk URL and the issuer', () => {
    const outputs = built.template.toJSON().Outputs as Record<string, { Value: unknown }>;
    const poolId = built.logicalId(built.stack.staffSignIn.userPool);
    expect(outputs.StaffUserPoolId!.Value).toEqual({ Ref: poolId });
    expect(outputs.StaffSignInUrl!.Value).toBe(`${BASE_URL}/desk`);
    expect(JSON.stringify(outputs.StaffIssuer!.Value)).toMatch(/https:\/\/cognito-idp\.eu-west-2\./);
    expect(JSON.stringify(outputs.StaffIssuer!.Value)).toContain(`"Ref":"${poolId}"`);
    const cognito = Object.values(built.resources).filter((r) => r.Type.startsWith('AWS::Cognito::'));
    expect(foreignRegionsIn(cognito)).toEqual([]);
    expect(built.stack.region).toBe('eu-west-2');
  });

  it('acknowledges COG2 on the pool with a reason (and its trigger function only the tracing every function has), and leaves no other finding', () => {
    const acks = acknowledgements(built.app).filter((a) => a.path.includes('/StaffSignIn/'));
    expect(acks.map((a) => `${a.path.replace('Rightsdesk/StaffSignIn/', '')} ${a.id}`).sort()).toEqual(['UserPool AwsSolutions-COG2']);
    expect(nagFindings(built.stack)).toEqual([]);
  });
});

describe('the initial DPO', () => {
  it('is created from rightsdesk:initialDpoEmail, emailed a temporary password, and put in the dpo group', () => {
    const { template, resources, stack, logicalId } = synthesisedApp({ ...TEST_CONTEXT, 'rightsdesk:initialDpoEmail': 'DPO.Lead@icetrak.net' });
    const pool = { Ref: logicalId(stack.staffSignIn.userPool) };
    template.hasResourceProperties('AWS::Cognito::UserPoolUser', {
      UserPoolId: pool,
      Username: INITIAL_DPO,
      DesiredDeliveryMediums: ['EMAIL'],
      UserAttributes: Match.arrayWith([{ Name: 'email', Value: INITIAL_DPO }]),
      MessageAction: Match.absent(),
    });
    const attachments = ofType(resources, 'AWS::Cognito::UserPoolUserToGroupAttachment');
    expect(attachments).toHaveLength(1);
    const [, attachment] = attachments[0]!;
    expect(attachment.Properties).toEqual({ UserPoolId: pool, GroupName: 'dpo', Username: INITIAL_DPO });
    const userId = ofType(resources, 'AWS::Cognito::UserPoolUser')[0]![0];
    const dpoGroupId = logicalId(stack.staffSignIn.groups.dpo);
    expect(attachment.DependsOn).toEqual(expect.arrayContaining([userId, dpoGroupId]));
  });

  it('is refused with a message naming the key when it is not an email address', () => {
    const raw = {
      domain: 'privacy.icetrak.net',
      dpoAddress: 'dpo@icetrak.net',
      teamAddress: 'dpo-team@icetrak.net',
      senderAddress: 'no-reply@privacy.icetrak.net',
      nation: 'england-and-wales',
    };
    expect(() => parseConfig({ ...raw, initialDpoEmail: 'not an address' })).toThrow(ConfigError);
    expect(() => parseConfig({ ...raw, initialDpoEmail: 'not an address' })).toThrow(/rightsdesk:initialDpoEmail must be an email address/);
    expect(() => parseConfig({ ...raw, staffDomainPrefix: 'my-cognito-login' })).toThrow(/rightsdesk:staffDomainPrefix must be/);
    expect(parseConfig({ ...raw, staffDomainPrefix: 'icetrak-desk' }).staffDomainPrefix).toBe('icetrak-desk');
    expect(parseConfig(raw).initialDpoEmail).toBeUndefined();
  });

  it('uses the configured domain prefix', () => {
    const { template } = synthesisedApp({ ...TEST_CONTEXT, 'rightsdesk:staffDomainPrefix': 'icetrak-desk' });
    template.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'icetrak-desk' });
  });
});

describe('staff routes on the PublicApi', () => {
  const staffRoute = (id: string, method: 'GET' | 'POST', path: string): HandlerSpec => ({
    id,
    // Any small handler: these tests are about the gateway, not the code behind it.
    entry: 'lambdas/intake/get-receipt.ts',
    description: `Rightsdesk ${method} ${path}`,
    trigger: { kind: 'http', method, path, access: 'staff' },
    uses: { staffAuth: true },
  });
  const DESK = staffRoute('Desk', 'GET', '/desk');
  const DESK_ACTION = staffRoute('DeskAction', 'POST', '/desk/cases/{caseId}/actions');
  const CASES_API = staffRoute('ListCases', 'GET', '/api/cases');

  function staffApi(handlers: readonly HandlerSpec[] = [DESK, DESK_ACTION, CASES_API]) {
    const stack = londonStack();
    const { storage, resources } = standaloneResources(stack);
    const staff = new StaffSignIn(stack, 'Staff', { publicBaseUrl: BASE_URL, domainPrefix: 'icetrak-desk-test', key: storage.key, resources });
    resources.provide({ staffAuth: staff });
    const api = new PublicApi(stack, 'Api', {
      key: storage.key,
      resources,
      dpoAddress: CDK_JSON_CONTEXT['rightsdesk:dpoAddress'] as string,
      handlers,
      staffUserPool: staff.userPool,
    });
    const template = Template.fromStack(stack);
    const resourcesOut = template.toJSON().Resources as Resources;
    const id = (c: { node: { defaultChild?: unknown } }) => stack.getLogicalId(c.node.defaultChild as never);
    const method = (path: string, verb: string) => {
      const found = ofType(resourcesOut, 'AWS::ApiGateway::Method').filter(
        ([logical, m]) => m.Properties.HttpMethod === verb && logical.startsWith(`Api${path.replace(/[^A-Za-z0-9]/g, '')}`),
      );
      expect(found, `${verb} ${path}`).toHaveLength(1);
      return found[0]![1].Properties;
    };
    return { stack, api, staff, template, resources: resourcesOut, id, method };
  }

  it('puts a staff /api route behind a Cognito authoriser of the staff pool that wants an access token', () => {
    const { method, template, id, staff, api } = staffApi();
    template.resourceCountIs('AWS::ApiGateway::Authorizer', 1);
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'COGNITO_USER_POOLS',
      ProviderARNs: [{ 'Fn::GetAtt': [id(staff.userPool), 'Arn'] }],
      IdentitySource: 'method.request.header.Authorization',
    });
    const props = method('/api/cases', 'GET');
    expect(props.AuthorizationType).toBe('COGNITO_USER_POOLS');
    expect(props.AuthorizerId).toEqual({ Ref: id(api.staffApiAuthorizer!) });
    expect(props.AuthorizationScopes).toEqual([STAFF_API_SCOPE]);
    expect(STAFF_API_SCOPE).toBe('openid');
  });

  it('publishes staff /desk routes without a gateway authoriser (the handler checks the cookie), acknowledged with the reason', () => {
    const { method, stack } = staffApi();
    for (const [path, verb] of [
      ['/desk', 'GET'],
      ['/desk/cases/{caseId}/actions', 'POST'],
    ] as const) {
      const props = method(path, verb);
      expect(props.AuthorizationType, path).toBe('NONE');
      expect(props.AuthorizerId, path).toBeUndefined();
    }
    const acks = acknowledgements(stack).filter((a) => /\/Api\/Api\/Default\/desk/.test(a.path));
    expect(acks.map((a) => `${a.path.replace('Test/Api/Api/Default', '')} ${a.id}`).sort()).toEqual([
      '/desk/GET AwsSolutions-APIG4',
      '/desk/GET AwsSolutions-COG4',
      '/desk/cases/{caseId}/actions/POST AwsSolutions-APIG4',
      '/desk/cases/{caseId}/actions/POST AwsSolutions-COG4',
    ]);
    for (const ack of acks) {
      expect(ack.reason).toMatch(/JWKS/);
      expect(ack.reason).toMatch(/cannot read a cookie/);
      expect(ack.reason).toMatch(/WAF/);
    }
    // The signing key's rotation (SMG4) is SigningKeyRotation's, which this test stack leaves out.
    expect(nagFindings(stack).filter((f) => !f.startsWith('AwsSolutions-SMG4 at Test/Api/SigningKey/'))).toEqual([]);
  });

  it('gives staff functions STAFF_ISSUER and STAFF_CLIENT_ID, no public concurrency cap and no submit throttle', () => {
    const { api, staff, stack, template, resources } = staffApi();
    const fn = api.functions.get('GET /api/cases')!;
    const [, lambda] = Object.entries(resources).find(([logical]) => logical === stack.getLogicalId(fn.fn.node.defaultChild as never))!;
    const vars = lambda.Properties.Environment.Variables as Record<string, unknown>;
    expect(Object.keys(vars)).toEqual(expect.arrayContaining(envNamesOf({ staffAuth: true })));
    expect(stack.resolve(vars.STAFF_CLIENT_ID)).toEqual(stack.resolve(staff.clientId));
    expect(stack.resolve(vars.STAFF_ISSUER)).toEqual(stack.resolve(staff.issuer));
    for (const f of api.functions.values()) {
      const props = resources[stack.getLogicalId(f.fn.node.defaultChild as never)]!.Properties;
      expect(props.ReservedConcurrentExecutions).toBeUndefined();
    }
    const stage = Object.values(template.findResources('AWS::ApiGateway::Stage'))[0] as { Properties: { MethodSettings: Array<Record<string, unknown>> } };
    expect(stage.Properties.MethodSettings.filter((m) => m.HttpMethod === 'POST')).toEqual([]);
    // WAF still covers the stage the staff routes are on.
    template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
  });

  it('refuses a staff /api route without the staff pool, and a staff route outside /desk and /api', () => {
    const build = (handlers: readonly HandlerSpec[], withPool: boolean) => () => {
      const stack = londonStack();
      const { storage, resources } = standaloneResources(stack);
      const staff = new StaffSignIn(stack, 'Staff', { publicBaseUrl: BASE_URL, key: storage.key, resources });
      resources.provide({ staffAuth: staff });
      new PublicApi(stack, 'Api', {
        key: storage.key,
        resources,
        dpoAddress: 'dpo@icetrak.net',
        handlers,
        ...(withPool && { staffUserPool: staff.userPool }),
      });
    };
    expect(build([CASES_API], false)).toThrow(/GET \/api\/cases is a staff API route, but no staffUserPool is configured/);
    expect(build([DESK], false)).not.toThrow();
    expect(build([staffRoute('Elsewhere', 'GET', '/cases')], true)).toThrow(/GET \/cases is a staff route outside \/desk and \/api/);
  });
});
