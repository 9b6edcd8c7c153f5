/**
 * Use case (hourly, EventBridge Scheduler): every open case has a keeper. Starts one for each
 * open case whose trail lacks 'KeeperStarted' (an intake that failed to start it, or crashed
 * in between; a reopened case whose new round's keeper did not start), at most `maxStarts` a run so a backlog cannot exhaust the StartExecution quota.
 * Cases that already have a keeper cost one index read a run and nothing else.
 */
import { needsKeeper } from '#domain/lifecycle';
import { startKeeper, type StartKeeperDeps } from '#shared/core/start-keeper';

export interface SweepResult {
  open: number;
  missing: number;
  started: number;
  failed: number;
}

export const DEFAULT_MAX_STARTS = 200;
const CONCURRENCY = 5;

export async function sweepKeepers(deps: StartKeeperDeps, opts: { maxStarts?: number } = {}): Promise<SweepResult> {
  const open = await deps.cases.listOpen();
  const missing = open.filter(needsKeeper);
  const batch = missing.slice(0, opts.maxStarts ?? DEFAULT_MAX_STARTS);
  let started = 0;
  let next = 0;
  const worker = async () => {
    while (next < batch.length) {
      const c = batch[next++]!;
      if (await startKeeper(c, deps, 'sweep')) started += 1;
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, batch.length) }, worker));
  return { open: open.length, missing: missing.length, started, failed: batch.length - started };
}
