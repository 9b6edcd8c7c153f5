/**
 * Athena's local stand-in (DESIGN.md, "Local stack"): what the search workflow's Task
 * `arn:aws:states:::athena:startQueryExecution.sync` does in AWS, done by DuckDB (embedded) on the
 * same files. It takes the task's parameters as the state machine passes them, runs the query
 * text unchanged over two views named as the Glue tables are, writes the results CSV where Athena
 * writes it (`<output location><QueryExecutionId>.csv` in the results bucket, header row, every
 * value quoted) and answers what the `.sync` integration answers (GetQueryExecution's output).
 *
 * DuckDB cannot read `s3://` here (no httpfs without the internet, TOOLCHAIN.md), so the views read
 * the folders s3rver keeps the buckets in: each object is a file `<bucket>/<key>._S3rver_object`.
 *   - `traffic`: every Parquet object under `traffic/day=YYYY-MM-DD/` of the traffic bucket, with
 *     `day` from the path (hive partitioning, as Glue's partition projection gives it);
 *   - `search_identifiers`: the identifiers files under `searches/<caseId>/<runId>/identifiers/`
 *     of the files bucket, one `phone` column, with `case_id` and `run_id` from the path (as
 *     Athena's injected projection takes them from the query's WHERE clause).
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import * as z from 'zod';

/** The suffix s3rver 3.7.1 gives an object's file (s3rver/lib/stores/filesystem.js). */
export const S3RVER_OBJECT_SUFFIX = '._S3rver_object';

/** The columns a traffic Parquet file holds (the contract with the traffic generator and Glue's table). */
export const TRAFFIC_COLUMNS = ['message_id', 'account_id', 'channel', 'sender', 'recipient', 'sent_at', 'status', 'parts'] as const;

/** The parameters of `athena:startQueryExecution` the workflow passes (the rest of the API's are ignored). */
const StartQueryExecution = z.object({
  QueryString: z.string().min(1).max(262_144),
  WorkGroup: z.string().min(1).optional(),
  QueryExecutionContext: z.object({ Database: z.string().optional(), Catalog: z.string().optional() }).optional(),
  // The synthesised task passes an empty ResultConfiguration: the workgroup's (enforced) output location is used.
  ResultConfiguration: z
    .object({
      OutputLocation: z
        .string()
        .regex(/^s3:\/\/[a-z0-9.-]{3,63}(\/.*)?$/)
        .optional(),
    })
    .optional(),
  ClientRequestToken: z.string().optional(),
});
export type StartQueryExecutionInput = z.input<typeof StartQueryExecution>;

/** What the `.sync` task answers: Athena's GetQueryExecution output (the fields the workflow reads, and a few more). */
export interface QueryExecutionOutput {
  QueryExecution: {
    QueryExecutionId: string;
    Query: string;
    StatementType: 'DML';
    WorkGroup: string;
    QueryExecutionContext?: { Database?: string; Catalog?: string };
    ResultConfiguration: { OutputLocation: string };
    Status: { State: 'SUCCEEDED'; SubmissionDateTime: string; CompletionDateTime: string };
    Statistics: { DataScannedInBytes: number; EngineExecutionTimeInMillis: number; TotalExecutionTimeInMillis: number };
  };
}

/** Where the views' files are: plain folders (the benchmark) or s3rver's bucket folders. */
export interface TrafficFiles {
  /** The folder holding the traffic bucket's keys (`traffic/day=…/…parquet`). */
  trafficDir: string;
  /** The folder holding the files bucket's keys (`searches/<caseId>/<runId>/identifiers/…`). */
  filesDir: string;
  /** Appended to every object's file name: S3RVER_OBJECT_SUFFIX for s3rver, '' for plain folders. */
  suffix: string;
}

export interface TrafficQueryResult {
  columns: string[];
  /** Values as Athena's CSV prints them (timestamps with milliseconds); null for NULL. */
  rows: (string | null)[][];
  /** Bytes Athena would bill: the Parquet column chunks of the columns the query names, plus the identifiers files it reads. */
  scannedBytes: number;
  /** Parquet files (day partitions' files) the query read. */
  parquetFiles: number;
  engineMillis: number;
}

const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** Files under `dir` whose path relative to it matches `pattern` (forward slashes). */
function filesMatching(dir: string, pattern: RegExp): string[] {
  if (!existsSync(dir)) return [];
  return (readdirSync(dir, { recursive: true }) as string[])
    .map((rel) => rel.split(sep).join('/'))
    .filter((rel) => pattern.test(rel))
    .sort()
    .map((rel) => join(dir, rel));
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Creates the two views on `conn` over the files there are now. A view over no files is empty
 * (read_parquet and read_csv refuse an empty list), with the same columns.
 */
async function createViews(conn: DuckDBConnection, files: TrafficFiles): Promise<{ parquet: string[]; identifiers: string[] }> {
  const suffix = escapeRe(files.suffix);
  const parquet = filesMatching(files.trafficDir, new RegExp(`^traffic/day=\\d{4}-\\d{2}-\\d{2}/[^/]+\\.parquet${suffix}$`));
  const identifiers = filesMatching(files.filesDir, new RegExp(`^searches/[^/]+/[^/]+/identifiers/[^/]+\\.csv${suffix}$`));
  const list = (paths: string[]) => `[${paths.map(sqlString).join(', ')}]`;
  await conn.run(
    parquet.length > 0
      ? `CREATE OR REPLACE TEMP VIEW traffic AS SELECT * FROM read_parquet(${list(parquet)}, hive_partitioning = true, hive_types = {'day': DATE})`
      : `CREATE OR REPLACE TEMP VIEW traffic AS SELECT NULL::VARCHAR AS message_id, NULL::VARCHAR AS account_id, NULL::VARCHAR AS channel, NULL::VARCHAR AS sender,
           NULL::VARCHAR AS recipient, NULL::TIMESTAMP AS sent_at, NULL::VARCHAR AS status, NULL::INTEGER AS parts, NULL::DATE AS "day" WHERE false`,
  );
  const where = `'/searches/([^/]+)/([^/]+)/identifiers/[^/]+$'`;
  await conn.run(
    identifiers.length > 0
      ? `CREATE OR REPLACE TEMP VIEW search_identifiers AS
         SELECT phone, regexp_extract(replace(filename, '\\', '/'), ${where}, 1) AS case_id, regexp_extract(replace(filename, '\\', '/'), ${where}, 2) AS run_id
         FROM read_csv(${list(identifiers)}, header = false, auto_detect = false, delim = ',', quote = '"', columns = {'phone': 'VARCHAR'}, filename = true)`
      : `CREATE OR REPLACE TEMP VIEW search_identifiers AS SELECT NULL::VARCHAR AS phone, NULL::VARCHAR AS case_id, NULL::VARCHAR AS run_id WHERE false`,
  );
  return { parquet, identifiers };
}

/**
 * Athena bills the bytes it reads; of columnar Parquet it reads only the columns a query names.
 * So: the compressed column chunks of the traffic columns the query names, in every Parquet file
 * (the query bounds no days), plus the identifiers file(s) of the run named in the query.
 */
async function scannedBytes(conn: DuckDBConnection, query: string, parquet: string[], identifiers: string[]): Promise<number> {
  const named = TRAFFIC_COLUMNS.filter((c) => new RegExp(`\\b${c}\\b`).test(query));
  let bytes = 0;
  if (parquet.length > 0 && named.length > 0) {
    const reader = await conn.runAndReadAll(
      `SELECT coalesce(sum(total_compressed_size), 0)::BIGINT AS bytes FROM parquet_metadata([${parquet.map(sqlString).join(', ')}])
       WHERE path_in_schema IN (${named.map(sqlString).join(', ')})`,
    );
    bytes += Number(reader.getRowObjectsJson()[0]!['bytes']);
  }
  // Athena reads only the run's identifiers (the partition its WHERE clause injects); DuckDB, locally, filters them all.
  const run = /case_id\s*=\s*'([^']+)'\s+AND\s+i\.run_id\s*=\s*'([^']+)'/i.exec(query);
  const runFolder = run ? `/searches/${run[1] ?? ''}/${run[2] ?? ''}/identifiers/` : '';
  for (const f of identifiers) if (f.split(sep).join('/').includes(runFolder)) bytes += statSync(f).size;
  return bytes;
}

/** A value as text: the traffic columns are scalars; anything nested is printed as JSON. */
const text = (v: unknown): string =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint' ? v.toString() : JSON.stringify(v);

/** A TIMESTAMP as Athena's CSV prints it: `YYYY-MM-DD HH:MM:SS.mmm`. */
function athenaTimestamp(v: string): string {
  const m = /^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})(?:\.(\d+))?$/.exec(v);
  return m ? `${m[1] ?? ''}.${(m[2] ?? '').padEnd(3, '0').slice(0, 3)}` : v;
}

/** Runs `query` (read-only) in a fresh in-memory DuckDB over `files`. */
export async function runTrafficQuery(files: TrafficFiles, query: string): Promise<TrafficQueryResult> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    const { parquet, identifiers } = await createViews(conn, files);
    const started = performance.now();
    const reader = await conn.runAndReadAll(query);
    const engineMillis = Math.round(performance.now() - started);
    const types = reader.columnTypes().map(String);
    const rows = (reader.getRowsJson() as unknown[][]).map((row) =>
      row.map((v, i) => (v === null || v === undefined ? null : types[i] === 'TIMESTAMP' ? athenaTimestamp(text(v)) : text(v))),
    );
    return {
      columns: reader.columnNames(),
      rows,
      scannedBytes: await scannedBytes(conn, query, parquet, identifiers),
      parquetFiles: parquet.length,
      engineMillis,
    };
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/** Results as Athena's CSV: a header row, every value in double quotes (quotes doubled), NULL as an empty unquoted field. */
export function athenaCsv(columns: readonly string[], rows: readonly (readonly (string | null)[])[]): string {
  const q = (v: string | null) => (v === null ? '' : `"${v.replace(/"/g, '""')}"`);
  return [columns, ...rows].map((r) => `${r.map(q).join(',')}\n`).join('');
}

export interface AthenaLocalOptions {
  /** The folder s3rver keeps its buckets in (`startS3`'s `dir`). */
  s3Dir: string;
  /** A client of that s3rver (localS3Client), to write the results. */
  s3: S3Client;
  trafficBucket: string;
  filesBucket: string;
  /** The workgroup's output location (enforced in AWS, so the task need not pass one), e.g. `s3://rightsdesk-athena-results/`. */
  outputLocation: string;
  /** The workgroup the task names when it names none. @default 'primary' */
  workGroup?: string;
}

export interface AthenaLocal {
  /** The `.sync` task: starts the query, waits for it, answers GetQueryExecution's output. */
  startQueryExecutionSync(parameters: unknown): Promise<QueryExecutionOutput>;
}

/** `s3://bucket/prefix/` → bucket and key prefix (ending in `/` or empty). */
function parseOutputLocation(location: string): { bucket: string; prefix: string } {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(location);
  if (!m) throw new Error('The output location must be an s3:// URL.');
  const prefix = m[2] ?? '';
  return { bucket: m[1]!, prefix: prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/` };
}

export function createAthenaLocal(opts: AthenaLocalOptions): AthenaLocal {
  const files: TrafficFiles = {
    trafficDir: join(opts.s3Dir, opts.trafficBucket),
    filesDir: join(opts.s3Dir, opts.filesBucket),
    suffix: S3RVER_OBJECT_SUFFIX,
  };
  return {
    async startQueryExecutionSync(parameters) {
      const p = StartQueryExecution.parse(parameters);
      const submitted = new Date();
      const id = randomUUID();
      // The workgroup's output location wins over the task's: Rightsdesk's workgroup enforces its configuration.
      const { bucket, prefix } = parseOutputLocation(opts.outputLocation);
      const result = await runTrafficQuery(files, p.QueryString);
      const key = `${prefix}${id}.csv`;
      await opts.s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: Buffer.from(athenaCsv(result.columns, result.rows), 'utf8'), ContentType: 'text/csv' }),
      );
      const completed = new Date();
      return {
        QueryExecution: {
          QueryExecutionId: id,
          Query: p.QueryString,
          StatementType: 'DML',
          WorkGroup: p.WorkGroup ?? opts.workGroup ?? 'primary',
          ...(p.QueryExecutionContext && { QueryExecutionContext: p.QueryExecutionContext }),
          ResultConfiguration: { OutputLocation: `s3://${bucket}/${key}` },
          Status: { State: 'SUCCEEDED', SubmissionDateTime: submitted.toISOString(), CompletionDateTime: completed.toISOString() },
          Statistics: {
            DataScannedInBytes: result.scannedBytes,
            EngineExecutionTimeInMillis: result.engineMillis,
            TotalExecutionTimeInMillis: completed.getTime() - submitted.getTime(),
          },
        },
      };
    },
  };
}
