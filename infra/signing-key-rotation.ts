/**
 * SigningKeyRotation: the link-signing key secret rotates on a schedule (issue 10), through the
 * rotation function of the keys manifest (lambdas/keys/manifest.ts), and handlers verify links
 * against the current and the previous key (shared/adapters/signing-key.ts).
 *
 * Why the schedule is long enough: a link verifies while the key that signed it is AWSCURRENT or
 * AWSPREVIOUS, so one signed just before a rotation verifies until the rotation after next. A
 * rotation happens on its due day, at any time of that UTC day, so two rotations are at least
 * `rotateEvery` less one day apart; and a warm function may go on signing with the old key for
 * up to KEY_CACHE_SECONDS after a rotation. Every link therefore verifies for at least
 * `rotateEvery` − 1 day − KEY_CACHE_SECONDS after it was signed, which must exceed the longest
 * link life, MAX_TOKEN_LIFETIME_SECONDS (shared/core/tokens.ts): synthesis fails otherwise.
 *
 * The schedule is given to Secrets Manager through the secret's addRotationSchedule, with a
 * reference to the function, so CDK's generic rotation grants (GetRandomPassword on "*", and
 * ReEncrypt and GenerateDataKey* on the key) are not added: the function's own binding grants
 * what it uses (ServiceFunction.bindSecretRotation). Secrets Manager may invoke it for this
 * secret, from this account, only.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { KEY_CACHE_SECONDS } from '#adapters/signing-key';
import { KEYS } from '#lambdas/keys/manifest';
import { onlyTriggeredBy, type HandlerSpec } from '#lambdas/manifest';
import { MAX_TOKEN_LIFETIME_SECONDS } from '#shared/core/tokens';
import type { HandlerResources } from './handler-resources';
import { ServiceFunction } from './service-function';

/** The default rotation interval. */
export const SIGNING_KEY_ROTATION_DAYS = 30;

/** The shortest time a link is sure to verify for, signed at any moment, when the key rotates every `rotateEvery`. */
export function guaranteedLinkLifeSeconds(rotateEvery: Duration): number {
  return rotateEvery.toSeconds() - Duration.days(1).toSeconds() - KEY_CACHE_SECONDS;
}

export interface SigningKeyRotationProps {
  /** The link-signing key secret (PublicApi.signingKey), created by this stack. */
  readonly secret: secretsmanager.Secret;
  /** Encrypts the function's logs (Storage.key). */
  readonly key: kms.IKey;
  /** What the function is bound to: the signing key, with rotation rights. */
  readonly resources: HandlerResources;
  /**
   * The handler Secrets Manager invokes.
   * @default the rotation-triggered handler of KEYS (lambdas/keys/manifest.ts)
   */
  readonly handler?: HandlerSpec;
  /**
   * How often the key rotates. Must leave every link its whole life under the current or
   * previous key (see above): at least MAX_TOKEN_LIFETIME_SECONDS + 1 day + KEY_CACHE_SECONDS.
   * @default Duration.days(SIGNING_KEY_ROTATION_DAYS)
   */
  readonly rotateEvery?: Duration;
  /**
   * Where the rotation's alarm notifies (e.g. DeadlineKeeper.alarmTopic).
   * @default - an alarm without actions (visible in CloudWatch only)
   */
  readonly alarmTopic?: sns.ITopic;
}

export class SigningKeyRotation extends Construct {
  public readonly function: ServiceFunction;
  public readonly schedule: secretsmanager.RotationSchedule;
  public readonly rotateEvery: Duration;
  /** A rotation step failed (Secrets Manager retries; links keep verifying under the current key meanwhile). */
  public readonly errorsAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: SigningKeyRotationProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.rotateEvery = props.rotateEvery ?? Duration.days(SIGNING_KEY_ROTATION_DAYS);
    if (guaranteedLinkLifeSeconds(this.rotateEvery) <= MAX_TOKEN_LIFETIME_SECONDS) {
      throw new Error(
        `SigningKeyRotation: rotating every ${this.rotateEvery.toHumanString()} would invalidate links before they expire: ` +
          `a link lives up to ${MAX_TOKEN_LIFETIME_SECONDS / 86400} days, and verifies only under the current and the previous key.`,
      );
    }

    const handler = props.handler ?? onlyTriggeredBy(KEYS.handlers, 'rotation', KEYS.context);
    this.function = ServiceFunction.forHandler(this, handler, { key: props.key, serviceName: KEYS.context, resources: props.resources });

    const permission = new lambda.CfnPermission(this, 'AllowSecretsManager', {
      action: 'lambda:InvokeFunction',
      functionName: this.function.fn.functionArn,
      principal: 'secretsmanager.amazonaws.com',
      sourceAccount: stack.account,
      // This one secret: the function rotates no other.
      sourceArn: props.secret.secretArn,
    });

    // A reference, not the function itself: CDK adds its generic grants only for a function it owns.
    const rotator = lambda.Function.fromFunctionAttributes(this, 'Rotator', { functionArn: this.function.fn.functionArn, sameEnvironment: true });
    this.schedule = props.secret.addRotationSchedule('Rotation', {
      rotationLambda: rotator,
      automaticallyAfter: this.rotateEvery,
      // A deploy that changes the schedule must not rotate on the spot: the first rotation, and
      // every later one, come on the schedule.
      rotateImmediatelyOnUpdate: false,
    });
    // Secrets Manager checks at set-up that it may invoke the function, and the function that it may rotate.
    this.schedule.node.addDependency(permission, this.function.role);

    this.errorsAlarm = new cloudwatch.Alarm(this, 'ErrorsAlarm', {
      metric: this.function.fn.metricErrors({ period: Duration.hours(1), statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription:
        'A step of the signing key rotation failed. Links still verify under the current key; Secrets Manager retries. ' +
        'See docs/operations.md, Link-signing key.',
    });
    if (props.alarmTopic) this.errorsAlarm.addAlarmAction(new cwActions.SnsAction(props.alarmTopic));
  }
}
