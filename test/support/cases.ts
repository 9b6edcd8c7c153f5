import { randomUUID } from 'node:crypto';
import type { AuditEntry, Case } from '../../shared/domain/case';

let counter = 0;

/** A plausible open case; override what the test is about. */
export function aCase(overrides: Partial<Case> = {}): Case {
  counter += 1;
  const id = overrides.id ?? `01TEST${randomUUID().replace(/-/g, '').slice(0, 20).toUpperCase()}`;
  return {
    id,
    reference: `RD-T${String(counter).padStart(5, '2').slice(-5)}`.replace(/[01]/g, '9'),
    version: 1,
    status: 'in_progress',
    rights: ['access'],
    channel: 'form',
    requester: { fullName: 'Ada Example', email: 'ada@example.org', relationship: 'customer' },
    nation: 'england-and-wales',
    receivedAt: '2026-11-02T10:00:00.000Z',
    receivedOn: '2026-11-02',
    clarifications: [],
    extended: false,
    complex: false,
    clockStartsOn: '2026-11-02',
    dueOn: '2026-12-02',
    extensionNoticeBy: '2026-12-02',
    flags: [],
    createdAt: '2026-11-02T10:00:00.000Z',
    updatedAt: '2026-11-02T10:00:00.000Z',
    audit: [],
    ...overrides,
  };
}

export function anEntry(action: string, overrides: Partial<AuditEntry> = {}): AuditEntry {
  return { at: '2026-11-02T10:00:00.000Z', actor: 'system', action, ...overrides };
}
