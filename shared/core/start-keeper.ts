/**
 * Starting a case's deadline keeper, from any intake (form, email, staff entry) or the sweep.
 * The case is always saved first, so a keeper that fails to start loses nothing: the failure
 * is logged (the case id and the error's name, nothing personal) and the hourly sweep starts
 * every open case whose trail lacks 'KeeperStarted'.
 */
import type { Case } from '#domain/case';
import { hasEvent, recordEvent } from '#domain/audit';
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
export async function startKeeper(c: Case, deps: StartKeeperDeps, via: 'intake' | 'sweep'): Promise<Case | undefined> {
  if (hasEvent(c, 'KeeperStarted')) return c;
  try {
    await deps.keeper.start(c.id);
    const at = deps.clock.now().toISOString();
    return await deps.cases.update(c.id, (cur) => recordEvent(cur, at, 'system', 'KeeperStarted', { via }), { current: c });
  } catch (err) {
    logger.warn('Deadline keeper not started; the sweep will retry', { caseId: c.id, via, errorName: (err as Error)?.name ?? 'unknown' });
    return undefined;
  }
}
