/**
 * The outbox: how long owed mail waits, and how fast a backlog drains.
 *
 *   - fast path: form submissions through the local HTTP adapter into the real handler, each
 *     owing its acknowledgement in the write that creates the case and sending it at once;
 *     measured as the entry's sentAt minus its createdAt (owed → accepted by SES), and the
 *     request's own latency, which includes that send;
 *   - drain: 1,000 cases owing their acknowledgement, as an SES outage would leave them, sent
 *     by the outbox sweep handler (the same one EventBridge Scheduler runs every minute).
 *
 * Figures are for this machine and the emulators (dynalite, aws-ses-v2-local), not for AWS.
 */
import { randomUUID } from 'node:crypto';
import { startLocalStack } from '#infra/local/stack';
import { localDynamoClient } from '#infra/local/emulators';
import { DynamoCaseStore } from '#adapters/dynamo-case-store';
import { askForIdentity, receive } from '#domain/lifecycle';
import { mailEntry } from '#domain/outbox';
import { MAIL_IDS, oweAcknowledgement } from '#shared/core/acknowledge';
import { newCaseId, newReference } from '#shared/core/ids';
import { systemClock } from '#shared/ports';
import { request } from '#test/support/http';

const SUBMISSIONS = 200;
const CONCURRENCY = 4;
const BACKLOG = 1000;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const f = (n: number) => n.toFixed(1);

export default async function bench(): Promise<void> {
  // The sweep timer is left far off: the drain below runs the sweep handler itself, so it is timed alone.
  const stack = await startLocalStack({ port: 0, sesPort: 0, memory: true, outboxSweepSeconds: 3600, log: () => {} });
  try {
    const api = stack.urls.api;
    const cases = new DynamoCaseStore({ client: localDynamoClient(stack.urls.dynamodb), tableName: stack.env.CASES_TABLE!, clock: systemClock });
    await request(`${api}/`);

    const emails: string[] = [];
    const requestMs: number[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < SUBMISSIONS) {
          const n = ++next;
          const email = `outbox-${randomUUID()}@example.org`;
          emails.push(email);
          const body = JSON.stringify({ rights: ['access'], fullName: 'Bench Person', email, relationship: 'customer' });
          const t0 = performance.now();
          const res = await request(`${api}/requests`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body,
            from: `127.2.${Math.floor(n / 250)}.${(n % 250) + 1}`,
          });
          requestMs.push(performance.now() - t0);
          if (res.status !== 201) throw new Error(`submission answered ${res.status}: ${res.text}`);
        }
      }),
    );
    const owedToSent: number[] = [];
    let notSent = 0;
    for (const email of emails) {
      const [c] = await cases.listByRequesterEmail(email);
      const e = c && mailEntry(c, MAIL_IDS.acknowledgement(c.id));
      if (e?.state === 'sent' && e.sentAt) owedToSent.push(Date.parse(e.sentAt) - Date.parse(e.createdAt));
      else notSent += 1;
    }
    owedToSent.sort((a, b) => a - b);
    requestMs.sort((a, b) => a - b);
    console.log(
      `fast path  n=${SUBMISSIONS} concurrency=${CONCURRENCY}: owed → sent p50 ${f(percentile(owedToSent, 50))} ms, p95 ${f(percentile(owedToSent, 95))} ms, max ${f(owedToSent.at(-1)!)} ms; ` +
        `POST /requests (including the send) p50 ${f(percentile(requestMs, 50))} ms, p95 ${f(percentile(requestMs, 95))} ms; left to the sweep: ${notSent}`,
    );

    // A backlog as an SES outage leaves it: cases owing their acknowledgement, nothing sent.
    const at = new Date().toISOString();
    const ids: string[] = [];
    for (let i = 0; i < BACKLOG; i += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, BACKLOG - i) }, async () => {
          const r = receive({
            id: newCaseId(),
            reference: newReference(),
            rights: ['access'],
            channel: 'form',
            requester: { fullName: 'Backlog Person', email: `backlog-${randomUUID()}@example.org`, relationship: 'customer' },
            receivedAt: at,
            actor: 'requester',
          });
          const asked = askForIdentity(r.case, { at, actor: 'system' });
          ids.push((await cases.create(oweAcknowledgement(asked.case, at), r.entry, asked.entry)).id);
        }),
      );
    }
    const sentBefore = (await request(`${stack.urls.ses}/store`)).json<{ emails: unknown[] }>().emails.length;
    const t0 = performance.now();
    let sweeps = 0;
    while ((await cases.listMailDue(new Date().toISOString(), { limit: 1 })).length > 0 && sweeps < 20) {
      await stack.outboxSweeper.runOnce();
      sweeps += 1;
    }
    const drainMs = performance.now() - t0;
    const sent = (await request(`${stack.urls.ses}/store`)).json<{ emails: unknown[] }>().emails.length - sentBefore;
    let exactlyOnce = 0;
    for (const id of ids) if (mailEntry(await cases.get(id), MAIL_IDS.acknowledgement(id))?.state === 'sent') exactlyOnce += 1;
    console.log(
      `drain      ${BACKLOG} pending acknowledgements: ${f(drainMs / 1000)} s in ${sweeps} sweep run(s) (500 cases a run, 8 at a time), ` +
        `${f(sent / (drainMs / 1000))} mails/s; SES accepted ${sent}, entries marked sent ${exactlyOnce}`,
    );
  } finally {
    await stack.stop();
  }
}
