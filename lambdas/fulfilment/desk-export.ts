/**
 * GET /desk/cases/{reference}/export — the prepared answer's ZIP for the DPO team to review before
 * (or after) releasing it: signed-in staff who may act (the ZIP holds everything found about the
 * person), downloaded as an attachment, each download audited (ExportReviewed).
 */
import { SECURITY_HEADERS } from '#http/responses';
import { deskPage } from '#http/staff-handler';
import { reviewExport } from '#shared/fulfilment/export/review';
import { staffAuthDeps } from '#lambdas/cases/deps';
import { deskExportDeps } from './export-deps';

// Built at cold start: a missing variable fails here, not mid-request.
const auth = staffAuthDeps();
const deps = deskExportDeps();

export const handler = deskPage('act', auth, async (event, { staff }) => {
  const found = await reviewExport(event.pathParameters?.reference ?? '', staff, deps);
  return {
    statusCode: 200,
    isBase64Encoded: true,
    headers: {
      ...SECURITY_HEADERS,
      'cache-control': 'no-store',
      'content-type': 'application/zip',
      'content-disposition': `attachment; filename="${found.filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
      'content-length': String(found.zip.length),
    },
    body: found.zip.toString('base64'),
  };
});
