/**
 * Use case: the DPO team downloads the prepared answer to review it before releasing it (the
 * desk's `GET /desk/cases/{reference}/export`, issue 14). The same ZIP the requester will get;
 * each download is recorded on the case (ExportReviewed, by the staff member), since the ZIP holds
 * everything found about the person.
 */
import { exportReviewed } from '#domain/export';
import { actorOf, type Staff } from '#shared/auth/staff';
import { caseByReference } from '#shared/cases/case-view';
import type { BlobStore, CaseStore, Clock } from '#shared/ports';

export interface ReviewExportDeps {
  cases: CaseStore;
  clock: Clock;
  /** The files bucket: the ZIP under `exports/`. */
  files: BlobStore;
}

export async function reviewExport(reference: string, staff: Staff, deps: ReviewExportDeps): Promise<{ zip: Buffer; filename: string }> {
  const c = await caseByReference(reference, deps);
  const at = deps.clock.now().toISOString();
  // The rule first (no export: nothing read, nothing written), then the audit entry, then the bytes.
  exportReviewed(c, { at, actor: actorOf(staff) });
  const saved = await deps.cases.update(c.id, (cur) => exportReviewed(cur, { at, actor: actorOf(staff) }), { current: c });
  const e = saved.export!;
  const zip = await deps.files.get(e.key);
  return { zip, filename: `icetrak-${saved.reference.toLowerCase()}-${e.kind}-for-review.zip` };
}
