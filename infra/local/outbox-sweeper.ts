/**
 * The outbox sweep under `npm start`: runs the mail context's scheduled handler
 * (lambdas/mail/sweep-outbox.ts) on a timer, as EventBridge Scheduler does every minute in AWS.
 * One run at a time; a run that fails is logged and the next one tries again.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { MAIL } from '#lambdas/mail/manifest';
import { onlyTriggeredBy } from '#lambdas/manifest';
import { lambdaContext } from './lambda-context';

const sweep = onlyTriggeredBy(MAIL.handlers, 'schedule', MAIL.context);

export interface OutboxSweeper {
  /** One sweep now (waits for a run already under way instead of starting a second). */
  runOnce(): Promise<void>;
  start(): void;
  stop(): Promise<void>;
}

export function createOutboxSweeper(opts: { rootDir: string; intervalSeconds: number; log: (line: string) => void }): OutboxSweeper {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const run = async () => {
    try {
      const mod = (await import(pathToFileURL(join(opts.rootDir, sweep.entry)).href)) as {
        handler: (event: unknown, context: Context) => Promise<{ cases: number; sent: number; retrying: number; failed: number; withheld: number }>;
      };
      const r = await mod.handler({}, lambdaContext(sweep.entry, Date.now() + (sweep.timeoutSeconds ?? 10) * 1000));
      if (r.cases) opts.log(`outbox sweep: ${r.sent} sent, ${r.retrying} to retry, ${r.failed} failed, ${r.withheld} withheld`);
    } catch (err) {
      opts.log(`outbox sweep failed: ${(err as Error | undefined)?.name ?? 'error'}`);
    }
  };
  const runOnce = () => (running ??= run().finally(() => (running = undefined)));
  return {
    runOnce,
    start() {
      timer ??= setInterval(() => void runOnce(), opts.intervalSeconds * 1000).unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
