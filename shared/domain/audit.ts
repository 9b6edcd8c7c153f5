/**
 * Events that change nothing about a case but belong in its record (an email sent, a
 * notice given): the case comes back unchanged but for `updatedAt`, with the entry the
 * store appends (LAW.md, Records of requests).
 */
import type { Actor, AuditEntry, Case } from './case';

export function recordEvent(
  c: Case,
  at: string,
  actor: Actor,
  action: string,
  detail?: AuditEntry['detail'],
): { case: Case; entry: AuditEntry } {
  return { case: { ...c, updatedAt: at }, entry: { at, actor, action, ...(detail ? { detail } : {}) } };
}

/** Whether the trail already records `action` (retries use this to avoid doing a thing twice). */
export function hasEvent(c: Case, action: string): boolean {
  return c.audit.some((e) => e.action === action);
}
