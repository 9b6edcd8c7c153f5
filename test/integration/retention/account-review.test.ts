/**
 * The monthly retention review of Icetrak's accounts on the local stack (issue 13), end to end
 * through the real handlers: the account system in PGlite (demo and 50 synthetic accounts), the
 * holds and reviews in dynalite. A DPO places a hold through the API, reviews months from the
 * desk and reads them through the API: the month whose 7 years ended lists its accounts as due,
 * a held one as held with its reason; a viewer reads but cannot review or hold (403).
 */
import { HtmlValidate } from 'html-validate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoAccountHolds } from '#adapters/dynamo-account-holds';
import { londonDateOf } from '#domain/calendar';
import { scheduledPeriod } from '#domain/report-period';
import { accountKeptUntil } from '#domain/retention-review';
import { DEMO_ACCOUNTS, syntheticAccounts } from '#infra/local/icetrak/demo-data';
import { localDynamoClient } from '#infra/local/emulators';
import { LOCAL_RESOURCES, startLocalStack, type LocalStack } from '#infra/local/stack';
import { systemClock } from '#shared/ports';
import { useAccountSystem } from '#test/support/account-system';
import { form, request } from '#test/support/http';
import { bearerFor, signInAs, staffCall } from '#test/support/staff';

const DPO = 'dpo.lead@icetrak.net';
const VIEWER = 'auditor@icetrak.net';
const SYNTHETIC = 50;

const accounts = useAccountSystem({ syntheticAccounts: SYNTHETIC });
let stack: LocalStack;
let dpo: string;
let viewer: string;

beforeAll(async () => {
  stack = await startLocalStack({
    port: 0,
    sesPort: 0,
    oidcPort: 0,
    memory: true,
    outboxSweepSeconds: 3600,
    accountsDbUrl: accounts.system.url,
    log: () => undefined,
  });
  [dpo, viewer] = await Promise.all([bearerFor(stack, DPO), bearerFor(stack, VIEWER)]);
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

const call = (path: string, token: string | undefined, opts: { method?: string; body?: unknown } = {}) => staffCall(stack, path, token, opts);

/** What the account system holds, worked out from the seed data rather than read back: closed accounts kept until a day of `month`. */
function expectedIn(month: string): string[] {
  const all = [...Object.values(DEMO_ACCOUNTS).map((a) => ({ accountId: a.accountId, closedOn: a.closedOn })), ...syntheticAccounts(SYNTHETIC)];
  return all
    .filter((a) => a.closedOn !== null && accountKeptUntil(a.closedOn).startsWith(`${month}-`))
    .map((a) => a.accountId)
    .sort();
}

async function reviewFromDesk(cookie: string, csrf: string, month: string) {
  return request(`${stack.urls.api}/desk/retention`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', origin: stack.urls.api },
    body: form([
      ['_csrf', csrf],
      ['month', month],
    ]),
  });
}

interface ReviewDoc {
  month: string;
  runs: number;
  due: Array<{ accountId: string; name: string; closedOn: string; keptUntil: string }>;
  held: Array<{ accountId: string; reason: string; since: string; reviewOn: string | null; keptUntil: string }>;
}

describe('account holds through the API', () => {
  it('a DPO places a hold (201), a second is 409; a viewer cannot (403); a bad request names the field', async () => {
    const placed = await call('/api/account-holds', dpo, {
      method: 'POST',
      body: { accountId: 'acc-2039', reason: 'Disputed final invoice', reviewOn: '2099-01-31' },
    });
    expect(placed.status, placed.text).toBe(201);
    expect(placed.json()).toMatchObject({
      accountId: 'ACC-2039',
      reason: 'Disputed final invoice',
      reviewOn: '2099-01-31',
      since: londonDateOf(new Date()),
    });
    expect((await call('/api/account-holds', dpo, { method: 'POST', body: { accountId: 'ACC-2039', reason: 'again' } })).status).toBe(409);
    expect((await call('/api/account-holds', viewer, { method: 'POST', body: { accountId: 'ACC-2019', reason: 'no' } })).status).toBe(403);
    expect((await call('/api/account-holds/ACC-2039/release', viewer, { method: 'POST', body: { reason: 'no' } })).status).toBe(403);
    const bad = await call('/api/account-holds', dpo, { method: 'POST', body: { accountId: 'ACC-2019', reason: '', reviewOn: '2001-01-01' } });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('reason');
    expect(bad.text).toContain('reviewOn');
    expect((await call('/api/account-holds/ACC-2019/release', dpo, { method: 'POST', body: { reason: 'not held' } })).status).toBe(409);
  });
});

describe('the review of a month whose 7 years ended', () => {
  it('lists June 2019’s closures as due in June 2026’s review', async () => {
    const { cookie, csrf } = await signInAs(stack, DPO);
    const run = await reviewFromDesk(cookie, csrf, '2026-06');
    expect(run.status, run.text).toBe(303);
    expect(run.headers.location).toBe('/desk/retention?month=2026-06&done=reviewed');
    const review = (await call('/api/retention-reviews/2026-06', viewer)).json<ReviewDoc>();
    expect(expectedIn('2026-06')).toContain('ACC-2019');
    expect(review.due.map((d) => d.accountId).sort()).toEqual(expectedIn('2026-06'));
    expect(review.held).toEqual([]);
    for (const d of review.due) expect(d.keptUntil).toBe(accountKeptUntil(d.closedOn));
  });

  it('lists a held account as held with its reason, not due (July 2026: ACC-2039)', async () => {
    const { cookie, csrf } = await signInAs(stack, DPO);
    expect((await reviewFromDesk(cookie, csrf, '2026-07')).status).toBe(303);
    const review = (await call('/api/retention-reviews/2026-07', dpo)).json<ReviewDoc>();
    expect(expectedIn('2026-07')).toContain('ACC-2039');
    expect(review.held).toEqual([expect.objectContaining({ accountId: 'ACC-2039', reason: 'Disputed final invoice', reviewOn: '2099-01-31' })]);
    expect(review.due.map((d) => d.accountId)).not.toContain('ACC-2039');
    expect(review.due.map((d) => d.accountId).sort()).toEqual(expectedIn('2026-07').filter((id) => id !== 'ACC-2039'));
  });

  it('lists ACC-1003 Severn Logistics (closed 31 March 2018) in March 2025’s review; a re-run replaces it', async () => {
    const { cookie, csrf } = await signInAs(stack, DPO);
    expect((await reviewFromDesk(cookie, csrf, '2025-03')).status).toBe(303);
    expect((await reviewFromDesk(cookie, csrf, '2025-03')).status).toBe(303);
    const review = (await call('/api/retention-reviews/2025-03', dpo)).json<ReviewDoc>();
    expect(review.due).toContainEqual({ accountId: 'ACC-1003', name: 'Severn Logistics', closedOn: '2018-03-31', keptUntil: '2025-03-31' });
    expect(review.runs).toBe(2);
    expect((await call('/api/retention-reviews/2025-04', dpo)).status).toBe(404);
    expect((await call('/api/retention-reviews/2025-4', dpo)).status).toBe(400);
    expect((await call('/api/retention-reviews/2026-06', undefined)).status).toBe(401);
  });
});

describe('the desk’s retention review page', () => {
  const validator = new HtmlValidate({ extends: ['html-validate:recommended'], rules: { 'doctype-style': 'off' } });

  it('shows the DPO the review and the holds, valid HTML, linked from the navigation', async () => {
    const { cookie } = await signInAs(stack, DPO);
    const page = await request(`${stack.urls.api}/desk/retention?month=2026-07`, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    const report = await validator.validateString(page.text);
    expect(report.results.flatMap((r) => r.messages.map((m) => `${m.ruleId}: ${m.message}`))).toEqual([]);
    expect(page.text).toContain('Disputed final invoice');
    expect(page.text).toContain('Review now');
    expect(page.text).toContain('Place hold');
    const queue = await request(`${stack.urls.api}/desk`, { headers: { cookie } });
    expect(queue.text).toContain('href="/desk/retention"');
  });

  it('a viewer reads it but cannot review a month or place or release a hold (403)', async () => {
    const { cookie, csrf } = await signInAs(stack, VIEWER);
    const page = await request(`${stack.urls.api}/desk/retention`, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('Review now');
    expect(page.text).not.toContain('Place hold');
    expect((await reviewFromDesk(cookie, csrf, '2026-08')).status).toBe(403);
    const post = (path: string, fields: [string, string][]) =>
      request(`${stack.urls.api}${path}`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', origin: stack.urls.api },
        body: form([['_csrf', csrf], ...fields]),
      });
    expect(
      (
        await post('/desk/retention/holds', [
          ['accountId', 'ACC-2059'],
          ['reason', 'x'],
        ])
      ).status,
    ).toBe(403);
    expect((await post('/desk/retention/holds/ACC-2039/release', [['reason', 'x']])).status).toBe(403);
    expect((await call('/api/retention-reviews/2026-08', viewer)).status).toBe(404);
  });

  it('the DPO releases a hold from the desk (reason required); its history keeps both', async () => {
    const { cookie, csrf } = await signInAs(stack, DPO);
    const post = (fields: [string, string][]) =>
      request(`${stack.urls.api}/desk/retention/holds/ACC-2039/release`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', origin: stack.urls.api },
        body: form([['_csrf', csrf], ...fields]),
      });
    const missing = await post([['reason', '  ']]);
    expect(missing.status).toBe(400);
    expect(missing.text).toContain('Give the reason.');
    const released = await post([['reason', 'Invoice settled']]);
    expect(released.status, released.text).toBe(303);
    const client = localDynamoClient(stack.urls.dynamodb);
    try {
      const holds = new DynamoAccountHolds({ client, tableName: LOCAL_RESOURCES.casesTable, clock: systemClock });
      expect(await holds.list()).toEqual([]);
      const found = await holds.find('ACC-2039');
      expect(found?.hold).toBeNull();
      expect(found?.history.map((e) => [e.action, e.reason, e.by])).toEqual([
        ['placed', 'Disputed final invoice', `staff:${DPO}`],
        ['released', 'Invoice settled', `staff:${DPO}`],
      ]);
    } finally {
      client.destroy();
    }
    const { cookie: c2, csrf: t2 } = await signInAs(stack, DPO);
    expect((await reviewFromDesk(c2, t2, '2026-07')).status).toBe(303);
    const review = (await call('/api/retention-reviews/2026-07', dpo)).json<ReviewDoc>();
    expect(review.due.map((d) => d.accountId)).toContain('ACC-2039');
    expect(review.held).toEqual([]);
  });
});

describe('the schedule on the local stack', () => {
  it('reviews the month before once the month’s first working day has come', async () => {
    await stack.reportScheduler.runAll();
    const period = scheduledPeriod('monthly', londonDateOf(new Date()), 'england-and-wales');
    if (!period) return; // the first days of a month before its first working day: nothing is due yet (the unit tests cover the rule)
    const review = await call(`/api/retention-reviews/${period.period}`, dpo);
    expect(review.status, review.text).toBe(200);
    expect(
      review
        .json<ReviewDoc>()
        .due.map((d) => d.accountId)
        .sort(),
    ).toEqual(expectedIn(period.period));
  }, 60_000);
});
