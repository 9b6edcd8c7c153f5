/** The purge's stream handling with in-memory fakes: which records it purges, skips and reports failed. */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { Case } from '#domain/case';
import { ttlRemoveRecord } from '#infra/local/ttl-sweeper';
import type { CaseObjects } from '#shared/ports';
import { purgeFromStream } from '#shared/retention/purge-stream';
import type { Tombstone, Tombstones } from '#shared/retention/tombstone';
import { aCase } from '#test/support/cases';

const NOW = new Date('2026-12-01T00:00:00Z');

function fakes(failFor: string[] = []) {
  const stored = new Map<string, Tombstone>();
  const deleted: string[] = [];
  const objects: CaseObjects = {
    list: (c: Case) => Promise.resolve([{ bucket: 'files', key: `messages/${c.id}/m.json` }]),
    setLegalHold: () => Promise.resolve(),
    deleteAllVersions: (os) => {
      if (os.some((o) => failFor.some((id) => o.key.includes(id)))) return Promise.reject(new Error('boom'));
      deleted.push(...os.map((o) => o.key));
      return Promise.resolve(os.length * 2);
    },
  };
  const tombstones: Tombstones = {
    put: (t) => {
      if (stored.has(t.caseId)) return Promise.resolve('existed');
      stored.set(t.caseId, t);
      return Promise.resolve('written');
    },
    find: (id) => Promise.resolve(stored.get(id)),
  };
  return { deps: { objects, tombstones, clock: { now: () => NOW } }, stored, deleted };
}

/** Plain JSON values as DynamoDB attribute values (what the Document client writes). */
const av = (v: unknown): AttributeValue =>
  typeof v === 'string'
    ? { S: v }
    : typeof v === 'number'
      ? { N: String(v) }
      : typeof v === 'boolean'
        ? { BOOL: v }
        : v === null
          ? { NULL: true }
          : Array.isArray(v)
            ? { L: v.map(av) }
            : { M: marshall(v as Record<string, unknown>) };
const marshall = (o: Record<string, unknown>): Record<string, AttributeValue> =>
  Object.fromEntries(Object.entries(o).flatMap(([k, v]) => (v === undefined ? [] : [[k, av(v)]])));

/** The TTL REMOVE record of `c`'s item, as the table stores it. */
const recordOf = (c: Case): DynamoDBRecord => {
  const { audit, version, ...data } = c;
  const item = marshall({ pk: `CASE#${c.id}`, sk: 'CASE', version, data, audit, ...(c.expiresAt && { expiresAt: c.expiresAt }) });
  return ttlRemoveRecord('cases', item, NOW);
};

describe('purgeFromStream', () => {
  it('purges TTL removals of cases, skips held ones and ignores everything else', async () => {
    const { deps, stored, deleted } = fakes();
    const expired = aCase({ status: 'closed', expiresAt: 1_790_000_000 });
    const held = aCase({ expiresAt: 1_790_000_000, legalHold: { reason: 'r', since: '2026-11-01T00:00:00Z', placedBy: 'staff:dpo' } });
    const session = ttlRemoveRecord('cases', { pk: { S: 'SESSION#x' }, sk: { S: 'SESSION' } }, NOW);
    const manual = { ...recordOf(aCase()), userIdentity: undefined };

    const out = await purgeFromStream([recordOf(expired), recordOf(held), session, manual], deps);

    expect(out).toEqual({ batchItemFailures: [], purged: 1, held: 1, ignored: 2, failed: 0, objectsDeleted: 2 });
    expect(deleted).toEqual([`messages/${expired.id}/m.json`]);
    expect(stored.get(expired.id)).toMatchObject({ expiredAt: new Date(1_790_000_000_000).toISOString(), purgedAt: NOW.toISOString(), objectsDeleted: 2 });
    expect([...stored.keys()]).toEqual([expired.id]);
  });

  it('reports each failed record by sequence number, earliest first, and still purges the others', async () => {
    const [a, b, c] = [aCase({ expiresAt: 1 }), aCase({ expiresAt: 1 }), aCase({ expiresAt: 1 })];
    const { deps, stored } = fakes([b.id]);
    const records = [recordOf(a), recordOf(b), recordOf(c)];

    const out = await purgeFromStream(records, deps);

    expect(out.batchItemFailures).toEqual([{ itemIdentifier: records[1]!.dynamodb!.SequenceNumber }]);
    expect(out).toMatchObject({ purged: 2, failed: 1 });
    expect(stored.has(a.id) && stored.has(c.id) && !stored.has(b.id)).toBe(true);
  });
});
