/**
 * PublicApi: the public web form on AWS (DESIGN.md, Architecture): a regional REST API
 * behind a regional WAF web ACL, one Lambda proxy integration per HTTP handler of the intake
 * manifest (lambdas/intake/manifest.ts, which the local stack serves too), and the link-signing
 * key the intake handlers use.
 *
 * Public routes have no authoriser by design (anyone may make a rights request); what stands
 * in for authentication is WAF (per-IP rate limit, body-size limit, AWS managed rule groups),
 * stage and method throttling, request validation, a reserved-concurrency cap per function,
 * and the application's own per-IP limiter and idempotency.
 *
 * Staff routes (access 'staff') are authenticated by their handlers against the staff user
 * pool's JWKS. The desk's pages (/desk/*) carry a session cookie, which API Gateway's Cognito
 * authoriser cannot read, so they have none; the staff API (/api/*) carries Bearer access
 * tokens, which a Cognito authoriser checks as well (defence in depth).
 *
 * Personal data and secrets kept out of logs: access logs record the resource template
 * ($context.resourcePath: `/verify/{token}`), never the request path, which carries the
 * confirmation token; execution logs are at ERROR level without request or response data;
 * WAF logs redact the URI path, the query string and the authorization and cookie headers.
 */
import { ArnFormat, Duration, Names, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { INTAKE } from '#lambdas/intake/manifest';
import { triggeredBy, type HandlerSpec, type Trigger } from '#lambdas/manifest';
import { contextOf } from '#lambdas/manifests';
import { SECURITY_HEADERS } from '#http/responses';
import type { HandlerResources } from './handler-resources';
import { ServiceFunction } from './service-function';

type HttpTrigger = Extract<Trigger, { kind: 'http' }>;

/** The one stage. Links in mail point at it when there is no custom domain. */
export const STAGE_NAME = 'live';

/**
 * Largest request body accepted: WAF blocks anything bigger, and the HTTP middleware
 * (shared/http/middleware.ts MAX_BODY_BYTES) refuses it too. 64 KB is also the most a web ACL
 * can inspect for API Gateway, so "bigger than the inspection limit" and "too big" coincide.
 */
export const MAX_BODY_BYTES = 64 * 1024;

export interface Throttle {
  /** Steady-state requests per second. */
  readonly rateLimit: number;
  /** Requests allowed in a burst above the rate. */
  readonly burstLimit: number;
}

export interface CustomDomainOptions {
  /** Host name the API is served at, e.g. privacy.icetrak.net. */
  readonly domainName: string;
  /**
   * A regional (eu-west-2) certificate for `domainName`.
   * @default - a new ACM certificate validated by DNS: the deployment waits until the CNAME
   *   record ACM asks for (shown in the CloudFormation events) exists in the zone.
   */
  readonly certificate?: acm.ICertificate;
}

export interface PublicApiProps {
  /** Encrypts the log groups and the signing-key secret (Storage.key). */
  readonly key: kms.IKey;
  /**
   * What the route handlers are bound to (each to what its manifest entry uses). The API
   * provides the signing key and PUBLIC_BASE_URL to it.
   */
  readonly resources: HandlerResources;
  /** The DPO mailbox, named in the firewall's refusal message. */
  readonly dpoAddress: string;
  /**
   * Serve the API at a custom domain (regional, TLS 1.2+), mapped at the root to the stage,
   * and switch off the execute-api address so there is one public origin.
   * @default - none: the API is reached at its execute-api address
   */
  readonly customDomain?: CustomDomainOptions;
  /**
   * PUBLIC_BASE_URL, the origin of the form and of links in mail.
   * @default - `https://<customDomain.domainName>` with a custom domain, else the stage's
   *   execute-api URL (built from the API id, so the functions do not depend on the stage
   *   that depends on them)
   */
  readonly publicBaseUrl?: string;
  /**
   * The handlers to serve: those with an HTTP trigger become routes.
   * @default INTAKE.handlers (lambdas/intake/manifest.ts), which the local stack serves
   */
  readonly handlers?: readonly HandlerSpec[];
  /**
   * Authoriser for `admin` routes (the DPO dashboard, Cognito). An admin route without one
   * fails synthesis rather than being published unauthenticated.
   * @default - none: admin routes are refused
   */
  readonly adminAuthorizer?: apigateway.IAuthorizer;
  /**
   * The staff user pool (StaffSignIn): `staff` routes under /api/ are published behind a
   * Cognito authoriser of this pool that accepts access tokens (scope openid). A staff API
   * route without it fails synthesis.
   * @default - none: staff /api/ routes are refused
   */
  readonly staffUserPool?: cognito.IUserPool;
  /**
   * Stage-wide throttle. A DPO form sees a few requests an hour; this caps what a flood can
   * cost before WAF's per-IP rule (which needs a few minutes of data) cuts in.
   * @default { rateLimit: 20, burstLimit: 40 }
   */
  readonly stageThrottle?: Throttle;
  /**
   * Throttle on routes that take a body (POST /requests), each of which writes to the table
   * and sends an email.
   * @default { rateLimit: 2, burstLimit: 5 }
   */
  readonly submitThrottle?: Throttle;
  /**
   * Reserved (and maximum) concurrency of each public function: a flood that gets past WAF
   * and the throttles still cannot take more than this from the account or the table.
   * The account must keep 100 unreserved executions after all reservations.
   * @default 10
   */
  readonly reservedConcurrency?: number;
  /**
   * WAF: requests per IP address per 5 minutes before the address is blocked.
   * @default 100
   */
  readonly rateLimitPerIp?: number;
  /**
   * WAF: block addresses on Amazon's IP reputation list (bots, scanners, known attackers).
   * @default true
   */
  readonly ipReputationList?: boolean;
  /**
   * WAF: keep sampled requests (viewable in the console for 3 hours). Off by default: a
   * sample holds the full path, which for /verify/{token} is a live confirmation link, and
   * the client IP, which the redaction of WAF logs does not cover.
   * @default false
   */
  readonly sampledRequests?: boolean;
  /**
   * Retention of access, execution and WAF logs. They hold client IP addresses (personal
   * data), kept only for security: long enough to investigate abuse or a breach reported
   * late, short enough to minimise.
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * The link-signing key (SIGNING_KEY_SECRET_ARN). An existing secret is not rotated by this
   * stack: its owner must rotate it so that the previous key stays AWSPREVIOUS.
   * @default - a new secret: 48 random alphanumeric characters, encrypted with `key`, rotated
   *   by the stack (SigningKeyRotation)
   */
  readonly signingKey?: secretsmanager.ISecret;
}

/** Headers of responses API Gateway writes itself: the application's security headers. */
function gatewayResponseHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
    // A gateway response header is a quoted literal, and API Gateway has no documented escape
    // for a quote inside it; the application's CSP needs quotes ('none', 'self'). These bodies
    // are JSON, never pages, so a quote-free policy that forbids everything active does.
    const literal = name === 'content-security-policy' ? 'sandbox' : value;
    if (literal.includes("'")) throw new Error(`Security header ${name} cannot be a gateway response literal: ${literal}`);
    headers[name] = `'${literal}'`;
  }
  return headers;
}

export class PublicApi extends Construct {
  public readonly api: apigateway.RestApi;
  public readonly stage: apigateway.Stage;
  /** One function per route, keyed by `${method} ${path}`. */
  public readonly functions: ReadonlyMap<string, ServiceFunction>;
  public readonly accessLogs: logs.LogGroup;
  /** API Gateway's execution log group, created first so it is encrypted and expires. */
  public readonly executionLogs: logs.LogGroup;
  public readonly webAcl: wafv2.CfnWebACL;
  public readonly wafLogs: logs.LogGroup;
  public readonly signingKey: secretsmanager.ISecret;
  /** Validates required parameters and JSON bodies (against a coarse shape: see jsonBodyModel). */
  public readonly requestValidator: apigateway.RequestValidator;
  public readonly jsonBodyModel: apigateway.Model;
  /** The custom domain, when configured. */
  public readonly domainName?: apigateway.DomainName;
  /** PUBLIC_BASE_URL as given to the functions. */
  public readonly publicBaseUrl: string;
  /** Checks access tokens on staff /api/ routes; only when there is one. */
  public readonly staffApiAuthorizer?: apigateway.CognitoUserPoolsAuthorizer;

  constructor(scope: Construct, id: string, props: PublicApiProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const routes = triggeredBy(props.handlers ?? INTAKE.handlers, 'http');
    const retention = props.logRetention ?? logs.RetentionDays.THREE_MONTHS;
    const stageThrottle = props.stageThrottle ?? { rateLimit: 20, burstLimit: 40 };
    const submitThrottle = props.submitThrottle ?? { rateLimit: 2, burstLimit: 5 };

    // Fail before building anything: an admin route must not go out unauthenticated.
    for (const { trigger: route } of routes) {
      if (route.access === 'admin' && !props.adminAuthorizer) {
        throw new Error(
          `PublicApi: route ${route.method} ${route.path} is an admin route, but no adminAuthorizer is configured. ` +
            'Admin routes are published only behind the Cognito authoriser.',
        );
      }
      if (route.access === 'staff') {
        if (!isStaffApiPath(route.path) && !isDeskPath(route.path)) {
          throw new Error(
            `PublicApi: route ${route.method} ${route.path} is a staff route outside /desk and /api. ` +
              'Staff routes are the desk (session cookie) or the staff API (Bearer token) only.',
          );
        }
        if (isStaffApiPath(route.path) && !props.staffUserPool) {
          throw new Error(
            `PublicApi: route ${route.method} ${route.path} is a staff API route, but no staffUserPool is configured. ` +
              'Staff API routes are published only behind the Cognito authoriser.',
          );
        }
      }
    }

    const logGroup = (logId: string, logGroupName?: string) =>
      new logs.LogGroup(this, logId, {
        logGroupName,
        encryptionKey: props.key,
        retention,
        removalPolicy: RemovalPolicy.RETAIN,
      });

    this.accessLogs = logGroup('AccessLogs');
    const accessLogFormat = apigateway.AccessLogFormat.custom(
      JSON.stringify({
        requestId: apigateway.AccessLogField.contextRequestId(),
        requestTimeEpoch: apigateway.AccessLogField.contextRequestTimeEpoch(),
        httpMethod: apigateway.AccessLogField.contextHttpMethod(),
        // The route template, never $context.path: paths carry confirmation tokens.
        resourcePath: apigateway.AccessLogField.contextResourcePath(),
        status: apigateway.AccessLogField.contextStatus(),
        errorType: apigateway.AccessLogField.contextErrorResponseType(),
        wafResponse: apigateway.AccessLogField.contextWafResponseCode(),
        responseLength: apigateway.AccessLogField.contextResponseLength(),
        integrationLatency: apigateway.AccessLogField.contextIntegrationLatency(),
        responseLatency: apigateway.AccessLogField.contextResponseLatency(),
        // Personal data, logged for security (UK GDPR Art. 6(1)(f), recital 49): the one key
        // that joins this log to WAF's and shows who flooded the form. Kept `retention` only.
        sourceIp: apigateway.AccessLogField.contextIdentitySourceIp(),
        xrayTraceId: apigateway.AccessLogField.contextXrayTraceId(),
      }),
    );

    // Errors only, and never request or response bodies (they are personal data).
    const logging = { loggingLevel: apigateway.MethodLoggingLevel.ERROR, dataTraceEnabled: false, metricsEnabled: true };
    const methodOptions: Record<string, apigateway.MethodDeploymentOptions> = {};
    for (const { trigger: route } of routes) {
      // The submit throttle guards the public form; staff routes have the stage's.
      if (takesBody(route) && route.access === 'public') {
        // A per-method setting replaces the stage's for that method: repeat the logging.
        methodOptions[`${route.path}/${route.method}`] = {
          ...logging,
          throttlingRateLimit: submitThrottle.rateLimit,
          throttlingBurstLimit: submitThrottle.burstLimit,
        };
      }
    }

    this.api = new apigateway.RestApi(this, 'Api', {
      restApiName: `${stack.stackName}-public`,
      description: 'Rightsdesk public web form: data-subject rights requests to Icetrak Ltd',
      endpointConfiguration: { types: [apigateway.EndpointType.REGIONAL] },
      // One public origin: with a custom domain, the execute-api address is switched off.
      disableExecuteApiEndpoint: props.customDomain !== undefined,
      failOnWarnings: true,
      // ZIPs (the answer, the DPO's review copy), attachments and report files reach a browser as
      // bytes: a Lambda proxy response marked isBase64Encoded is decoded only when the request's
      // Accept header matches a binary media type, and a browser's download asks for
      // "text/html,…,*/*", so only */* covers it. Text responses (isBase64Encoded false) pass
      // through unchanged; request bodies then reach the handlers base64-encoded, which the body
      // parser decodes before it reads a form or JSON (shared/http/middleware.ts; the local
      // adapter sends binary bodies the same way).
      binaryMediaTypes: ['*/*'],
      // API Gateway writes execution and access logs through one role per account and region.
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      deployOptions: {
        stageName: STAGE_NAME,
        tracingEnabled: true,
        ...logging,
        throttlingRateLimit: stageThrottle.rateLimit,
        throttlingBurstLimit: stageThrottle.burstLimit,
        methodOptions,
        accessLogDestination: new apigateway.LogGroupLogDestination(this.accessLogs),
        accessLogFormat,
      },
    });
    this.stage = this.api.deploymentStage;
    // RestApi's automatic "Endpoint" output names the execute-api URL, which is switched off
    // with a custom domain; the stack outputs the public URL instead.
    this.api.node.tryRemoveChild('Endpoint');

    // API Gateway would create this group itself on the first error, unencrypted and kept
    // forever. Created here first (its name is fixed by API Gateway), it is neither.
    this.executionLogs = logGroup('ExecutionLogs', `API-Gateway-Execution-Logs_${this.api.restApiId}/${STAGE_NAME}`);
    this.stage.node.addDependency(this.executionLogs);

    this.requestValidator = this.api.addRequestValidator('Validator', {
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    // Coarse on purpose: the handler validates every field and answers with a message per
    // field; the gateway only turns away JSON the handler could never accept (not an object,
    // or absurdly many keys), without a Lambda invocation. Form-encoded bodies have no model
    // and are not validated here (API Gateway validates only content types with a model).
    this.jsonBodyModel = this.api.addModel('JsonObjectBody', {
      contentType: 'application/json',
      description: 'A JSON object: the request form as JSON',
      schema: { schema: apigateway.JsonSchemaVersion.DRAFT4, type: apigateway.JsonSchemaType.OBJECT, maxProperties: 32 },
    });

    this.signingKey =
      props.signingKey ??
      new secretsmanager.Secret(this, 'SigningKey', {
        description: 'Rightsdesk: HMAC key that signs email-confirmation links',
        encryptionKey: props.key,
        generateSecretString: { passwordLength: 48, excludePunctuation: true, includeSpace: false },
      });

    if (props.customDomain) {
      const certificate =
        props.customDomain.certificate ??
        new acm.Certificate(this, 'Certificate', {
          domainName: props.customDomain.domainName,
          validation: acm.CertificateValidation.fromDns(),
        });
      this.domainName = this.api.addDomainName('CustomDomain', {
        domainName: props.customDomain.domainName,
        certificate,
        endpointType: apigateway.EndpointType.REGIONAL,
        securityPolicy: apigateway.SecurityPolicy.TLS_1_2,
      });
    }
    this.publicBaseUrl =
      props.publicBaseUrl ??
      (props.customDomain
        ? `https://${props.customDomain.domainName}`
        : // From the API id, not this.stage.urlForPath(): the stage depends on the methods,
          // which depend on the functions, which would then depend on the stage.
          `https://${this.api.restApiId}.execute-api.${stack.region}.${stack.urlSuffix}/${STAGE_NAME}`);

    props.resources.provide({ signingKey: this.signingKey, settings: { PUBLIC_BASE_URL: this.publicBaseUrl } });

    if (props.staffUserPool && routes.some(({ trigger: r }) => r.access === 'staff' && isStaffApiPath(r.path))) {
      this.staffApiAuthorizer = new apigateway.CognitoUserPoolsAuthorizer(this, 'StaffApiAuthorizer', {
        cognitoUserPools: [props.staffUserPool],
        // Cached per token for 5 minutes (the default); a revoked token still fails in the handler.
        resultsCacheTtl: Duration.minutes(5),
      });
    }

    const functions = new Map<string, ServiceFunction>();
    for (const spec of routes) {
      const route = spec.trigger;
      const fn = ServiceFunction.forHandler(this, spec, {
        key: props.key,
        // The context whose manifest declares the route (intake, cases, reports); a route no manifest declares is the caller's own.
        serviceName: contextOf(spec.entry) ?? (route.access === 'staff' ? 'cases' : 'intake'),
        resources: props.resources,
        ...(route.access === 'public' && { reservedConcurrentExecutions: props.reservedConcurrency ?? 10 }),
      });
      functions.set(`${route.method} ${route.path}`, fn);
      this.addRouteMethod(route, fn, route.access === 'admin' ? props.adminAuthorizer : this.staffApiAuthorizer);
    }
    this.functions = functions;

    this.addGatewayResponses(props.dpoAddress);
    this.webAcl = this.createWebAcl(props);
    this.wafLogs = this.createWafLogging(props.key, retention, this.webAcl);

    Validations.of(this.api.node.findChild('CloudWatchRole')).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      reason:
        'The account-level role API Gateway assumes to write execution and access logs; AWS documents this managed ' +
        'policy for it, and API Gateway needs to create and describe log groups it names itself.',
    });
  }

  private addRouteMethod(route: HttpTrigger, fn: ServiceFunction, authorizer?: apigateway.IAuthorizer): void {
    const pathParameters = [...route.path.matchAll(/\{([A-Za-z0-9_]+)\+?\}/g)].map((m) => m[1]!);
    const method = this.api.root.resourceForPath(route.path).addMethod(
      route.method,
      // allowTestInvoke off: no Lambda permission for the console's test-invoke-stage.
      new apigateway.LambdaIntegration(fn.fn, { proxy: true, allowTestInvoke: false }),
      {
        ...(route.access === 'admin'
          ? { authorizer, authorizationType: authorizer!.authorizationType }
          : route.access === 'staff' && isStaffApiPath(route.path)
            ? {
                authorizer,
                authorizationType: apigateway.AuthorizationType.COGNITO,
                // With a scope, API Gateway wants an access token (without, an ID token).
                authorizationScopes: [STAFF_API_SCOPE],
              }
            : { authorizationType: apigateway.AuthorizationType.NONE }),
        requestValidator: this.requestValidator,
        requestParameters: Object.fromEntries(pathParameters.map((p) => [`method.request.path.${p}`, true])),
        ...(takesBody(route) ? { requestModels: { 'application/json': this.jsonBodyModel } } : {}),
      },
    );
    if (route.access === 'public') {
      const reason = route.path.startsWith('/export/')
        ? `${route.method} ${route.path} is the requester’s signed download link to their answer (issue 14): the ` +
          'HMAC-signed token in the path is the credential (one case, one export, 7 days), and a requester has no ' +
          'account (UK GDPR Art. 12(2)). Instead: WAF, stage and method throttling, reserved concurrency and a ' +
          'per-link rate limit in the handler.'
        : `${route.method} ${route.path} is the public rights-request form: anyone may use it and must not need an ` +
          'account (UK GDPR Art. 12(2)). Instead: WAF (per-IP rate limit, body size, managed rules), stage and method ' +
          'throttling, request validation, reserved concurrency and the handler’s own per-IP limiter.';
      Validations.of(method).acknowledge({ id: 'AwsSolutions-APIG4', reason });
      Validations.of(method).acknowledge({ id: 'AwsSolutions-COG4', reason });
    } else if (route.access === 'staff' && isDeskPath(route.path)) {
      const reason =
        `${route.method} ${route.path} is a page of the DPO desk: its handler verifies the session cookie (or Bearer ` +
        'token) against the staff user pool’s JWKS before reading anything, and the sign-in routes start or finish the ' +
        'OIDC flow. API Gateway’s Cognito authoriser cannot read a cookie. WAF rate limiting and managed rules apply.';
      Validations.of(method).acknowledge({ id: 'AwsSolutions-APIG4', reason });
      Validations.of(method).acknowledge({ id: 'AwsSolutions-COG4', reason });
    }
  }

  /** Errors API Gateway answers itself: JSON in the handlers' shape, nothing internal, security headers. */
  private addGatewayResponses(dpoAddress: string): void {
    const responseHeaders = gatewayResponseHeaders();
    const respond = (responseId: string, type: apigateway.ResponseType, error: string, message: string, statusCode?: string) =>
      this.api.addGatewayResponse(responseId, {
        type,
        statusCode,
        responseHeaders,
        templates: { 'application/json': JSON.stringify({ error, message, correlationId: '$context.requestId' }) },
      });
    // The response type (e.g. BAD_REQUEST_BODY) names a category, never the detail
    // ($context.error.message and validationErrorString can echo schema or input).
    respond('Default4xx', apigateway.ResponseType.DEFAULT_4XX, '$context.error.responseType', 'The request could not be accepted.');
    respond(
      'Default5xx',
      apigateway.ResponseType.DEFAULT_5XX,
      'InternalError',
      'Something went wrong on our side. Quote this reference if you contact us: $context.requestId.',
    );
    // An unknown path is a 403 "Missing Authentication Token" by default: say what it is.
    respond('NotFound', apigateway.ResponseType.MISSING_AUTHENTICATION_TOKEN, 'NotFound', 'There is nothing at this address.', '404');
    respond(
      'Throttled',
      apigateway.ResponseType.THROTTLED,
      'TooManyRequests',
      `Too many requests. Please wait a minute and try again, or email ${dpoAddress}.`,
    );
    // A real request can trip a managed rule: tell the person another way to make it.
    respond(
      'WafFiltered',
      apigateway.ResponseType.WAF_FILTERED,
      'Blocked',
      `Our firewall blocked this request. If you were making a privacy request, please email it to ${dpoAddress}.`,
    );
    respond('TooLarge', apigateway.ResponseType.REQUEST_TOO_LARGE, 'PayloadTooLarge', 'The request is too large.');
    respond('BadBody', apigateway.ResponseType.BAD_REQUEST_BODY, 'MalformedBody', 'Send the form as a JSON object or as form fields.');
  }

  private createWebAcl(props: PublicApiProps): wafv2.CfnWebACL {
    const sampled = props.sampledRequests ?? false;
    const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      metricName,
      sampledRequestsEnabled: sampled,
    });
    const managed = (
      name: string,
      ruleActionOverrides?: wafv2.CfnWebACL.RuleActionOverrideProperty[],
    ): Omit<wafv2.CfnWebACL.RuleProperty, 'priority'> => ({
      name,
      overrideAction: { none: {} },
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name, ruleActionOverrides } },
      visibilityConfig: visibility(name),
    });

    const rules: Array<Omit<wafv2.CfnWebACL.RuleProperty, 'priority'>> = [
      {
        name: 'RateLimitPerIp',
        action: { block: {} },
        statement: {
          rateBasedStatement: { limit: props.rateLimitPerIp ?? 100, aggregateKeyType: 'IP', evaluationWindowSec: 300 },
        },
        visibilityConfig: visibility('RateLimitPerIp'),
      },
      {
        name: 'BodySizeLimit',
        action: { block: {} },
        statement: {
          sizeConstraintStatement: {
            // A body beyond the inspection limit (64 KB, associationConfig) is "oversize";
            // MATCH makes that a match, so every body over 64 KB is blocked.
            fieldToMatch: { body: { oversizeHandling: 'MATCH' } },
            comparisonOperator: 'GT',
            size: MAX_BODY_BYTES,
            textTransformations: [{ priority: 0, type: 'NONE' }],
          },
        },
        visibilityConfig: visibility('BodySizeLimit'),
      },
      ...((props.ipReputationList ?? true) ? [managed('AWSManagedRulesAmazonIpReputationList')] : []),
      // SizeRestrictions_BODY blocks bodies over 8 KB. A form body is at most about 6 KB of
      // text, but form encoding turns each non-ASCII character (Welsh, Polish, Word's curly
      // quotes) into up to 12 bytes, so a genuine 5,000-character request can pass 8 KB.
      // Counted instead (it shows in the WAF logs); BodySizeLimit above is the size limit.
      managed('AWSManagedRulesCommonRuleSet', [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }]),
      managed('AWSManagedRulesKnownBadInputsRuleSet'),
    ];

    const webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      description: 'Rightsdesk public API',
      defaultAction: { allow: {} },
      rules: rules.map((rule, priority) => ({ ...rule, priority })),
      visibilityConfig: visibility('RightsdeskPublicApi'),
      associationConfig: { requestBody: { API_GATEWAY: { defaultSizeInspectionLimit: 'KB_64' } } },
    });
    new wafv2.CfnWebACLAssociation(this, 'WebAclAssociation', {
      resourceArn: this.stage.stageArn,
      webAclArn: webAcl.attrArn,
    });
    return webAcl;
  }

  /**
   * WAF logs to CloudWatch Logs (the group name must start with aws-waf-logs-), only for
   * requests a rule blocked or counted: allowed requests are in the access log already.
   */
  private createWafLogging(key: kms.IKey, retention: logs.RetentionDays, webAcl: wafv2.CfnWebACL): logs.LogGroup {
    const wafLogs = new logs.LogGroup(this, 'WafLogs', {
      logGroupName: `aws-waf-logs-${Names.uniqueResourceName(this, { maxLength: 200, separator: '-' })}`,
      encryptionKey: key,
      retention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const action = (name: string) => ({ ActionCondition: { Action: name } });
    new wafv2.CfnLoggingConfiguration(this, 'WafLogging', {
      resourceArn: webAcl.attrArn,
      // WAF wants the bare log-group ARN, without the ":*" of LogGroup.logGroupArn.
      logDestinationConfigs: [
        Stack.of(this).formatArn({
          service: 'logs',
          resource: 'log-group',
          resourceName: wafLogs.logGroupName,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
      redactedFields: [
        { uriPath: {} }, // /verify/{token}: a live confirmation link
        { queryString: {} },
        { singleHeader: { Name: 'authorization' } },
        { singleHeader: { Name: 'cookie' } },
      ],
      loggingFilter: {
        DefaultBehavior: 'DROP',
        Filters: [
          {
            Behavior: 'KEEP',
            Requirement: 'MEETS_ANY',
            Conditions: [action('BLOCK'), action('COUNT'), action('EXCLUDED_AS_COUNT')],
          },
        ],
      },
    });
    return wafLogs;
  }
}

/** The scope a staff API access token must carry (every desk sign-in asks for openid). */
export const STAFF_API_SCOPE = 'openid';

/** The staff JSON API: Bearer access tokens, checked by the Cognito authoriser and the handler. */
function isStaffApiPath(path: string): boolean {
  return path === '/api' || path.startsWith('/api/');
}

/** The desk's pages and its sign-in routes: session cookies, checked by the handler. */
function isDeskPath(path: string): boolean {
  return path === '/desk' || path.startsWith('/desk/');
}

/** Routes whose method carries a body: JSON-validated, and throttled like a submission (public ones). */
function takesBody(route: HttpTrigger): boolean {
  return route.method === 'POST' || route.method === 'PUT';
}
