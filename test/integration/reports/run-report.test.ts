/**
 * Making reports on the emulators (issue 12): the worked example's cases in dynalite, the files in
 * s3rver, the team's mail through aws-ses-v2-local, and a fixed clock (the report's "today").
 * Checks what is stored and where, that the figures are the hand-computed ones, that the team is
 * mailed once per period, that scheduled runs make what is due and catch up what was missed, and
 * that the cases are read by index only (every DynamoDB call is recorded: no Scan).
 */
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoCaseStore } from '#adapters/dynamo-case-store';
import { DynamoReportStore } from '#adapters/dynamo-report-store';
import { DynamoRetentionReviews } from '#adapters/dynamo-retention-reviews';
import { DynamoTombstones } from '#adapters/dynamo-tombstones';
import { S3BlobStore } from '#adapters/s3-blob-store';
import { SesMailer } from '#adapters/ses-mailer';
import type { MonthlyFigures } from '#domain/report-figures';
import { LOCAL_CREDENTIALS, LOCAL_REGION, localS3Client, startS3, startSes, type Running } from '#infra/local/emulators';
import type { Clock } from '#shared/ports';
import { runReport, runScheduledReport, trendKey, type ReportDeps } from '#shared/reports/run';
import { reportCsv } from '#shared/templates/report-csv';
import { renderReportHtml } from '#shared/templates/report-html';
import { reportMail } from '#shared/templates/report-mail';
import { useDynamo } from '#test/support/emulators';
import { emailsTo } from '#test/support/http';
import { build, novemberCases } from '#test/support/report-cases';

const dynamo = useDynamo();
const BUCKET = 'reports-test';
const TEAM = 'dpo-team@icetrak.net';
let s3: Running;
let ses: Running;
let now = new Date('2026-12-02T07:00:00.000Z');
const clock: Clock = { now: () => now };
const calls: string[] = [];
let deps: ReportDeps;
let files: S3BlobStore;

function depsWith(mailer: SesMailer): ReportDeps {
  const cases = new DynamoCaseStore({ client: dynamo.client, tableName: dynamo.tableName, clock });
  return {
    cases,
    reports: new DynamoReportStore({ client: dynamo.client, tableName: dynamo.tableName }),
    tombstones: new DynamoTombstones({ client: dynamo.client, tableName: dynamo.tableName }),
    retentionReviews: new DynamoRetentionReviews({ client: dynamo.client, tableName: dynamo.tableName }),
    files,
    mailer,
    clock,
    render: { html: renderReportHtml, csv: reportCsv, mail: reportMail },
    settings: { teamAddress: TEAM, publicBaseUrl: 'https://rights.icetrak.net', nation: 'england-and-wales' },
  };
}

beforeAll(async () => {
  [s3, ses] = await Promise.all([startS3({ buckets: [BUCKET] }), startSes()]);
  files = new S3BlobStore(localS3Client(s3.url), BUCKET);
  // Record every DynamoDB command the report makes.
  dynamo.client.middlewareStack.add(
    (next, context) => async (args) => {
      calls.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize', name: 'recordCommands' },
  );
  deps = depsWith(new SesMailer(new SESv2Client({ endpoint: ses.url, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS }), 'rightsdesk@icetrak.net'));
  const store = deps.cases as DynamoCaseStore;
  for (const { case: c, entries } of Object.values(novemberCases())) {
    const [first, ...rest] = entries;
    await store.create(c, first!, ...rest);
  }
}, 60_000);
afterAll(async () => {
  await Promise.all([s3?.close(), ses?.close()]);
});

const figuresOf = async (key: string) => JSON.parse((await files.get(key)).toString('utf8')) as MonthlyFigures;

describe('runReport', () => {
  it('makes November’s report from the indexes: files under reports/2026/11/, the hand-computed figures, the team mailed once', async () => {
    calls.length = 0;
    const run = await runReport(deps, { kind: 'monthly', period: '2026-11', by: 'staff:dpo.lead@icetrak.net' });
    expect(run.record.keys).toEqual({
      html: 'reports/2026/11/monthly-2026-11/report.html',
      csv: 'reports/2026/11/monthly-2026-11/cases.csv',
      json: 'reports/2026/11/monthly-2026-11/figures.json',
    });
    expect(calls).not.toContain('ScanCommand');
    expect(calls.filter((c) => c === 'QueryCommand').length).toBeGreaterThan(0);

    const f = await figuresOf(run.record.keys.json);
    expect(f.headline).toEqual({ received: 7, closed: 7, answered: 6, onTimeRate: 5 / 6, medianDays: 22, overdueNow: 1, complaintsReceived: 1 });
    expect(f.overdue.map((r) => r.reference)).toEqual(['RD-PPPPPP']);
    expect(f.trend).toHaveLength(12);
    expect(f.trend.at(-1)).toEqual({ month: '2026-11', received: 7, answered: 6, onTime: 5, onTimeRate: 5 / 6 });
    expect(f.trend.at(-2)).toEqual({ month: '2026-10', received: 4, answered: 0, onTime: 0, onTimeRate: null }); // A H P J, and none answered in October

    const csv = (await files.get(run.record.keys.csv)).toString('utf8');
    expect(csv.trim().split(/\r?\n/)).toHaveLength(1 + 11);
    for (const secret of ['Grace', 'Hopper', '@example.org', 'Secret Lane']) expect(csv).not.toContain(secret);
    const html = (await files.get(run.record.keys.html)).toString('utf8');
    expect(html).toContain('<svg');

    expect(run.mailed).toBe(true);
    const mail = await emailsTo(ses.url, TEAM);
    expect(mail).toHaveLength(1);
    expect(JSON.stringify(mail[0])).toContain('https://rights.icetrak.net/desk/reports/monthly-2026-11/report.html');
    expect(JSON.stringify(mail[0])).not.toContain('RD-');
  });

  it('a re-run replaces the same report and does not mail the team again', async () => {
    const again = await runReport(deps, { kind: 'monthly', period: '2026-11', by: 'system' });
    expect(again.record.runs).toBe(2);
    expect(again.mailed).toBe(false);
    expect(await emailsTo(ses.url, TEAM)).toHaveLength(1);
    const listed = await deps.reports.list({ limit: 10 });
    expect(listed.reports.map((r) => r.id)).toEqual(['monthly-2026-11']);
  });

  it('refuses a period that is not one, or has not started', async () => {
    await expect(runReport(deps, { kind: 'monthly', period: '2026-13', by: 'system' })).rejects.toMatchObject({ name: 'ValidationError' });
    await expect(runReport(deps, { kind: 'weekly', period: '2026-W54', by: 'system' })).rejects.toMatchObject({ name: 'ValidationError' });
    await expect(runReport(deps, { kind: 'monthly', period: '2027-01', by: 'system' })).rejects.toMatchObject({
      name: 'ValidationError',
      fields: { period: 'January 2027 has not started yet.' },
    });
  });

  it('takes an earlier month’s trend point from that month’s own report, and computes (never stores) the others', async () => {
    await files.put(trendKey('2026-09'), JSON.stringify({ month: '2026-09', received: 999, answered: 9, onTime: 9, onTimeRate: 1 }));
    const run = await runReport(deps, { kind: 'monthly', period: '2026-11', by: 'system' });
    const f = run.figures as MonthlyFigures;
    expect(f.trend.find((p) => p.month === '2026-09')?.received).toBe(999);
    expect(f.trend.find((p) => p.month === '2026-08')?.received).toBe(0);
    await expect(files.get(trendKey('2026-08'))).rejects.toMatchObject({ name: 'BlobNotFoundError' });
  });

  it('a request logged late for a past month counts once that month’s report is run again, and the team is told the numbers changed', async () => {
    await runReport(deps, { kind: 'monthly', period: '2026-10', by: 'system' });
    const late = build('RD-QQQQQQ', { rights: ['access'], channel: 'post', receivedOn: '2026-10-30' });
    await (deps.cases as DynamoCaseStore).create(late.case, late.entries[0]!);
    const before = (await runReport(deps, { kind: 'monthly', period: '2026-11', by: 'system' })).figures as MonthlyFigures;
    expect(before.trend.find((p) => p.month === '2026-10')?.received).toBe(4); // October's report, made before the letter was logged
    const october = await runReport(deps, { kind: 'monthly', period: '2026-10', by: 'staff:dpo.lead@icetrak.net' });
    const after = (await runReport(deps, { kind: 'monthly', period: '2026-11', by: 'system' })).figures as MonthlyFigures;
    expect(after.trend.find((p) => p.month === '2026-10')?.received).toBe(5);
    // October's numbers changed, so the team hears of it again, once. So did November's: the letter, due 30 November, is
    // overdue now (1 → 2) — told once, by the first re-run that saw it; the re-run after that changed nothing.
    expect(october.mailed).toBe(true);
    const subjects = (await emailsTo(ses.url, TEAM)).map((m) => m.subject);
    expect(subjects.filter((s) => s === 'Rightsdesk monthly report: October 2026 (updated)')).toHaveLength(1);
    expect(subjects.filter((s) => s === 'Rightsdesk monthly report: November 2026 (updated)')).toHaveLength(1);
    expect(after.headline.overdueNow).toBe(2);
  });
});

describe('runScheduledReport', () => {
  it('makes the monthly report from the first working day, once; a bank holiday and a weekend wait', async () => {
    // 1 January 2027 is a bank holiday, then a weekend: December's report is due on Monday 4 January.
    now = new Date('2027-01-01T07:00:00.000Z');
    expect(await runScheduledReport(deps, 'monthly')).toEqual({ did: 'nothing-due' });
    now = new Date('2027-01-03T07:00:00.000Z');
    expect(await runScheduledReport(deps, 'monthly')).toEqual({ did: 'nothing-due' });
    now = new Date('2027-01-04T07:00:00.000Z');
    expect(await runScheduledReport(deps, 'monthly')).toEqual({ id: 'monthly-2026-12', did: 'made' });
    now = new Date('2027-01-05T07:00:00.000Z');
    expect(await runScheduledReport(deps, 'monthly')).toEqual({ id: 'monthly-2026-12', did: 'already-made' });
    const mail = await emailsTo(ses.url, TEAM);
    expect(mail.map((m) => m.subject)).toContain('Rightsdesk monthly report: December 2026');
  });

  it('a digest whose mail failed is mailed by the next day’s run, not made again', async () => {
    now = new Date('2027-01-11T07:00:00.000Z'); // Monday of 2027-W02
    // SES unreachable (a closed port): the report is stored, the mail stays owed.
    const down = depsWith(
      new SesMailer(
        new SESv2Client({ endpoint: 'http://127.0.0.1:9', region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 }),
        'rightsdesk@icetrak.net',
      ),
    );
    expect(await runScheduledReport(down, 'weekly')).toEqual({ id: 'weekly-2027-W02', did: 'made' });
    expect((await deps.reports.find('weekly-2027-W02'))?.mailedAt).toBeUndefined();
    // The lease of the failed attempt has to run out (5 minutes) before anyone tries again.
    now = new Date('2027-01-12T07:00:00.000Z');
    expect(await runScheduledReport(deps, 'weekly')).toEqual({ id: 'weekly-2027-W02', did: 'mailed' });
    expect((await deps.reports.find('weekly-2027-W02'))?.runs).toBe(1);
    expect(await runScheduledReport(deps, 'weekly')).toEqual({ id: 'weekly-2027-W02', did: 'already-made' });
    const subjects = (await emailsTo(ses.url, TEAM)).map((m) => m.subject);
    expect(subjects.filter((s) => s.startsWith('Rightsdesk weekly digest: week 2 of 2027'))).toHaveLength(1);
  });
});
