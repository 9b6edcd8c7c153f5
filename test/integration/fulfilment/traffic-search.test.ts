/**
 * The traffic search end to end on the local parts: generated Parquet traffic uploaded to s3rver,
 * a run's identifiers file written through the BlobStore, the workflow's query text run by
 * athena-local (DuckDB over the folders backing s3rver), the results CSV read back from the results
 * bucket and turned into records. Cara's messages from both customers are found, and only hers;
 * another run, or a number without traffic, finds nothing of hers.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3BlobStore } from '#adapters/s3-blob-store';
import { createAthenaLocal, type AthenaLocal } from '#infra/local/athena-local';
import { localS3Client, startS3, type Running } from '#infra/local/emulators';
import { ADA_PHONE, CARA_PHONE, loadDemoTrafficOnce, loadTraffic, namedTrafficRows, writeTrafficParquet } from '#infra/local/icetrak/traffic-data';
import { newCaseId } from '#shared/core/ids';
import { writeTrafficIdentifiers } from '#shared/fulfilment/traffic-identifiers';
import { trafficQuery } from '#shared/fulfilment/traffic-query';
import { recordsByCustomer, trafficRecords } from '#shared/fulfilment/traffic-results';

const BUCKETS = { traffic: 'icetrak-traffic', files: 'rightsdesk-files', results: 'rightsdesk-athena-results' };
const TODAY = '2026-12-02';
const SYNTHETIC_ROWS = 50_000;

let server: Running & { dir: string };
let s3: S3Client;
let athena: AthenaLocal;
let files: S3BlobStore;
let objects: number;

beforeAll(async () => {
  // In a temporary directory (removed on close): athena-local reads the objects' files there.
  server = await startS3({ buckets: Object.values(BUCKETS) });
  s3 = localS3Client(server.url);
  files = new S3BlobStore(s3, BUCKETS.files);
  ({ objects } = await loadTraffic(s3, BUCKETS.traffic, { seed: 7, today: TODAY, rows: SYNTHETIC_ROWS, days: 60 }));
  athena = createAthenaLocal({
    s3Dir: server.dir,
    s3,
    trafficBucket: BUCKETS.traffic,
    filesBucket: BUCKETS.files,
    outputLocation: `s3://${BUCKETS.results}/athena/`,
    workGroup: 'rightsdesk-search',
  });
});
afterAll(async () => {
  s3?.destroy();
  await server?.close();
});

/** What the workflow does: the identifiers file, the `.sync` task with the filled query, the results CSV read back. */
async function search(caseId: string, runId: string) {
  const out = await athena.startQueryExecutionSync({
    QueryString: trafficQuery(caseId, runId),
    WorkGroup: 'rightsdesk-search',
    QueryExecutionContext: { Database: 'rightsdesk_traffic' },
  });
  const location = out.QueryExecution.ResultConfiguration.OutputLocation;
  const [, bucket, key] = /^s3:\/\/([^/]+)\/(.+)$/.exec(location)!;
  const body = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const csv = await body.Body!.transformToString();
  return { out, key: key!, bucket: bucket!, csv, records: trafficRecords(csv) };
}

describe('traffic search (DuckDB over the local S3, as Athena in AWS)', () => {
  it('stores the traffic as Parquet objects by day under traffic/day=YYYY-MM-DD/', async () => {
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKETS.traffic, Prefix: 'traffic/' }));
    expect(listed.KeyCount).toBeGreaterThan(60);
    for (const o of listed.Contents ?? []) expect(o.Key).toMatch(/^traffic\/day=\d{4}-\d{2}-\d{2}\/part-\d+\.parquet$/);
    expect(objects).toBeGreaterThan(60);
  });

  it("finds Cara's messages from ACC-1001 and ACC-1002, and nobody else's, as processor records of the sending customer", async () => {
    const caseId = newCaseId();
    const runId = 'run0000000001';
    await writeTrafficIdentifiers(files, caseId, runId, [CARA_PHONE]);

    const { out, key, bucket, csv, records } = await search(caseId, runId);

    expect(out.QueryExecution.Status.State).toBe('SUCCEEDED');
    expect(bucket).toBe(BUCKETS.results);
    expect(key).toBe(`athena/${out.QueryExecution.QueryExecutionId}.csv`);
    expect(out.QueryExecution.Statistics.DataScannedInBytes).toBeGreaterThan(0);
    expect(csv.split('\n')[0]).toBe('"message_id","account_id","channel","sender","recipient","sent_at","status","day"');

    const expected = namedTrafficRows(TODAY).filter((r) => r.recipient === CARA_PHONE);
    expect(records.map((r) => r.key).sort()).toEqual(expected.map((r) => r.message_id).sort());
    expect(records.every((r) => r.fields['recipient'] === CARA_PHONE)).toBe(true);
    expect(recordsByCustomer(records)).toEqual([
      { accountId: 'ACC-1001', records: 5 },
      { accountId: 'ACC-1002', records: 3 },
    ]);
    for (const r of records) {
      expect(r).toMatchObject({ source: 'traffic', recordType: 'message', role: 'processor', matchedBy: 'phone', providedByPerson: false });
      expect(r.id).toBe(`traffic:message:${r.key}`);
    }
    const taxi = records.find((r) => r.key === 'MD00000006')!;
    expect(taxi.fields).toEqual({
      message_id: 'MD00000006',
      account_id: 'ACC-1002',
      channel: 'sms',
      sender: 'WorcsTaxis',
      recipient: CARA_PHONE,
      sent_at: '2023-02-14T18:16:00.000Z',
      status: 'delivered',
      day: '2023-02-14',
    });
    // Sorted by time: the closed customer's older messages first.
    expect(records.map((r) => r.fields['sent_at'])).toEqual(records.map((r) => r.fields['sent_at']).sort());
  });

  it("another run's identifiers are not this run's: a run for Ada finds Ada's and none of Cara's", async () => {
    const caseId = newCaseId();
    await writeTrafficIdentifiers(files, caseId, 'run0000000001', [CARA_PHONE]);
    await writeTrafficIdentifiers(files, caseId, 'run0000000002', [ADA_PHONE]);

    const { records } = await search(caseId, 'run0000000002');

    expect(records.length).toBe(namedTrafficRows(TODAY).filter((r) => r.recipient === ADA_PHONE).length);
    expect(records.every((r) => r.fields['recipient'] === ADA_PHONE)).toBe(true);
  });

  it('a run without an identifiers file, and one whose number has no traffic, find nothing', async () => {
    const caseId = newCaseId();
    expect((await search(caseId, 'run0000000003')).records).toEqual([]);

    await writeTrafficIdentifiers(files, caseId, 'run0000000004', ['+449098790123']); // Ofcom's premium drama range: never generated
    const { csv, records } = await search(caseId, 'run0000000004');
    expect(records).toEqual([]);
    expect(csv).toBe('"message_id","account_id","channel","sender","recipient","sent_at","status","day"\n');
  });

  it('finds a synthetic recipient’s messages too (every day partition is read)', async () => {
    const caseId = newCaseId();
    await writeTrafficIdentifiers(files, caseId, 'run0000000005', ['+447700900000', CARA_PHONE]);
    const { records } = await search(caseId, 'run0000000005');
    // +447700900000 stands in for generated numbers that would have been Ada's or Cara's: it has traffic on many days.
    const synthetic = records.filter((r) => r.fields['recipient'] === '+447700900000');
    expect(synthetic.length).toBeGreaterThan(0);
    expect(new Set(synthetic.map((r) => r.fields['day'])).size).toBeGreaterThan(1);
    expect(records.filter((r) => r.fields['recipient'] === CARA_PHONE)).toHaveLength(8);
  });
});

describe('the traffic generator', () => {
  it('gives the same files for the same seed and day, and other rows for another seed', async () => {
    const dirs = [0, 1, 2].map(() => mkdtempSync(join(tmpdir(), 'rightsdesk-traffic-gen-')));
    try {
      const opts = { seed: 3, today: TODAY, rows: 2_000, days: 10 };
      const [a, b, c] = await Promise.all([
        writeTrafficParquet(dirs[0]!, opts),
        writeTrafficParquet(dirs[1]!, opts),
        writeTrafficParquet(dirs[2]!, { ...opts, seed: 4 }),
      ]);
      expect(b.files).toEqual(a.files);
      for (const f of a.files) expect(readFileSync(join(dirs[1]!, f)).equals(readFileSync(join(dirs[0]!, f))), f).toBe(true);
      const synthetic = a.files.filter((f) => c.files.includes(f) && f >= 'traffic/day=2026-11-22/');
      expect(synthetic.length).toBeGreaterThan(5);
      for (const f of synthetic) expect(readFileSync(join(dirs[2]!, f)).equals(readFileSync(join(dirs[0]!, f))), f).toBe(false);
    } finally {
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    }
  });

  it('loads the demo traffic only into a bucket without traffic (a persisted local S3 keeps its own)', async () => {
    expect(await loadDemoTrafficOnce(s3, BUCKETS.traffic, TODAY)).toBeUndefined();
  });
});
