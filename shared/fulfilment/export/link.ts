/**
 * The download link of a released export (issue 14): `<PUBLIC_BASE_URL>/export/<token>`, the token
 * signed with the link-signing key like the confirmation links (shared/core/tokens.ts), purpose
 * `export`. It names the case id and the export id (as its nonce) and expires with the export's
 * link (EXPORT_LINK_DAYS after release): no personal data, and bound to one export, so preparing
 * the answer again revokes every older link (only the case's current export downloads).
 *
 * The token is not stored anywhere: it is made again, the same, whenever the letter is rendered.
 */
import type { Case } from '#domain/case';
import { signToken, verifyToken, UnknownSignatureError } from '#shared/core/tokens';

/** What making a link takes (the outbox's dependencies have it). */
export interface ExportLinkDeps {
  signingKey: () => Promise<Buffer>;
  settings: { publicBaseUrl: string };
}

export function exportUrl(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/export/${encodeURIComponent(token)}`;
}

/** The signed link of the case's released export; throws when it has none. */
export async function exportLink(c: Pick<Case, 'id' | 'export'>, deps: ExportLinkDeps): Promise<string> {
  const e = c.export;
  if (!e?.linkExpiresAt) throw new Error('The case has no released export to link to.');
  const token = signToken(await deps.signingKey(), {
    caseId: c.id,
    purpose: 'export',
    expiresAt: Math.floor(Date.parse(e.linkExpiresAt) / 1000),
    nonce: e.id,
  });
  return exportUrl(deps.settings.publicBaseUrl, token);
}

/** The keys a link may be signed with, current first; `refresh` reads them again (the key may have rotated). */
export type VerificationKeys = (opts?: { refresh?: boolean }) => Promise<Buffer[]>;

/**
 * The case and export a link names. Throws InvalidTokenError (tampered, wrong purpose) or
 * ExpiredTokenError; a signature no key matches is tried once more with the keys read afresh.
 */
export async function readExportLink(token: string, keys: VerificationKeys, now: Date): Promise<{ caseId: string; exportId: string }> {
  let claims;
  try {
    claims = verifyToken(await keys(), token, 'export', now);
  } catch (err) {
    if (!(err instanceof UnknownSignatureError)) throw err;
    claims = verifyToken(await keys({ refresh: true }), token, 'export', now);
  }
  return { caseId: claims.caseId, exportId: claims.nonce };
}
