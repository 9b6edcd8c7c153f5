/**
 * cdk.json sets every feature flag `cdk init app --language typescript` sets for aws-cdk-lib
 * 2.276 (its recommended values, aws-cdk-lib's CURRENTLY_RECOMMENDED_FLAGS). Before that,
 * cdk.json set three of them and CDK used the legacy behaviour for the rest.
 *
 * Adopting them changed these things in the synthesised template, all reviewed as harmless:
 * - the API stage's access-log DestinationArn is the log group's ARN without the trailing ":*"
 *   (@aws-cdk/aws-apigateway:logGroupDestinationArnWithoutWildcard): same log group, an
 *   in-place update of the stage;
 * - since the staff API's Cognito authoriser (issue 11), the API's deployment also depends on the
 *   authoriser, and its logical id hashes it (@aws-cdk/aws-apigateway:authorizerChangeDeploymentLogicalId):
 *   a changed authoriser is deployed to the stage rather than left in the API undeployed. A deployment
 *   is a stateless snapshot: a new one replaces it and the stage moves to it;
 * - CDKMetadata's Analytics string also lists the construct properties used, string values
 *   redacted (@aws-cdk/core:enableAdditionalMetadataCollection); tests never synthesise it.
 *
 * These tests synthesise the stack with cdk.json's context, as `cdk synth` does, and check that
 * what matters did not move: the stateful resources (logical ids, types, removal policies,
 * names, encryption, retention) and permissions.
 */
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { CDK_JSON_CONTEXT, type Resources, type Statement, synthesisedApp, TEST_CONTEXT } from './support';

/**
 * Flags cdk.json sets to something other than the recommended value, each with its reason.
 * None: no recommended flag changes anything that matters in this stack.
 */
const OVERRIDES: Record<string, { value: unknown; why: string }> = {};

/** The flags cdk.json set before it took all the recommended ones. */
const SET_BEFORE = ['@aws-cdk/core:checkSecretUsage', '@aws-cdk/aws-iam:minimizePolicies', '@aws-cdk/core:enablePartitionLiterals'];

/** cdk.json's context as it was before: configuration plus SET_BEFORE, every other flag unset. */
const CONTEXT_BEFORE = Object.fromEntries(
  Object.entries(TEST_CONTEXT).filter(([key]) => !(key in CURRENTLY_RECOMMENDED_FLAGS) || SET_BEFORE.includes(key)),
);

const KEY = 'StorageKeyBAA9457B';
const keyArn = { 'Fn::GetAtt': [KEY, 'Arn'] };

/**
 * The stateful resources as the template had them before the flags, by logical id: a
 * different id or type is a replacement (a new, empty table, bucket, key or log group).
 */
const STATEFUL: Record<string, { type: string; policy: 'Retain' | 'Delete' }> = {
  [KEY]: { type: 'AWS::KMS::Key', policy: 'Retain' },
  // Since retention (issue 13) the table has a stream (StreamSpecification OLD_IMAGE): an update with no interruption,
  // not a replacement (same logical id, type and policies, as this list checks); PITR, keys and indexes are unchanged.
  StorageCasesTable39686587: { type: 'AWS::DynamoDB::Table', policy: 'Retain' },
  StorageAccessLogs96FB524C: { type: 'AWS::S3::Bucket', policy: 'Retain' },
  StorageRawMail6E76FE24: { type: 'AWS::S3::Bucket', policy: 'Retain' },
  StorageFiles48C02C92: { type: 'AWS::S3::Bucket', policy: 'Retain' },
  StorageReports31B47EB2: { type: 'AWS::S3::Bucket', policy: 'Retain' },
  // Secrets Manager keeps a deleted secret for its recovery window; Delete was the policy before the flags too.
  PublicApiSigningKey197DB8C0: { type: 'AWS::SecretsManager::Secret', policy: 'Delete' },
  PublicApiAccessLogsE9C58087: { type: 'AWS::Logs::LogGroup', policy: 'Retain' },
  PublicApiExecutionLogsCB136E3F: { type: 'AWS::Logs::LogGroup', policy: 'Retain' },
  PublicApiWafLogs234BADF1: { type: 'AWS::Logs::LogGroup', policy: 'Retain' },
  PublicApiGetFormLogsFD35271C: { type: 'AWS::Logs::LogGroup', policy: 'Retain' },
  PublicApiGetReceiptLogsCD0CE9F7: { type: 'AWS::Logs::LogGroup', policy: 'Retain' },
  PublicApiGetOpenApiLogsF85923EB: { type: 'AWS::Logs::LogGroup', policy: 'Retain' },
  PublicApiSubmitRequestLogs45C6CEC8: { type: 'AWS::Logs::LogGroup', policy: 'Retain' },
  PublicApiVerifyEmailLogsFBF3258D: { type: 'AWS::Logs::LogGroup', policy: 'Retain' },
  // Added with the outbox (issue 10): the confirm button's function and the outbox sweep.
  PublicApiConfirmEmailLogsB613BC8B: { type: 'AWS::Logs::LogGroup', policy: 'Retain' },
  MailOutboxSweepOutboxLogs87A2CF59: { type: 'AWS::Logs::LogGroup', policy: 'Retain' },
  DeadlineKeeperLogsB5801541: { type: 'AWS::Logs::LogGroup', policy: 'Retain' },
  DeadlineKeeperEvaluateFunctionLogsB43EA178: { type: 'AWS::Logs::LogGroup', policy: 'Retain' },
  DeadlineKeeperActFunctionLogs06E862D2: { type: 'AWS::Logs::LogGroup', policy: 'Retain' },
  DeadlineKeeperSweepFunctionLogs5B5E10C4: { type: 'AWS::Logs::LogGroup', policy: 'Retain' },
  InboundMailReceiveEmailLogs9E26EE24: { type: 'AWS::Logs::LogGroup', policy: 'Retain' },
  InboundMailActivationLogsC7559900: { type: 'AWS::Logs::LogGroup', policy: 'Retain' },
  // Added with the signing key's rotation (after the flags): new, so nothing to replace.
  SigningKeyRotationRotateSigningKeyLogs397FD1E9: { type: 'AWS::Logs::LogGroup', policy: 'Retain' },
  // Added with the DPO desk (issue 11): the desk's and the staff API's functions, new, so nothing to replace.
  ...Object.fromEntries(
    [
      'PublicApiSignInLogs68D77684',
      'PublicApiSignInCallbackLogs33AF994D',
      'PublicApiSignOutLogs4EA1BF46',
      'PublicApiSignedOutLogs4C4F3274',
      'PublicApiDeskQueueLogs3AF5FFE2',
      'PublicApiDeskCaseLogs05226717',
      'PublicApiDeskActLogs0F910BA5',
      'PublicApiDeskNewCaseLogsF93A8E34',
      'PublicApiDeskCreateCaseLogs96C9CE03',
      'PublicApiDeskLetterLogs0995D34A',
      'PublicApiDeskMessageLogs105CB20D',
      'PublicApiDeskAttachmentLogs6B9A57A4',
      'PublicApiListCasesLogsEEFD6FB8',
      'PublicApiGetCaseLogsF6C312C2',
      'PublicApiCreateCaseLogs2B62665E',
      'PublicApiActOnCaseLogs184D3266',
      // The staff user pool's token trigger (StaffSignIn).
      'StaffSignInAddStaffClaimsLogs12A4A100',
      // Added with the compliance reports (issue 12): the desk's and the API's report functions, and the schedules'.
      'PublicApiDeskReportsLogs451C1559',
      'PublicApiDeskRunReportLogsA2BB79A5',
      'PublicApiDeskReportFileLogs68738BD4',
      'PublicApiListReportsLogs2E3FF645',
      'PublicApiRunReportLogsC3FFACBA',
      'PublicApiGetReportFileLogsDA12929D',
      'ComplianceReportsMonthlyReportLogs96415138',
      'ComplianceReportsWeeklyDigestLogsD6902570',
      // Added with retention (issue 13): the purge of expired cases, new, so nothing to replace.
      'RetentionPurgeExpiredLogs8E6D0A5C',
      // Added with the retention review of Icetrak's accounts (issue 13): its schedule, desk and API functions, new.
      'ComplianceReportsReviewAccountsLogs422EFEF2',
      'PublicApiDeskRetentionLogsF58B2A66',
      'PublicApiDeskRunReviewLogs3CD671BC',
      'PublicApiDeskPlaceAccountHoldLogsC0C8F34C',
      'PublicApiDeskReleaseAccountHoldLogsB162D874',
      'PublicApiGetRetentionReviewLogsA51B1728',
      'PublicApiPlaceAccountHoldLogs10FEB43A',
      'PublicApiReleaseAccountHoldLogs3252BB69',
      // Added with the search of Icetrak's systems (issue 14): the workflow's logs and its task functions', new.
      'FulfilmentLogs08B68234',
      'FulfilmentPlanSearchFunctionLogsBC5689AD',
      'FulfilmentSearchAccountsFunctionLogs514AA595',
      'FulfilmentSearchRightsdeskFunctionLogs55E63587',
      'FulfilmentCollectTrafficFunctionLogsA89DC937',
      'FulfilmentRecordSourceFailureFunctionLogs4CFAAF34',
      'FulfilmentFinishSearchFunctionLogsCAC974B9',
      // Added with the access answer (issue 14): its download page and button, and the DPO team's review copy, new.
      'PublicApiGetExportLogsCEDDF39D',
      'PublicApiDownloadExportLogs59FB9AB7',
      'PublicApiDeskExportLogs2A46710E',
      // Added with the processing register in the desk and the staff API (issue 14), new.
      'PublicApiDeskRegisterLogsAA65E5FB',
      'PublicApiGetRegisterLogs83020ED2',
      // Added with the change plan's execution (issue 15): the workflow's logs and its three task functions', new.
      'PlanExecutionLogsBF443EF9',
      'PlanExecutionBeginExecutionFunctionLogs3D2B3DC4',
      'PlanExecutionApplySourceFunctionLogs5CC62DF7',
      'PlanExecutionFinishExecutionFunctionLogsE3E0CD6C',
    ].map((id) => [id, { type: 'AWS::Logs::LogGroup', policy: 'Retain' as const }]),
  ),
  // Issue 14, new: the traffic search's Athena results and (no bucket named in the context) traffic buckets, and
  // Icetrak's account-database secret (Delete, as the signing key's: Secrets Manager keeps it for its recovery window).
  TrafficSearchResultsDE3E0BA5: { type: 'AWS::S3::Bucket', policy: 'Retain' },
  TrafficSearchTraffic65D1DBBE: { type: 'AWS::S3::Bucket', policy: 'Retain' },
  AccountsDbSecretCF8D7EA9: { type: 'AWS::SecretsManager::Secret', policy: 'Delete' },
  // Not data, but API Gateway's account-wide logging role: @aws-cdk/aws-apigateway:disableCloudWatchRole
  // would drop both unless the API asks for them, and execution logging would stop.
  PublicApiCloudWatchRole342EDB59: { type: 'AWS::IAM::Role', policy: 'Retain' },
  PublicApiAccount0A376DB8: { type: 'AWS::ApiGateway::Account', policy: 'Retain' },
};
const STATEFUL_TYPES = [...new Set(Object.values(STATEFUL).map((s) => s.type))].filter((t) => t !== 'AWS::IAM::Role');

/** Log group names and retention before the flags (a name change replaces the group). */
const LOG_GROUPS: Record<string, { retention: number; name?: unknown }> = {
  PublicApiAccessLogsE9C58087: { retention: 90 },
  PublicApiExecutionLogsCB136E3F: {
    retention: 90,
    name: { 'Fn::Join': ['', ['API-Gateway-Execution-Logs_', { Ref: 'PublicApi6461FF4B' }, '/live']] },
  },
  PublicApiWafLogs234BADF1: { retention: 90, name: 'aws-waf-logs-Rightsdesk-PublicApi-8B36DF98' },
  PublicApiGetFormLogsFD35271C: { retention: 365 },
  PublicApiGetReceiptLogsCD0CE9F7: { retention: 365 },
  PublicApiGetOpenApiLogsF85923EB: { retention: 365 },
  PublicApiSubmitRequestLogs45C6CEC8: { retention: 365 },
  PublicApiVerifyEmailLogsFBF3258D: { retention: 365 },
  DeadlineKeeperLogsB5801541: { retention: 365, name: '/aws/vendedlogs/states/Rightsdesk-DeadlineKeeper-763F1488' },
  DeadlineKeeperEvaluateFunctionLogsB43EA178: { retention: 365 },
  DeadlineKeeperActFunctionLogs06E862D2: { retention: 365 },
  DeadlineKeeperSweepFunctionLogs5B5E10C4: { retention: 365 },
  InboundMailReceiveEmailLogs9E26EE24: { retention: 365 },
  InboundMailActivationLogsC7559900: { retention: 365 },
};

type PolicyDocument = { Statement: Statement[] & Array<{ NotAction?: string | string[] }> };

/** Every policy document in the template (trust policies included): [resource id, type, document, identity-based?]. */
function policyDocuments(resources: Resources): Array<[string, string, PolicyDocument, boolean]> {
  return Object.entries(resources).flatMap(([id, r]) => {
    const p = r.Properties ?? {};
    const identity = ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy', 'AWS::IAM::Role', 'AWS::IAM::User', 'AWS::IAM::Group'].includes(r.Type);
    const docs: Array<[string, string, PolicyDocument, boolean]> = [];
    if (p.PolicyDocument) docs.push([id, r.Type, p.PolicyDocument, identity]);
    if (p.KeyPolicy) docs.push([id, r.Type, p.KeyPolicy, false]);
    if (p.AssumeRolePolicyDocument) docs.push([id, r.Type, p.AssumeRolePolicyDocument, false]);
    // Inline IAM policies are a list; a Cognito user pool's Policies is its password policy, no IAM.
    const inlines = Array.isArray(p.Policies) ? (p.Policies as Array<{ PolicyDocument: PolicyDocument }>) : [];
    for (const inline of inlines) docs.push([id, r.Type, inline.PolicyDocument, identity]);
    return docs;
  });
}

const actionsOf = (s: { Action?: string | string[]; NotAction?: string | string[] }) => [s.Action ?? s.NotAction ?? []].flat();
const hasWildcard = (s: { Action?: string | string[]; NotAction?: string | string[] }) =>
  s.NotAction !== undefined || actionsOf(s).some((a) => a.includes('*'));

/** Paths (dotted) at which two JSON values differ; an intrinsic function (Ref, Fn::*) is one value. */
function differences(a: unknown, b: unknown, path = ''): string[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  const isObject = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);
  const isIntrinsic = (v: unknown) => isObject(v) && Object.keys(v as object).some((k) => k === 'Ref' || k.startsWith('Fn::'));
  if (isObject(a) && isObject(b) && !isIntrinsic(a) && !isIntrinsic(b)) {
    const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
    return [...keys].flatMap((k) => differences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], path ? `${path}.${k}` : k));
  }
  return [path];
}

let now: ReturnType<typeof synthesisedApp>;
let before: ReturnType<typeof synthesisedApp>;

// One synthesis per hook: each gets the whole hook timeout.
beforeAll(() => {
  now = synthesisedApp();
});
beforeAll(() => {
  before = synthesisedApp(CONTEXT_BEFORE);
});

describe('cdk.json feature flags', () => {
  it('sets every flag a new aws-cdk-lib 2.276 app gets, at the recommended value unless overridden with a reason', () => {
    for (const [flag, recommended] of Object.entries(CURRENTLY_RECOMMENDED_FLAGS)) {
      expect(CDK_JSON_CONTEXT[flag], flag).toEqual(OVERRIDES[flag]?.value ?? recommended);
    }
    for (const { why } of Object.values(OVERRIDES)) expect(why).not.toBe('');
  });

  it('reach the app the infra tests synthesise, as they reach `cdk synth`', () => {
    for (const flag of Object.keys(CURRENTLY_RECOMMENDED_FLAGS)) {
      expect(now.app.node.tryGetContext(flag), flag).toEqual(CDK_JSON_CONTEXT[flag]);
    }
    // And the comparison below is against the old flags, not the same ones twice.
    expect(before.app.node.tryGetContext('@aws-cdk/aws-apigateway:logGroupDestinationArnWithoutWildcard')).toBeUndefined();
  });
});

/** The logical id of the API's one deployment. */
const deploymentOf = (r: Resources): string => {
  const ids = Object.keys(r).filter((id) => r[id]!.Type === 'AWS::ApiGateway::Deployment');
  expect(ids).toHaveLength(1);
  return ids[0]!;
};

describe('the template under the flags', () => {
  it('differs from the one without them only in the access-log destination ARN form and the deployment that includes the authoriser', () => {
    const [old, current] = [deploymentOf(before.resources), deploymentOf(now.resources)];
    expect(differences(before.template.toJSON(), now.template.toJSON()).sort()).toEqual(
      [
        `Resources.${old}`,
        `Resources.${current}`,
        'Resources.PublicApiDeploymentStagelive1150F140.Properties.AccessLogSetting.DestinationArn',
        'Resources.PublicApiDeploymentStagelive1150F140.Properties.DeploymentId',
      ].sort(),
    );
  });

  it('renames the deployment only to include the staff API authoriser, and points the stage at it', () => {
    const [old, current] = [deploymentOf(before.resources), deploymentOf(now.resources)];
    expect(current).not.toBe(old);
    const authorizers = Object.keys(now.resources).filter((id) => now.resources[id]!.Type === 'AWS::ApiGateway::Authorizer');
    expect(authorizers).toEqual(['PublicApiStaffApiAuthorizerB85BE2BD']);
    const { DependsOn: oldDependsOn, ...oldRest } = before.resources[old]!;
    const { DependsOn: newDependsOn, ...newRest } = now.resources[current]!;
    expect(newRest).toEqual(oldRest);
    expect(newDependsOn).toEqual([...oldDependsOn!, ...authorizers]);
    expect(now.resources.PublicApiDeploymentStagelive1150F140!.Properties.DeploymentId).toEqual({ Ref: current });
  });

  it('still sends the access logs to the same log group', () => {
    const destination = (r: Resources) => r.PublicApiDeploymentStagelive1150F140!.Properties.AccessLogSetting.DestinationArn;
    // Before: "arn:aws:logs:eu-west-2:<account>:log-group:<name>:*"; API Gateway wants the ARN without ":*".
    expect(destination(before.resources)).toEqual({ 'Fn::GetAtt': ['PublicApiAccessLogsE9C58087', 'Arn'] });
    expect(destination(now.resources)).toEqual({
      'Fn::Join': ['', ['arn:aws:logs:eu-west-2:', { Ref: 'AWS::AccountId' }, ':log-group:', { Ref: 'PublicApiAccessLogsE9C58087' }]],
    });
  });

  it('has the same stateful resources, by logical id and type, with the same removal policies', () => {
    const stateful = Object.fromEntries(
      Object.entries(now.resources)
        .filter(([id, r]) => STATEFUL_TYPES.includes(r.Type) || id in STATEFUL)
        .map(([id, r]) => [id, { type: r.Type, deletion: r.DeletionPolicy, replace: (r as { UpdateReplacePolicy?: string }).UpdateReplacePolicy }]),
    );
    expect(stateful).toEqual(Object.fromEntries(Object.entries(STATEFUL).map(([id, s]) => [id, { type: s.type, deletion: s.policy, replace: s.policy }])));
  });

  it('keeps the stateful resources exactly as they were without the flags', () => {
    for (const id of Object.keys(STATEFUL)) expect(now.resources[id], id).toEqual(before.resources[id]);
  });

  it('keeps the table, buckets, secret and log groups encrypted with the data key, and the table recoverable', () => {
    expect(now.resources.StorageCasesTable39686587!.Properties).toMatchObject({
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: keyArn },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true, RecoveryPeriodInDays: 35 },
      DeletionProtectionEnabled: true,
    });
    for (const id of ['StorageRawMail6E76FE24', 'StorageFiles48C02C92', 'StorageReports31B47EB2']) {
      expect(now.resources[id]!.Properties.BucketEncryption.ServerSideEncryptionConfiguration, id).toEqual([
        { BucketKeyEnabled: true, ServerSideEncryptionByDefault: { KMSMasterKeyID: keyArn, SSEAlgorithm: 'aws:kms' } },
      ]);
    }
    // S3 server access logs cannot go to an SSE-KMS bucket.
    expect(now.resources.StorageAccessLogs96FB524C!.Properties.BucketEncryption.ServerSideEncryptionConfiguration).toEqual([
      { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
    ]);
    for (const id of Object.keys(STATEFUL).filter((id) => STATEFUL[id]!.type === 'AWS::S3::Bucket')) {
      expect(now.resources[id]!.Properties.PublicAccessBlockConfiguration, id).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      // Athena's results are read once and expire after a day: no versions to keep (infra/traffic-search.ts).
      if (id === 'TrafficSearchResultsDE3E0BA5') continue;
      expect(now.resources[id]!.Properties.VersioningConfiguration, id).toEqual({ Status: 'Enabled' });
    }
    expect(now.resources.PublicApiSigningKey197DB8C0!.Properties.KmsKeyId).toEqual(keyArn);
  });

  it('keeps every log group’s name, encryption and retention', () => {
    for (const [id, { retention, name }] of Object.entries(LOG_GROUPS)) {
      const props = now.resources[id]!.Properties;
      expect({ name: props.LogGroupName, key: props.KmsKeyId, retention: props.RetentionInDays }, id).toEqual({
        name,
        key: keyArn,
        retention,
      });
    }
  });

  it('grants no wildcard action in any IAM (identity) policy', () => {
    const wildcards = policyDocuments(now.resources)
      .filter(([, , , identity]) => identity)
      .flatMap(([id, , doc]) => doc.Statement.filter(hasWildcard).map((s) => `${id}: ${actionsOf(s).join(', ')}`));
    expect(wildcards).toEqual([]);
  });

  it('has the same wildcard statements in resource policies as without the flags, allowing only on the key', () => {
    const wildcards = (r: Resources) =>
      policyDocuments(r)
        .filter(([, , , identity]) => !identity)
        .flatMap(([id, type, doc]) => doc.Statement.filter(hasWildcard).map((s) => ({ id, type, ...s })));
    expect(wildcards(now.resources)).toEqual(wildcards(before.resources));
    // Deny wildcards are the TLS-only statements; Allow wildcards only in the key policy (account root and the logs services).
    for (const s of wildcards(now.resources).filter((s) => s.Effect === 'Allow')) {
      expect(s.type, JSON.stringify(s)).toBe('AWS::KMS::Key');
      expect(s.Principal, JSON.stringify(s)).not.toEqual('*');
      expect(s.Principal, JSON.stringify(s)).not.toEqual({ AWS: '*' });
    }
  });

  it('has the same IAM policy statements as without the flags', () => {
    const statements = (r: Resources) => policyDocuments(r).map(([id, type, doc]) => [id, type, doc.Statement]);
    expect(statements(now.resources)).toEqual(statements(before.resources));
  });
});
