/**
 * Intake throughput and latency: form submissions (JSON) through the local HTTP adapter into
 * the real handler, dynalite and aws-ses-v2-local, then the confirmation link. Figures are
 * for this machine and the emulators, not for AWS; they show what a request costs us in
 * DynamoDB operations and where the time goes.
 */
import { randomUUID } from 'node:crypto';
import diagnostics from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import { startLocalStack } from '#infra/local/stack';
import { request } from '#test/support/http';

const SUBMISSIONS = 300;
const CONCURRENCY = 8;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const out = await fn();
  return [out, performance.now() - t0];
}

/** Counts DynamoDB operations by name as dynalite (in this process) receives them. */
function countDynamoOps(port: string): { counts: Map<string, number>; stop(): void } {
  const counts = new Map<string, number>();
  const onRequest = (msg: unknown) => {
    const req = (msg as { request: IncomingMessage }).request;
    const target = req.headers['x-amz-target'];
    if (typeof target !== 'string' || !target.startsWith('DynamoDB_') || !req.headers.host?.endsWith(`:${port}`)) return;
    const op = target.split('.')[1]!;
    counts.set(op, (counts.get(op) ?? 0) + 1);
  };
  diagnostics.subscribe('http.server.request.start', onRequest);
  return { counts, stop: () => diagnostics.unsubscribe('http.server.request.start', onRequest) };
}

export default async function bench(): Promise<void> {
  const stack = await startLocalStack({ port: 0, sesPort: 0, memory: true, log: () => {} });
  let ops: ReturnType<typeof countDynamoOps> | undefined;
  try {
    const api = stack.urls.api;
    // Warm the handler modules (cold import) before timing and counting.
    await request(`${api}/`);
    ops = countDynamoOps(new URL(stack.urls.dynamodb).port);
    const submitTimes: number[] = [];
    const links: string[] = [];
    let next = 0;
    let clientNo = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < SUBMISSIONS) {
          next += 1;
          clientNo += 1;
          const body = JSON.stringify({
            rights: ['access'],
            fullName: 'Bench Person',
            email: `bench-${randomUUID()}@example.org`,
            relationship: 'customer',
          });
          // Distinct loopback clients: the per-IP limit (10/hour) is not what is measured here.
          const from = `127.1.${Math.floor(clientNo / 250)}.${(clientNo % 250) + 1}`;
          const [res, ms] = await timed(() => request(`${api}/requests`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, from }));
          if (res.status !== 201) throw new Error(`submission answered ${res.status}: ${res.text}`);
          submitTimes.push(ms);
        }
      }),
    );
    const wall = performance.now() - t0;
    const submitOps = new Map(ops.counts);
    ops.counts.clear();

    const store = (await request(`${stack.urls.ses}/store`)).json<{ emails: { body: { text?: string } }[] }>().emails;
    for (const e of store) {
      const m = /(http:\/\/\S+\/verify\/\S+)/.exec(e.body.text ?? '');
      if (m) links.push(m[1]!);
    }
    const verifyTimes: number[] = [];
    for (const link of links.slice(0, 100)) {
      // The button on the link's page: a POST to the link (GET only shows the page).
      const [res, ms] = await timed(() => request(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' }));
      if (res.status !== 200) throw new Error(`verify answered ${res.status}`);
      verifyTimes.push(ms);
    }

    submitTimes.sort((a, b) => a - b);
    verifyTimes.sort((a, b) => a - b);
    const f = (n: number) => n.toFixed(1);
    console.log(
      `POST /requests  n=${SUBMISSIONS} concurrency=${CONCURRENCY}: ${f(SUBMISSIONS / (wall / 1000))} req/s, p50 ${f(percentile(submitTimes, 50))} ms, p95 ${f(percentile(submitTimes, 95))} ms, p99 ${f(percentile(submitTimes, 99))} ms`,
    );
    console.log(`POST /verify    n=${verifyTimes.length} sequential: p50 ${f(percentile(verifyTimes, 50))} ms, p95 ${f(percentile(verifyTimes, 95))} ms`);
    const perRequest = (counts: Map<string, number>, n: number) =>
      [...counts]
        .sort()
        .map(([op, c]) => `${op} ${(c / n).toFixed(2)}`)
        .join(', ') || 'none';
    // Counted in-process, so the case's deadline keeper (started by the submission) adds its first
    // Evaluate read. The local TTL sweeper's periodic Scan stands in for DynamoDB's own TTL process.
    console.log(`DynamoDB operations per submission: ${perRequest(submitOps, SUBMISSIONS)}`);
    console.log(`DynamoDB operations per confirmation: ${perRequest(ops.counts, verifyTimes.length)}`);
  } finally {
    ops?.stop();
    await stack.stop();
  }
}
