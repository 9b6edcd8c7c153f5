/**
 * The local report scheduler also runs the retention review of Icetrak's accounts on its manifest
 * cron; without the account system (no ACCOUNTS_DB_URL) it skips the review with a log line
 * rather than failing (infra/local/report-scheduler.ts).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { REVIEW_CRON } from '#lambdas/retention/manifest';
import { cronPattern, startReportScheduler } from '#infra/local/report-scheduler';
import { REPO_ROOT } from '#infra/local/stack';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('the retention review on the local schedules', () => {
  it('runs on the manifest’s cron, 07:30 on days 1–7, and is skipped with a log line without the account system', async () => {
    expect(cronPattern(REVIEW_CRON)).toBe('30 6 1-7 * *');
    vi.stubEnv('ACCOUNTS_DB_URL', undefined);
    const lines: string[] = [];
    const scheduler = startReportScheduler({ rootDir: REPO_ROOT, log: (l) => lines.push(l), timers: true });
    try {
      const next = scheduler.nextRuns().ReviewAccounts;
      expect(next).toBeInstanceOf(Date);
      expect(next!.getUTCMinutes()).toBe(30);
      await scheduler.runAll();
    } finally {
      await scheduler.stop();
    }
    expect(lines).toContain('reports: ReviewAccounts skipped: no account system (ACCOUNTS_DB_URL is not set)');
  }, 60_000);
});
