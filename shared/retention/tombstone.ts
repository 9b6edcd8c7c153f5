/**
 * Tombstones of purged cases (issue 13): the record itself and how it is made are domain
 * (shared/domain/tombstone.ts), read by the reports too; writing them is the retention context's.
 */
import type { Tombstone } from '#domain/tombstone';

export { tombstoneOf, type Tombstone } from '#domain/tombstone';

export interface Tombstones {
  /** Writes the tombstone once: 'existed' (and nothing written) when the case already has one (a retried purge). */
  put(t: Tombstone): Promise<'written' | 'existed'>;
  find(caseId: string): Promise<Tombstone | undefined>;
}
