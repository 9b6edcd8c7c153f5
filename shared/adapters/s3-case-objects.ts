/**
 * S3CaseObjects: the CaseObjects port (shared/ports.ts) on the raw-mail and files buckets.
 *
 * A case's objects (shared/email/keys.ts): in the files bucket everything under
 * `messages/<caseId>/`, `attachments/<caseId>/` and `exports/<caseId>/`; in the raw-mail bucket
 * `inbound/<sesMessageId>` for each message the case's audit trail records (EmailReceived,
 * CorrespondenceReceived), as the desk finds them (shared/cases/messages.ts).
 *
 * Two modes, chosen once where the adapter is built (from-env.ts), never per call:
 * - `versioned: true` (AWS): the buckets are versioned with Object Lock, so objects are listed
 *   with ListObjectVersions (a key whose current version is already a delete marker still has
 *   versions to purge), every version and delete marker is deleted by VersionId, and legal holds
 *   are PutObjectLegalHold on every version;
 * - `versioned: false` (the local stack: s3rver has no versions and no Object Lock): objects are
 *   listed with ListObjects and deleted without a VersionId; a legal hold cannot be placed,
 *   which is logged (never silently claimed).
 */
import {
  DeleteObjectsCommand,
  ListObjectsCommand,
  ListObjectVersionsCommand,
  PutObjectLegalHoldCommand,
  type ObjectIdentifier,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { Case } from '#domain/case';
import { logger } from '#shared/core/log';
import { isSesMessageId, rawMailKey } from '#shared/email/keys';
import type { CaseObject, CaseObjects } from '#shared/ports';

/** DeleteObjects takes at most 1,000 keys a request. */
export const DELETE_BATCH = 1000;

/** The files-bucket prefixes a case's objects sit under. */
export const caseFilePrefixes = (caseId: string): string[] => [
  `messages/${caseId}/`,
  `attachments/${caseId}/`,
  `exports/${caseId}/`,
  `searches/${caseId}/`,
];

/** The SES message ids the case's trail records (each has its raw MIME at `inbound/<id>`). */
export function sesMessageIdsOf(c: Case): string[] {
  const ids = c.audit.flatMap((e) => {
    const id = e.detail?.sesMessageId;
    return (e.action === 'EmailReceived' || e.action === 'CorrespondenceReceived') && isSesMessageId(id) ? [id] : [];
  });
  return [...new Set(ids)];
}

/** Some versions could not be deleted (a legal hold, a permission): the purge is incomplete and must be retried or looked at. */
export class ObjectsNotDeletedError extends Error {
  override readonly name = 'ObjectsNotDeletedError';
  constructor(
    readonly failed: number,
    readonly deleted: number,
    readonly codes: readonly string[],
  ) {
    super(`${failed} object version(s) could not be deleted (${codes.join(', ')}); ${deleted} were.`);
  }
}

export interface S3CaseObjectsOptions {
  readonly client: S3Client;
  readonly buckets: { readonly rawMail: string; readonly files: string };
  /** True in AWS (versioned buckets with Object Lock); false on the local stack (s3rver). */
  readonly versioned: boolean;
  /** Where the unversioned mode says a legal hold was not placed. Default the logger, at WARN. */
  readonly log?: (line: string, fields: Record<string, unknown>) => void;
}

interface Version {
  key: string;
  versionId?: string;
  /** A delete marker: deleted like a version, but it carries no legal hold. */
  marker: boolean;
}

export class S3CaseObjects implements CaseObjects {
  private readonly log: (line: string, fields: Record<string, unknown>) => void;

  constructor(private readonly opts: S3CaseObjectsOptions) {
    this.log = opts.log ?? ((line, fields) => logger.warn(line, fields));
  }

  async list(c: Case): Promise<CaseObject[]> {
    const files = (await Promise.all(caseFilePrefixes(c.id).map((p) => this.keysUnder('files', p)))).flat();
    const raw = await Promise.all(
      sesMessageIdsOf(c).map(async (id) => {
        const key = rawMailKey(id);
        return (await this.keysUnder('rawMail', key)).filter((k) => k === key);
      }),
    );
    return [...files.map((key) => ({ bucket: 'files' as const, key })), ...raw.flat().map((key) => ({ bucket: 'rawMail' as const, key }))];
  }

  async setLegalHold(objects: readonly CaseObject[], on: boolean): Promise<void> {
    if (!this.opts.versioned) {
      // Recorded, not pretended: the local S3 (s3rver) has no Object Lock.
      if (objects.length > 0) this.log('Legal hold not placed on objects: the local S3 has no Object Lock', { objects: objects.length, on });
      return;
    }
    for (const o of objects) {
      for (const v of await this.versionsOf(o)) {
        if (v.marker) continue;
        await this.opts.client.send(
          new PutObjectLegalHoldCommand({
            Bucket: this.opts.buckets[o.bucket],
            Key: v.key,
            VersionId: v.versionId,
            LegalHold: { Status: on ? 'ON' : 'OFF' },
          }),
        );
      }
    }
  }

  async deleteAllVersions(objects: readonly CaseObject[]): Promise<number> {
    let deleted = 0;
    let failed = 0;
    const codes = new Set<string>();
    for (const bucket of ['rawMail', 'files'] as const) {
      const ids: ObjectIdentifier[] = [];
      for (const o of objects.filter((x) => x.bucket === bucket)) {
        if (this.opts.versioned) ids.push(...(await this.versionsOf(o)).map((v) => ({ Key: v.key, VersionId: v.versionId })));
        else ids.push({ Key: o.key });
      }
      for (let i = 0; i < ids.length; i += DELETE_BATCH) {
        const out = await this.opts.client.send(
          new DeleteObjectsCommand({ Bucket: this.opts.buckets[bucket], Delete: { Objects: ids.slice(i, i + DELETE_BATCH), Quiet: false } }),
        );
        deleted += out.Deleted?.length ?? 0;
        failed += out.Errors?.length ?? 0;
        for (const e of out.Errors ?? []) codes.add(e.Code ?? 'Unknown');
      }
    }
    if (failed > 0) throw new ObjectsNotDeletedError(failed, deleted, [...codes].sort());
    return deleted;
  }

  /** Keys under `prefix` in `bucket`, every page. Versioned: the keys of any version or delete marker. */
  private async keysUnder(bucket: CaseObject['bucket'], prefix: string): Promise<string[]> {
    const Bucket = this.opts.buckets[bucket];
    if (this.opts.versioned) return [...new Set((await this.versionsUnder(Bucket, prefix)).map((v) => v.key))];
    // ListObjects (v1) paged by Marker, the last key seen: s3rver 3.7 makes every truncated ListObjectsV2 answer's
    // continuation token with DES, which Node 20's OpenSSL 3 refuses (an InternalError past 1,000 keys).
    const keys: string[] = [];
    for (;;) {
      const out = await this.opts.client.send(new ListObjectsCommand({ Bucket, Prefix: prefix, Marker: keys.at(-1) }));
      for (const o of out.Contents ?? []) if (o.Key) keys.push(o.Key);
      if (!out.IsTruncated || !out.Contents?.length) return keys;
    }
  }

  /** Every version and delete marker of exactly `o.key`. */
  private async versionsOf(o: CaseObject): Promise<Version[]> {
    return (await this.versionsUnder(this.opts.buckets[o.bucket], o.key)).filter((v) => v.key === o.key);
  }

  private async versionsUnder(Bucket: string, prefix: string): Promise<Version[]> {
    const found: Version[] = [];
    let KeyMarker: string | undefined;
    let VersionIdMarker: string | undefined;
    for (;;) {
      const out = await this.opts.client.send(new ListObjectVersionsCommand({ Bucket, Prefix: prefix, KeyMarker, VersionIdMarker }));
      for (const [list, marker] of [
        [out.Versions ?? [], false],
        [out.DeleteMarkers ?? [], true],
      ] as const) {
        for (const v of list) if (v.Key) found.push({ key: v.Key, marker, ...(v.VersionId !== undefined && { versionId: v.VersionId }) });
      }
      if (!out.IsTruncated) return found;
      KeyMarker = out.NextKeyMarker;
      VersionIdMarker = out.NextVersionIdMarker;
    }
  }
}
