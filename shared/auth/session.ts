/**
 * Staff sessions for the desk's pages: an opaque random id in a cookie, the session itself in
 * the cases table (shared/adapters/dynamo-session-store.ts, keyed by a hash of the id). A
 * session lasts at most 8 hours and ends after 30 minutes without a request. It holds the
 * staff member as the verified token named them and the form token (`_csrf`) their forms carry.
 * The pending sign-in (state → PKCE verifier, nonce, where to go back to) is kept the same way,
 * for 10 minutes, and used once.
 */
import { randomBytes } from 'node:crypto';
import type { Staff } from './staff';
import type { Clock } from '#shared/ports';

export const SESSION_MAX_SECONDS = 8 * 3600;
export const SESSION_IDLE_SECONDS = 30 * 60;
/** lastSeenAt is written at most this often (one write a minute per active user, not one per request). */
export const SESSION_TOUCH_SECONDS = 60;
export const PENDING_SIGN_IN_SECONDS = 10 * 60;

export interface StaffSession {
  readonly staff: Staff;
  /** The form token: 32 random bytes, base64url. */
  readonly csrf: string;
  /** ISO instants. */
  readonly createdAt: string;
  readonly lastSeenAt: string;
  /** The absolute end (createdAt + 8 h). */
  readonly expiresAt: string;
}

export interface PendingSignIn {
  /** The PKCE code verifier. */
  readonly verifier: string;
  readonly nonce: string;
  /** A local /desk path to return to after signing in. */
  readonly returnTo: string;
}

/** Where sessions and pending sign-ins are kept. Ids and states are secrets: a store keeps only their hashes. */
export interface SessionStore {
  create(id: string, session: StaffSession): Promise<void>;
  /** The session, unless it has passed its absolute expiry (DynamoDB deletes it later). */
  get(id: string): Promise<StaffSession | undefined>;
  touch(id: string, at: Date): Promise<void>;
  delete(id: string): Promise<void>;
  putPendingSignIn(state: string, pending: PendingSignIn, expiresAt: Date): Promise<void>;
  /** The pending sign-in, removed as it is read: a second call with the same state gets nothing. */
  takePendingSignIn(state: string): Promise<PendingSignIn | undefined>;
}

/** 32 random bytes, base64url: session ids, form tokens, states, nonces and PKCE verifiers. */
export const randomToken = (): string => randomBytes(32).toString('base64url');

export async function startSession(sessions: SessionStore, staff: Staff, clock: Clock): Promise<{ id: string; session: StaffSession }> {
  const now = clock.now();
  const session: StaffSession = {
    staff,
    csrf: randomToken(),
    createdAt: now.toISOString(),
    lastSeenAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + SESSION_MAX_SECONDS * 1000).toISOString(),
  };
  const id = randomToken();
  await sessions.create(id, session);
  return { id, session };
}

/** The live session `id` names, marking it seen; undefined when unknown, past its 8 hours, or idle for 30 minutes. */
export async function currentSession(sessions: SessionStore, id: string, clock: Clock): Promise<StaffSession | undefined> {
  const session = await sessions.get(id);
  if (!session) return undefined;
  const now = clock.now().getTime();
  const lastSeen = Date.parse(session.lastSeenAt);
  if (now >= Date.parse(session.expiresAt) || now - lastSeen >= SESSION_IDLE_SECONDS * 1000) return undefined;
  if (now - lastSeen >= SESSION_TOUCH_SECONDS * 1000) await sessions.touch(id, clock.now());
  return session;
}
