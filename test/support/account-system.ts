/** Icetrak's account system (PGlite behind pglite-socket) for one test file, with a `pg` pool to it. */
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { startAccountSystem, type AccountSystemOptions, type RunningAccountSystem } from '#infra/local/icetrak/account-system';

export interface AccountSystemFixture {
  system: RunningAccountSystem;
  pool: pg.Pool;
}

/**
 * Starts the account system once for the file (a new database takes seconds: never per test) with
 * the demo data and `opts.syntheticAccounts` synthetic accounts (default 50, enough near misses).
 */
export function useAccountSystem(opts: AccountSystemOptions = {}): AccountSystemFixture {
  const fixture = {} as AccountSystemFixture;
  beforeAll(async () => {
    fixture.system = await startAccountSystem({ syntheticAccounts: 50, ...opts });
    fixture.pool = new pg.Pool({ connectionString: fixture.system.url, max: 2 });
  });
  afterAll(async () => {
    await fixture.pool?.end();
    await fixture.system?.stop();
  });
  return fixture;
}
