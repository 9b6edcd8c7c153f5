/**
 * Starting a case's deadline keeper, from any intake (form, email, staff entry) or the sweep.
 * The case is always saved first, so a keeper that fails to start loses nothing: the failure
 * is logged (the case id and the error's name, nothing personal) and the hourly sweep starts
 * every open case whose trail lacks 'KeeperStarted' since it was last (re)opened (needsKeeper).
 */
import type { Case } from '#domain/case';
import { recordEvent } from '#domain/audit';
import { keeperRound, needsKeeper } from '#domain/lifecycle';
import { logger } from './log';
import type { CaseStore, Clock, Keeper } from '#shared/ports';

export interface StartKeeperDeps {
  cases: CaseStore;
  keeper: Keeper;
  clock: Clock;
}

/**
 * Starts the keeper and records it. Never throws: resolves to the case as recorded, or to
 * undefined when the start failed and is left for the sweep.
 */
export async function startKeeper(c: Case, deps: StartKeeperDeps, via: 'intake' | 'sweep' | 'reopen'): Promise<Case | undefined> {
  if (!needsKeeper(c)) return c;
  const round = keeperRound(c);
  try {
    await deps.keeper.start(c.id, round);
    const at = deps.clock.now().toISOString();
    return await deps.cases.update(c.id, (cur) => recordEvent(cur, at, 'system', 'KeeperStarted', { via, ...(round > 0 ? { round } : {}) }), {
      current: c,
    });
  } catch (err) {
    logger.warn('Deadline keeper not started; the sweep will retry', { caseId: c.id, via, errorName: (err as Error)?.name ?? 'unknown' });
    return undefined;
  }
}
