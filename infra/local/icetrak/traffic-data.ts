/**
 * Demo message traffic for Icetrak's traffic records (issue 14): Parquet files by day, as the
 * delivery platform would write them to the traffic bucket (`traffic/day=YYYY-MM-DD/<file>.parquet`),
 * with the columns Glue's `traffic` table declares (infra/traffic-search.ts).
 *
 * Deterministic: the same seed and the same `today` give the same rows. The synthetic rows are
 * generated inside DuckDB with a counter-based generator (hash of seed, row number and field: the
 * same value whatever the thread that computes it), so 100,000 rows take well under a second and
 * the benchmark's 10 million a few seconds. The named rows are the demo people:
 *   - Cara Jones (+447700900456, no account) received SMS from ACC-1001 (Malvern Dental Practice)
 *     and from ACC-1002 (Worcester Taxis, before it closed on 2023-06-30);
 *   - Ada Lovelace (+447700900123) received a few from ACC-1001.
 * Synthetic recipients are Ofcom's numbers reserved for drama (07700 900xxx, 01632 960xxx, 020 7946
 * 0xxx and the other area ranges): fictitious by design, never Ada's or Cara's. Synthetic senders
 * are ACC-1001, ACC-1002 (before its closure) and ACC-2000…: the same synthetic ids as the
 * account system's demo data (ACC-<2000+n>). ACC-1003 (Severn Logistics) closed in 2018 and sends none.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { DuckDBInstance } from '@duckdb/node-api';

export const CARA_PHONE = '+447700900456';
export const ADA_PHONE = '+447700900123';

/** The synthetic customer account ids (the account system's demo data uses the same pattern). */
export const syntheticAccountId = (n: number): string => `ACC-${2000 + n}`;

/** Worcester Taxis' account closed on this day: none of its traffic is later. */
const ACC_1002_CLOSED = '2023-06-30';

/** Ofcom's drama ranges in E.164, each followed by three digits (1,000 numbers each). */
const FICTITIOUS_PREFIXES = [
  '+447700900', // mobile 07700 900xxx
  '+441632960', // no area 01632 960xxx
  '+442079460', // London 020 7946 0xxx
  '+441134960', // Leeds
  '+441144960', // Sheffield
  '+441154960', // Nottingham
  '+441164960', // Leicester
  '+441174960', // Bristol
  '+441184960', // Reading
  '+441214960', // Birmingham
  '+441314960', // Edinburgh
  '+441414960', // Glasgow
  '+441514960', // Liverpool
  '+441614960', // Manchester
  '+441914980', // Tyneside
  '+442896496', // Belfast
  '+442920180', // Cardiff
  '+448081570', // freephone
];

export interface TrafficRow {
  message_id: string;
  account_id: string;
  channel: 'sms' | 'fax';
  sender: string;
  recipient: string;
  /** ISO instant, UTC. */
  sent_at: string;
  status: string;
  parts: number;
}

export interface TrafficDataOptions {
  /** Seed of the synthetic rows. */
  seed: number;
  /** The day the data is generated for (YYYY-MM-DD): synthetic traffic covers the `days` before it. */
  today: string;
  /** How many synthetic rows (the named rows come on top). */
  rows: number;
  /** @default 730 (about two years) */
  days?: number;
  /** How many synthetic customer accounts send (ACC-2000…). @default 200 */
  syntheticAccounts?: number;
  /** DuckDB threads. @default 1 (row order, hence the files, deterministic too); the benchmark uses more. */
  threads?: number;
}

const addDays = (day: string, n: number): string => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** The demo people's messages, relative to `today` (ACC-1002's at fixed days before it closed). */
export function namedTrafficRows(today: string): TrafficRow[] {
  const at = (day: string, time: string) => `${day}T${time}.000Z`;
  const dental = (n: number, daysAgo: number, phone: string, status = 'delivered'): TrafficRow => ({
    message_id: `MD${String(n).padStart(8, '0')}`,
    account_id: 'ACC-1001',
    channel: 'sms',
    sender: 'MalvernDent',
    recipient: phone,
    sent_at: at(addDays(today, -daysAgo), `09:${String(10 + n).padStart(2, '0')}:00`),
    status,
    parts: 1,
  });
  const taxi = (n: number, day: string): TrafficRow => ({
    message_id: `MD${String(n).padStart(8, '0')}`,
    account_id: 'ACC-1002',
    channel: 'sms',
    sender: 'WorcsTaxis',
    recipient: CARA_PHONE,
    sent_at: at(day, `18:${String(10 + n).padStart(2, '0')}:00`),
    status: 'delivered',
    parts: 1,
  });
  return [
    dental(1, 320, CARA_PHONE),
    dental(2, 190, CARA_PHONE),
    dental(3, 95, CARA_PHONE, 'failed'),
    dental(4, 94, CARA_PHONE),
    dental(5, 12, CARA_PHONE),
    taxi(6, '2023-02-14'),
    taxi(7, '2023-04-03'),
    taxi(8, addDays(ACC_1002_CLOSED, -5)),
    dental(9, 60, ADA_PHONE),
    dental(10, 30, ADA_PHONE),
    dental(11, 2, ADA_PHONE),
  ];
}

const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * The SELECT producing every row (synthetic then named) with its `day`. `r(k)` is a uniform
 * integer from the seed, the row number i and a field number k.
 */
function trafficSelect(opts: TrafficDataOptions): string {
  const days = opts.days ?? 730;
  const accounts = opts.syntheticAccounts ?? 200;
  const seed = Math.trunc(opts.seed);
  if (seed < 0 || seed >= 2 ** 22) throw new RangeError('seed must be an integer from 0 to 2^22 - 1.');
  // One BIGINT per (seed, row, field), hashed alone: hash() of several arguments mixes them too
  // little (its outputs for two fields of one row were correlated: every recipient number odd).
  const r = (k: number) => `hash(${seed}::BIGINT * 1099511627776 + i * 16 + ${k})`;
  const prefixes = `[${FICTITIOUS_PREFIXES.map(sqlString).join(', ')}]`;
  const named = namedTrafficRows(opts.today)
    .map(
      (row) =>
        `(${[row.message_id, row.account_id, row.channel, row.sender, row.recipient].map(sqlString).join(', ')}, ` +
        `TIMESTAMP ${sqlString(row.sent_at.replace('T', ' ').replace('Z', ''))}, ${sqlString(row.status)}, ${row.parts})`,
    )
    .join(',\n');
  return `
    WITH base AS (
      SELECT i,
        ${r(1)} % ${accounts + 2} AS a,
        ${r(2)} % 100 AS c,
        ${prefixes}[1 + (${r(3)} % ${FICTITIOUS_PREFIXES.length})::INTEGER] || lpad((${r(4)} % 1000)::VARCHAR, 3, '0') AS number,
        (${r(5)} % 86400)::INTEGER AS second,
        ${r(6)} % 100 AS s,
        ${r(7)} % 100 AS p,
        ${r(8)} AS d
      FROM range(${Math.trunc(opts.rows)}) t(i)
    ), synthetic AS (
      SELECT
        'M' || lpad(i::VARCHAR, 10, '0') AS message_id,
        CASE a WHEN 0 THEN 'ACC-1001' WHEN 1 THEN 'ACC-1002' ELSE 'ACC-' || (2000 + a - 2)::VARCHAR END AS account_id,
        CASE WHEN c < 8 THEN 'fax' ELSE 'sms' END AS channel,
        CASE WHEN c < 8 THEN '+441632960' || lpad((a % 1000)::VARCHAR, 3, '0')
             WHEN a = 0 THEN 'MalvernDent' WHEN a = 1 THEN 'WorcsTaxis' ELSE 'ICE' || (2000 + a - 2)::VARCHAR END AS sender,
        CASE WHEN number IN (${sqlString(ADA_PHONE)}, ${sqlString(CARA_PHONE)}) THEN '+447700900000' ELSE number END AS recipient,
        CASE WHEN a = 1
          THEN DATE ${sqlString(ACC_1002_CLOSED)} - (d % 365)::INTEGER
          ELSE DATE ${sqlString(opts.today)} - 1 - (d % ${days})::INTEGER
        END + to_seconds(second) AS sent_at,
        CASE WHEN s < 90 THEN 'delivered' WHEN s < 94 THEN 'failed' WHEN s < 97 THEN 'expired' ELSE 'rejected' END AS status,
        (CASE WHEN c < 8 THEN 1 + p % 6 WHEN p < 85 THEN 1 WHEN p < 97 THEN 2 ELSE 3 END)::INTEGER AS parts
      FROM base
    ), named(message_id, account_id, channel, sender, recipient, sent_at, status, parts) AS (
      VALUES ${named}
    )
    SELECT *, CAST(sent_at AS DATE) AS "day" FROM (SELECT * FROM synthetic UNION ALL SELECT * FROM named)
    ORDER BY sent_at, message_id`;
}

/**
 * Writes the traffic as Parquet partitioned by day under `dir` (`traffic/day=YYYY-MM-DD/…parquet`,
 * the keys of the traffic bucket). Resolves to the files written, relative to `dir` with `/`.
 */
export async function writeTrafficParquet(dir: string, opts: TrafficDataOptions): Promise<{ rows: number; files: string[] }> {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(opts.today)) throw new RangeError('today must be a date, YYYY-MM-DD.');
  const instance = await DuckDBInstance.create(':memory:', { threads: String(opts.threads ?? 1) });
  const conn = await instance.connect();
  try {
    const out = join(dir, 'traffic');
    mkdirSync(dir, { recursive: true });
    // In time order, as the platform writes it: each day's partition is written once, in one
    // file (more open partitions than this limit would close and reopen files, a day in dozens).
    await conn.run(`SET partitioned_write_max_open_files = 100000`);
    await conn.run(
      `COPY (${trafficSelect(opts)}) TO ${sqlString(out)}
       (FORMAT parquet, COMPRESSION zstd, PARTITION_BY ("day"), FILENAME_PATTERN 'part-{i}', OVERWRITE_OR_IGNORE true)`,
    );
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
  const files = (readdirSync(dir, { recursive: true }) as string[])
    .map((f) => f.split(sep).join('/'))
    .filter((f) => f.endsWith('.parquet'))
    .sort();
  return { rows: opts.rows + namedTrafficRows(opts.today).length, files };
}

/** Uploads every file under `dir` to `bucket`, key = path relative to `dir` (as Buffers: s3rver and streamed bodies do not mix, TOOLCHAIN.md). */
export async function uploadDirectory(s3: S3Client, bucket: string, dir: string, files: readonly string[], concurrency = 8): Promise<void> {
  const queue = [...files];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let f = queue.shift(); f !== undefined; f = queue.shift()) {
        const body = readFileSync(join(dir, f));
        await s3.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: relative(dir, join(dir, f)).split(sep).join('/'),
            Body: body,
            ContentType: 'application/vnd.apache.parquet',
          }),
        );
      }
    }),
  );
}

/** Generates the traffic and uploads it into the traffic bucket of the local S3. Resolves to the rows and objects written. */
export async function loadTraffic(s3: S3Client, bucket: string, opts: TrafficDataOptions): Promise<{ rows: number; objects: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'rightsdesk-traffic-'));
  try {
    const { rows, files } = await writeTrafficParquet(dir, opts);
    await uploadDirectory(s3, bucket, dir, files);
    return { rows, objects: files.length };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The local demo's traffic: 100,000 synthetic rows over the two years before `today`, plus the named rows. */
export const DEMO_TRAFFIC = (today: string): TrafficDataOptions => ({ seed: 14, today, rows: 100_000 });

/**
 * Loads the demo traffic into the local traffic bucket unless it holds traffic already (a
 * persisted `.data/` from an earlier `npm start`): resolves to what it loaded, or undefined.
 */
export async function loadDemoTrafficOnce(s3: S3Client, bucket: string, today: string): Promise<{ rows: number; objects: number } | undefined> {
  // No MaxKeys: s3rver 3.7.1 answers a truncated V2 listing with an InternalError.
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'traffic/' }));
  if ((listed.KeyCount ?? 0) > 0) return undefined;
  return loadTraffic(s3, bucket, DEMO_TRAFFIC(today));
}
