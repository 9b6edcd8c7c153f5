// TEMPORARY stand-in for helper C's plan rules (branch `plan`), replaced by theirs at merge: same exported signatures.
import type { Right } from './case';
import type { PlanGroup, PlanLine } from './plan';
import type { Register } from './register';
import type { FoundRecord } from './search';

export interface Correction {
  recordType?: string;
  field: string;
  to: string;
}
export interface PlanAccount {
  accountId: string;
  status: 'open' | 'closed';
  closedOn: string | null;
}
export interface PlanInput {
  rights: readonly Right[];
  register: Register;
  records: readonly FoundRecord[];
  accounts: readonly PlanAccount[];
  accountHolds: ReadonlyArray<{ accountId: string; reason: string }>;
  caseHold?: { reason: string };
  corrections: readonly Correction[];
  objections: readonly string[];
  today: string;
}

export function computePlan(input: PlanInput): PlanLine[] {
  return input.records.map((r) => ({
    recordId: r.id,
    source: r.source,
    recordType: r.recordType,
    key: r.key,
    ...(r.accountId ? { accountId: r.accountId } : {}),
    ...(r.role === 'processor'
      ? { action: 'forward' as const, ground: 'processor' as const, reason: 'processor' }
      : { action: 'erase' as const, reason: 'erase', recipients: input.register.systems.find((s) => s.id === r.source)?.recipients ?? [] }),
  }));
}

export function groupLines(lines: readonly PlanLine[]): PlanGroup[] {
  const out: PlanGroup[] = [];
  for (const l of lines) {
    const g = out.find(
      (x) => x.source === l.source && x.recordType === l.recordType && x.action === l.action && x.ground === l.ground && x.keptUntil === l.keptUntil,
    );
    if (g) g.count++;
    else
      out.push({
        source: l.source,
        recordType: l.recordType,
        action: l.action,
        ...(l.ground ? { ground: l.ground } : {}),
        ...(l.keptUntil !== undefined ? { keptUntil: l.keptUntil } : {}),
        count: 1,
      });
  }
  return out;
}
