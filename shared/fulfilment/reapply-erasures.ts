/**
 * Re-applies the erasure ledger to a source restored from a backup (issue 15; LAW.md, Backups):
 * every erasure recorded for the source since a date, entry by entry, through the source's writer
 * with the register's erase statements. One transaction per entry (all of its records or none);
 * a record already gone deletes nothing, so running it twice, or over a source that was never
 * restored, is harmless. Counts only in the result: the keys stay in the ledger.
 */
import type { PlanLine } from '#domain/plan';
import type { ErasureLedger, SourceWriter } from '#shared/ports';

export interface ReapplyResult {
  /** Ledger entries (one per case, plan and source) re-applied. */
  entries: number;
  /** Erase lines run (a record already absent counts: its erasure holds). */
  records: number;
  /** The first and last entries' instants, when there were any. */
  from?: string;
  to?: string;
}

export async function reapplyErasures(
  input: { source: string; since: string },
  deps: { ledger: ErasureLedger; writer: SourceWriter },
): Promise<ReapplyResult> {
  const result: ReapplyResult = { entries: 0, records: 0 };
  for await (const entry of deps.ledger.list(input.source, input.since)) {
    const lines: PlanLine[] = entry.records.map((r) => ({
      recordId: `${entry.source}:${r.recordType}:${r.key}`,
      source: entry.source,
      recordType: r.recordType,
      key: r.key,
      action: 'erase',
      reason: `Re-applied from the erasure ledger (${entry.reference}).`,
    }));
    const applied = await deps.writer.apply(lines);
    result.entries++;
    result.records += applied.erase ?? 0;
    result.from ??= entry.at;
    result.to = entry.at;
  }
  return result;
}
