import type { AuditAction } from '#domain/audit';
import type { AuditEntry, Case } from '#domain/case';
import { receive } from '#domain/lifecycle';
import { newCaseId, newReference } from '#shared/core/ids';

/** A case as the lifecycle creates it (received 2 Nov 2026, identity confirmed); override what the test is about. */
export function aCase(overrides: Partial<Case> = {}): Case {
  const { case: c } = receive({
    id: newCaseId(),
    reference: newReference(),
    rights: ['access'],
    channel: 'form',
    requester: { fullName: 'Ada Example', email: 'ada@example.org', relationship: 'customer' },
    receivedAt: '2026-11-02T10:00:00.000Z',
    actor: 'requester',
    identityConfirmed: true,
  });
  return { ...c, ...overrides };
}

export function anEntry(action: AuditAction, overrides: Partial<AuditEntry> = {}): AuditEntry {
  return { at: '2026-11-02T10:00:00.000Z', actor: 'system', action, ...overrides };
}
