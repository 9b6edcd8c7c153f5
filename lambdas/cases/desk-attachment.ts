/** GET /desk/cases/{reference}/messages/{message}/attachments/{n} — an attachment, downloaded (never shown inline). Staff: read. */
import { RouteNotFoundError } from '#http/errors';
import { deskPage } from '#http/staff-handler';
import { readAttachment } from '#shared/cases/messages';
import { deskFilesDeps } from './desk-deps';
import { staffAuthDeps } from './deps';

// Built at cold start: a missing variable fails here, not mid-request.
const auth = staffAuthDeps();

const deps = deskFilesDeps();

export const handler = deskPage('read', auth, async (event) => {
  const p = event.pathParameters ?? {};
  const found = await readAttachment(p.reference ?? '', p.message ?? '', Number(p.n), deps);
  if (!found) throw new RouteNotFoundError('That message has no such attachment.');
  return {
    statusCode: 200,
    isBase64Encoded: true,
    headers: {
      'content-type': 'application/octet-stream',
      'content-disposition': `attachment; filename="${found.filename.replace(/[^A-Za-z0-9._ -]/g, '_')}"`,
    },
    body: found.body.toString('base64'),
  };
});
