/**
 * The DPO desk: how long the queue takes with 10,000 open cases, and how long an action takes.
 *
 *   - queue: GET /desk?view=… (HTML, session cookie) and GET /api/cases?view=… (JSON, Bearer)
 *     through the local HTTP adapter into the real handlers, over a table of 10,000 open cases.
 *     Each view reads one page (50 rows) by index; the DynamoDB requests are counted to show
 *     that a page costs its rows, not the table (no Scan);
 *   - action: POST /api/cases/{reference}/actions (reply: one conditional write owing a letter,
 *     then the letter sent through the outbox), p50/p95.
 *
 * Figures are for this machine and the emulators (dynalite, aws-ses-v2-local), not for AWS.
 */
import { startLocalStack } from '#infra/local/stack';
import { localDynamoClient } from '#infra/local/emulators';
import { DynamoCaseStore } from '#adapters/dynamo-case-store';
import type { AuditEntry } from '#domain/case';
import { receive } from '#domain/lifecycle';
import { addDays } from '#domain/calendar';
import { newCaseId, newReference } from '#shared/core/ids';
import { systemClock } from '#shared/ports';
import { request } from '#test/support/http';
import { bearerFor, signInAs } from '#test/support/staff';
import { faultProxy } from '#test/support/fault-proxy';
import { writeCases } from '#infra/tools/case-generator';

const OPEN_CASES = 10_000;
const RUNS = 40;
const ACTIONS = 60;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const f = (n: number) => n.toFixed(1);

async function timed(n: number, fn: () => Promise<void>): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  return ms.sort((a, b) => a - b);
}

export default async function bench(): Promise<void> {
  // Every DynamoDB request of the handlers passes a counting proxy (it never fails one), so the figures show what a page costs.
  const target: { url?: string } = {};
  const proxy = await faultProxy({ target: () => target.url });
  const opsSince = (from: number) => {
    const ops = new Map<string, number>();
    for (const r of proxy.requests.slice(from)) {
      const op = String(r.headers['x-amz-target'] ?? '').split('.')[1] ?? '?';
      ops.set(op, (ops.get(op) ?? 0) + 1);
    }
    return ops;
  };
  const saved = process.env.AWS_ENDPOINT_URL_DYNAMODB;
  process.env.AWS_ENDPOINT_URL_DYNAMODB = proxy.url;
  const stack = await startLocalStack({ port: 0, sesPort: 0, oidcPort: 0, memory: true, outboxSweepSeconds: 3600, log: () => {} });
  target.url = stack.urls.dynamodb;
  try {
    const api = stack.urls.api;
    const client = localDynamoClient(stack.urls.dynamodb);
    const cases = new DynamoCaseStore({ client, tableName: stack.env.CASES_TABLE!, clock: systemClock });
    const t0 = performance.now();
    const today = new Date().toISOString().slice(0, 10);
    const seeded = Array.from({ length: OPEN_CASES }, (_, n) => {
      const received = receive({
        id: newCaseId(),
        reference: newReference(),
        rights: n % 7 === 0 ? ['complaint'] : ['access'],
        channel: 'form',
        requester: { fullName: 'Bench Person', email: `bench-${n}@example.org`, relationship: 'customer' },
        receivedAt: `${addDays(today, -(n % 40))}T10:00:00.000Z`,
        actor: 'requester',
        identityConfirmed: true,
        ...(n % 11 === 0 ? { flags: ['new-correspondence'] } : {}),
      });
      return { case: received.case, entries: [received.entry] as [AuditEntry] };
    });
    await writeCases(cases, seeded, { bulk: true });
    const refs = seeded.slice(0, ACTIONS).map((s) => s.case.reference);
    console.log(`seeded ${OPEN_CASES} open cases in ${f((performance.now() - t0) / 1000)} s`);

    const session = await signInAs(stack, 'dpo.lead@icetrak.net');
    const token = await bearerFor(stack, 'dpo.lead@icetrak.net');
    for (const view of ['open', 'due-soon', 'overdue', 'triage', 'complaints']) {
      let rows = 0;
      const from = proxy.requests.length;
      const html = await timed(RUNS, async () => {
        const res = await request(`${api}/desk?view=${view}`, { headers: { cookie: session.cookie } });
        if (res.status !== 200) throw new Error(`GET /desk?view=${view} answered ${res.status}`);
      });
      const jsonMs = await timed(RUNS, async () => {
        const res = await request(`${api}/api/cases?view=${view}`, { headers: { authorization: `Bearer ${token}` } });
        if (res.status !== 200) throw new Error(`GET /api/cases?view=${view} answered ${res.status}`);
        rows = res.json<{ cases: unknown[] }>().cases.length;
      });
      console.log(
        `queue ${view.padEnd(10)} (${rows} rows of ${OPEN_CASES} open): /desk p50 ${f(percentile(html, 50))} ms, p95 ${f(percentile(html, 95))} ms; ` +
          `/api/cases p50 ${f(percentile(jsonMs, 50))} ms, p95 ${f(percentile(jsonMs, 95))} ms; ` +
          `DynamoDB per request: ${[...opsSince(from)].map(([op, n]) => `${op} ${f(n / (2 * RUNS))}`).join(', ')}`,
      );
    }

    let next = 0;
    const actionMs = await timed(ACTIONS, async () => {
      const ref = refs[next++ % refs.length]!;
      const res = await request(`${api}/api/cases/${ref}/actions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ action: 'reply', message: 'We have started the search.' }),
      });
      if (res.status !== 200) throw new Error(`reply answered ${res.status}: ${res.text}`);
    });
    console.log(`action reply (write + letter sent) n=${ACTIONS}: p50 ${f(percentile(actionMs, 50))} ms, p95 ${f(percentile(actionMs, 95))} ms`);
    client.destroy();
  } finally {
    await stack.stop();
    await proxy.close();
    if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_DYNAMODB;
    else process.env.AWS_ENDPOINT_URL_DYNAMODB = saved;
  }
}
