/**
 * Deletion follows the item (issue 13): when DynamoDB's TTL has removed a case item, its stored
 * objects (raw mail, parsed messages, attachments, exports; every version) are deleted and a
 * tombstone is written. A case under legal hold is never purged: a hold removes `expiresAt`, so
 * such an item should never expire; if one does, it is skipped and logged (by id) for a look.
 */
import type { Case } from '#domain/case';
import type { CaseObjects, Clock } from '#shared/ports';
import { tombstoneOf, type Tombstones } from './tombstone';

export interface PurgeDeps {
  objects: CaseObjects;
  tombstones: Tombstones;
  clock: Clock;
}

export type PurgeResult = { outcome: 'purged'; objectsDeleted: number; tombstone: 'written' | 'existed' } | { outcome: 'held' };

/**
 * Purges `c`, the case as its item was when TTL removed it (`expiredAt`, ISO). Safe to retry:
 * deleting what is already gone deletes nothing, and the tombstone is written once. Throws
 * (ObjectsNotDeletedError) when a version could not be deleted; no tombstone is written then.
 */
export async function purgeExpiredCase(c: Case, expiredAt: string, deps: PurgeDeps): Promise<PurgeResult> {
  if (c.legalHold) return { outcome: 'held' };
  const objects = await deps.objects.list(c);
  const objectsDeleted = await deps.objects.deleteAllVersions(objects);
  const tombstone = await deps.tombstones.put(tombstoneOf(c, { expiredAt, purgedAt: deps.clock.now().toISOString(), objectsDeleted }));
  return { outcome: 'purged', objectsDeleted, tombstone };
}
