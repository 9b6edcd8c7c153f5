/**
 * The compliance reports' schedules under `npm start`: each scheduled handler of the reports
 * manifest (lambdas/reports/manifest.ts) runs on the same cron expression, in Europe/London time,
 * as EventBridge Scheduler runs it in AWS (croner reads it). Each also runs once when the stack
 * starts: a laptop is rarely on at 07:00 on the 1st, and the handlers only make what is due and
 * not yet made, so a missed run is caught up.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { Cron } from 'croner';
import { triggeredBy, type CronFields } from '#lambdas/manifest';
import { REPORTS } from '#lambdas/reports/manifest';
import { RETENTION } from '#lambdas/retention/manifest';
import { lambdaContext } from './lambda-context';

/** An EventBridge cron (minute hour day month weekDay; '?' for the unused day field) as a five-field croner pattern. */
export function cronPattern(cron: CronFields): string {
  return [cron.minute ?? '*', cron.hour ?? '*', cron.day ?? '*', cron.month ?? '*', cron.weekDay ?? '*'].map((f) => (f === '?' ? '*' : f)).join(' ');
}

export const REPORT_TIME_ZONE = 'Europe/London';

export interface ReportScheduler {
  /** Runs every scheduled report handler now (as the catch-up at start does); resolves when they are done. */
  runAll(): Promise<void>;
  /** When each handler runs next (by manifest id). */
  nextRuns(): Record<string, Date | null>;
  stop(): Promise<void>;
}

/** With `timers` false nothing runs by itself (tests call runAll); with it, each schedule runs on its expression and once now. */
export function startReportScheduler(opts: { rootDir: string; log: (line: string) => void; timers: boolean }): ReportScheduler {
  const running = new Map<string, Promise<void>>();
  const specs = [...triggeredBy(REPORTS.handlers, 'schedule'), ...triggeredBy(RETENTION.handlers, 'schedule')];
  const run = (spec: (typeof specs)[number]) => {
    const already = running.get(spec.id);
    if (already) return already;
    const job = (async () => {
      if (spec.uses.accountsDb && !process.env.ACCOUNTS_DB_URL) {
        opts.log(`reports: ${spec.id} skipped: no account system (ACCOUNTS_DB_URL is not set)`);
        return;
      }
      try {
        const mod = (await import(pathToFileURL(join(opts.rootDir, spec.entry)).href)) as {
          handler: (event: unknown, context: Context) => Promise<{ id?: string; month?: string; did: string }>;
        };
        const r = await mod.handler({}, lambdaContext(spec.entry, Date.now() + (spec.timeoutSeconds ?? 10) * 1000));
        if (r.did !== 'nothing-due' && r.did !== 'already-made') opts.log(`reports: ${r.id ?? r.month ?? spec.id} ${r.did}`);
      } catch (err) {
        opts.log(`reports: ${spec.id} failed: ${(err as Error | undefined)?.name ?? 'error'}`);
      }
    })().finally(() => running.delete(spec.id));
    running.set(spec.id, job);
    return job;
  };
  const jobs = specs.map((spec) => ({
    spec,
    cron: new Cron(cronPattern(spec.trigger.cron), { timezone: REPORT_TIME_ZONE, protect: true, paused: !opts.timers }, () => void run(spec)),
  }));
  // One after the other, as separate Lambda functions would not share a logger's context.
  const runAll = async () => {
    for (const spec of specs) await run(spec);
  };
  if (opts.timers) void runAll();
  return {
    runAll,
    nextRuns: () => Object.fromEntries(jobs.map(({ spec, cron }) => [spec.id, opts.timers ? cron.nextRun() : null])),
    async stop() {
      for (const { cron } of jobs) cron.stop();
      await Promise.all(running.values());
    },
  };
}
