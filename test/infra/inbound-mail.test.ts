import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '#infra/config';
import { RightsdeskStack } from '#infra/stack';
import { RAW_MAIL_PREFIX } from '#shared/email/keys';
import { acknowledgements, CDK_JSON_CONTEXT, dependencyCycle, nagFindings, TEST_CONTEXT, synthesisedApp, type Resources, type Statement } from './support';

let built: ReturnType<typeof build>;

function build() {
  const { app, stack, template, resources, logicalId: id } = synthesisedApp();
  const inbound = stack.inboundMail;
  return {
    app,
    stack,
    template,
    resources,
    ids: {
      ruleSet: id(inbound.ruleSet),
      rule: id(inbound.rule),
      writerRole: id(inbound.sesWriterRole),
      fn: id(inbound.function.fn),
      fnRole: id(inbound.function.role),
      dlq: id(inbound.deadLetterQueue),
      rawMail: id(stack.storage.rawMailBucket),
      files: id(stack.storage.filesBucket),
      key: id(stack.storage.key),
      table: id(stack.storage.casesTable),
      topic: id(stack.keeper.alarmTopic),
      stateMachine: id(stack.keeper.stateMachine),
      secret: id(stack.publicApi.signingKey),
    },
  };
}

beforeAll(() => {
  built = build();
});

const one = <T>(xs: Record<string, T>): T => {
  const values = Object.values(xs);
  expect(values).toHaveLength(1);
  return values[0]!;
};

/** Every statement of every IAM policy attached to `roleId`. */
function statementsOf(roleId: string): Statement[] {
  return Object.values(built.resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && (r.Properties.Roles as { Ref: string }[]).some((x) => x.Ref === roleId))
    .flatMap((r) => r.Properties.PolicyDocument.Statement as Statement[]);
}
const actionsOf = (s: Statement) => [s.Action].flat();
const ruleSetArn = (ruleSet: string) => ({
  'Fn::Join': ['', ['arn:aws:ses:eu-west-2:', { Ref: 'AWS::AccountId' }, ':receipt-rule-set/', { Ref: ruleSet }, ':receipt-rule/*']],
});

describe('InboundMail: the SES receipt rule', () => {
  it('has one rule set, not dropping spam, with one rule for the DPO address: TLS required, scanning on, enabled', () => {
    one(built.template.findResources('AWS::SES::ReceiptRuleSet'));
    const rule = one(built.template.findResources('AWS::SES::ReceiptRule')) as Resources[string];
    expect(rule.Properties.RuleSetName).toEqual({ Ref: built.ids.ruleSet });
    expect(rule.Properties.Rule).toMatchObject({
      Enabled: true,
      Recipients: [CDK_JSON_CONTEXT['rightsdesk:dpoAddress']],
      ScanEnabled: true,
      TlsPolicy: 'Require',
    });
  });

  it('stores the raw MIME in the raw-mail bucket under inbound/ first, then invokes the function asynchronously', () => {
    const { Actions } = built.resources[built.ids.rule]!.Properties.Rule as { Actions: Record<string, any>[] };
    expect(Actions.map((a) => Object.keys(a)[0])).toEqual(['S3Action', 'LambdaAction']);
    expect(Actions[0]!.S3Action).toEqual({
      BucketName: { Ref: built.ids.rawMail },
      ObjectKeyPrefix: RAW_MAIL_PREFIX,
      // Written as a role, under the bucket's own SSE-KMS; no client-side (KmsKeyArn) encryption.
      IamRoleArn: { 'Fn::GetAtt': [built.ids.writerRole, 'Arn'] },
    });
    expect(Actions[1]!.LambdaAction).toEqual({ FunctionArn: { 'Fn::GetAtt': [built.ids.fn, 'Arn'] }, InvocationType: 'Event' });
    expect(RAW_MAIL_PREFIX).toBe('inbound/');
  });

  it('lets only SES, from this account and this rule set, assume the writer role; the role may only put objects under inbound/', () => {
    const role = built.resources[built.ids.writerRole]!;
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Service: 'ses.amazonaws.com' },
        Condition: {
          StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
          ArnLike: { 'aws:SourceArn': ruleSetArn(built.ids.ruleSet) },
        },
      },
    ]);
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    const statements = statementsOf(built.ids.writerRole);
    expect(statements.map((s) => actionsOf(s).sort())).toEqual([['s3:PutObject'], ['kms:Encrypt', 'kms:GenerateDataKey']]);
    expect(statements[0]!.Resource).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [built.ids.rawMail, 'Arn'] }, '/inbound/*']] });
    expect(statements[1]).toMatchObject({
      Resource: { 'Fn::GetAtt': [built.ids.key, 'Arn'] },
      Condition: { StringEquals: { 'kms:ViaService': 's3.eu-west-2.amazonaws.com' } },
    });
  });

  it('lets only SES, for this account and rule set, invoke the function, and creates the rule after both permissions', () => {
    const permissions = Object.values(
      built.template.findResources('AWS::Lambda::Permission', {
        Properties: { FunctionName: { 'Fn::GetAtt': [built.ids.fn, 'Arn'] } },
      }),
    );
    expect(permissions).toHaveLength(1);
    expect(permissions[0]!.Properties).toEqual({
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [built.ids.fn, 'Arn'] },
      Principal: 'ses.amazonaws.com',
      SourceAccount: { Ref: 'AWS::AccountId' },
      SourceArn: ruleSetArn(built.ids.ruleSet),
    });
    const permissionId = Object.keys(built.template.findResources('AWS::Lambda::Permission', permissions[0]))[0]!;
    expect(built.resources[built.ids.rule]!.DependsOn).toEqual(expect.arrayContaining([permissionId, built.ids.writerRole]));
  });

  it('activates the rule set with a custom resource (SetActiveReceiptRuleSet) and deactivates it on delete', () => {
    const activation = one(built.template.findResources('Custom::AWS')) as Resources[string];
    const call = (json: unknown) => JSON.parse(typeof json === 'string' ? json : JSON.stringify(json)) as Record<string, unknown>;
    const joined = (value: any) =>
      (value['Fn::Join'][1] as unknown[]).map((p) => (typeof p === 'string' ? p : `\${${(p as { Ref: string }).Ref}}`)).join('');
    for (const phase of ['Create', 'Update']) {
      expect(call(joined(activation.Properties[phase]))).toEqual({
        service: '@aws-sdk/client-ses',
        action: 'SetActiveReceiptRuleSet',
        parameters: { RuleSetName: `\${${built.ids.ruleSet}}` },
        physicalResourceId: { id: 'rightsdesk-active-receipt-rule-set' },
      });
    }
    expect(call(activation.Properties.Delete)).toEqual({ service: '@aws-sdk/client-ses', action: 'SetActiveReceiptRuleSet', parameters: {} });
    expect(activation.DependsOn).toContain(built.ids.rule);
    const policies = Object.values(built.template.findResources('AWS::IAM::Policy')).filter((p) =>
      JSON.stringify(p).includes('ses:SetActiveReceiptRuleSet'),
    );
    expect(policies).toHaveLength(1);
    expect(policies[0]!.Properties.PolicyDocument.Statement).toEqual([{ Action: 'ses:SetActiveReceiptRuleSet', Effect: 'Allow', Resource: '*' }]);
  });

  it('verifies the DPO address’s domain for receiving when it is not the sending domain, and outputs the MX record', () => {
    built.template.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: 'icetrak.net',
      DkimAttributes: { SigningEnabled: false },
    });
    built.template.hasOutput('InboundMx', { Value: 'icetrak.net MX 10 inbound-smtp.eu-west-2.amazonaws.com' });
    built.template.hasOutput('InboundDkimRecord1', {});
  });
});

describe('InboundMail: the receive-email function', () => {
  it('runs lambdas/email/receive-email.ts with room for a 40 MB message', () => {
    const fn = built.resources[built.ids.fn]!;
    expect(fn.Properties).toMatchObject({ MemorySize: 1024, Timeout: 60, Handler: 'index.handler' });
    expect(built.stack.inboundMail.function.node.path).toContain('InboundMail');
  });

  it('retries twice, keeps events up to 6 hours, then sends them to the encrypted dead-letter queue', () => {
    built.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: built.ids.fn },
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 21600,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [built.ids.dlq, 'Arn'] } } },
    });
    expect(built.resources[built.ids.dlq]!.Properties).toMatchObject({
      KmsMasterKeyId: { 'Fn::GetAtt': [built.ids.key, 'Arn'] },
      MessageRetentionPeriod: 1209600,
    });
    built.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: built.ids.dlq }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it('alarms on a dead-lettered event and on function errors, notifying the keeper’s alarm topic', () => {
    built.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [built.ids.dlq, 'QueueName'] } }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [{ Ref: built.ids.topic }],
    });
    built.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: built.ids.fn } }],
      Threshold: 1,
      AlarmActions: [{ Ref: built.ids.topic }],
    });
  });

  it('gets the resources and addresses it uses', () => {
    const env = built.resources[built.ids.fn]!.Properties.Environment.Variables as Record<string, unknown>;
    expect(env).toMatchObject({
      RAW_MAIL_BUCKET: { Ref: built.ids.rawMail },
      FILES_BUCKET: { Ref: built.ids.files },
      CASES_TABLE: { Ref: built.ids.table },
      KEEPER_STATE_MACHINE_ARN: { Ref: built.ids.stateMachine },
      SIGNING_KEY_SECRET_ARN: { Ref: built.ids.secret },
      DPO_ADDRESS: CDK_JSON_CONTEXT['rightsdesk:dpoAddress'],
      // The new-request notice of a DKIM-confirmed email goes to the team, not back into this mailbox.
      TEAM_ADDRESS: CDK_JSON_CONTEXT['rightsdesk:teamAddress'],
    });
    expect(env.TEAM_ADDRESS).not.toBe(env.DPO_ADDRESS);
  });

  it('reads raw mail under inbound/ only (no listing), writes files, places legal holds (mail on a held case), and nothing more on the buckets', () => {
    const statements = statementsOf(built.ids.fnRole);
    const on = (bucket: string) =>
      statements
        .filter((s) => JSON.stringify(s.Resource).includes(`"${bucket}"`))
        .flatMap(actionsOf)
        .sort();
    const HOLD = ['s3:GetObjectLegalHold', 's3:ListBucketVersions', 's3:PutObjectLegalHold'];
    expect(on(built.ids.rawMail)).toEqual(['s3:GetObject', ...HOLD].sort());
    const rawMail = statements.filter((s) => JSON.stringify(s.Resource).includes(`"${built.ids.rawMail}"`));
    const underInbound = { 'Fn::Join': ['', [{ 'Fn::GetAtt': [built.ids.rawMail, 'Arn'] }, `/${RAW_MAIL_PREFIX}*`]] };
    // Objects under inbound/ only; the version listing (for the holds) only with the prefix inbound/.
    for (const s of rawMail) {
      if (actionsOf(s).includes('s3:ListBucketVersions')) {
        expect(s.Resource).toEqual({ 'Fn::GetAtt': [built.ids.rawMail, 'Arn'] });
        expect(s.Condition).toEqual({ StringLike: { 's3:prefix': `${RAW_MAIL_PREFIX}*` } });
      } else expect(s.Resource).toEqual(underInbound);
    }
    expect(on(built.ids.files)).toEqual(['s3:AbortMultipartUpload', 's3:PutObject', ...HOLD].sort());
    const all = statements.flatMap(actionsOf);
    expect(all).not.toContain('dynamodb:Scan');
    expect(all).toEqual(expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query', 'states:StartExecution']));
    expect(all.some((a) => a.includes('*'))).toBe(false);
  });

  it('sends mail only from the sender address, and only to its dead-letter queue', () => {
    const statements = statementsOf(built.ids.fnRole);
    const ses = statements.find((s) => actionsOf(s).includes('ses:SendEmail'))!;
    expect(ses.Condition).toEqual({ StringEquals: { 'ses:FromAddress': CDK_JSON_CONTEXT['rightsdesk:senderAddress'] } });
    const sqs = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('sqs:')));
    expect(sqs).toEqual([{ Action: 'sqs:SendMessage', Effect: 'Allow', Resource: { 'Fn::GetAtt': [built.ids.dlq, 'Arn'] } }]);
    const viaSqs = statements.find((s) => JSON.stringify(s.Condition ?? {}).includes('sqs.eu-west-2.amazonaws.com'))!;
    expect(actionsOf(viaSqs).sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
  });
});

describe('InboundMail in the stack', () => {
  it('synthesises without a dependency cycle', () => {
    expect(dependencyCycle(built.template)).toBeUndefined();
  });

  it('has no unacknowledged cdk-nag finding, and a specific reason for each acknowledgement', () => {
    expect(nagFindings(built.stack.inboundMail)).toEqual([]);
    const acks = acknowledgements(built.stack.inboundMail);
    expect(acks.map((a) => a.id).sort()).toEqual(
      [
        'AwsSolutions-IAM5[Resource::*]',
        `AwsSolutions-IAM5[Resource::<${built.ids.files}.Arn>/*]`,
        // The function's legal holds on the files bucket.
        `AwsSolutions-IAM5[Resource::<${built.ids.files}.Arn>/*]`,
        // The SES writer role's and the function's (read and legal holds): all under inbound/ only.
        `AwsSolutions-IAM5[Resource::<${built.ids.rawMail}.Arn>/inbound/*]`,
        `AwsSolutions-IAM5[Resource::<${built.ids.rawMail}.Arn>/inbound/*]`,
        `AwsSolutions-IAM5[Resource::<${built.ids.rawMail}.Arn>/inbound/*]`,
        'AwsSolutions-SQS3',
      ].sort(),
    );
    for (const a of acks) expect(a.reason.length, a.id).toBeGreaterThanOrEqual(80);
  });

  it('takes further recipients (e.g. a forwarding target) and skips the receiving identity when the DPO is at the sending domain', () => {
    const config = parseConfig({
      domain: 'privacy.icetrak.net',
      dpoAddress: 'dpo@privacy.icetrak.net',
      teamAddress: 'dpo-team@icetrak.net',
      senderAddress: 'no-reply@privacy.icetrak.net',
      nation: 'england-and-wales',
      customDomain: false,
    });
    const app = new App({ context: TEST_CONTEXT });
    const stack = new RightsdeskStack(app, 'Other', {
      env: { region: 'eu-west-2' },
      config,
      inboundMail: { recipients: ['dpo@privacy.icetrak.net', 'dpo@inbound.privacy.icetrak.net'] },
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SES::ReceiptRule', {
      Rule: { Recipients: ['dpo@privacy.icetrak.net', 'dpo@inbound.privacy.icetrak.net'] },
    });
    expect(stack.inboundMail.receivingIdentity).toBeUndefined();
    template.resourceCountIs('AWS::SES::EmailIdentity', 1); // the sending identity only
  });

  it('refuses the team address as a recipient: staff notices would loop back into the intake', () => {
    const config = built.stack.config;
    const app = new App({ context: TEST_CONTEXT });
    expect(
      () =>
        new RightsdeskStack(app, 'Looping', {
          env: { region: 'eu-west-2' },
          config,
          inboundMail: { recipients: [config.dpoAddress, config.teamAddress.toUpperCase()] },
        }),
    ).toThrow(/InboundMail: .* is the team address/);
  });
});
