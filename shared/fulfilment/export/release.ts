/**
 * Use case: the DPO releases the prepared answer (desk action `release-export`, issue 14). In one
 * conditional write: the export's link starts its EXPORT_LINK_DAYS, ExportReleased is recorded,
 * and the requester is owed the export-ready letter, whose signed download link is made when the
 * mail goes out (shared/core/outbox.ts); then the outbox's fast path sends it.
 */
import type { Case } from '#domain/case';
import { exportReleased } from '#domain/export';
import { owe } from '#domain/outbox';
import { actorOf, type Staff } from '#shared/auth/staff';
import { caseByReference } from '#shared/cases/case-view';
import { deliver, type OutboxDeps } from '#shared/core/outbox';
import type { CaseStore, Clock } from '#shared/ports';

export interface ReleaseExportDeps {
  cases: CaseStore;
  clock: Clock;
  outbox: OutboxDeps;
}

/** The outbox id of an export's letter: one per export, so releasing is owed once. */
export const exportLetterId = (exportId: string): string => `letter:export-ready:${exportId}`;

export async function releaseExport(reference: string, staff: Staff, deps: ReleaseExportDeps): Promise<Case> {
  const c = await caseByReference(reference, deps);
  const at = deps.clock.now().toISOString();
  let letterId = '';
  const saved = await deps.cases.update(
    c.id,
    (cur) => {
      const t = exportReleased(cur, { at, actor: actorOf(staff) });
      const e = t.case.export!;
      letterId = exportLetterId(e.id);
      const next = owe(
        t.case,
        {
          id: letterId,
          kind: 'letter',
          to: 'requester',
          params: { letter: 'export-ready', exportId: e.id, exportKind: e.kind, linkExpiresAt: e.linkExpiresAt ?? null },
        },
        at,
      );
      return { case: next, entry: { ...t.entry, detail: { ...t.entry.detail, letter: letterId } } };
    },
    { current: c },
  );
  return deliver(saved, [letterId], deps.outbox);
}
