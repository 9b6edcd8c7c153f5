/**
 * What the export download handlers (and the desk's review download) use (issue 14), one memoised factory each: built on first
 * call from the variables their manifest entries grant (lambdas/fulfilment/export-manifest.ts).
 */
import { caseStore, clock, filesStore, rateLimiter, verificationKeys } from '#adapters/from-env';
import { readConfig } from '#shared/core/config';
import { ICETRAK_REGISTER } from '#shared/fulfilment/icetrak-register';
import type { ExportDownloadDeps, ExportLinkReadDeps } from '#shared/fulfilment/export/download';
import type { ReviewExportDeps } from '#shared/fulfilment/export/review';
import type { SiteContext } from '#shared/templates/pages';

const memo: { site?: SiteContext; origin?: string; read?: ExportLinkReadDeps; download?: ExportDownloadDeps; review?: ReviewExportDeps } = {};

/** Where the public pages are served, and the DPO address they name. */
export function exportSite(): SiteContext {
  return (memo.site ??= (() => {
    const config = readConfig(['DPO_ADDRESS', 'PUBLIC_BASE_URL']);
    return { basePath: new URL(config.PUBLIC_BASE_URL).pathname.replace(/\/+$/, ''), dpoAddress: config.DPO_ADDRESS };
  })());
}

/** The origin browsers send with the site's own forms. */
export function exportOrigin(): string {
  return (memo.origin ??= new URL(readConfig(['PUBLIC_BASE_URL']).PUBLIC_BASE_URL).origin);
}

/** GET /export/{token}. */
export function exportLinkDeps(): ExportLinkReadDeps {
  return (memo.read ??= { cases: caseStore(), clock: clock(), limiter: rateLimiter(), verificationKeys: verificationKeys(), register: ICETRAK_REGISTER });
}

/** POST /export/{token}. */
export function exportDownloadDeps(): ExportDownloadDeps {
  return (memo.download ??= { ...exportLinkDeps(), files: filesStore() });
}

/** GET /desk/cases/{reference}/export (the DPO team's review copy). */
export function deskExportDeps(): ReviewExportDeps {
  return (memo.review ??= { cases: caseStore(), clock: clock(), files: filesStore() });
}
