/**
 * Reports still count purged cases, and show the month's retention review (issue 13), on the local
 * stack: November's cases are closed and reported; then some expire and go through the TTL sweep
 * (the real purge handler, which writes their tombstones); the month re-reported gives the same
 * closed figures, each case once (a tombstone of a case still stored is not counted again). The
 * report reads tombstones from the queue index's TOMBSTONES partition by closing instant (no Scan),
 * and the stored retention review of its month through the RetentionReviewReader port.
 */
import { UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoCaseStore } from '#adapters/dynamo-case-store';
import { DynamoReportStore } from '#adapters/dynamo-report-store';
import { DynamoRetentionReviews } from '#adapters/dynamo-retention-reviews';
import { DynamoTombstones } from '#adapters/dynamo-tombstones';
import { S3BlobStore } from '#adapters/s3-blob-store';
import type { Case } from '#domain/case';
import type { MonthlyFigures } from '#domain/report-figures';
import { tombstoneOf } from '#domain/tombstone';
import { localDynamoClient, localS3Client } from '#infra/local/emulators';
import { LOCAL_RESOURCES, startLocalStack, type LocalStack } from '#infra/local/stack';
import type { Clock } from '#shared/ports';
import { runReport, type ReportDeps } from '#shared/reports/run';
import { reportCsv } from '#shared/templates/report-csv';
import { renderReportHtml } from '#shared/templates/report-html';
import { reportMail } from '#shared/templates/report-mail';
import { aCase, anEntry } from '#test/support/cases';

const TABLE = LOCAL_RESOURCES.casesTable;
let stack: LocalStack;
let dynamo: DynamoDBClient;
let cases: DynamoCaseStore;
let tombstones: DynamoTombstones;
let reviews: DynamoRetentionReviews;
let files: S3BlobStore;
let deps: ReportDeps;
const clock: Clock = { now: () => new Date('2026-12-02T07:00:00.000Z') };
const queried: string[] = [];

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, sesPort: 0, oidcPort: 0, memory: true, ttlSweepSeconds: 3600, outboxSweepSeconds: 3600, log: () => undefined });
  dynamo = localDynamoClient(stack.urls.dynamodb);
  dynamo.middlewareStack.add(
    (next, context) => async (args) => {
      queried.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize', name: 'recordCommands' },
  );
  cases = new DynamoCaseStore({ client: dynamo, tableName: TABLE, clock });
  tombstones = new DynamoTombstones({ client: dynamo, tableName: TABLE });
  reviews = new DynamoRetentionReviews({ client: dynamo, tableName: TABLE });
  files = new S3BlobStore(localS3Client(stack.urls.s3), LOCAL_RESOURCES.reportsBucket);
  deps = {
    cases,
    tombstones,
    retentionReviews: reviews,
    reports: new DynamoReportStore({ client: dynamo, tableName: TABLE }),
    files,
    mailer: { send: async () => 'not-sent' },
    clock,
    render: { html: renderReportHtml, csv: reportCsv, mail: reportMail },
    settings: { teamAddress: 'dpo-team@icetrak.net', publicBaseUrl: 'https://rights.icetrak.net', nation: 'england-and-wales' },
  };
});
afterAll(async () => {
  dynamo?.destroy();
  await stack?.stop();
});

const inAYear = () => Math.floor(Date.now() / 1000) + 365 * 86_400;

/** A November case closed on `day` with `outcome`, kept (for now) a year. */
async function closedCase(day: string, outcome: Case['outcome'], over: Partial<Case> = {}): Promise<Case> {
  const c = aCase({
    status: 'closed',
    outcome,
    closedAt: `2026-11-${day}T10:00:00.000Z`,
    respondedOn: `2026-11-${day}`,
    expiresAt: inAYear(),
    ...over,
  });
  await cases.create(c, anEntry('RequestReceived'));
  return c;
}

const report = async () => (await runReport(deps, { kind: 'monthly', period: '2026-11', by: 'system' })).figures as MonthlyFigures;
const closedFigures = (f: MonthlyFigures) => ({
  headline: { closed: f.headline.closed, answered: f.headline.answered, onTimeRate: f.headline.onTimeRate, medianDays: f.headline.medianDays },
  byRight: f.byRight.map((r) => ({
    right: r.right,
    closed: r.closed,
    closedOnTime: r.closedOnTime,
    closedLate: r.closedLate,
    days: r.days,
    workingDays: r.workingDays,
  })),
  refusals: f.refusals,
  unverifiedClosures: f.unverifiedClosures,
  histogram: f.histogram,
  // The month's trend point as answered (closed) figures; "received" counts stored cases only (docs/retention.md).
  trend: { answered: f.trend.at(-1)?.answered, onTime: f.trend.at(-1)?.onTime, onTimeRate: f.trend.at(-1)?.onTimeRate },
  closedRows: f.rows.filter((r) => r.closedInPeriod).map((r) => [r.reference, r.timeliness, r.daysToRespond]),
});

describe('a month re-reported after some of its cases were purged', () => {
  let before: MonthlyFigures;
  let purged: Case[];
  let kept: Case[];

  it('November’s report counts its closed cases, and says plainly that no retention review is stored yet', async () => {
    purged = [
      await closedCase('10', 'completed'),
      await closedCase('20', 'refused', { refusalGround: 'manifestly-excessive', rights: ['access', 'erasure'] }),
      await closedCase('25', 'closed_unverified', { rights: ['erasure'] }),
    ];
    kept = [await closedCase('12', 'completed'), await closedCase('28', 'partially_completed', { rights: ['portability'] })];
    before = await report();
    expect(before.headline.closed).toBe(5);
    expect(before.purgedClosed).toBe(0);
    expect(before.retentionReview).toBeNull();
    const html = (await files.get('reports/2026/11/monthly-2026-11/report.html')).toString('utf8');
    expect(html).toContain('No retention review of November 2026 was stored when this report was made.');
  });

  it('three expire and go through the TTL sweep: the re-run gives the same closed figures, counting them from their tombstones', async () => {
    for (const c of purged) {
      await dynamo.send(
        new UpdateItemCommand({
          TableName: TABLE,
          Key: { pk: { S: `CASE#${c.id}` }, sk: { S: 'CASE' } },
          UpdateExpression: 'SET expiresAt = :past',
          ExpressionAttributeValues: { ':past': { N: String(Math.floor(Date.now() / 1000) - 60) } },
        }),
      );
    }
    const swept = await stack.ttlSweeper.sweepOnce();
    expect(swept).toMatchObject({ deleted: 3, removedFailed: 0 });
    for (const c of purged) {
      expect(await cases.find(c.id)).toBeUndefined();
      expect(await tombstones.find(c.id)).toMatchObject({ reference: c.reference, outcome: c.outcome, closedAt: c.closedAt });
    }
    expect((await tombstones.listClosedBetween('2026-11-01T00:00:00.000Z', '2026-11-30T23:59:59.999Z')).map((t) => t.reference).sort()).toEqual(
      purged.map((c) => c.reference).sort(),
    );

    queried.length = 0;
    const after = await report();
    expect(queried).not.toContain('ScanCommand');
    expect(closedFigures(after)).toEqual(closedFigures(before));
    expect(after.headline.closed).toBe(5);
    expect(after.refusals.count).toBe(1);
    expect(after.unverifiedClosures).toBe(1);
    expect(after.purgedClosed).toBe(3);
  });

  it('a case and its tombstone are never both counted', async () => {
    const stillStored = kept[0]!;
    await tombstones.put(tombstoneOf(stillStored, { expiredAt: new Date().toISOString(), purgedAt: new Date().toISOString(), objectsDeleted: 0 }));
    const again = await report();
    expect(closedFigures(again)).toEqual(closedFigures(before));
    expect(again.purgedClosed).toBe(3);
    expect(again.rows.filter((r) => r.reference === stillStored.reference)).toHaveLength(1);
  });

  it('shows the month’s stored retention review: accounts due, accounts held, the holds’ reasons counted', async () => {
    await reviews.save({
      month: '2026-11',
      closedFrom: '2019-11-01',
      closedTo: '2019-11-30',
      generatedAt: '2026-12-01T06:30:00.000Z',
      by: 'system',
      due: [
        { accountId: 'ACC-1', name: 'Alpha Ltd', closedOn: '2019-11-03', keptUntil: '2026-11-03' },
        { accountId: 'ACC-2', name: 'Beta Ltd', closedOn: '2019-11-09', keptUntil: '2026-11-09' },
      ],
      held: [
        {
          accountId: 'ACC-3',
          name: 'Gamma Ltd',
          closedOn: '2019-11-10',
          keptUntil: '2026-11-10',
          reason: 'HMRC enquiry <2026>',
          since: '2026-01-05',
          reviewOn: null,
        },
        {
          accountId: 'ACC-4',
          name: 'Delta Ltd',
          closedOn: '2019-11-11',
          keptUntil: '2026-11-11',
          reason: 'HMRC enquiry <2026>',
          since: '2026-01-05',
          reviewOn: null,
        },
        {
          accountId: 'ACC-4',
          name: 'Delta Ltd',
          closedOn: '2019-11-11',
          keptUntil: '2026-11-11',
          reason: 'Claim by the customer',
          since: '2026-02-01',
          reviewOn: null,
        },
      ],
    });
    const f = await report();
    expect(f.retentionReview).toEqual({
      month: '2026-11',
      generatedAt: '2026-12-01T06:30:00.000Z',
      due: 2,
      held: 2,
      heldReasons: [
        { reason: 'HMRC enquiry <2026>', accounts: 2 },
        { reason: 'Claim by the customer', accounts: 1 },
      ],
    });
    const stored = JSON.parse((await files.get('reports/2026/11/monthly-2026-11/figures.json')).toString('utf8')) as MonthlyFigures;
    expect(stored.retentionReview).toEqual(f.retentionReview);
    const html = (await files.get('reports/2026/11/monthly-2026-11/report.html')).toString('utf8');
    expect(html).toContain('Retention review of Icetrak accounts');
    expect(html).toContain('Accounts due for deletion');
    expect(html).toContain('HMRC enquiry &lt;2026&gt;');
    expect(html).not.toContain('No retention review of November 2026');
    for (const name of ['ACC-1', 'Alpha Ltd', 'Gamma Ltd']) expect(html).not.toContain(name);
  });
});
