/** Sessions and pending sign-ins in the cases table (dynalite): hashed keys, TTL honoured on read, single use. */
import { GetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DynamoSessionStore } from '#adapters/dynamo-session-store';
import { randomToken, type StaffSession } from '#shared/auth/session';
import { useDynamo } from '#test/support/emulators';

const db = useDynamo();
const t = { ms: Date.parse('2026-12-01T09:00:00Z') };
const clock = { now: () => new Date(t.ms) };
const store = () => new DynamoSessionStore({ client: db.client, tableName: db.tableName, clock });
const session = (): StaffSession => ({
  staff: { sub: 's1', email: 'dpo.lead@icetrak.net', name: 'Dana Lead', roles: ['dpo'] },
  csrf: randomToken(),
  createdAt: new Date(t.ms).toISOString(),
  lastSeenAt: new Date(t.ms).toISOString(),
  expiresAt: new Date(t.ms + 8 * 3600_000).toISOString(),
});

describe('DynamoSessionStore', () => {
  it('keeps a session under a hash of its id, with the TTL at its absolute end, and ignores it once that has passed', async () => {
    const id = randomToken();
    const s = session();
    await store().create(id, s);
    const raw = await DynamoDBDocumentClient.from(db.client).send(
      new GetCommand({ TableName: db.tableName, Key: { pk: `SESSION#${createHash('sha256').update(id).digest('base64url')}`, sk: 'SESSION' } }),
    );
    expect(raw.Item?.expiresAt).toBe(Math.floor(Date.parse(s.expiresAt) / 1000));
    expect(JSON.stringify(raw.Item)).not.toContain(id);
    expect(Object.keys(raw.Item!).filter((k) => k.startsWith('gsi'))).toEqual([]);
    expect(await store().get(id)).toEqual(s);
    t.ms += 8 * 3600_000;
    expect(await store().get(id)).toBeUndefined();
    t.ms -= 8 * 3600_000;
  });

  it('touches lastSeenAt, and never brings back a deleted session', async () => {
    const id = randomToken();
    await store().create(id, session());
    await store().touch(id, new Date(t.ms + 5 * 60_000));
    expect((await store().get(id))?.lastSeenAt).toBe(new Date(t.ms + 5 * 60_000).toISOString());
    await store().delete(id);
    await store().touch(id, new Date(t.ms + 6 * 60_000));
    expect(await store().get(id)).toBeUndefined();
  });

  it('gives a pending sign-in once, and not after its 10 minutes', async () => {
    const pending = { verifier: randomToken(), nonce: randomToken(), returnTo: '/desk' };
    const state = randomToken();
    await store().putPendingSignIn(state, pending, new Date(t.ms + 600_000));
    const [a, b] = await Promise.all([store().takePendingSignIn(state), store().takePendingSignIn(state)]);
    expect([a, b].filter(Boolean)).toEqual([pending]);
    const late = randomToken();
    await store().putPendingSignIn(late, pending, new Date(t.ms + 600_000));
    t.ms += 600_000;
    expect(await store().takePendingSignIn(late)).toBeUndefined();
    t.ms -= 600_000;
  });
});
