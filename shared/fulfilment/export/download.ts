/**
 * Use cases behind the requester's download link (issue 14): `GET /export/{token}` shows what the
 * answer holds and a button (`checkExportLink`, reads only: mail scanners open every link);
 * the button's `POST /export/{token}` returns the ZIP and records ExportDownloaded
 * (`downloadExport`). The token is the credential: it names one case and one export, signed, and
 * works only while that export is the case's current one, released and not expired.
 *
 * Each link is rate-limited (per export id, never per anything personal). A download is recorded
 * with a count and the time; where it came from only as a short keyed hash of the address (the
 * address itself is not stored), so the DPO can tell one device from many.
 */
import { createHmac } from 'node:crypto';
import type { Case } from '#domain/case';
import { TooManyRequestsError } from '#domain/errors';
import { exportDownloaded, exportLinkState, type CaseExport } from '#domain/export';
import { systemById, type Register } from '#domain/register';
import { ExpiredTokenError, InvalidTokenError } from '#shared/core/tokens';
import type { BlobStore, CaseStore, Clock, RateLimiter } from '#shared/ports';
import { exportFileNames } from './build';
import { readExportLink, type VerificationKeys } from './link';

export interface ExportLinkReadDeps {
  cases: CaseStore;
  clock: Clock;
  limiter: RateLimiter;
  verificationKeys: VerificationKeys;
  /** Names the sources on the page. */
  register: Register;
}

export interface ExportDownloadDeps extends ExportLinkReadDeps {
  files: BlobStore;
}

/** Per export link: page views and downloads allowed in a window (a person needs a handful; a leaked link gets little). */
export const EXPORT_LINK_LIMITS = { viewsPerHour: 60, downloadsPerDay: 20 } as const;

export type ExportLinkProblem = { outcome: 'invalid' | 'expired' | 'revoked' };

export interface ExportOnOffer {
  outcome: 'ready';
  reference: string;
  kind: CaseExport['kind'];
  bytes: number;
  files: string[];
  /** Records by source, with the source's name from the register. */
  sources: { name: string; records: number }[];
  linkExpiresAt: string;
}

async function linkedCase(token: string, deps: ExportLinkReadDeps, now: Date): Promise<{ c: Case; exportId: string } | ExportLinkProblem> {
  let link: { caseId: string; exportId: string };
  try {
    link = await readExportLink(token, deps.verificationKeys, now);
  } catch (err) {
    if (err instanceof ExpiredTokenError) return { outcome: 'expired' };
    if (err instanceof InvalidTokenError) return { outcome: 'invalid' };
    throw err;
  }
  const c = await deps.cases.find(link.caseId);
  if (!c) return { outcome: 'invalid' };
  const state = exportLinkState(c, link.exportId, now);
  if (state === 'ready') return { c, exportId: link.exportId };
  return { outcome: state === 'expired' ? 'expired' : state === 'revoked' ? 'revoked' : 'invalid' };
}

const isProblem = (x: object): x is ExportLinkProblem => 'outcome' in x;

/** GET: what the link offers, or why it offers nothing. Changes nothing but the link's view count. */
export async function checkExportLink(token: string, deps: ExportLinkReadDeps): Promise<ExportOnOffer | ExportLinkProblem> {
  const now = deps.clock.now();
  const found = await linkedCase(token, deps, now);
  if (isProblem(found)) return found;
  if (!(await deps.limiter.hit(`export-view:${found.exportId}`, EXPORT_LINK_LIMITS.viewsPerHour, 3600))) {
    throw new TooManyRequestsError('This link has been opened too often. Try again in an hour.');
  }
  const e = found.c.export!;
  // In register order, as the ZIP has them (a DynamoDB map keeps no key order).
  const ids = deps.register.systems.map((x) => x.id).filter((id) => id in e.recordsBySource);
  return {
    outcome: 'ready',
    reference: found.c.reference,
    kind: e.kind,
    bytes: e.bytes,
    files: exportFileNames(e.kind, ids),
    sources: ids.map((id) => ({ name: systemById(deps.register, id).name, records: e.recordsBySource[id] ?? 0 })),
    linkExpiresAt: e.linkExpiresAt!,
  };
}

/** A short keyed hash of the client's address: comparable between downloads, not reversible without the key. */
export function clientTag(address: string, key: Buffer): string {
  return createHmac('sha256', key).update(`export-client:${address}`).digest('hex').slice(0, 12);
}

/** POST: the ZIP, the download recorded. */
export async function downloadExport(
  token: string,
  deps: ExportDownloadDeps,
  ctx: { sourceIp?: string } = {},
): Promise<{ zip: Buffer; filename: string; reference: string } | ExportLinkProblem> {
  const now = deps.clock.now();
  const found = await linkedCase(token, deps, now);
  if (isProblem(found)) return found;
  if (!(await deps.limiter.hit(`export-download:${found.exportId}`, EXPORT_LINK_LIMITS.downloadsPerDay, 86_400))) {
    throw new TooManyRequestsError('This answer has been downloaded too often today. Try again tomorrow, or ask us for a new link.');
  }
  const e = found.c.export!;
  // Read before recording: a download that fails to read is not one.
  const zip = await deps.files.get(e.key);
  const client = ctx.sourceIp ? clientTag(ctx.sourceIp, (await deps.verificationKeys())[0]!) : undefined;
  const at = now.toISOString();
  await deps.cases.update(found.c.id, (cur) => exportDownloaded(cur, found.exportId, at, client), { current: found.c });
  return { zip, filename: `icetrak-${found.c.reference.toLowerCase()}-${e.kind}.zip`, reference: found.c.reference };
}
