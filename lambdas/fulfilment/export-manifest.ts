/**
 * The export download's handlers (issue 14), to be merged into the fulfilment context's manifest
 * (lambdas/fulfilment/manifest.ts): the requester's signed link, public behind WAF, and the DPO
 * team's review copy on the desk.
 */
import type { HandlerSpec } from '#lambdas/manifest';

export const EXPORT_HANDLERS: readonly HandlerSpec[] = [
  {
    id: 'GetExport',
    entry: 'lambdas/fulfilment/get-export.ts',
    description: 'Rightsdesk GET /export/{token}',
    trigger: { kind: 'http', method: 'GET', path: '/export/{token}', access: 'public' },
    // Checks the link against the case and shows the download button; writes only the link's rate-limit counter.
    uses: { cases: 'readWrite', signingKey: true, settings: ['DPO_ADDRESS', 'PUBLIC_BASE_URL'] },
  },
  {
    id: 'DownloadExport',
    entry: 'lambdas/fulfilment/download-export.ts',
    description: 'Rightsdesk POST /export/{token}',
    trigger: { kind: 'http', method: 'POST', path: '/export/{token}', access: 'public' },
    // Reads the ZIP (exports/ only) and records the download on the case (ExportDownloaded) and the rate-limit counter.
    uses: { cases: 'readWrite', files: { access: 'read', prefix: 'exports/' }, signingKey: true, settings: ['DPO_ADDRESS', 'PUBLIC_BASE_URL'] },
    memoryMb: 1024,
  },
  {
    id: 'DeskExport',
    entry: 'lambdas/fulfilment/desk-export.ts',
    description: 'Rightsdesk GET /desk/cases/{reference}/export',
    trigger: { kind: 'http', method: 'GET', path: '/desk/cases/{reference}/export', access: 'staff' },
    // A staff route (sessions live in the cases table); reads the ZIP (exports/ only) and records ExportReviewed.
    uses: { staffAuth: true, cases: 'readWrite', files: { access: 'read', prefix: 'exports/' }, settings: ['PUBLIC_BASE_URL'] },
    memoryMb: 1024,
  },
];
