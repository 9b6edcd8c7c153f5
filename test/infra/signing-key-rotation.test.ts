/**
 * The link-signing key rotates on a schedule long enough for every link to verify for its whole
 * life under the current or the previous key, through a function that may touch that one secret.
 */
import { Duration } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { beforeAll, describe, expect, it } from 'vitest';
import { SIGNING_KEY_ROTATION_DAYS, SigningKeyRotation, guaranteedLinkLifeSeconds } from '#infra/signing-key-rotation';
import { MAX_TOKEN_LIFETIME_SECONDS } from '#shared/core/tokens';
import { acknowledgements, londonStack, nagFindings, standaloneResources, synthesisedApp, type Statement } from './support';

let built: ReturnType<typeof synthesisedApp>;
beforeAll(() => {
  built = synthesisedApp();
});
const ofType = (type: string) => Object.entries(built.resources).filter(([, r]) => r.Type === type);
const secretId = () => built.stack.getLogicalId(built.stack.publicApi.signingKey.node.defaultChild as never);
const rotation = () => built.stack.signingKeyRotation!;

describe('signing key rotation', () => {
  it('rotates the signing key secret every 30 days through the rotation function, not at deploy time', () => {
    const schedules = ofType('AWS::SecretsManager::RotationSchedule');
    expect(schedules).toHaveLength(1);
    expect(schedules[0]![1].Properties).toEqual({
      SecretId: { Ref: secretId() },
      RotationLambdaARN: { 'Fn::GetAtt': [built.logicalId(rotation().function.fn), 'Arn'] },
      RotationRules: { ScheduleExpression: `rate(${SIGNING_KEY_ROTATION_DAYS} days)` },
      RotateImmediatelyOnUpdate: false,
    });
  });

  it('outputs the secret, for rotating it by hand', () => {
    built.template.hasOutput('SigningKeySecretArn', { Value: { Ref: secretId() } });
  });

  it('leaves every link its whole life under the current or the previous key', () => {
    expect(guaranteedLinkLifeSeconds(Duration.days(SIGNING_KEY_ROTATION_DAYS))).toBeGreaterThan(MAX_TOKEN_LIFETIME_SECONDS);
    const stack = londonStack();
    const { storage, resources } = standaloneResources(stack);
    const secret = new secretsmanager.Secret(stack, 'Key', { encryptionKey: storage.key });
    resources.provide({ signingKey: secret });
    expect(() => new SigningKeyRotation(stack, 'TooOften', { secret, key: storage.key, resources, rotateEvery: Duration.days(28) })).toThrow(
      /would invalidate links before they expire/,
    );
  });

  it('lets Secrets Manager invoke the function for this secret, from this account, only', () => {
    const fnId = built.logicalId(rotation().function.fn);
    const permissions = ofType('AWS::Lambda::Permission').filter(([, r]) => JSON.stringify(r.Properties.FunctionName).includes(fnId));
    expect(permissions.map(([, r]) => r.Properties)).toEqual([
      {
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': [fnId, 'Arn'] },
        Principal: 'secretsmanager.amazonaws.com',
        SourceAccount: { Ref: 'AWS::AccountId' },
        SourceArn: { Ref: secretId() },
      },
    ]);
    // Set up only once the permission and the function's grants exist (Secrets Manager checks both).
    const schedule = ofType('AWS::SecretsManager::RotationSchedule')[0]![1];
    expect(schedule.DependsOn).toEqual(expect.arrayContaining([permissions[0]![0], built.logicalId(rotation().function.role)]));
  });

  it('grants the function rotation of this one secret, and its key through Secrets Manager for this secret only', () => {
    const role = built.logicalId(rotation().function.role);
    const statements = ofType('AWS::IAM::Policy')
      .filter(([, r]) => (r.Properties.Roles as Array<{ Ref: string }>).some((x) => x.Ref === role))
      .flatMap(([, r]) => r.Properties.PolicyDocument.Statement as Statement[]);
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: [
        'secretsmanager:DescribeSecret',
        'secretsmanager:GetSecretValue',
        'secretsmanager:PutSecretValue',
        'secretsmanager:UpdateSecretVersionStage',
      ],
      Resource: { Ref: secretId() },
    });
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: { 'Fn::GetAtt': [built.logicalId(built.stack.storage.key), 'Arn'] },
      Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-2.amazonaws.com', 'kms:EncryptionContext:SecretARN': { Ref: secretId() } } },
    });
    // CDK's generic rotation grants are not there: no GetRandomPassword on "*", no key re-encryption.
    const everyAction = ofType('AWS::IAM::Policy').flatMap(([, r]) =>
      (r.Properties.PolicyDocument.Statement as Statement[]).flatMap((s) => [s.Action].flat()),
    );
    expect(everyAction).not.toContain('secretsmanager:GetRandomPassword');
    expect(everyAction.filter((a) => a.startsWith('kms:ReEncrypt'))).toEqual([]);
  });

  it('alarms on a failed rotation step, notifying the keeper’s alarm topic', () => {
    const alarm = built.resources[built.stack.getLogicalId(rotation().errorsAlarm.node.defaultChild as never)]!.Properties;
    expect(alarm).toMatchObject({
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: built.logicalId(rotation().function.fn) } }],
      Threshold: 1,
      AlarmActions: [{ Ref: built.logicalId(built.stack.keeper.alarmTopic) }],
    });
  });

  it('satisfies cdk-nag with no exception for the secret (it rotates, so SMG4 holds)', () => {
    expect(nagFindings(rotation())).toEqual([]);
    expect(nagFindings(built.stack.publicApi)).toEqual([]);
    // Nothing acknowledged on the rotation function itself (X-Ray's wildcard is on the stack's one tracing policy).
    expect(acknowledgements(rotation()).map((a) => a.id)).toEqual([]);
    expect(acknowledgements(built.stack.publicApi).filter((a) => a.id === 'AwsSolutions-SMG4')).toEqual([]);
  });
});
