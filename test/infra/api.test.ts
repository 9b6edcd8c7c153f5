import type { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { MAX_BODY_BYTES, PublicApi, STAFF_API_SCOPE, STAGE_NAME, type PublicApiProps } from '#infra/api';
import { ENV_NAMES } from '#infra/env-names';
import { foreignRegionsIn, residencyViolations } from '#infra/residency';
import { CASES } from '#lambdas/cases/manifest';
import { FULFILMENT } from '#lambdas/fulfilment/manifest';
import { REPORTS } from '#lambdas/reports/manifest';
import { RETENTION } from '#lambdas/retention/manifest';
import { INTAKE } from '#lambdas/intake/manifest';
import { routesOf, triggeredBy, type HandlerSpec, type Route } from '#lambdas/manifest';
import { readConfig, type ConfigVar } from '#shared/core/config';
import { MAX_BODY_BYTES as MIDDLEWARE_MAX_BODY_BYTES } from '#http/middleware';
import { SECURITY_HEADERS } from '#http/responses';
import {
  acknowledgements,
  CDK_JSON_CONTEXT,
  coldStart,
  dependencyCycle,
  deployTimeEnv,
  londonStack,
  nagFindings,
  standaloneResources,
  TEST_CONTEXT,
  synthesisedApp,
  type Resources,
  type Statement,
} from './support';

const CONFIG = {
  domain: CDK_JSON_CONTEXT['rightsdesk:domain'] as string,
  dpoAddress: CDK_JSON_CONTEXT['rightsdesk:dpoAddress'] as string,
  teamAddress: CDK_JSON_CONTEXT['rightsdesk:teamAddress'] as string,
  senderAddress: CDK_JSON_CONTEXT['rightsdesk:senderAddress'] as string,
  nation: CDK_JSON_CONTEXT['rightsdesk:nation'] as string,
};

function build(context: Record<string, unknown> = TEST_CONTEXT) {
  const { app, stack, template, resources, logicalId: id } = synthesisedApp(context);
  const api = stack.publicApi;
  const fnIds = new Map([...api.functions].map(([key, f]) => [key, { fn: id(f.fn), role: id(f.role) }]));
  return {
    app,
    stack,
    template,
    resources,
    ids: {
      key: id(stack.storage.key),
      table: id(stack.storage.casesTable),
      api: id(api.api),
      stage: id(api.stage),
      accessLogs: id(api.accessLogs),
      executionLogs: id(api.executionLogs),
      wafLogs: id(api.wafLogs),
      webAcl: stack.getLogicalId(api.webAcl),
      secret: id(api.signingKey),
      accountsDbSecret: id(stack.accountsDbSecret),
      identity: id(stack.mail.identity),
      configurationSet: id(stack.mail.configurationSet),
      userPool: id(stack.staffSignIn.userPool),
      fns: fnIds,
    },
  };
}

/** What the stack's API serves: the public form (intake), the DPO desk with its staff API (cases, reports, the retention review) and the answer's links (fulfilment). */
const ROUTES = routesOf([...INTAKE.handlers, ...CASES.handlers, ...REPORTS.handlers, ...RETENTION.handlers, ...FULFILMENT.handlers]);
const PUBLIC_ROUTES = ROUTES.filter((r) => r.access === 'public');
const STAFF_ROUTES = ROUTES.filter((r) => r.access === 'staff');
/** Staff routes the handler alone authenticates (session cookie): open at API Gateway. */
const DESK_ROUTES = STAFF_ROUTES.filter((r) => r.path === '/desk' || r.path.startsWith('/desk/'));
/** Staff routes behind the Cognito access-token authoriser too. */
const STAFF_API_ROUTES = STAFF_ROUTES.filter((r) => r.path.startsWith('/api/'));

/** A PublicApi on its own Storage and OutboundMail in `stack`, with the configured addresses. */
function standaloneApi(stack: Stack, props: Partial<PublicApiProps> = {}, nation?: string): PublicApi {
  const { storage, resources } = standaloneResources(stack, nation ? { NATION: nation } : {});
  return new PublicApi(stack, 'Api', { key: storage.key, resources, dpoAddress: CONFIG.dpoAddress, ...props });
}

let built: ReturnType<typeof build>;
beforeAll(() => {
  built = build();
});

const routeKey = (r: Route) => `${r.method} ${r.path}`;
const ofType = (type: string) => Object.entries(built.resources).filter(([, r]) => r.Type === type);
const fnId = (key: string) => built.ids.fns.get(key)!.fn;
const roleId = (key: string) => built.ids.fns.get(key)!.role;
const keyArn = () => ({ 'Fn::GetAtt': [built.ids.key, 'Arn'] });
// Other contexts (the deadline keeper, inbound mail) add functions and grants of their own;
// these tests are about the public API's.
const apiRoles = () => new Set([...built.ids.fns.values()].map((f) => f.role));
const apiFunctions = () => new Set([...built.ids.fns.values()].map((f) => f.fn));

/** Every identity-policy statement, with the roles its policy is attached to. */
function statementsByRole(): Array<{ roles: string[]; statement: Statement }> {
  return ofType('AWS::IAM::Policy').flatMap(([, p]) =>
    (p.Properties.PolicyDocument.Statement as Statement[]).map((statement) => ({
      roles: (p.Properties.Roles as Array<{ Ref: string }>).map((r) => r.Ref),
      statement,
    })),
  );
}
const actionsOf = (s: Statement) => [s.Action].flat();

/** "METHOD /path" of every AWS::ApiGateway::Method, walking the resource tree of the template. */
function methodsInTemplate(): Map<string, Record<string, any>> {
  const pathOf = (resourceId: unknown): string => {
    const ref = (resourceId as { Ref?: string }).Ref;
    if (!ref) return ''; // Fn::GetAtt [api, RootResourceId]
    const resource = built.resources[ref]!.Properties;
    return `${pathOf(resource.ParentId)}/${resource.PathPart as string}`;
  };
  return new Map(ofType('AWS::ApiGateway::Method').map(([, m]) => [`${m.Properties.HttpMethod} ${pathOf(m.Properties.ResourceId) || '/'}`, m.Properties]));
}

describe('REST API', () => {
  it('is one REGIONAL API with one stage, binary media types */* (a browser download asks for text/html first), served only at the custom domain', () => {
    built.template.resourceCountIs('AWS::ApiGateway::RestApi', 1);
    built.template.resourceCountIs('AWS::ApiGateway::Stage', 1);
    built.template.hasResourceProperties('AWS::ApiGateway::RestApi', {
      EndpointConfiguration: { Types: ['REGIONAL'] },
      BinaryMediaTypes: ['*/*'],
      DisableExecuteApiEndpoint: true,
    });
    built.template.hasResourceProperties('AWS::ApiGateway::Stage', { StageName: STAGE_NAME, TracingEnabled: true });
    expect(JSON.stringify(built.template.toJSON())).not.toMatch(/EDGE|AWS::CloudFront::/);
  });

  it('serves the intake routes and the answer’s download link publicly and the cases, reports and retention routes to staff, the desk under /desk and the staff API under /api', () => {
    const fulfilment = routesOf(FULFILMENT.handlers);
    expect(PUBLIC_ROUTES).toEqual([...routesOf(INTAKE.handlers), ...fulfilment.filter((r) => r.access === 'public')]);
    expect(PUBLIC_ROUTES.filter((r) => r.path.startsWith('/export/')).map(routeKey)).toEqual(['GET /export/{token}', 'POST /export/{token}']);
    expect(STAFF_ROUTES).toEqual([
      ...routesOf([...CASES.handlers, ...REPORTS.handlers, ...RETENTION.handlers]),
      ...fulfilment.filter((r) => r.access === 'staff'),
    ]);
    expect([...DESK_ROUTES, ...STAFF_API_ROUTES].map(routeKey).sort()).toEqual(STAFF_ROUTES.map(routeKey).sort());
    expect(DESK_ROUTES.length).toBeGreaterThan(0);
    expect(STAFF_API_ROUTES.length).toBeGreaterThan(0);
  });

  it('has exactly one method per route, each a Lambda proxy integration of that route’s function', () => {
    const methods = methodsInTemplate();
    expect([...methods.keys()].sort()).toEqual(ROUTES.map(routeKey).sort());
    for (const route of ROUTES) {
      expect(methods.get(routeKey(route)), routeKey(route)).toMatchObject({
        Integration: {
          Type: 'AWS_PROXY',
          IntegrationHttpMethod: 'POST',
          Uri: {
            'Fn::Join': [
              '',
              ['arn:aws:apigateway:eu-west-2:lambda:path/2015-03-31/functions/', { 'Fn::GetAtt': [fnId(routeKey(route)), 'Arn'] }, '/invocations'],
            ],
          },
        },
      });
    }
    // Built from the entry in the route table, under the repository root.
    for (const route of ROUTES) {
      expect(built.stack.publicApi.functions.get(routeKey(route))!.fn.node.path).toContain('PublicApi');
    }
  });

  it('leaves the public form and the desk’s pages open at API Gateway, and puts the staff API behind the staff pool’s access-token authoriser', () => {
    const methods = methodsInTemplate();
    for (const route of [...PUBLIC_ROUTES, ...DESK_ROUTES]) {
      const method = methods.get(routeKey(route))!;
      expect(method.AuthorizationType, routeKey(route)).toBe('NONE');
      expect(method.AuthorizerId, routeKey(route)).toBeUndefined();
      expect(method.AuthorizationScopes, routeKey(route)).toBeUndefined();
    }
    const authorizer = stackIdOfType('AWS::ApiGateway::Authorizer');
    expect(built.resources[authorizer]!.Properties).toMatchObject({
      Type: 'COGNITO_USER_POOLS',
      RestApiId: { Ref: built.ids.api },
      ProviderARNs: [{ 'Fn::GetAtt': [built.ids.userPool, 'Arn'] }],
      IdentitySource: 'method.request.header.Authorization',
    });
    for (const route of STAFF_API_ROUTES) {
      expect(methods.get(routeKey(route)), routeKey(route)).toMatchObject({
        AuthorizationType: 'COGNITO_USER_POOLS',
        AuthorizerId: { Ref: authorizer },
        AuthorizationScopes: [STAFF_API_SCOPE],
      });
    }
  });

  it('lets API Gateway invoke each function from its own method only, without test-invoke', () => {
    const permissions = ofType('AWS::Lambda::Permission').filter(([, p]) =>
      apiFunctions().has((p.Properties.FunctionName as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]!),
    );
    expect(permissions).toHaveLength(ROUTES.length);
    const invoked = permissions.map(([, p]) => (p.Properties.FunctionName as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]);
    expect(invoked.sort()).toEqual(ROUTES.map((r) => fnId(routeKey(r))).sort());
    for (const [, p] of permissions) {
      expect(p.Properties.Principal).toBe('apigateway.amazonaws.com');
      expect(JSON.stringify(p.Properties.SourceArn)).not.toContain('test-invoke-stage');
      expect(JSON.stringify(p.Properties.SourceArn)).toContain(built.ids.stage);
    }
  });

  it('throttles the stage (20 rps, burst 40) and POST /requests more tightly (2 rps, burst 5)', () => {
    const settings = built.resources[built.ids.stage]!.Properties.MethodSettings as Array<Record<string, unknown>>;
    expect(settings).toContainEqual(expect.objectContaining({ HttpMethod: '*', ResourcePath: '/*', ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 }));
    expect(settings).toContainEqual(
      expect.objectContaining({ HttpMethod: 'POST', ResourcePath: '/~1requests', ThrottlingRateLimit: 2, ThrottlingBurstLimit: 5 }),
    );
  });

  it('logs execution errors only, never request or response data, on every method setting', () => {
    const settings = built.resources[built.ids.stage]!.Properties.MethodSettings as Array<Record<string, unknown>>;
    expect(settings.length).toBeGreaterThan(0);
    for (const s of settings) expect(s).toMatchObject({ LoggingLevel: 'ERROR', DataTraceEnabled: false, MetricsEnabled: true });
  });

  it('writes JSON access logs with the route template, status, request id, IP, length and latency — never the raw path', () => {
    const setting = built.resources[built.ids.stage]!.Properties.AccessLogSetting;
    expect(setting.DestinationArn).toEqual({
      'Fn::Join': ['', ['arn:aws:logs:eu-west-2:', { Ref: 'AWS::AccountId' }, ':log-group:', { Ref: built.ids.accessLogs }]],
    });
    const format = setting.Format as string;
    expect(JSON.parse(format)).toMatchObject({
      requestId: '$context.requestId',
      resourcePath: '$context.resourcePath',
      status: '$context.status',
      sourceIp: '$context.identity.sourceIp',
      responseLength: '$context.responseLength',
      integrationLatency: '$context.integrationLatency',
    });
    expect(format).not.toMatch(/\$context\.path\b/);
    expect(format).not.toMatch(/requestOverride|querystring|error\.message|validationErrorString|integrationErrorMessage/i);
  });

  it('keeps the access, execution and WAF logs encrypted with the data key for 90 days', () => {
    for (const id of [built.ids.accessLogs, built.ids.executionLogs, built.ids.wafLogs]) {
      expect(built.resources[id], id).toMatchObject({
        Properties: { KmsKeyId: keyArn(), RetentionInDays: 90 },
        DeletionPolicy: 'Retain',
      });
    }
    // Every log group in the stack is encrypted and expires.
    for (const [id, group] of ofType('AWS::Logs::LogGroup')) {
      expect(group.Properties.KmsKeyId, id).toEqual(keyArn());
      expect(group.Properties.RetentionInDays, id).toBeGreaterThan(0);
    }
  });

  it('creates API Gateway’s execution log group before the stage, so API Gateway never creates it unencrypted', () => {
    expect(built.resources[built.ids.executionLogs]!.Properties.LogGroupName).toEqual({
      'Fn::Join': ['', ['API-Gateway-Execution-Logs_', { Ref: built.ids.api }, `/${STAGE_NAME}`]],
    });
    expect(built.resources[built.ids.stage]!.DependsOn).toContain(built.ids.executionLogs);
  });

  it('has the account CloudWatch role API Gateway logs through, kept on stack deletion', () => {
    const [[, account]] = ofType('AWS::ApiGateway::Account') as [[string, Resources[string]]];
    const roleRef = account.Properties.CloudWatchRoleArn['Fn::GetAtt'][0] as string;
    expect(built.resources[roleRef]).toMatchObject({
      Properties: {
        ManagedPolicyArns: [
          { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs']] },
        ],
      },
      DeletionPolicy: 'Retain',
    });
    expect(built.resources[built.ids.stage]!.DependsOn).toContain(stackIdOfType('AWS::ApiGateway::Account'));
  });

  it('validates parameters and JSON bodies: the token on GET /verify/{token}, an object on POST /requests', () => {
    built.template.hasResourceProperties('AWS::ApiGateway::RequestValidator', {
      RestApiId: { Ref: built.ids.api },
      ValidateRequestBody: true,
      ValidateRequestParameters: true,
    });
    const methods = methodsInTemplate();
    const validator = { Ref: stackIdOfType('AWS::ApiGateway::RequestValidator') };
    for (const props of methods.values()) expect(props.RequestValidatorId).toEqual(validator);
    expect(methods.get('GET /verify/{token}')!.RequestParameters).toEqual({ 'method.request.path.token': true });
    const model = methods.get('POST /requests')!.RequestModels['application/json'] as { Ref: string };
    expect(built.resources[model.Ref]!.Properties).toMatchObject({ ContentType: 'application/json', Schema: { type: 'object' } });
    // Form-encoded bodies (the HTML form) have no model, so the gateway does not validate them.
    expect(Object.keys(methods.get('POST /requests')!.RequestModels)).toEqual(['application/json']);
  });

  it('answers its own errors as JSON without detail, with the security headers', () => {
    const responses = new Map(ofType('AWS::ApiGateway::GatewayResponse').map(([, r]) => [r.Properties.ResponseType as string, r.Properties]));
    expect([...responses.keys()]).toEqual(expect.arrayContaining(['DEFAULT_4XX', 'DEFAULT_5XX', 'WAF_FILTERED', 'THROTTLED']));
    for (const [type, r] of responses) {
      const body = r.ResponseTemplates['application/json'] as string;
      expect(() => JSON.parse(body), type).not.toThrow();
      expect(body, type).not.toMatch(/error\.message|validationErrorString|\$input/);
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
        const expected = name === 'content-security-policy' ? "'sandbox'" : `'${value}'`;
        expect(r.ResponseParameters[`gatewayresponse.header.${name}`], `${type} ${name}`).toBe(expected);
      }
    }
    expect(JSON.parse(responses.get('DEFAULT_5XX')!.ResponseTemplates['application/json'])).toMatchObject({
      error: 'InternalError',
      correlationId: '$context.requestId',
    });
    expect(responses.get('WAF_FILTERED')!.ResponseTemplates['application/json']).toContain(CONFIG.dpoAddress);
    expect(responses.get('MISSING_AUTHENTICATION_TOKEN')!.StatusCode).toBe('404');
  });
});

function stackIdOfType(type: string): string {
  const found = ofType(type);
  expect(found, type).toHaveLength(1);
  return found[0]![0];
}

describe('WAF', () => {
  const webAcl = () => built.resources[built.ids.webAcl]!.Properties;
  const rule = (name: string) => (webAcl().Rules as Array<Record<string, any>>).find((r) => r.Name === name);

  it('is a REGIONAL web ACL that allows by default', () => {
    built.template.resourceCountIs('AWS::WAFv2::WebACL', 1);
    expect(webAcl()).toMatchObject({ Scope: 'REGIONAL', DefaultAction: { Allow: {} } });
  });

  it('blocks an IP address after 100 requests in 5 minutes', () => {
    expect(rule('RateLimitPerIp')).toMatchObject({
      Action: { Block: {} },
      Statement: { RateBasedStatement: { Limit: 100, AggregateKeyType: 'IP', EvaluationWindowSec: 300 } },
    });
  });

  it('blocks bodies over 64 KB, including bodies beyond what WAF inspects', () => {
    expect(MAX_BODY_BYTES).toBe(MIDDLEWARE_MAX_BODY_BYTES);
    expect(rule('BodySizeLimit')).toMatchObject({
      Action: { Block: {} },
      Statement: {
        SizeConstraintStatement: {
          FieldToMatch: { Body: { OversizeHandling: 'MATCH' } },
          ComparisonOperator: 'GT',
          Size: 64 * 1024,
        },
      },
    });
    // WAF inspects 64 KB of an API Gateway body, so "oversize" means exactly "over 64 KB".
    expect(webAcl().AssociationConfig).toEqual({ RequestBody: { API_GATEWAY: { DefaultSizeInspectionLimit: 'KB_64' } } });
  });

  it('runs the AWS managed IP reputation, common and known-bad-inputs rule groups, counting the common set’s 8 KB body rule', () => {
    const managed = (webAcl().Rules as Array<Record<string, any>>)
      .filter((r) => r.Statement.ManagedRuleGroupStatement)
      .map((r) => r.Statement.ManagedRuleGroupStatement.Name);
    expect(managed).toEqual(['AWSManagedRulesAmazonIpReputationList', 'AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet']);
    for (const name of managed) expect(rule(name)).toMatchObject({ OverrideAction: { None: {} } });
    expect(rule('AWSManagedRulesCommonRuleSet')!.Statement.ManagedRuleGroupStatement.RuleActionOverrides).toEqual([
      { Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } },
    ]);
  });

  it('has metrics for every rule and keeps no sampled requests (they would hold tokens and IPs)', () => {
    const configs = [webAcl().VisibilityConfig, ...(webAcl().Rules as Array<Record<string, any>>).map((r) => r.VisibilityConfig)];
    for (const c of configs) expect(c).toMatchObject({ CloudWatchMetricsEnabled: true, SampledRequestsEnabled: false });
    const priorities = (webAcl().Rules as Array<{ Priority: number }>).map((r) => r.Priority);
    expect(new Set(priorities).size).toBe(priorities.length);
  });

  it('is associated with the stage', () => {
    built.template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      WebACLArn: { 'Fn::GetAtt': [built.ids.webAcl, 'Arn'] },
      ResourceArn: {
        'Fn::Join': ['', ['arn:aws:apigateway:eu-west-2::/restapis/', { Ref: built.ids.api }, '/stages/', { Ref: built.ids.stage }]],
      },
    });
  });

  it('logs blocked and counted requests to an encrypted aws-waf-logs- group, redacting the path, query and credentials', () => {
    const group = built.resources[built.ids.wafLogs]!.Properties;
    expect(group.LogGroupName).toMatch(/^aws-waf-logs-/);
    built.template.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', {
      ResourceArn: { 'Fn::GetAtt': [built.ids.webAcl, 'Arn'] },
      // The bare log-group ARN: WAF rejects LogGroup.logGroupArn's trailing ":*".
      LogDestinationConfigs: [{ 'Fn::Join': ['', ['arn:aws:logs:eu-west-2:', { Ref: 'AWS::AccountId' }, ':log-group:', { Ref: built.ids.wafLogs }]] }],
      RedactedFields: Match.arrayWith([{ UriPath: {} }, { QueryString: {} }, { SingleHeader: { Name: 'authorization' } }]),
      LoggingFilter: {
        DefaultBehavior: 'DROP',
        Filters: [Match.objectLike({ Behavior: 'KEEP', Conditions: Match.arrayWith([{ ActionCondition: { Action: 'BLOCK' } }]) })],
      },
    });
  });

  it('applies its props', () => {
    const stack = londonStack();
    standaloneApi(
      stack,
      {
        rateLimitPerIp: 500,
        ipReputationList: false,
        sampledRequests: true,
        reservedConcurrency: 3,
        stageThrottle: { rateLimit: 7, burstLimit: 8 },
      },
      'scotland',
    );
    const t = Template.fromStack(stack);
    const acl = Object.values(t.findResources('AWS::WAFv2::WebACL'))[0]!.Properties;
    expect(acl.Rules[0].Statement.RateBasedStatement.Limit).toBe(500);
    expect(JSON.stringify(acl)).not.toContain('IpReputation');
    expect(acl.VisibilityConfig.SampledRequestsEnabled).toBe(true);
    t.allResourcesProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 3 });
    t.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: Match.arrayWith([Match.objectLike({ ResourcePath: '/*', ThrottlingRateLimit: 7, ThrottlingBurstLimit: 8 })]),
    });
  });
});

describe('link-signing key', () => {
  it('is a generated 48-character alphanumeric secret encrypted with the data key', () => {
    // The other secret is Icetrak's account-database credentials (issue 14), which the search functions read.
    built.template.resourceCountIs('AWS::SecretsManager::Secret', 2);
    expect(built.resources[built.ids.secret]!.Properties['GenerateSecretString']).toBeDefined();
    built.template.hasResourceProperties('AWS::SecretsManager::Secret', {
      KmsKeyId: keyArn(),
      GenerateSecretString: { PasswordLength: 48, ExcludePunctuation: true, IncludeSpace: false },
    });
  });

  it('is readable by the submit, link-check and confirm functions and the staff functions that act on or log cases only', () => {
    const readers = statementsByRole()
      .filter(({ statement }) => actionsOf(statement).includes('secretsmanager:GetSecretValue'))
      // The account database's secret has readers of its own (the search functions; test/infra/fulfilment.test.ts).
      .filter(({ statement }) => JSON.stringify(statement.Resource) !== JSON.stringify({ Ref: built.ids.accountsDbSecret }))
      // So have recipients' API tokens (issue 15): the outbox sweep alone reads them (test/infra/mail-outbox.test.ts).
      .filter(({ statement }) => !JSON.stringify(statement.Resource).includes(':secret:rightsdesk/recipients/*'))
      .flatMap(({ roles, statement }) => {
        expect(statement.Resource).toEqual({ Ref: built.ids.secret });
        return roles;
      });
    // The staff functions that act or log a case run the outbox, which signs the links in what it sends.
    const signers = [
      'POST /requests',
      'GET /verify/{token}',
      'POST /verify/{token}',
      'POST /desk/cases',
      'POST /desk/cases/{reference}/actions',
      'POST /api/cases',
      'POST /api/cases/{reference}/actions',
      // The answer's download link (issue 14): its page and its button check the link's signature.
      'GET /export/{token}',
      'POST /export/{token}',
    ].map(roleId);
    expect(readers.filter((r) => apiRoles().has(r)).sort()).toEqual([...signers].sort());
    // Decrypting it is allowed to those roles only, and only through Secrets Manager.
    const keyStatements = built.resources[built.ids.key]!.Properties.KeyPolicy.Statement as Statement[];
    const roleGrants = keyStatements.filter((s) => JSON.stringify(s.Principal).includes('Role'));
    expect(roleGrants).toEqual([
      {
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-2.amazonaws.com' } },
        Principal: {
          AWS: expect.arrayContaining(signers.map((r) => ({ 'Fn::GetAtt': [r, 'Arn'] }))),
        },
        Resource: '*',
      },
    ]);
    // The stack key also encrypts the account database's secret (when the stack creates it): its readers decrypt through Secrets Manager too.
    const dbReaders = [...INTAKE.handlers, ...CASES.handlers, ...REPORTS.handlers, ...RETENTION.handlers, ...FULFILMENT.handlers]
      .filter((h) => h.uses.accountsDb && h.trigger.kind === 'http')
      .map((h) => roleId(`${(h.trigger as { method: string }).method} ${(h.trigger as { path: string }).path}`));
    const apiPrincipals = (roleGrants[0]!.Principal as { AWS: Array<{ 'Fn::GetAtt': string[] }> }).AWS.filter((p) => apiRoles().has(p['Fn::GetAtt'][0]!));
    expect(apiPrincipals.map((p) => p['Fn::GetAtt'][0]).sort()).toEqual([...signers, ...dbReaders].sort());
  });
});

describe('SES outbound', () => {
  it('has a domain identity with Easy DKIM whose default configuration set requires TLS and records reputation', () => {
    built.template.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: CONFIG.domain,
      DkimAttributes: { SigningEnabled: true },
      ConfigurationSetAttributes: { ConfigurationSetName: { Ref: built.ids.configurationSet } },
    });
    built.template.hasResourceProperties('AWS::SES::ConfigurationSet', {
      DeliveryOptions: { TlsPolicy: 'REQUIRE' },
      ReputationOptions: { ReputationMetricsEnabled: true },
    });
  });

  it('lets the functions that owe mail (submit, confirm; staff acting on or logging a case) send from the sender address, on the identity and configuration set only', () => {
    const sesGrants = statementsByRole().filter(({ statement }) => actionsOf(statement).some((a) => a.startsWith('ses:Send')));
    const senders = [
      'POST /requests',
      'POST /verify/{token}',
      'POST /desk/cases',
      'POST /desk/cases/{reference}/actions',
      'POST /api/cases',
      'POST /api/cases/{reference}/actions',
      // Running a report mails the team (once per period).
      'POST /desk/reports',
      'POST /api/reports',
    ];
    // Exactly the routes whose manifest entry uses `mail`.
    const usesMail = [...INTAKE.handlers, ...CASES.handlers, ...REPORTS.handlers, ...RETENTION.handlers].filter(
      (h) => h.uses.mail && h.trigger.kind === 'http',
    );
    expect(routesOf(usesMail).map(routeKey).sort()).toEqual([...senders].sort());
    expect(
      sesGrants
        .flatMap((g) => g.roles)
        .filter((r) => apiRoles().has(r))
        .sort(),
    ).toEqual(senders.map(roleId).sort());
    for (const { statement } of sesGrants) {
      expect(actionsOf(statement).sort()).toEqual(['ses:SendEmail', 'ses:SendRawEmail']);
      expect(statement.Resource).toEqual(
        expect.arrayContaining([
          { 'Fn::Join': ['', ['arn:aws:ses:eu-west-2:', { Ref: 'AWS::AccountId' }, `:identity/`, { Ref: built.ids.identity }]] },
          { 'Fn::Join': ['', ['arn:aws:ses:eu-west-2:', { Ref: 'AWS::AccountId' }, ':configuration-set/', { Ref: built.ids.configurationSet }]] },
        ]),
      );
      expect(statement.Resource).toHaveLength(2);
      expect(statement.Condition).toEqual({ StringEquals: { 'ses:FromAddress': CONFIG.senderAddress } });
    }
    // No SES sending action anywhere on "*". (InboundMail's ses:SetActiveReceiptRuleSet is on "*"
    // because SES authorises receipt-rule-set actions on no narrower resource.)
    const wildcard = statementsByRole().filter(
      ({ statement }) => actionsOf(statement).some((a) => a.startsWith('ses:Send')) && JSON.stringify(statement.Resource).includes('"*"'),
    );
    expect(wildcard).toEqual([]);
  });
});

describe('intake functions', () => {
  const variables = (key: string) => built.resources[fnId(key)]!.Properties.Environment.Variables as Record<string, unknown>;

  it('are one per route: the public ones in the intake service with a reserved concurrency cap, the staff ones in the cases service without', () => {
    expect(ofType('AWS::Lambda::Function').filter(([id]) => id.startsWith('PublicApi'))).toHaveLength(ROUTES.length);
    expect(new Set(ROUTES.map((r) => fnId(routeKey(r)))).size).toBe(ROUTES.length);
    for (const route of PUBLIC_ROUTES) {
      const fn = built.resources[fnId(routeKey(route))]!.Properties;
      expect(fn.ReservedConcurrentExecutions, routeKey(route)).toBe(10);
      expect(fn.Environment.Variables.POWERTOOLS_SERVICE_NAME, routeKey(route)).toBe(route.path.startsWith('/export/') ? 'fulfilment' : 'intake');
    }
    // The cap is the public form's (PublicApiProps.reservedConcurrency); staff functions take from the unreserved pool.
    for (const route of STAFF_ROUTES) {
      const fn = built.resources[fnId(routeKey(route))]!.Properties;
      expect(fn.ReservedConcurrentExecutions, routeKey(route)).toBeUndefined();
      expect(fn.Environment.Variables.POWERTOOLS_SERVICE_NAME, routeKey(route)).toBe(
        /^lambdas\/(reports|fulfilment|retention)\//.exec(route.entry)?.[1] ?? 'cases',
      );
    }
  });

  it('get the configuration and resource names their manifest entries use', () => {
    expect(variables('POST /requests')).toMatchObject({
      CASES_TABLE: { Ref: built.ids.table },
      DPO_ADDRESS: CONFIG.dpoAddress,
      SENDER_ADDRESS: CONFIG.senderAddress,
      NATION: CONFIG.nation,
      PUBLIC_BASE_URL: `https://${CONFIG.domain}`,
      SIGNING_KEY_SECRET_ARN: { Ref: built.ids.secret },
    });
    expect(variables('POST /verify/{token}')).toMatchObject({
      CASES_TABLE: { Ref: built.ids.table },
      DPO_ADDRESS: CONFIG.dpoAddress,
      TEAM_ADDRESS: CONFIG.teamAddress,
      SENDER_ADDRESS: CONFIG.senderAddress,
      PUBLIC_BASE_URL: `https://${CONFIG.domain}`,
      SIGNING_KEY_SECRET_ARN: { Ref: built.ids.secret },
      MAIL_DAILY_LIMIT: '4',
    });
    // Opening the link reads only: no mail, no team address.
    expect(Object.keys(variables('GET /verify/{token}')).sort()).toEqual(
      [
        'CASES_TABLE',
        'DPO_ADDRESS',
        'PUBLIC_BASE_URL',
        'SIGNING_KEY_SECRET_ARN',
        'POWERTOOLS_SERVICE_NAME',
        'POWERTOOLS_LOG_LEVEL',
        'NODE_OPTIONS',
      ].sort(),
    );
    // The local stack's alternative must never be set in AWS: the key would sit in plain text.
    for (const route of ROUTES) expect(variables(routeKey(route)).SIGNING_KEY).toBeUndefined();
  });

  it('only the functions that owe mail get the team address (the outbox renders any kind), and it is not the DPO mailbox', () => {
    expect(variables('POST /requests').TEAM_ADDRESS).toBe(CONFIG.teamAddress);
    expect(variables('POST /verify/{token}').TEAM_ADDRESS).toBe(CONFIG.teamAddress);
    expect(variables('GET /').TEAM_ADDRESS).toBeUndefined();
    expect(variables('GET /verify/{token}').TEAM_ADDRESS).toBeUndefined();
    expect(CONFIG.teamAddress).not.toBe(CONFIG.dpoAddress);
  });

  it('GET / (the form) gets no table, secret or mail permissions: it only renders the page', () => {
    const statements = statementsByRole().filter(({ roles }) => roles.includes(roleId('GET /')));
    const actions = statements.flatMap(({ statement }) => actionsOf(statement));
    expect(actions.filter((a) => !/^(logs|xray):/.test(a))).toEqual([]);
  });

  it('every name in ENV_NAMES is a variable shared/config.ts parses', () => {
    const names: readonly ConfigVar[] = Object.values(ENV_NAMES);
    // With an empty environment readConfig names each missing variable; an unknown name would throw a TypeError instead.
    expect(() => readConfig(names, {})).toThrow(new RegExp(names.map((n) => `${n} is not set`).join('.*')));
  });

  describe('start cold with exactly the environment the stack gives them', () => {
    const resolvedEnv = (key: string) => deployTimeEnv(variables(key));

    afterEach(() => {
      vi.unstubAllEnvs();
    });

    it.each(ROUTES.map((r) => [routeKey(r), r.entry]))('%s loads its handler', async (key, entry) => {
      const module = await coldStart(entry, resolvedEnv(key));
      expect(typeof module.handler).toBe('function');
    });

    it.each(['CASES_TABLE', 'DPO_ADDRESS', 'SENDER_ADDRESS', 'NATION', 'PUBLIC_BASE_URL', 'SIGNING_KEY_SECRET_ARN'])(
      'fails the cold start without %s (so the test above can fail)',
      async (name) => {
        const env = resolvedEnv('POST /requests');
        delete env[name];
        await expect(coldStart('lambdas/intake/submit-request.ts', env)).rejects.toThrow(name);
      },
    );

    it.each(['TEAM_ADDRESS', 'MAIL_DAILY_LIMIT', 'SENDER_ADDRESS'])(
      'fails the confirm function’s cold start without %s (it sends what the confirmation owes)',
      async (name) => {
        const env = resolvedEnv('POST /verify/{token}');
        delete env[name];
        await expect(coldStart('lambdas/intake/confirm-email.ts', env)).rejects.toThrow(name);
      },
    );

    it('gives the form page only what it reads: no table, key or mail settings', () => {
      expect(
        Object.keys(resolvedEnv('GET /'))
          .filter((n) => !n.startsWith('POWERTOOLS_') && n !== 'NODE_OPTIONS')
          .sort(),
      ).toEqual(['DPO_ADDRESS', 'PUBLIC_BASE_URL']);
    });
  });
});

describe('public base URL and custom domain', () => {
  it('serves the API at the configured domain: regional, TLS 1.2, a DNS-validated certificate, mapped at the root', () => {
    built.template.hasResourceProperties('AWS::CertificateManager::Certificate', { DomainName: CONFIG.domain, ValidationMethod: 'DNS' });
    built.template.hasResourceProperties('AWS::ApiGateway::DomainName', {
      DomainName: CONFIG.domain,
      EndpointConfiguration: { Types: ['REGIONAL'] },
      SecurityPolicy: 'TLS_1_2',
    });
    built.template.hasResourceProperties('AWS::ApiGateway::BasePathMapping', {
      RestApiId: { Ref: built.ids.api },
      Stage: { Ref: built.ids.stage },
      BasePath: Match.absent(),
    });
    built.template.hasOutput('ApiUrl', { Value: `https://${CONFIG.domain}/` });
    built.template.hasOutput('ApiDomainTarget', Match.anyValue());
  });

  it('without a custom domain, links point at the stage’s execute-api URL, with no dependency cycle', () => {
    const plain = build({ ...TEST_CONTEXT, 'rightsdesk:customDomain': false });
    const expected = {
      'Fn::Join': ['', ['https://', { Ref: plain.ids.api }, '.execute-api.eu-west-2.', { Ref: 'AWS::URLSuffix' }, `/${STAGE_NAME}`]],
    };
    for (const route of ROUTES) {
      const fn = plain.resources[plain.ids.fns.get(routeKey(route))!.fn]!.Properties;
      expect(fn.Environment.Variables.PUBLIC_BASE_URL).toEqual(expected);
    }
    plain.template.resourceCountIs('AWS::ApiGateway::DomainName', 0);
    plain.template.resourceCountIs('AWS::CertificateManager::Certificate', 0);
    plain.template.hasResourceProperties('AWS::ApiGateway::RestApi', { DisableExecuteApiEndpoint: false });
    expect(dependencyCycle(plain.template)).toBeUndefined();
    expect(nagFindings(plain.stack)).toEqual([]);
  });

  it('has no dependency cycle with the custom domain either', () => {
    expect(dependencyCycle(built.template)).toBeUndefined();
  });

  it('the cycle check finds a cycle', () => {
    const cyclic = { toJSON: () => ({ Resources: { A: { Properties: { X: { Ref: 'B' } } }, B: { DependsOn: 'A' } } }) };
    expect(dependencyCycle(cyclic)).toEqual(['A', 'B', 'A']);
  });
});

describe('route guard', () => {
  const apiWith = (handlers: readonly HandlerSpec[], adminAuthorizer?: apigateway.IAuthorizer) => {
    const stack = londonStack();
    return () => standaloneApi(stack, { handlers, ...(adminAuthorizer && { adminAuthorizer }) });
  };
  const admin: HandlerSpec = {
    id: 'AdminCases',
    entry: 'lambdas/intake/get-form.ts',
    description: 'Rightsdesk GET /admin/cases',
    trigger: { kind: 'http', method: 'GET', path: '/admin/cases', access: 'admin' },
    uses: {},
  };

  it('refuses an admin route when no authoriser is configured, naming the route', () => {
    expect(apiWith([...INTAKE.handlers, admin])).toThrow(/GET \/admin\/cases is an admin route, but no adminAuthorizer is configured/);
  });

  it('serves the same handlers without the admin route', () => {
    expect(apiWith(INTAKE.handlers)).not.toThrow();
  });
});

describe('residency and cdk-nag', () => {
  it('names no region but eu-west-2 anywhere in the template', () => {
    expect(foreignRegionsIn(built.template.toJSON())).toEqual([]);
    expect(residencyViolations(built.app)).toEqual([]);
  });

  it('has no unacknowledged AwsSolutions finding', () => {
    expect(nagFindings(built.stack)).toEqual([]);
  });

  it('acknowledges only what the public form and the desk’s cookie-authenticated pages need, each with a specific reason', () => {
    const acks = acknowledgements(built.app).filter((a) => a.path.includes('/PublicApi/'));
    const summary = acks.map((a) => `${a.path.replace('Rightsdesk/PublicApi/', '')} ${a.id}`).sort();
    const methodPath = (r: Route) => `Api/Default${r.path === '/' ? '' : r.path}/${r.method}`;
    const unauthenticated = (r: Route) => [`${methodPath(r)} AwsSolutions-APIG4`, `${methodPath(r)} AwsSolutions-COG4`];
    const functionIds = [
      ...['GetForm', 'SubmitRequest', 'GetReceipt', 'GetOpenApi', 'VerifyEmail', 'ConfirmEmail'],
      ...['SignIn', 'SignInCallback', 'SignOut', 'SignedOut', 'DeskQueue', 'DeskCase', 'DeskAct', 'DeskNewCase', 'DeskCreateCase'],
      ...['DeskLetter', 'DeskMessage', 'DeskAttachment', 'ListCases', 'GetCase', 'CreateCase', 'ActOnCase'],
      ...['DeskReports', 'DeskRunReport', 'DeskReportFile', 'ListReports', 'RunReport', 'GetReportFile'],
      ...['GetExport', 'DownloadExport', 'DeskExport', 'DeskRegister', 'GetRegister'],
      ...['DeskRetention', 'DeskRunReview', 'DeskPlaceAccountHold', 'DeskReleaseAccountHold', 'GetRetentionReview', 'PlaceAccountHold'],
      'ReleaseAccountHold',
    ];
    // Every HTTP handler of the four contexts (not the staff pool's token trigger, nor the reports' schedules).
    expect(functionIds.sort()).toEqual(
      [
        ...INTAKE.handlers,
        ...triggeredBy(CASES.handlers, 'http'),
        ...triggeredBy(REPORTS.handlers, 'http'),
        ...triggeredBy(RETENTION.handlers, 'http'),
        ...triggeredBy(FULFILMENT.handlers, 'http'),
      ]
        .map((h) => h.id)
        .sort(),
    );
    expect(CASES.handlers.filter((h) => h.trigger.kind !== 'http').map((h) => h.id)).toEqual(['AddStaffClaims']);
    expect(summary).toEqual(
      [
        'Api/CloudWatchRole AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        // No authoriser: the public form (anyone) and the desk's pages (the handler checks the session cookie).
        // The staff API routes have the Cognito authoriser, so nothing to acknowledge.
        ...PUBLIC_ROUTES.flatMap(unauthenticated),
        ...DESK_ROUTES.flatMap(unauthenticated),
        // The desk shows any case's messages and attachments: every object of the files bucket (keyed by case id).
        ...['DeskMessage', 'DeskAttachment'].map((f) => `${f}/Role/DefaultPolicy AwsSolutions-IAM5[Resource::<StorageFiles48C02C92.Arn>/*]`),
        // A legal hold (an action on a case) places S3 legal holds on every object of the case: raw mail under inbound/, files by case id.
        // Preparing the answer (also an action) reads the search's records under searches/ and writes the ZIP under exports/;
        // recording a manual source's search writes its records file under searches/.
        ...['DeskAct', 'ActOnCase'].flatMap((f) => [
          `${f}/Role/DefaultPolicy AwsSolutions-IAM5[Resource::<StorageFiles48C02C92.Arn>/*]`,
          `${f}/Role/DefaultPolicy AwsSolutions-IAM5[Resource::<StorageFiles48C02C92.Arn>/searches/*]`,
          `${f}/Role/DefaultPolicy AwsSolutions-IAM5[Resource::<StorageFiles48C02C92.Arn>/searches/*]`,
          `${f}/Role/DefaultPolicy AwsSolutions-IAM5[Resource::<StorageFiles48C02C92.Arn>/exports/*]`,
          `${f}/Role/DefaultPolicy AwsSolutions-IAM5[Resource::<StorageRawMail6E76FE24.Arn>/inbound/*]`,
          // A change plan (issue 15) writes its lines under plans/ and reads them back to execute it.
          `${f}/Role/DefaultPolicy AwsSolutions-IAM5[Resource::<StorageFiles48C02C92.Arn>/plans/*]`,
          `${f}/Role/DefaultPolicy AwsSolutions-IAM5[Resource::<StorageFiles48C02C92.Arn>/plans/*]`,
        ]),
        // The case page reads the search's records under searches/ (the DPO marks third-party data there).
        'DeskCase/Role/DefaultPolicy AwsSolutions-IAM5[Resource::<StorageFiles48C02C92.Arn>/searches/*]',
        // The case page and the API's case show the change plan's lines, read under plans/ (issue 15).
        ...['DeskCase', 'GetCase'].map((f) => `${f}/Role/DefaultPolicy AwsSolutions-IAM5[Resource::<StorageFiles48C02C92.Arn>/plans/*]`),
        // The answer's ZIP is read under exports/: by the requester's download and by the DPO team's review copy.
        ...['DownloadExport', 'DeskExport'].map((f) => `${f}/Role/DefaultPolicy AwsSolutions-IAM5[Resource::<StorageFiles48C02C92.Arn>/exports/*]`),
        // A report's files are read (and, by a run, written) under the reports bucket's reports/ prefix; the lists read records only.
        ...['DeskReportFile', 'GetReportFile', 'DeskRunReport', 'RunReport'].map(
          (f) => `${f}/Role/DefaultPolicy AwsSolutions-IAM5[Resource::<StorageReports31B47EB2.Arn>/reports/*]`,
        ),
      ].sort(),
    );
    for (const ack of acks) expect(ack.reason.length, ack.id).toBeGreaterThanOrEqual(80);
    const reasonsAt = (routes: Route[]) => acks.filter((a) => routes.some((r) => a.path === `Rightsdesk/PublicApi/${methodPath(r)}`));
    for (const ack of reasonsAt(PUBLIC_ROUTES)) {
      expect(ack.reason, ack.path).toMatch(ack.path.includes('/export/') ? /signed download link/ : /public rights-request form/);
    }
    for (const ack of reasonsAt(DESK_ROUTES)) {
      expect(ack.reason, ack.path).toMatch(/session cookie/);
      expect(ack.reason, ack.path).toMatch(/cannot read a cookie/);
    }
    expect(reasonsAt(STAFF_API_ROUTES)).toEqual([]);
    for (const ack of acks) expect(ack.reason.length, ack.id).toBeGreaterThanOrEqual(80);
  });
});
