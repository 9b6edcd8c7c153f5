/** What the retention context's handlers use (lambdas/retention/manifest.ts grants exactly that). */
import { caseObjects, clock, tombstones } from '#adapters/from-env';
import type { PurgeDeps } from '#shared/retention/purge';

export function purgeDeps(): PurgeDeps {
  return { objects: caseObjects(), tombstones: tombstones(), clock: clock() };
}
