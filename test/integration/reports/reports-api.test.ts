/**
 * Reports on the local stack (issue 12), end to end through the real handlers: the worked
 * example's cases in dynalite, a DPO running November's report from the API and from the desk,
 * an auditor reading but not running, the files served to staff only, the scheduled runs'
 * catch-up mailing the team once, and bad requests answered with the field named.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoCaseStore } from '#adapters/dynamo-case-store';
import { londonDateOf } from '#domain/calendar';
import type { MonthlyFigures } from '#domain/report-figures';
import { isoWeekOf, weekPeriod } from '#domain/report-period';
import { localDynamoClient } from '#infra/local/emulators';
import { LOCAL_RESOURCES, REPO_ROOT, startLocalStack, type LocalStack } from '#infra/local/stack';
import { systemClock } from '#shared/ports';
import { emailsTo, form, request } from '#test/support/http';
import { novemberCases } from '#test/support/report-cases';
import { weekName } from '#shared/templates/report-format';
import { bearerFor, signInAs, staffCall } from '#test/support/staff';

const run = promisify(execFile);
const DPO = 'dpo.lead@icetrak.net';
const AUDITOR = 'auditor@icetrak.net';

let stack: LocalStack;
let dpo: string;
let auditor: string;

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, sesPort: 0, oidcPort: 0, memory: true, outboxSweepSeconds: 3600, log: () => undefined });
  [dpo, auditor] = await Promise.all([bearerFor(stack, DPO), bearerFor(stack, AUDITOR)]);
  const store = new DynamoCaseStore({ client: localDynamoClient(stack.urls.dynamodb), tableName: LOCAL_RESOURCES.casesTable, clock: systemClock });
  for (const { case: c, entries } of Object.values(novemberCases())) {
    const [first, ...rest] = entries;
    await store.create(c, first!, ...rest);
  }
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

const call = (path: string, token: string | undefined, opts: { method?: string; body?: unknown } = {}) => staffCall(stack, path, token, opts);

interface ReportDoc {
  id: string;
  kind: string;
  period: string;
  html: string;
  csv: string;
  figures: string;
  runs: number;
  mailedAt: string | null;
  headline: Record<string, number | null>;
}

describe('reports API', () => {
  it('a DPO runs November’s report: 201 with its files’ URLs; the figures are the worked example’s', async () => {
    const res = await call('/api/reports', dpo, { method: 'POST', body: { kind: 'monthly', period: '2026-11' } });
    expect(res.status, res.text).toBe(201);
    const doc = res.json<ReportDoc>();
    expect(doc).toMatchObject({
      id: 'monthly-2026-11',
      kind: 'monthly',
      period: '2026-11',
      html: '/api/reports/monthly-2026-11/report.html',
      csv: '/api/reports/monthly-2026-11/cases.csv',
      figures: '/api/reports/monthly-2026-11/figures.json',
    });
    expect(doc.headline).toMatchObject({ received: 7, closed: 7, answered: 6, complaintsReceived: 1, cases: 11 });

    const figures = (await call(doc.figures, auditor)).json<MonthlyFigures>();
    expect(figures.byRight.find((r) => r.right === 'all')).toMatchObject({ closedOnTime: 5, closedLate: 1, days: { median: 22, p95: 46 } });

    const csv = await call(doc.csv, auditor);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['content-disposition']).toBe('attachment; filename="rightsdesk-monthly-2026-11-cases.csv"');
    expect(csv.text.trim().split(/\r?\n/)).toHaveLength(12);
    for (const secret of ['Grace', 'Hopper', '@example.org', 'Secret Lane']) expect(csv.text).not.toContain(secret);

    const html = await call(doc.html, auditor);
    expect(html.status).toBe(200);
    expect(html.headers['content-type']).toMatch(/^text\/html/);
    expect(html.text).toContain('<svg');
  });

  it('lists the reports, newest first, to any staff member', async () => {
    const listed = (await call('/api/reports', auditor)).json<{ reports: ReportDoc[] }>();
    expect(listed.reports.map((r) => r.id)).toEqual(['monthly-2026-11']);
  });

  it('an auditor may read but not run; without a token nothing is served', async () => {
    expect((await call('/api/reports', auditor, { method: 'POST', body: { kind: 'weekly', period: '2026-W48' } })).status).toBe(403);
    expect((await call('/api/reports', undefined)).status).toBe(401);
    expect((await call('/api/reports/monthly-2026-11/cases.csv', undefined)).status).toBe(401);
  });

  it('bad requests name the field; unknown reports and files are 404', async () => {
    const bad = await call('/api/reports', dpo, { method: 'POST', body: { kind: 'yearly', period: '2026' } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.json())).toContain('kind');
    const future = await call('/api/reports', dpo, { method: 'POST', body: { kind: 'monthly', period: '2099-01' } });
    expect(future.status).toBe(400);
    expect(future.text).toContain('has not started yet');
    const extra = await call('/api/reports', dpo, { method: 'POST', body: { kind: 'monthly', period: '2026-11', to: 'me@example.org' } });
    expect(extra.status).toBe(400);
    expect(extra.text).toContain('to');
    for (const path of [
      '/api/reports/monthly-2026-10/report.html',
      '/api/reports/monthly-2026-11/secrets.txt',
      '/api/reports/monthly-2026-11/..%2F..%2Fraw',
    ]) {
      expect((await call(path, dpo)).status, path).toBe(404);
    }
  });
});

describe('npm run report', () => {
  it('makes the report on the running stack and prints where it is', async () => {
    const dpoUser = stack.staffUsers.find((u) => u.email === DPO)!;
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'infra/tools/report.ts', '--week', '2026-W47'], {
      cwd: REPO_ROOT,
      env: { ...process.env, PUBLIC_BASE_URL: stack.urls.api, STAFF_ISSUER: stack.urls.oidc, STAFF_PASSWORD: dpoUser.password },
    });
    expect(stdout).toContain('Made the week 47 of 2026');
    expect(stdout).toContain(`${stack.urls.api}/desk/reports/weekly-2026-W47/report.html`);
    expect(stdout).toContain('.data/s3/rightsdesk-reports/reports/2026/11/weekly-2026-W47/cases.csv._S3rver_object');
    const usage = await run(process.execPath, ['--import', 'tsx', 'infra/tools/report.ts', '--year', '2026'], { cwd: REPO_ROOT }).then(
      () => ({ stderr: 'it succeeded' }),
      (err: unknown) => err as { stderr: string },
    );
    expect(usage.stderr).toContain('Usage: npm run report -- --month YYYY-MM');
  }, 60_000);
});

describe('reports in the desk', () => {
  it('lists the reports with their headline numbers and files, and runs one from the form', async () => {
    const { cookie, csrf } = await signInAs(stack, DPO);
    const page = await request(`${stack.urls.api}/desk/reports`, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(page.text).toContain('Monthly report: November 2026');
    expect(page.text).toContain('/desk/reports/monthly-2026-11/cases.csv');
    expect(page.text).toContain('Run now');

    const run = await request(`${stack.urls.api}/desk/reports`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', origin: stack.urls.api },
      body: form([
        ['_csrf', csrf],
        ['kind', 'weekly'],
        ['period', '2026-W48'],
      ]),
    });
    expect(run.status, run.text).toBe(303);
    expect(run.headers.location).toBe('/desk/reports/weekly-2026-W48/report.html');
    const shown = await request(`${stack.urls.api}${String(run.headers.location)}`, { headers: { cookie } });
    expect(shown.status).toBe(200);
    expect(shown.text).toContain('weekly digest');
    expect(shown.headers['content-security-policy']).toContain("default-src 'none'");

    const wrong = await request(`${stack.urls.api}/desk/reports`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', origin: stack.urls.api },
      body: form([
        ['_csrf', csrf],
        ['kind', 'monthly'],
        ['period', 'last month'],
      ]),
    });
    expect(wrong.status).toBe(400);
    expect(wrong.text).toContain('A month is written YYYY-MM');
  });

  it('an auditor sees the reports but no run form, and cannot post one', async () => {
    const { cookie, csrf } = await signInAs(stack, AUDITOR);
    const page = await request(`${stack.urls.api}/desk/reports`, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('Run now');
    const run = await request(`${stack.urls.api}/desk/reports`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', origin: stack.urls.api },
      body: form([
        ['_csrf', csrf],
        ['kind', 'monthly'],
        ['period', '2026-11'],
      ]),
    });
    expect(run.status).toBe(403);
  });
});

describe('scheduled runs on the local stack', () => {
  it('make what is due and not yet made; the team gets one mail per period, with the desk link and no case references', async () => {
    await stack.reportScheduler.runAll(); // what `npm start` does at start and on the schedules
    await stack.reportScheduler.runAll(); // a second run finds everything due already made
    const team = stack.env.TEAM_ADDRESS!;
    const mail = await emailsTo(stack.urls.ses, team);
    const subjects = mail.map((m) => m.subject).filter((s) => s.startsWith('Rightsdesk '));
    expect(subjects.filter((s) => s === 'Rightsdesk monthly report: November 2026')).toHaveLength(1);
    expect(subjects.filter((s) => s.startsWith('Rightsdesk weekly digest: week 48 of 2026'))).toHaveLength(1); // run from the desk
    // The schedule made this week's digest (and last month's report, if not November's), once.
    const thisWeek = weekPeriod(isoWeekOf(londonDateOf(new Date())));
    expect(subjects.filter((s) => s === `Rightsdesk weekly digest: ${weekName(thisWeek)}`)).toHaveLength(1);
    const listed = (await call('/api/reports', dpo)).json<{ reports: ReportDoc[] }>();
    expect(listed.reports.map((r) => r.id)).toContain(thisWeek.id);
    for (const m of mail.filter((x) => x.subject.startsWith('Rightsdesk monthly'))) {
      expect(m.body.text).toContain('/desk/reports/monthly-2026-11/report.html');
      expect(JSON.stringify(m.body)).not.toMatch(/RD-[0-9A-Z]{6}/);
    }
  });
});
