/**
 * Compliance reports (issue 12): how long the monthly report of a month of 1,000 cases takes, and
 * how many DynamoDB read units it costs, in a table of 10,000 cases and in one twenty times larger
 * (200,000). The larger table is more history at the same rate (1,000 cases a month), which is how
 * a real table grows. The report reads by index (received in the month, closed in the period,
 * overdue now) and takes earlier months' trend points from the bucket, so both figures should
 * follow the month, not the table: the ratio of the two tables' figures should be near 1.
 *
 * Each table is measured twice: with no earlier reports (the eleven earlier months' trend points
 * are computed from the indexes), and in the steady state, where the schedule has made each
 * earlier month's report (each stores its month's trend point, which later reports read).
 * Read units are DynamoDB's own count: every read asks for ReturnConsumedCapacity, and dynalite
 * answers it as DynamoDB would (4 KB units; eventually consistent reads at half a unit).
 *
 * The real use case with the real adapters on dynalite, s3rver and aws-ses-v2-local; rendering
 * (vega-lite charts, the HTML, the CSV) is included in the time.
 */
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { DynamoCaseStore } from '#adapters/dynamo-case-store';
import { DynamoReportStore } from '#adapters/dynamo-report-store';
import { DynamoRetentionReviews } from '#adapters/dynamo-retention-reviews';
import { DynamoTombstones } from '#adapters/dynamo-tombstones';
import { S3BlobStore } from '#adapters/s3-blob-store';
import { SesMailer } from '#adapters/ses-mailer';
import { monthsEndingWith } from '#domain/report-period';
import {
  createCasesTable,
  localDynamoClient,
  localS3Client,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  startDynamo,
  startS3,
  startSes,
} from '#infra/local/emulators';
import { generateCases, writeCases } from '#infra/tools/case-generator';
import { logger } from '#shared/core/log';
import type { Clock } from '#shared/ports';
import { runReport, type ReportDeps } from '#shared/reports/run';
import { reportCsv } from '#shared/templates/report-csv';
import { renderReportHtml } from '#shared/templates/report-html';
import { reportMail } from '#shared/templates/report-mail';

const MONTH = '2026-10';
const PER_MONTH = 1_000;
const SIZES = [10_000, 200_000];
const WARM_RUNS = 5;
const NOW = new Date('2026-12-02T07:00:00.000Z');

const f = (n: number, d = 1) => n.toFixed(d);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Measure {
  ms: number;
  rcu: number;
  queries: number;
  gets: number;
}

async function measureTable(total: number): Promise<{ cold: Measure; warm: Measure; seedSeconds: number }> {
  const [dynamo, s3, ses] = await Promise.all([startDynamo(), startS3({ buckets: ['reports'] }), startSes()]);
  try {
    const client = localDynamoClient(dynamo.url);
    const tally = { rcu: 0, queries: 0, gets: 0 };
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as Record<string, unknown>;
        const command = String(context.commandName);
        if (command === 'QueryCommand' || command === 'GetItemCommand') input.ReturnConsumedCapacity = 'TOTAL';
        const out = await next(args);
        const consumed = (out.output as { ConsumedCapacity?: { CapacityUnits?: number } }).ConsumedCapacity;
        tally.rcu += consumed?.CapacityUnits ?? 0;
        if (command === 'QueryCommand') tally.queries += 1;
        if (command === 'GetItemCommand') tally.gets += 1;
        return out;
      },
      { step: 'initialize', name: 'countReads' },
    );
    const tableName = 'bench-cases';
    await createCasesTable(client, tableName);
    const clock: Clock = { now: () => NOW };
    const cases = new DynamoCaseStore({ client, tableName, clock });

    // The month, and as many months before it as make up the table, 1,000 cases each.
    const t0 = performance.now();
    const months = monthsEndingWith(MONTH, total / PER_MONTH);
    for (const month of months) {
      await writeCases(cases, generateCases({ month, count: PER_MONTH, seed: 1, asOf: NOW.toISOString() }), { bulk: true });
    }
    const seedSeconds = (performance.now() - t0) / 1000;

    const deps: ReportDeps = {
      cases,
      reports: new DynamoReportStore({ client, tableName }),
      tombstones: new DynamoTombstones({ client, tableName }),
      retentionReviews: new DynamoRetentionReviews({ client, tableName }),
      files: new S3BlobStore(localS3Client(s3.url), 'reports'),
      mailer: new SesMailer(new SESv2Client({ endpoint: ses.url, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS }), 'rightsdesk@icetrak.net'),
      clock,
      render: { html: renderReportHtml, csv: reportCsv, mail: reportMail },
      settings: { teamAddress: 'team@icetrak.net', publicBaseUrl: 'https://rights.icetrak.net', nation: 'england-and-wales' },
    };
    const once = async (): Promise<Measure> => {
      const before = { ...tally };
      const started = performance.now();
      const run = await runReport(deps, { kind: 'monthly', period: MONTH, by: 'system' });
      if (run.figures.kind !== 'monthly' || run.figures.headline.received === 0) throw new Error('The report found no cases.');
      return { ms: performance.now() - started, rcu: tally.rcu - before.rcu, queries: tally.queries - before.queries, gets: tally.gets - before.gets };
    };
    const cold = await once();
    // The steady state: each of the eleven months before has had its report (untimed).
    for (const month of monthsEndingWith(MONTH, 12).slice(0, -1)) await runReport(deps, { kind: 'monthly', period: month, by: 'system' });
    const warmRuns: Measure[] = [];
    for (let i = 0; i < WARM_RUNS; i++) warmRuns.push(await once());
    const warm = {
      ms: median(warmRuns.map((m) => m.ms)),
      rcu: median(warmRuns.map((m) => m.rcu)),
      queries: median(warmRuns.map((m) => m.queries)),
      gets: median(warmRuns.map((m) => m.gets)),
    };
    client.destroy();
    return { cold, warm, seedSeconds };
  } finally {
    await Promise.all([dynamo.close(), s3.close(), ses.close()]);
  }
}

export default async function bench(): Promise<void> {
  logger.setLogLevel('WARN'); // the use case logs each report it makes
  const results: Array<{ total: number; cold: Measure; warm: Measure }> = [];
  for (const total of SIZES) {
    const r = await measureTable(total);
    results.push({ total, ...r });
    const line = (label: string, m: Measure) => `  ${label}: ${f(m.ms, 0)} ms, ${f(m.rcu)} read units (${m.queries} Query, ${m.gets} GetItem, 0 Scan)`;
    console.log(
      `table of ${total.toLocaleString('en-GB')} cases (seeded in ${f(r.seedSeconds)} s), report for ${MONTH} (${PER_MONTH.toLocaleString('en-GB')} cases):`,
    );
    console.log(line('no earlier reports (11 trend points computed)', r.cold));
    console.log(line(`steady state: earlier months reported (median of ${WARM_RUNS})`, r.warm));
  }
  const [small, large] = results;
  if (small && large) {
    console.log(
      `ratio ${large.total / small.total}× table: steady time ${f(large.warm.ms / small.warm.ms, 2)}, steady read units ${f(large.warm.rcu / small.warm.rcu, 2)}; ` +
        `no-earlier-reports time ${f(large.cold.ms / small.cold.ms, 2)}, read units ${f(large.cold.rcu / small.cold.rcu, 2)}`,
    );
  }
}
