/** Session lifetimes: 8 hours at most, 30 minutes idle, lastSeenAt written at most once a minute. */
import { describe, expect, it } from 'vitest';
import { currentSession, startSession, type SessionStore, type StaffSession } from '#shared/auth/session';
import { safeReturnTo, signInLocation } from '#shared/auth/authenticate';
import type { Staff } from '#shared/auth/staff';

class MemorySessions implements SessionStore {
  readonly sessions = new Map<string, StaffSession>();
  touches = 0;
  async create(id: string, s: StaffSession) {
    this.sessions.set(id, s);
  }
  async get(id: string) {
    return this.sessions.get(id);
  }
  async touch(id: string, at: Date) {
    this.touches += 1;
    const s = this.sessions.get(id);
    if (s) this.sessions.set(id, { ...s, lastSeenAt: at.toISOString() });
  }
  async delete(id: string) {
    this.sessions.delete(id);
  }
  async putPendingSignIn() {}
  async takePendingSignIn() {
    return undefined;
  }
}

const staff: Staff = { sub: 's1', email: 'dpo.lead@icetrak.net', name: 'Dana Lead', roles: ['dpo'] };
const clockAt = (t: { ms: number }) => ({ now: () => new Date(t.ms) });
const MIN = 60_000;

describe('staff sessions', () => {
  it('start with a random id and form token, 8 hours to live', async () => {
    const store = new MemorySessions();
    const t = { ms: Date.parse('2026-12-01T09:00:00Z') };
    const a = await startSession(store, staff, clockAt(t));
    const b = await startSession(store, staff, clockAt(t));
    expect(a.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.session.csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.id).not.toBe(b.id);
    expect(a.session.csrf).not.toBe(b.session.csrf);
    expect(a.session.expiresAt).toBe('2026-12-01T17:00:00.000Z');
  });

  it('end after 30 minutes idle; each use within them keeps them going, written at most once a minute', async () => {
    const store = new MemorySessions();
    const t = { ms: Date.parse('2026-12-01T09:00:00Z') };
    const { id } = await startSession(store, staff, clockAt(t));
    t.ms += 30 * 1000;
    expect(await currentSession(store, id, clockAt(t))).toBeDefined();
    expect(store.touches).toBe(0);
    t.ms += 29 * MIN;
    expect(await currentSession(store, id, clockAt(t))).toBeDefined();
    expect(store.touches).toBe(1);
    t.ms += 29 * MIN;
    expect(await currentSession(store, id, clockAt(t))).toBeDefined();
    t.ms += 30 * MIN;
    expect(await currentSession(store, id, clockAt(t))).toBeUndefined();
  });

  it('end after 8 hours however busy', async () => {
    const store = new MemorySessions();
    const t = { ms: Date.parse('2026-12-01T09:00:00Z') };
    const { id } = await startSession(store, staff, clockAt(t));
    for (let i = 0; i < 8 * 4 - 1; i++) {
      t.ms += 15 * MIN;
      expect(await currentSession(store, id, clockAt(t)), `at ${new Date(t.ms).toISOString()}`).toBeDefined();
    }
    t.ms += 15 * MIN;
    expect(await currentSession(store, id, clockAt(t))).toBeUndefined();
  });

  it('are unknown for an id nobody issued', async () => {
    expect(await currentSession(new MemorySessions(), 'x'.repeat(43), clockAt({ ms: Date.now() }))).toBeUndefined();
  });
});

describe('where sign-in returns to', () => {
  it('is a local /desk path or /desk, never another site', () => {
    expect(safeReturnTo('/desk/cases/c-1?tab=trail')).toBe('/desk/cases/c-1?tab=trail');
    for (const bad of ['//evil.example/desk', 'https://evil.example/desk', '/desk//evil', '/deskx', '/requests', '/desk/\\evil', undefined, 42]) {
      expect(safeReturnTo(bad), String(bad)).toBe('/desk');
    }
  });

  it('is the page that asked, in the sign-in link', () => {
    expect(signInLocation({ path: '/desk/cases/c-1', queryStringParameters: { tab: 'trail' } }, '/prod')).toBe(
      '/prod/desk/sign-in?returnTo=%2Fdesk%2Fcases%2Fc-1%3Ftab%3Dtrail',
    );
    expect(signInLocation({ path: '/api/cases', queryStringParameters: null })).toBe('/desk/sign-in?returnTo=%2Fdesk');
  });
});
