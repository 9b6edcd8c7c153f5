/**
 * POST /export/{token} — the download button: the ZIP as an attachment (binary, base64 to API
 * Gateway), the download recorded. The token in the path is the credential; a browser's
 * cross-site POST is refused all the same (Sec-Fetch-Site, or an Origin other than the site's).
 */
import { ForbiddenError } from '#http/errors';
import { httpHandler } from '#http/middleware';
import { SECURITY_HEADERS, html } from '#http/responses';
import { downloadExport } from '#shared/fulfilment/export/download';
import { exportLinkProblemPage } from '#shared/templates/export-pages';
import { exportDownloadDeps, exportOrigin, exportSite } from './export-deps';

// Built at cold start: a missing variable fails here, not mid-request.
const deps = exportDownloadDeps();
const site = exportSite();
const origin = exportOrigin();

const STATUS = { invalid: 404, expired: 410, revoked: 410 } as const;

export const handler = httpHandler(
  async (event) => {
    const requestOrigin = event.headers['origin'];
    if (event.headers['sec-fetch-site'] === 'cross-site' || (requestOrigin && requestOrigin !== 'null' && requestOrigin !== origin)) {
      throw new ForbiddenError('Download your data from the page the link in our email opens.');
    }
    const result = await downloadExport(event.pathParameters?.token ?? '', deps, { sourceIp: event.requestContext?.identity?.sourceIp });
    if ('outcome' in result) return html(STATUS[result.outcome], exportLinkProblemPage(site, result.outcome));
    return {
      statusCode: 200,
      isBase64Encoded: true,
      headers: {
        ...SECURITY_HEADERS,
        'content-type': 'application/zip',
        'content-disposition': `attachment; filename="${result.filename}"`,
        'content-length': String(result.zip.length),
      },
      body: result.zip.toString('base64'),
    };
  },
  { accepts: ['form'] },
);
