/**
 * GET /export/{token} — the download link from the export-ready letter. Shows what the answer
 * holds and a button that downloads it (POST, lambdas/fulfilment/download-export.ts); opening the
 * link changes nothing, so a mail scanner that fetches it downloads nothing.
 */
import { httpHandler } from '#http/middleware';
import { html } from '#http/responses';
import { checkExportLink } from '#shared/fulfilment/export/download';
import { exportDownloadPage, exportLinkProblemPage } from '#shared/templates/export-pages';
import { exportLinkDeps, exportSite } from './export-deps';

// Built at cold start: a missing variable fails here, not mid-request.
const deps = exportLinkDeps();
const site = exportSite();

const STATUS = { invalid: 404, expired: 410, revoked: 410 } as const;

export const handler = httpHandler(async (event) => {
  const token = event.pathParameters?.token ?? '';
  const result = await checkExportLink(token, deps);
  return result.outcome === 'ready'
    ? html(200, exportDownloadPage(site, result, token))
    : html(STATUS[result.outcome], exportLinkProblemPage(site, result.outcome));
});
