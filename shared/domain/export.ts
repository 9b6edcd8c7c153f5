/**
 * The access or portability answer of a case (issue 14): a ZIP prepared from the latest search's
 * records and the register, reviewed by the DPO, then released to the requester through a
 * signed link valid for 7 days. The ZIP is in the files bucket under the case's prefix
 * (`exports/<caseId>/<exportId>.zip`, KMS); the case item holds this summary.
 */
import type { Actor } from './case';

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
}
