import type { AuditEntry } from '#domain/case';
import { describe, expect, it } from 'vitest';
import { DynamoCaseStore } from '#adapters/dynamo-case-store';
import { DynamoRateLimiter } from '#adapters/dynamo-intake-guards';
import { lease, markSent, owe } from '#domain/outbox';
import { CaseAlreadyExistsError, CaseNotFoundError, VersionConflictError } from '#domain/errors';
import type { Clock } from '#shared/ports';
import { aCase, anEntry } from '#test/support/cases';
import { useDynamo } from '#test/support/emulators';

/** An entry told apart from the others by its detail (every action name is one of AUDIT_ACTIONS). */
const mark = (name: string) => anEntry('CorrespondenceReceived', { detail: { mark: name } });
const label = (e: AuditEntry) => (typeof e.detail?.mark === 'string' ? e.detail.mark : e.action);

const db = useDynamo();
const NOW = new Date('2026-11-27T12:00:00Z');
const nowSeconds = NOW.getTime() / 1000;
const clock: Clock = { now: () => NOW };
const store = () => new DynamoCaseStore({ client: db.client, tableName: db.tableName, clock });

describe('DynamoCaseStore', () => {
  it('creates a case at version 1 with its first audit entry, and reads it back by id and reference', async () => {
    const c = aCase();
    const created = await store().create(c, anEntry('RequestReceived'));
    expect(created.version).toBe(1);
    expect(created.audit.map((e) => e.action)).toEqual(['RequestReceived']);
    expect(await store().get(c.id)).toEqual(created);
    expect((await store().findByReference(c.reference.toLowerCase()))?.id).toBe(c.id);
  });

  it('refuses to create the same case twice', async () => {
    const c = aCase();
    await store().create(c, anEntry('RequestReceived'));
    await expect(store().create(c, anEntry('RequestReceived'))).rejects.toBeInstanceOf(CaseAlreadyExistsError);
  });

  it('saves a change with the version bump and the audit entry in one write', async () => {
    const c = await store().create(aCase(), anEntry('RequestReceived'));
    const saved = await store().save({ case: { ...c, status: 'awaiting_clarification', dueOn: null }, entry: anEntry('ClarificationRequested') });
    expect(saved.version).toBe(2);
    expect(saved.status).toBe('awaiting_clarification');
    expect(saved.audit.map((e) => e.action)).toEqual(['RequestReceived', 'ClarificationRequested']);
    expect(await store().get(c.id)).toEqual(saved);
  });

  it('rejects a stale write with VersionConflictError and leaves the case and its trail untouched', async () => {
    const c = await store().create(aCase(), anEntry('RequestReceived'));
    await store().save({ case: { ...c, flags: ['first'] }, entry: mark('First') });
    await expect(store().save({ case: { ...c, flags: ['stale'] }, entry: mark('Stale') })).rejects.toBeInstanceOf(VersionConflictError);
    const now = await store().get(c.id);
    expect(now.flags).toEqual(['first']);
    expect(now.audit.map(label)).toEqual(['RequestReceived', 'First']);
  });

  it('save on a case that does not exist is a conflict, not an upsert', async () => {
    await expect(store().save({ case: aCase(), entry: mark('Ghost') })).rejects.toBeInstanceOf(VersionConflictError);
  });

  it('update() trusts a passed-in current case once, and re-reads when it turns out stale', async () => {
    const stale = await store().create(aCase(), anEntry('RequestReceived'));
    await store().save({ case: { ...stale, flags: ['moved-on'] }, entry: mark('Elsewhere') });
    const seen: number[] = [];
    const out = await store().update(
      stale.id,
      (cur) => {
        seen.push(cur.version);
        return { case: { ...cur, flags: [...cur.flags, 'mine'] }, entry: mark('Mine') };
      },
      { current: stale },
    );
    expect(seen).toEqual([1, 2]);
    expect(out.flags).toEqual(['moved-on', 'mine']);
    expect(out.audit.map(label)).toEqual(['RequestReceived', 'Elsewhere', 'Mine']);
  });

  it('loses no audit entry under 50 concurrent updates to one case', async () => {
    const c = await store().create(aCase(), anEntry('RequestReceived'));
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        store().update(c.id, (cur) => ({ case: { ...cur, flags: [...cur.flags, `f${i}`] }, entry: mark(`Touched${i}`) }), {
          maxAttempts: 200,
        }),
      ),
    );
    const final = await store().get(c.id);
    expect(final.version).toBe(51);
    expect(final.audit).toHaveLength(51);
    expect(new Set(final.audit.map(label)).size).toBe(51);
    expect(new Set(final.flags).size).toBe(50);
  });

  it('does not return items whose TTL has passed, by id, reference or index', async () => {
    const expired = await store().create(
      aCase({ expiresAt: nowSeconds - 1, receivedOn: '2026-03-05', receivedAt: '2026-03-05T09:00:00Z' }),
      anEntry('RequestReceived'),
    );
    const live = await store().create(
      aCase({ expiresAt: nowSeconds + 3600, receivedOn: '2026-03-06', receivedAt: '2026-03-06T09:00:00Z' }),
      anEntry('RequestReceived'),
    );
    expect(await store().find(expired.id)).toBeUndefined();
    await expect(store().get(expired.id)).rejects.toBeInstanceOf(CaseNotFoundError);
    expect(await store().findByReference(expired.reference)).toBeUndefined();
    expect((await store().listReceivedInMonth('2026-03')).map((c) => c.id)).toEqual([live.id]);
  });

  it('lists open cases by due date and drops closed or paused ones from the index', async () => {
    const a = await store().create(aCase({ dueOn: '2027-01-04' }), anEntry('RequestReceived'));
    const b = await store().create(aCase({ dueOn: '2027-01-02' }), anEntry('RequestReceived'));
    const later = await store().create(aCase({ dueOn: '2027-02-01' }), anEntry('RequestReceived'));
    const paused = await store().create(aCase({ dueOn: '2027-01-03' }), anEntry('RequestReceived'));
    await store().save({ case: { ...paused, status: 'awaiting_clarification', dueOn: null }, entry: anEntry('ClarificationRequested') });
    const closed = await store().create(aCase({ dueOn: '2027-01-01' }), anEntry('RequestReceived'));
    await store().save({ case: { ...closed, status: 'closed', outcome: 'completed' }, entry: anEntry('RequestCompleted') });

    const due = (await store().listOpenDueBy('2027-01-31')).map((c) => c.id);
    expect(due).toEqual(expect.arrayContaining([b.id, a.id]));
    expect(due.indexOf(b.id)).toBeLessThan(due.indexOf(a.id));
    expect(due).not.toContain(later.id);
    expect(due).not.toContain(paused.id);
    expect(due).not.toContain(closed.id);
    expect(await store().listOpenDueBy('2027-01-31', { limit: 1 })).toHaveLength(1);

    const open = (await store().listOpen()).map((c) => c.id);
    expect(open).toEqual(expect.arrayContaining([a.id, b.id, later.id, paused.id]));
    expect(open).not.toContain(closed.id);
    expect(open.indexOf(paused.id)).toBeGreaterThan(open.indexOf(later.id)); // no due date sorts last
  });

  it('finds earlier cases from the same requester whatever the address case', async () => {
    const first = await store().create(aCase({ requester: { fullName: 'R', email: 'Repeat@Example.org' } }), anEntry('RequestReceived'));
    const second = await store().create(aCase({ requester: { fullName: 'R', email: 'repeat@example.org' } }), anEntry('RequestReceived'));
    const ids = (await store().listByRequesterEmail('REPEAT@example.org')).map((c) => c.id);
    expect(ids).toEqual(expect.arrayContaining([first.id, second.id]));
    expect(ids).toHaveLength(2);
  });
});

describe('DynamoCaseStore: the outbox', () => {
  it('saves bookkeeping (an outbox claim) with no audit entry, still under the version check', async () => {
    const c = await store().create(aCase(), anEntry('RequestReceived'));
    const claimed = await store().save({
      case: lease(owe(c, { id: 'ack:t', kind: 'acknowledgement', to: 'requester' }, NOW.toISOString()), 'ack:t', NOW),
    });
    expect(claimed.version).toBe(2);
    expect(claimed.audit.map((e) => e.action)).toEqual(['RequestReceived']);
    expect(claimed.outbox?.[0]).toMatchObject({ id: 'ack:t', attempts: 1 });
    await expect(store().save({ case: c })).rejects.toBeInstanceOf(VersionConflictError);
  });

  it('lists cases with mail claimable by a given instant, longest waiting first, through the sparse index', async () => {
    const at = (m: number) => new Date(NOW.getTime() + m * 60_000).toISOString();
    const owing = async (minutes: number) => {
      const c = owe(aCase(), { id: 'ack:m', kind: 'acknowledgement', to: 'requester' }, at(minutes));
      return (await store().create(c, anEntry('RequestReceived'))).id;
    };
    const late = await owing(10_000); // ~a week ahead: keeps these ids apart from other tests' cases
    const early = await owing(9_000);
    const future = await owing(20_000);
    const sentOne = await store().create(aCase(), anEntry('RequestReceived'));
    const due = await store().listMailDue(at(15_000));
    expect(due.filter((id) => [late, early, future, sentOne.id].includes(id))).toEqual([early, late]);
    expect(await store().listMailDue(at(15_000), { limit: 1 })).toHaveLength(1);

    // Sent: off the index in the same write.
    const c = await store().get(early);
    await store().save({ case: markSent(c, 'ack:m', NOW, 'm-1') });
    expect((await store().listMailDue(at(15_000))).filter((id) => [late, early].includes(id))).toEqual([late]);
  });
});

describe('DynamoRateLimiter with tokens', () => {
  const limiter = () => new DynamoRateLimiter({ client: db.client, tableName: db.tableName, clock });

  it('counts distinct tokens: a replay (same token) is answered as the first time and never counts twice', async () => {
    const subject = `test:${aCase().id}`;
    expect(await limiter().hit(subject, 2, 3600, 'a')).toBe(true);
    expect(await limiter().hit(subject, 2, 3600, 'a')).toBe(true);
    expect(await limiter().hit(subject, 2, 3600, 'b')).toBe(true);
    expect(await limiter().hit(subject, 2, 3600, 'c')).toBe(false);
    // Replays of counted tokens still pass once the limit is reached; new ones do not.
    expect(await limiter().hit(subject, 2, 3600, 'a')).toBe(true);
    expect(await limiter().hit(subject, 2, 3600, 'b')).toBe(true);
    expect(await limiter().hit(subject, 2, 3600, 'd')).toBe(false);
  });

  it('twenty concurrent hits with one token count once', async () => {
    const subject = `test:${aCase().id}`;
    const results = await Promise.all(Array.from({ length: 20 }, () => limiter().hit(subject, 1, 3600, 'same')));
    expect(results.every(Boolean)).toBe(true);
    expect(await limiter().hit(subject, 1, 3600, 'other')).toBe(false);
  });
});
