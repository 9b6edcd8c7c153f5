/**
 * StaffSignIn: who may use the DPO desk (/desk, browser sessions) and the staff API
 * (/api, Bearer access tokens). A Cognito user pool in eu-west-2 with admin-created users
 * only, TOTP MFA required, threat protection enforced, the groups `dpo` (acts on cases) and
 * `viewer` (reads), managed login at a Cognito prefix domain, and one public app client for
 * the desk (authorization code + PKCE, no secret).
 *
 * The handlers verify every request themselves against the pool's JWKS (STAFF_ISSUER,
 * STAFF_CLIENT_ID; bindStaffAuth): the JWKS is public, so no IAM grant is needed.
 *
 * A pre-token-generation trigger (V2_0, the cases manifest's `cognito` entry) adds the staff
 * member's verified email address and name to access tokens: Cognito's own carry neither, and
 * the desk names staff by email (shared/auth/staff-claims.ts). Access-token customisation needs
 * the Plus (or Essentials) feature plan, which the pool has.
 */
import { Aws, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { CASES } from '#lambdas/cases/manifest';
import { onlyTriggeredBy, type HandlerSpec } from '#lambdas/manifest';
import { ENV_NAMES } from './env-names';
import type { HandlerResources } from './handler-resources';
import { ServiceFunction } from './service-function';

/** The groups a staff member can be in; their names are the roles of shared/auth/staff.ts. */
export const STAFF_GROUPS = {
  dpo: 'Data protection officers: read and act on cases (letters, decisions, closures)',
  viewer: 'Read-only staff (e.g. auditors): see cases, act on none',
} as const;

export interface StaffSignInProps {
  /**
   * Origin of the desk, e.g. https://privacy.icetrak.net (PUBLIC_BASE_URL): the app client
   * redirects to `${publicBaseUrl}/desk/callback` after sign-in and to
   * `${publicBaseUrl}/desk/signed-out` after sign-out.
   */
  readonly publicBaseUrl: string;
  /**
   * Prefix of the managed login domain, `https://<prefix>.auth.eu-west-2.amazoncognito.com`:
   * lower-case letters, digits and hyphens, unique in the region, without "aws", "amazon" or
   * "cognito". A custom domain is not offered: Cognito needs its certificate in us-east-1,
   * which the residency rule (infra/residency.ts) refuses.
   * @default `rightsdesk-staff-<account id>`
   */
  readonly domainPrefix?: string;
  /**
   * The first DPO: created at deployment in the `dpo` group, and emailed a temporary password
   * (valid 3 days) by Cognito. Later users are created by a DPO with the AWS CLI
   * (docs/operations.md, Staff sign-in).
   * @default - none
   */
  readonly initialDpoEmail?: string;
  /** Encrypts the trigger function's log group (Storage.key). */
  readonly key: kms.IKey;
  /** What the trigger function is bound to (its manifest entry uses nothing). */
  readonly resources: HandlerResources;
  /**
   * The pre-token-generation trigger.
   * @default the cases manifest's one `cognito`-triggered entry (lambdas/cases/add-staff-claims.ts)
   */
  readonly preTokenGeneration?: HandlerSpec & { readonly trigger: { readonly kind: 'cognito' } };
  /** @default logs.RetentionDays.ONE_YEAR (ServiceFunction's) */
  readonly logRetention?: logs.RetentionDays;
}

/** What lets a function verify staff tokens (HandlerResources, the `staffAuth` use). */
export interface StaffAuthBinder {
  bindStaffAuth(fn: ServiceFunction): ServiceFunction;
}

export class StaffSignIn extends Construct implements StaffAuthBinder {
  public readonly userPool: cognito.UserPool;
  /** The desk's app client (public: no secret; PKCE). */
  public readonly client: cognito.UserPoolClient;
  /** The managed login domain. */
  public readonly domain: cognito.UserPoolDomain;
  /** The token issuer (`iss`), whose `/.well-known/jwks.json` verifies staff tokens. */
  public readonly issuer: string;
  /** The app client id: `aud` of ID tokens, `client_id` of access tokens. */
  public readonly clientId: string;
  /** The pre-token-generation trigger: staff email and name into access tokens. */
  public readonly preTokenGenerationFunction: ServiceFunction;
  /** Groups by name: dpo, viewer. */
  public readonly groups: Readonly<Record<keyof typeof STAFF_GROUPS, cognito.UserPoolGroup>>;

  constructor(scope: Construct, id: string, props: StaffSignInProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.userPool = new cognito.UserPool(this, 'UserPool', {
      // Staff accounts are made by a DPO, never by whoever finds the sign-in page.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      // An address change takes effect only once the new address is verified: the address is
      // the staff member's identity in the case history (actorOf: staff:<email>).
      keepOriginal: { email: true },
      standardAttributes: {
        email: { required: true, mutable: true },
        fullname: { required: false, mutable: true },
      },
      mfa: cognito.Mfa.REQUIRED,
      // An authenticator app only: SMS codes can be intercepted (SIM swap), and email codes
      // would make the mailbox both factors.
      mfaSecondFactor: { otp: true, sms: false, email: false },
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
        passwordHistorySize: 5,
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      // Plus: threat protection blocks sign-ins with compromised credentials and adapts to risk.
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      userInvitation: {
        emailSubject: 'Your Rightsdesk staff account',
        emailBody:
          'A Rightsdesk staff account was created for {username}. Your temporary password is {####} and expires in 3 days. ' +
          'Sign in at the desk, choose a new password and set up an authenticator app.',
      },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG2',
      reason:
        'MFA is required for every staff user (MfaConfiguration ON, TOTP authenticator apps only); the rule warns because ' +
        'it does not recognise software-token-only MFA as enabled.',
    });

    const spec = props.preTokenGeneration ?? onlyTriggeredBy(CASES.handlers, 'cognito', CASES.context);
    this.preTokenGenerationFunction = ServiceFunction.forHandler(this, spec, {
      key: props.key,
      serviceName: CASES.context,
      resources: props.resources,
      ...(props.logRetention !== undefined && { logRetention: props.logRetention }),
    });
    // Version 2 of the event: the only one that can change access tokens. Also grants Cognito
    // (this pool only) lambda:InvokeFunction.
    this.userPool.addTrigger(cognito.UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG, this.preTokenGenerationFunction.fn, cognito.LambdaVersion.V2_0);

    this.groups = {
      dpo: this.userPool.addGroup('DpoGroup', { groupName: 'dpo', description: STAFF_GROUPS.dpo, precedence: 0 }),
      viewer: this.userPool.addGroup('ViewerGroup', { groupName: 'viewer', description: STAFF_GROUPS.viewer, precedence: 1 }),
    };

    this.domain = this.userPool.addDomain('Domain', {
      cognitoDomain: { domainPrefix: props.domainPrefix ?? `rightsdesk-staff-${Aws.ACCOUNT_ID}` },
      managedLoginVersion: cognito.ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });

    this.client = this.userPool.addClient('DeskClient', {
      // A public client: the desk proves itself with PKCE, not a secret that could leak.
      generateSecret: false,
      // SRP for the managed login page's password step; refresh tokens for the session.
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls: [`${props.publicBaseUrl}/desk/callback`],
        logoutUrls: [`${props.publicBaseUrl}/desk/signed-out`],
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      accessTokenValidity: Duration.minutes(60),
      idTokenValidity: Duration.minutes(60),
      // A working day: staff sign in again each morning.
      refreshTokenValidity: Duration.hours(8),
      enableTokenRevocation: true,
      preventUserExistenceErrors: true,
    });
    // Managed login (version 2) shows a page only for a client with a style.
    new cognito.CfnManagedLoginBranding(this, 'Branding', {
      userPoolId: this.userPool.userPoolId,
      clientId: this.client.userPoolClientId,
      useCognitoProvidedValues: true,
    });

    if (props.initialDpoEmail) {
      const user = new cognito.CfnUserPoolUser(this, 'InitialDpo', {
        userPoolId: this.userPool.userPoolId,
        username: props.initialDpoEmail,
        userAttributes: [
          { name: 'email', value: props.initialDpoEmail },
          { name: 'email_verified', value: 'true' },
        ],
        desiredDeliveryMediums: ['EMAIL'],
      });
      const membership = new cognito.CfnUserPoolUserToGroupAttachment(this, 'InitialDpoInDpoGroup', {
        userPoolId: this.userPool.userPoolId,
        groupName: 'dpo',
        username: props.initialDpoEmail,
      });
      membership.node.addDependency(user);
      membership.node.addDependency(this.groups.dpo);
    }

    this.issuer = `https://cognito-idp.${stack.region}.${stack.urlSuffix}/${this.userPool.userPoolId}`;
    this.clientId = this.client.userPoolClientId;
  }

  /** Sets STAFF_ISSUER and STAFF_CLIENT_ID; no grant (the JWKS is public). */
  public bindStaffAuth(fn: ServiceFunction): ServiceFunction {
    return fn.bindEnv(ENV_NAMES.STAFF_ISSUER, this.issuer).bindEnv(ENV_NAMES.STAFF_CLIENT_ID, this.clientId);
  }
}
