import { describe, expect, it } from 'vitest';
import { LEASE_MS, backoffMs, claimable, lease, mailDueAt, mailEntry, markFailed, markSent, markWithheld, mayRepeat, owe, owes } from '#domain/outbox';
import { aCase } from '#test/support/cases';

const AT = '2026-12-01T10:00:00.000Z';
const NOW = new Date(AT);
const ack = { id: 'ack:x', kind: 'acknowledgement', to: 'requester' } as const;
const notice = { id: 'notice:new:x', kind: 'team-notice', to: 'team' } as const;

describe('owing mail', () => {
  it('adds a pending entry due at once; owing the same id again changes nothing', () => {
    const c = owe(aCase(), ack, AT);
    expect(mailEntry(c, 'ack:x')).toEqual({ ...ack, state: 'pending', createdAt: AT, attempts: 0, failures: 0, nextAttemptAt: AT });
    expect(owe(c, ack, '2026-12-02T00:00:00.000Z')).toBe(c);
    expect(c.outbox).toHaveLength(1);
    expect(owes(c, 'ack:x')).toBe(true);
    expect(owes(c, 'ack:y')).toBe(false);
  });

  it('routes mail for a requester without an email address to post, never to the dispatcher', () => {
    const base = aCase();
    const c = owe({ ...base, requester: { ...base.requester, email: '' } }, ack, AT);
    expect(mailEntry(c, 'ack:x')?.state).toBe('post');
    expect(claimable(c, NOW)).toEqual([]);
    expect(mailDueAt(c)).toBeUndefined();
    // Team mail still goes by email.
    expect(mailEntry(owe(c, notice, AT), notice.id)?.state).toBe('pending');
  });
});

describe('the mail-due index key', () => {
  it('is the earliest claimable instant of any pending entry, and absent once nothing is pending', () => {
    let c = owe(owe(aCase(), ack, AT), notice, '2026-12-01T09:00:00.000Z');
    expect(mailDueAt(c)).toBe('2026-12-01T09:00:00.000Z');
    c = markSent(c, notice.id, NOW, 'm-1');
    expect(mailDueAt(c)).toBe(AT);
    c = lease(c, ack.id, NOW);
    expect(mailDueAt(c)).toBe(new Date(NOW.getTime() + LEASE_MS).toISOString());
    c = markSent(c, ack.id, NOW, 'm-2');
    expect(mailDueAt(c)).toBeUndefined();
    expect(mailDueAt(aCase())).toBeUndefined();
  });
});

describe('claims', () => {
  it('a claimed entry is not claimable until its lease runs out, then it is again (the dispatcher died)', () => {
    const leased = lease(owe(aCase(), ack, AT), ack.id, NOW);
    expect(claimable(leased, NOW)).toEqual([]);
    expect(claimable(leased, new Date(NOW.getTime() + LEASE_MS - 1))).toEqual([]);
    expect(claimable(leased, new Date(NOW.getTime() + LEASE_MS)).map((e) => e.id)).toEqual([ack.id]);
    expect(mayRepeat(mailEntry(leased, ack.id)!)).toBe(false);
    // Claimed again after a lease ran out with no recorded outcome: this send may repeat the first.
    const again = lease(leased, ack.id, new Date(NOW.getTime() + LEASE_MS));
    expect(mayRepeat(mailEntry(again, ack.id)!)).toBe(true);
  });

  it('a claim after a recorded failure is not a possible repeat', () => {
    let c = lease(owe(aCase(), ack, AT), ack.id, NOW);
    c = markFailed(c, ack.id, NOW, { errorName: 'ServiceUnavailable', permanent: false }, () => 0);
    c = lease(c, ack.id, new Date(NOW.getTime() + 3_600_000));
    expect(mailEntry(c, ack.id)).toMatchObject({ attempts: 2, failures: 1 });
    expect(mayRepeat(mailEntry(c, ack.id)!)).toBe(false);
  });
});

describe('failures', () => {
  it('retry after a backoff that doubles from 30 s to an hour, with jitter on its upper half', () => {
    expect(backoffMs(1, () => 0)).toBe(15_000);
    expect(backoffMs(1, () => 1)).toBe(30_000);
    expect(backoffMs(2, () => 1)).toBe(60_000);
    expect(backoffMs(5, () => 1)).toBe(480_000);
    expect(backoffMs(20, () => 1)).toBe(3_600_000);
    expect(backoffMs(20, () => 0)).toBe(1_800_000);
    for (let f = 1; f < 12; f++) expect(backoffMs(f + 1, () => 1)).toBeGreaterThanOrEqual(backoffMs(f, () => 1));
  });

  it('a transient failure stays pending with its next attempt pushed back; a permanent one is given up and kept', () => {
    const c = lease(owe(aCase(), ack, AT), ack.id, NOW);
    const transient = mailEntry(
      markFailed(c, ack.id, NOW, { errorName: 'TooManyRequestsException', permanent: false }, () => 1),
      ack.id,
    );
    expect(transient).toMatchObject({ state: 'pending', failures: 1, lastError: 'TooManyRequestsException', nextAttemptAt: '2026-12-01T10:00:30.000Z' });
    const permanent = mailEntry(markFailed(c, ack.id, NOW, { errorName: 'MessageRejected', permanent: true }), ack.id);
    expect(permanent).toMatchObject({ state: 'failed', failures: 1, lastError: 'MessageRejected', reason: 'refused-by-provider' });
  });

  it('sent clears the last error; withheld keeps its reason; neither is claimable', () => {
    let c = lease(owe(aCase(), ack, AT), ack.id, NOW);
    c = markFailed(c, ack.id, NOW, { errorName: 'X', permanent: false }, () => 0);
    const sent = markSent(c, ack.id, NOW, 'm-1');
    expect(mailEntry(sent, ack.id)).toMatchObject({ state: 'sent', messageId: 'm-1', sentAt: AT });
    expect(mailEntry(sent, ack.id)).not.toHaveProperty('lastError');
    const withheld = markWithheld(c, ack.id, 'recipient-limit');
    expect(mailEntry(withheld, ack.id)).toMatchObject({ state: 'withheld', reason: 'recipient-limit' });
    const later = new Date(NOW.getTime() + 86_400_000);
    expect(claimable(sent, later)).toEqual([]);
    expect(claimable(withheld, later)).toEqual([]);
  });
});
