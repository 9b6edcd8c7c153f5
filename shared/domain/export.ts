/**
 * The access or portability answer of a case (issue 14): a ZIP prepared from the latest search's
 * records and the register, reviewed by the DPO, then released to the requester through a
 * signed link valid for 7 days. The ZIP is in the files bucket under the case's prefix
 * (`exports/<caseId>/<exportId>.zip`, KMS); the case item holds this summary.
 */
import { recordEvent } from './audit';
import type { Actor, AuditEntry, Case } from './case';
import { ExportNotReleasableError, InvalidTransitionError, SearchNotFinishedError } from './errors';

/** Days a released export's link is valid. */
export const EXPORT_LINK_DAYS = 7;

export const EXPORT_KINDS = ['access', 'portability'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

export interface CaseExport {
  /** Opaque id (lower-case letters and digits), in the ZIP's key and the signed link. */
  id: string;
  kind: ExportKind;
  /** The search run it was built from. */
  runId: string;
  registerVersion: string;
  preparedAt: string;
  preparedBy: Actor;
  /** S3 key of the ZIP (ids only). */
  key: string;
  /** Size of the ZIP in bytes, and records included per source. */
  bytes: number;
  recordsBySource: Record<string, number>;
  /** Records left out as third-party data (the DPO's marks) and as processor data (forwarded instead). */
  redacted: number;
  processorRecordsWithheld: number;
  releasedAt?: string;
  releasedBy?: Actor;
  /** The link stops working at this instant (released + EXPORT_LINK_DAYS). */
  linkExpiresAt?: string;
  downloads: number;
  /** The last download's instant (ExportDownloaded records each one). */
  lastDownloadedAt?: string;
}

/** Export ids: lower-case letters and digits, safe in S3 keys and links. */
export const EXPORT_ID = /^[0-9a-z]{10,40}$/;

/** S3 key of an export's ZIP in the files bucket: ids only, under the case's prefix for retention and legal holds. */
export const exportKey = (caseId: string, exportId: string): string => `exports/${caseId}/${exportId}.zip`;

/** What building the ZIP produced (shared/fulfilment/export/build.ts), to be recorded on the case. */
export type PreparedExport = Pick<
  CaseExport,
  'id' | 'kind' | 'runId' | 'registerVersion' | 'key' | 'bytes' | 'recordsBySource' | 'redacted' | 'processorRecordsWithheld'
>;

interface Ctx {
  at: string;
  actor: Actor;
}
interface ExportTransition {
  case: Case;
  entry: AuditEntry;
}

const total = (bySource: Record<string, number>): number => Object.values(bySource).reduce((a, b) => a + b, 0);

/**
 * The case with `p` as its answer. Needs a finished search of the run the ZIP was built from (a
 * re-run since then makes the ZIP stale) and a case that asked for `p.kind`. Replacing an earlier
 * export revokes its link: a link names its export id, and only the case's current one downloads.
 */
export function exportPrepared(c: Case, p: PreparedExport, ctx: Ctx): ExportTransition {
  if (c.status === 'closed') throw new InvalidTransitionError('This case is closed: its answer can no longer be prepared.');
  if (!c.rights.includes(p.kind)) throw new InvalidTransitionError(`This case does not ask for ${p.kind}: reclassify it first.`);
  if (!c.search?.finishedAt) throw new SearchNotFinishedError('Search Icetrak’s systems and let the search finish before preparing the answer.');
  if (c.search.runId !== p.runId) throw new SearchNotFinishedError('The search was run again while the answer was being prepared: prepare it again.');
  const replaces = c.export?.id ?? null;
  const next: CaseExport = { ...p, preparedAt: ctx.at, preparedBy: ctx.actor, downloads: 0 };
  return recordEvent({ ...c, export: next }, ctx.at, ctx.actor, 'ExportPrepared', {
    exportId: p.id,
    kind: p.kind,
    runId: p.runId,
    registerVersion: p.registerVersion,
    bytes: p.bytes,
    records: total(p.recordsBySource),
    redacted: p.redacted,
    processorRecordsWithheld: p.processorRecordsWithheld,
    replaces,
  });
}

/** The prepared answer released to the requester: its link works for EXPORT_LINK_DAYS from now. Once per export. */
export function exportReleased(c: Case, ctx: Ctx): ExportTransition {
  if (c.status === 'closed') throw new InvalidTransitionError('This case is closed: its answer can no longer be released.');
  const e = c.export;
  if (!e) throw new ExportNotReleasableError('Prepare the answer before releasing it.');
  if (e.releasedAt) throw new ExportNotReleasableError('This answer has already been released. Prepare it again to send a new link.');
  const linkExpiresAt = new Date(Date.parse(ctx.at) + EXPORT_LINK_DAYS * 86_400_000).toISOString();
  return recordEvent({ ...c, export: { ...e, releasedAt: ctx.at, releasedBy: ctx.actor, linkExpiresAt } }, ctx.at, ctx.actor, 'ExportReleased', {
    exportId: e.id,
    kind: e.kind,
    linkExpiresAt,
  });
}

/** Whether a link to export `exportId` may download at `now`: the case's current export, released, not expired. */
export type ExportLinkState = 'ready' | 'revoked' | 'not-released' | 'expired';

export function exportLinkState(c: Case, exportId: string, now: Date): ExportLinkState {
  const e = c.export;
  if (!e || e.id !== exportId) return 'revoked';
  if (!e.releasedAt || !e.linkExpiresAt) return 'not-released';
  return Date.parse(e.linkExpiresAt) <= now.getTime() ? 'expired' : 'ready';
}

/**
 * One download of the released export `exportId` by the requester. `client`: an opaque tag of
 * where it came from (a keyed hash, never the address itself), so the DPO can tell one device from
 * several. Throws ExportNotReleasableError when the link may not download (see exportLinkState).
 */
export function exportDownloaded(c: Case, exportId: string, at: string, client?: string): ExportTransition {
  const state = exportLinkState(c, exportId, new Date(at));
  if (state !== 'ready') throw new ExportNotReleasableError(`This download link is ${state}.`);
  const e = c.export!;
  const downloads = e.downloads + 1;
  return recordEvent({ ...c, export: { ...e, downloads, lastDownloadedAt: at } }, at, 'requester', 'ExportDownloaded', {
    exportId,
    download: downloads,
    ...(client ? { client } : {}),
  });
}

/**
 * The DPO team downloaded the prepared answer to review it (the desk's staff route, before or after
 * release). Recorded like the requester's downloads, by the staff member; the download count the
 * requester's link shows is not touched.
 */
export function exportReviewed(c: Case, ctx: Ctx): ExportTransition {
  const e = c.export;
  if (!e) throw new ExportNotReleasableError('No answer has been prepared on this case.');
  return recordEvent({ ...c }, ctx.at, ctx.actor, 'ExportReviewed', { exportId: e.id, kind: e.kind, released: e.releasedAt !== undefined });
}

/**
 * The answer's desk actions (issue 14), beside the lifecycle's (allowedActions): kept here, not in
 * lifecycle.ts, because they turn on the fulfilment state (a finished search, a prepared export),
 * not on the case's status moves. The desk and the API list both.
 */
export const EXPORT_ACTIONS = ['prepare-export', 'release-export'] as const;
export type ExportAction = (typeof EXPORT_ACTIONS)[number];

/**
 * prepare-export: an open case asking for access or portability whose search has finished;
 * release-export: an open case whose answer is prepared and not yet released. What exportPrepared
 * and exportReleased would refuse is not offered.
 */
export function exportActions(c: Case): ExportAction[] {
  if (c.status === 'closed') return [];
  const out: ExportAction[] = [];
  if (c.search?.finishedAt && EXPORT_KINDS.some((k) => c.rights.includes(k))) out.push('prepare-export');
  if (c.export && !c.export.releasedAt) out.push('release-export');
  return out;
}
