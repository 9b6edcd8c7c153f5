/**
 * The real adapters, each built on first use from the environment variables it needs (a
 * missing one fails the cold start with a clear message) and reused for the life of the
 * execution environment. The contexts' `lambdas/<context>/deps.ts` compose these, so a handler
 * builds, and needs the variables of, only what it uses. Plain function declarations, so
 * esbuild drops every factory (and its SDK client) a handler does not call.
 */
import type { Clock } from '#shared/ports';
import type { RetentionSchedule } from '#domain/retention';
import type { OutboxDeps } from '#shared/core/outbox';
import { readConfig } from '#shared/core/config';
import { newCaseId, newReference } from '#shared/core/ids';
import { dynamoClient, isLocalS3, s3Client, sesClient, sfnClient } from './aws-clients';
import { clockFromEnv } from './clock';
import { DynamoCaseStore } from './dynamo-case-store';
import { DynamoReportStore } from './dynamo-report-store';
import { DynamoAccountHolds } from './dynamo-account-holds';
import { DynamoRetentionReviews } from './dynamo-retention-reviews';
import { DynamoRateLimiter, DynamoSubmissionLedger } from './dynamo-intake-guards';
import { DynamoSessionStore } from './dynamo-session-store';
import { idTokenVerifier, staffTokenVerifier, type IdTokenVerifier, type StaffTokenVerifier } from '#shared/auth/verify';
import { S3BlobStore } from './s3-blob-store';
import { S3CaseObjects } from './s3-case-objects';
import { DynamoTombstones } from './dynamo-tombstones';
import { SesMailer } from './ses-mailer';
import { FetchRecipientApi } from './fetch-recipient-api';
import { recipientTokens } from './recipient-tokens';
import { SfnKeeper } from './sfn-keeper';
import { SfnSearchWorkflow } from './sfn-search-workflow';
import { SfnPlanExecution } from './sfn-plan-execution';
import { DynamoErasureLedger } from './dynamo-erasure-ledger';
import { currentKeyOf, signingKeyRing, verificationKeysOf, type KeyRing, type KeySource, type VerificationKeySource } from './signing-key';

const memo: {
  clock?: Clock;
  retention?: RetentionSchedule;
  table?: ConstructorParameters<typeof DynamoCaseStore>[0];
  cases?: DynamoCaseStore;
  ledger?: DynamoSubmissionLedger;
  limiter?: DynamoRateLimiter;
  mailer?: SesMailer;
  keeper?: SfnKeeper;
  searchWorkflow?: SfnSearchWorkflow;
  planExecution?: SfnPlanExecution;
  erasureLedger?: DynamoErasureLedger;
  keyRing?: KeyRing;
  signingKey?: KeySource;
  verificationKeys?: VerificationKeySource;
  s3?: ReturnType<typeof s3Client>;
  rawMail?: S3BlobStore;
  files?: S3BlobStore;
  reportFiles?: S3BlobStore;
  caseObjects?: S3CaseObjects;
  tombstones?: DynamoTombstones;
  reports?: DynamoReportStore;
  accountHolds?: DynamoAccountHolds;
  retentionReviews?: DynamoRetentionReviews;
  outbox?: OutboxDeps;
  sweep?: OutboxDeps;
  sessions?: DynamoSessionStore;
  staffIssuer?: { issuer: string; clientId: string };
  staffTokens?: StaffTokenVerifier;
  idTokens?: IdTokenVerifier;
} = {};

/** The system clock in AWS; the local stack may run it faster (RIGHTSDESK_TIME_SCALE). */
export function clock(): Clock {
  return (memo.clock ??= clockFromEnv());
}

function casesTable(): ConstructorParameters<typeof DynamoCaseStore>[0] {
  return (memo.table ??= { client: dynamoClient(), tableName: readConfig(['CASES_TABLE']).CASES_TABLE, clock: clock() });
}

export function caseStore(): DynamoCaseStore {
  return (memo.cases ??= new DynamoCaseStore(casesTable()));
}

export function submissionLedger(): DynamoSubmissionLedger {
  return (memo.ledger ??= new DynamoSubmissionLedger(casesTable()));
}

export function rateLimiter(): DynamoRateLimiter {
  return (memo.limiter ??= new DynamoRateLimiter(casesTable()));
}

export function mailer(): SesMailer {
  return (memo.mailer ??= new SesMailer(sesClient(), readConfig(['SENDER_ADDRESS']).SENDER_ADDRESS));
}

export function keeper(): SfnKeeper {
  return (memo.keeper ??= new SfnKeeper(sfnClient(), readConfig(['KEEPER_STATE_MACHINE_ARN']).KEEPER_STATE_MACHINE_ARN));
}

/** The search workflow (issue 14): one execution per search run. */
export function searchWorkflow(): SfnSearchWorkflow {
  return (memo.searchWorkflow ??= new SfnSearchWorkflow(sfnClient(), readConfig(['SEARCH_STATE_MACHINE_ARN']).SEARCH_STATE_MACHINE_ARN));
}

/** The plan execution (issue 15): one execution per attempt at an approved plan. */
export function planExecution(): SfnPlanExecution {
  return (memo.planExecution ??= new SfnPlanExecution(sfnClient(), readConfig(['EXECUTION_STATE_MACHINE_ARN']).EXECUTION_STATE_MACHINE_ARN));
}

/** The erasure ledger (issue 15), in the cases table. */
export function erasureLedger(): DynamoErasureLedger {
  return (memo.erasureLedger ??= new DynamoErasureLedger(casesTable()));
}

function keyRing(): KeyRing {
  return (memo.keyRing ??= signingKeyRing());
}

/** The key new links are signed with (the current one). */
export function signingKey(): KeySource {
  return (memo.signingKey ??= currentKeyOf(keyRing()));
}

/** The keys links verify against: the current and the previous one (rotation overlap). */
export function verificationKeys(): VerificationKeySource {
  return (memo.verificationKeys ??= verificationKeysOf(keyRing()));
}

export function s3(): ReturnType<typeof s3Client> {
  return (memo.s3 ??= s3Client());
}

export function rawMailStore(): S3BlobStore {
  return (memo.rawMail ??= new S3BlobStore(s3(), readConfig(['RAW_MAIL_BUCKET']).RAW_MAIL_BUCKET));
}

export function filesStore(): S3BlobStore {
  return (memo.files ??= new S3BlobStore(s3(), readConfig(['FILES_BUCKET']).FILES_BUCKET));
}

/**
 * A case's objects in the raw-mail and files buckets (issue 13). The one place the S3 flavour is
 * chosen: in AWS the buckets are versioned with Object Lock (every version deleted, legal holds
 * placed); the local stack's s3rver has neither, so there objects are deleted plainly and a legal
 * hold is logged as not placed.
 */
export function caseObjects(): S3CaseObjects {
  return (memo.caseObjects ??= (() => {
    const config = readConfig(['RAW_MAIL_BUCKET', 'FILES_BUCKET']);
    return new S3CaseObjects({
      client: s3(),
      buckets: { rawMail: config.RAW_MAIL_BUCKET, files: config.FILES_BUCKET },
      versioned: !isLocalS3(),
    });
  })());
}

/** Tombstones of expired cases (in the cases table). */
export function tombstones(): DynamoTombstones {
  return (memo.tombstones ??= new DynamoTombstones(casesTable()));
}

/** The reports bucket (REPORTS_BUCKET). */
export function reportFiles(): S3BlobStore {
  return (memo.reportFiles ??= new S3BlobStore(s3(), readConfig(['REPORTS_BUCKET']).REPORTS_BUCKET));
}

/** The deployment's retention schedule (RETENTION_CASE_YEARS, RETENTION_REJECTED_DAYS, RETENTION_ACCOUNTABILITY_YEARS). */
export function retentionSchedule(): RetentionSchedule {
  return (memo.retention ??= (() => {
    const config = readConfig(['RETENTION_CASE_YEARS', 'RETENTION_REJECTED_DAYS', 'RETENTION_ACCOUNTABILITY_YEARS']);
    return {
      caseYears: config.RETENTION_CASE_YEARS,
      rejectedDays: config.RETENTION_REJECTED_DAYS,
      accountabilityYears: config.RETENTION_ACCOUNTABILITY_YEARS,
    };
  })());
}

/** Report records (in the cases table); their TTL from the retention schedule. */
export function reportStore(): DynamoReportStore {
  return (memo.reports ??= new DynamoReportStore({ ...casesTable(), retention: retentionSchedule() }));
}

/** Legal holds on Icetrak's customer accounts (in the cases table); a released hold's TTL from the retention schedule. */
export function accountHolds(): DynamoAccountHolds {
  return (memo.accountHolds ??= new DynamoAccountHolds({ ...casesTable(), retention: retentionSchedule() }));
}

/** Monthly retention reviews of Icetrak's accounts (in the cases table); their TTL from the retention schedule. */
export function retentionReviews(): DynamoRetentionReviews {
  return (memo.retentionReviews ??= new DynamoRetentionReviews({ ...casesTable(), retention: retentionSchedule() }));
}

/** The outbox dispatcher's dependencies (shared/core/outbox.ts): every handler that owes mail sends it with these. */
export function outbox(): OutboxDeps {
  return (memo.outbox ??= (() => {
    const config = readConfig(['DPO_ADDRESS', 'TEAM_ADDRESS', 'PUBLIC_BASE_URL', 'MAIL_DAILY_LIMIT']);
    return {
      cases: caseStore(),
      mailer: mailer(),
      clock: clock(),
      limiter: rateLimiter(),
      signingKey: signingKey(),
      settings: {
        dpoAddress: config.DPO_ADDRESS,
        teamAddress: config.TEAM_ADDRESS,
        publicBaseUrl: config.PUBLIC_BASE_URL,
        mailDailyLimit: Number(config.MAIL_DAILY_LIMIT),
      },
    };
  })());
}

/**
 * The outbox sweep's dependencies: the outbox's, and the recipients' APIs for Art. 19 notices
 * (issue 15), which only the sweep's function may reach (its role alone reads the tokens).
 */
export function sweepOutboxDeps(): OutboxDeps {
  return (memo.sweep ??= { ...outbox(), recipientApi: new FetchRecipientApi(recipientTokens()) });
}

export function sessionStore(): DynamoSessionStore {
  return (memo.sessions ??= new DynamoSessionStore(casesTable()));
}

/** The staff sign-in's issuer and the desk's client id there (STAFF_ISSUER, STAFF_CLIENT_ID). */
export function staffIssuer(): { issuer: string; clientId: string } {
  return (memo.staffIssuer ??= (() => {
    const config = readConfig(['STAFF_ISSUER', 'STAFF_CLIENT_ID']);
    return { issuer: config.STAFF_ISSUER.replace(/\/+$/, ''), clientId: config.STAFF_CLIENT_ID };
  })());
}

/** Verifies staff access tokens; the issuer's keys are fetched once and cached for the environment's life. */
export function staffTokens(): StaffTokenVerifier {
  return (memo.staffTokens ??= staffTokenVerifier(staffIssuer()));
}

export function idTokens(): IdTokenVerifier {
  return (memo.idTokens ??= idTokenVerifier(staffIssuer()));
}

/** New case ids and references. */
export const ids = { caseId: (): string => newCaseId(), reference: (): string => newReference() };
