/**
 * `GET /health` for the local stack: asks each emulator a real question (DescribeTable on the
 * cases table, HeadBucket on every bucket, SES's own health check) with a short timeout, so a
 * part that stopped answering shows as down rather than hanging the check.
 */
import { connect } from 'node:net';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './emulators';
import type { HealthReport, PartStatus } from './http-adapter';

export interface HealthCheckOptions {
  readonly dynamodbUrl: string;
  readonly s3Url: string;
  readonly sesUrl: string;
  readonly tableName: string;
  readonly buckets: readonly string[];
  /** The local Step Functions endpoint (deadline keeper). */
  readonly stepFunctionsUrl?: string;
  /** The SMTP listener's URL, read at each check (it starts after the check is created). */
  readonly smtpUrl?: () => string | undefined;
  readonly timeoutMs?: number;
}

/** Connects, expects the SMTP greeting (220), and says QUIT. */
function smtpGreets(url: string, signal: AbortSignal): Promise<void> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname === 'localhost' ? '127.0.0.1' : hostname, port: Number(port), signal });
    socket.once('error', reject);
    socket.once('data', (chunk: Buffer) => {
      const greeting = chunk.toString('latin1');
      socket.end('QUIT\r\n');
      if (greeting.startsWith('220')) resolve();
      else reject(Object.assign(new Error(), { name: `unexpected greeting ${greeting.slice(0, 3)}` }));
    });
  });
}

export interface HealthCheck {
  check(): Promise<HealthReport>;
  close(): void;
}

function problemOf(err: unknown): string {
  if (err instanceof Error && err.name === 'TimeoutError') return 'no answer in time';
  const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const name = err instanceof Error ? err.name : typeof err;
  return status ? `${name} (HTTP ${status})` : name;
}

export function createHealthCheck(opts: HealthCheckOptions): HealthCheck {
  const timeoutMs = opts.timeoutMs ?? 2_000;
  // One attempt each: a probe reports what it sees now instead of retrying for seconds.
  const common = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 };
  const dynamo = new DynamoDBClient({ ...common, endpoint: opts.dynamodbUrl });
  const s3 = new S3Client({ ...common, endpoint: opts.s3Url, forcePathStyle: true });

  async function probe(part: string, fn: (signal: AbortSignal) => Promise<unknown>): Promise<[string, PartStatus, string?]> {
    try {
      await fn(AbortSignal.timeout(timeoutMs));
      return [part, 'up'];
    } catch (err) {
      return [part, 'down', problemOf(err)];
    }
  }

  return {
    async check() {
      const results = await Promise.all([
        probe('dynamodb', (abortSignal) => dynamo.send(new DescribeTableCommand({ TableName: opts.tableName }), { abortSignal })),
        probe('s3', async (abortSignal) => {
          for (const Bucket of opts.buckets) {
            try {
              await s3.send(new HeadBucketCommand({ Bucket }), { abortSignal });
            } catch (err) {
              throw Object.assign(new Error(), { name: `${problemOf(err)} on bucket ${Bucket}` });
            }
          }
        }),
        probe('ses', async (signal) => {
          const res = await fetch(`${opts.sesUrl}/health-check`, { signal });
          await res.arrayBuffer();
          if (!res.ok) throw Object.assign(new Error(), { name: `HTTP ${res.status}` });
        }),
        ...(opts.stepFunctionsUrl
          ? [
              probe('stepFunctions', async (signal) => {
                // A real API question; "no such execution" (400) is a healthy answer.
                const res = await fetch(opts.stepFunctionsUrl!, {
                  method: 'POST',
                  headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.DescribeExecution' },
                  body: JSON.stringify({ executionArn: 'arn:aws:states:eu-west-2:000000000000:execution:health:probe' }),
                  signal,
                });
                await res.arrayBuffer();
                if (res.status >= 500) throw Object.assign(new Error(), { name: `HTTP ${res.status}` });
              }),
            ]
          : []),
        ...(opts.smtpUrl?.() ? [probe('smtp', (signal) => smtpGreets(opts.smtpUrl!()!, signal))] : []),
      ]);
      const report: HealthReport = { parts: {} };
      for (const [part, status, problem] of results) {
        report.parts[part] = status;
        if (problem) (report.problems ??= {})[part] = problem;
      }
      return report;
    },
    close() {
      dynamo.destroy();
      s3.destroy();
    },
  };
}
