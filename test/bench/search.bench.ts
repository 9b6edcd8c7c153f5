/**
 * Traffic search (issue 14): one search over 10 million traffic rows in DuckDB, and what the same
 * search would cost in Athena over 1 billion rows.
 *
 * 1. Generates 10,000,000 synthetic rows (plus the demo people's) as Parquet partitioned by day,
 *    the generator `npm start` uses (infra/local/icetrak/traffic-data.ts), into a temp folder.
 * 2. Writes a run's identifiers file (Cara's number and a synthetic one) and runs the real query
 *    text (shared/fulfilment/traffic-query.ts) as athena-local runs it: DuckDB, embedded, over the
 *    Parquet files, joined with the identifiers. Reports wall time (cold: first query in a new
 *    database; warm: median of three more), rows matched, and the bytes of Parquet scanned the way
 *    Athena bills them (the compressed column chunks of the columns the query names).
 * 3. Athena cost model for 1e9 rows with day partitions: bytes per row of each column after
 *    compression, measured from these files' Parquet metadata, scaled to 1e9 rows; $5 per TB
 *    (2^40 bytes) scanned, at least 10 MB per query. Two bounds: every column the query names
 *    (upper: what is billed if Athena reads each named column in full) and the recipient column
 *    alone (lower: Trino reads the other columns lazily, only for row groups that match). For a
 *    full search (every day partition: what an access request needs) and a search bounded to 90 days.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { runTrafficQuery, TRAFFIC_COLUMNS } from '#infra/local/athena-local';
import { CARA_PHONE, writeTrafficParquet } from '#infra/local/icetrak/traffic-data';
import { newCaseId } from '#shared/core/ids';
import { TRAFFIC_RESULT_COLUMNS, trafficQuery } from '#shared/fulfilment/traffic-query';

const ROWS = 10_000_000;
const TODAY = '2026-12-02';
const SCALE_ROWS = 1e9;
const HISTORY_DAYS = 730;
const BOUNDED_DAYS = 90;
const TB = 2 ** 40;
const MB = 2 ** 20;
const USD_PER_TB = 5;
const WARM_RUNS = 3;
/** A synthetic recipient (Ofcom's Leeds drama range): the generator sends it about 1 in 18,000 rows. */
const SYNTHETIC_PHONE = '+441134960042';

const f = (n: number, d = 1) => n.toLocaleString('en-GB', { minimumFractionDigits: d, maximumFractionDigits: d });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const cost = (bytes: number) => (Math.max(bytes, 10 * MB) / TB) * USD_PER_TB;
const size = (bytes: number) => (bytes >= 2 ** 30 ? `${f(bytes / 2 ** 30, 2)} GiB` : `${f(bytes / MB, 1)} MiB`);

async function columnBytes(dir: string): Promise<{ perColumn: Map<string, number>; totalRows: number; files: number }> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    const glob = `'${join(dir, 'traffic', '*', '*.parquet').replace(/'/g, "''")}'`;
    const cols = await conn.runAndReadAll(
      `SELECT path_in_schema AS col, sum(total_compressed_size)::BIGINT AS bytes FROM parquet_metadata(${glob}) GROUP BY ALL`,
    );
    const meta = await conn.runAndReadAll(`SELECT sum(num_rows)::BIGINT AS n, count(*)::BIGINT AS files FROM parquet_file_metadata(${glob})`);
    const m = meta.getRowObjectsJson()[0]!;
    return {
      perColumn: new Map(cols.getRows().map(([col, bytes]) => [col as string, Number(bytes)])),
      totalRows: Number(m['n']),
      files: Number(m['files']),
    };
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

export default async function bench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'rightsdesk-search-bench-'));
  try {
    let t = performance.now();
    const { rows } = await writeTrafficParquet(dir, { seed: 14, today: TODAY, rows: ROWS, threads: 2 });
    const generateSeconds = (performance.now() - t) / 1000;
    const { perColumn, totalRows, files } = await columnBytes(dir);
    const parquetBytes = [...perColumn.values()].reduce((a, b) => a + b, 0);
    console.log(
      `generated ${f(rows, 0)} rows (${f(totalRows, 0)} in the files) in ${f(generateSeconds)} s: ${f(files, 0)} Parquet files ` +
        `(zstd), ${size(parquetBytes)} of column data, ${f(parquetBytes / totalRows)} bytes a row`,
    );

    const caseId = newCaseId();
    const runId = 'benchrun0001';
    const identifiers = join(dir, 'searches', caseId, runId, 'identifiers');
    mkdirSync(identifiers, { recursive: true });
    writeFileSync(join(identifiers, 'phones.csv'), `${CARA_PHONE}\n${SYNTHETIC_PHONE}\n`);
    const query = trafficQuery(caseId, runId);
    const files_ = { trafficDir: dir, filesDir: dir, suffix: '' };

    t = performance.now();
    const cold = await runTrafficQuery(files_, query);
    const coldMs = performance.now() - t;
    const warm: number[] = [];
    for (let i = 0; i < WARM_RUNS; i += 1) {
      t = performance.now();
      await runTrafficQuery(files_, query);
      warm.push(performance.now() - t);
    }
    const recipientAt = TRAFFIC_RESULT_COLUMNS.indexOf('recipient');
    const cara = cold.rows.filter((r) => r[recipientAt] === CARA_PHONE).length;
    console.log(
      `search (DuckDB, the real query, 2 numbers): cold ${f(coldMs, 0)} ms, warm ${f(median(warm), 0)} ms (median of ${WARM_RUNS}; ` +
        `query alone ${f(cold.engineMillis, 0)} ms cold); ${cold.rows.length} rows matched (${cara} Cara's, ${cold.rows.length - cara} the synthetic number's); ` +
        `${size(cold.scannedBytes)} of Parquet scanned as Athena counts it (${f((100 * cold.scannedBytes) / parquetBytes)} % of the column data), ${cold.parquetFiles} files`,
    );

    // Athena cost model, from these files' bytes per row, scaled to a billion rows.
    const named = TRAFFIC_COLUMNS.filter((c) => (TRAFFIC_RESULT_COLUMNS as readonly string[]).includes(c));
    const perRow = (cols: readonly string[]) => cols.reduce((sum, c) => sum + (perColumn.get(c) ?? 0), 0) / totalRows;
    const upper = perRow(named);
    const lower = perRow(['recipient']);
    console.log(
      `bytes a row after compression: recipient ${f(lower, 2)}, columns the query names (${named.join(', ')}) ${f(upper, 2)}, ` +
        `every column ${f(parquetBytes / totalRows, 2)}`,
    );
    console.log(
      `Athena, ${f(SCALE_ROWS, 0)} rows over ${HISTORY_DAYS} day partitions (${f(SCALE_ROWS / HISTORY_DAYS, 0)} rows a day), $${USD_PER_TB}/TB, 10 MB minimum:`,
    );
    for (const [label, days] of [
      ['full search (every day: an access request)', HISTORY_DAYS],
      [`bounded to ${BOUNDED_DAYS} days`, BOUNDED_DAYS],
    ] as const) {
      const rowsRead = (SCALE_ROWS * days) / HISTORY_DAYS;
      console.log(
        `  ${label}: scans ${size(rowsRead * lower)} – ${size(rowsRead * upper)}, costs $${f(cost(rowsRead * lower), 4)} – $${f(cost(rowsRead * upper), 4)} a search`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
