/**
 * Inbound correspondence for the desk: a case's stored messages and their attachments (files
 * bucket, shared/email/keys.ts). Only messages the case's own trail records are read, under the
 * case's own prefix: a guessed id from another case finds nothing.
 */
import type { Case } from '#domain/case';
import { BlobNotFoundError } from '#shared/ports';
import { attachmentKey, isSesMessageId, messageKey } from '#shared/email/keys';
import { caseByReference } from './case-view';
import type { DeskFilesDeps } from './deps';

export interface StoredAttachment {
  n: number;
  filename: string;
  contentType: string;
  size: number;
  key: string | null;
}

export interface StoredMessage {
  from: { name?: string; address: string } | null;
  subject: string;
  date: string | null;
  text: string;
  attachments: StoredAttachment[];
}

function recorded(c: Case, sesMessageId: string): { fromRequester: boolean } | undefined {
  if (!isSesMessageId(sesMessageId)) return undefined;
  const e = c.audit.find((a) => (a.action === 'EmailReceived' || a.action === 'CorrespondenceReceived') && a.detail?.sesMessageId === sesMessageId);
  return e ? { fromRequester: e.action === 'EmailReceived' || e.detail?.fromRequester === true } : undefined;
}

export async function readMessage(
  reference: string,
  sesMessageId: string,
  deps: DeskFilesDeps,
): Promise<{ c: Case; message: StoredMessage; sesMessageId: string; fromRequester: boolean } | undefined> {
  const c = await caseByReference(reference, deps);
  const seen = recorded(c, sesMessageId);
  if (!seen) return undefined;
  try {
    const message = JSON.parse((await deps.files.get(messageKey(c.id, sesMessageId))).toString('utf8')) as StoredMessage;
    return { c, message, sesMessageId, fromRequester: seen.fromRequester };
  } catch (err) {
    if (err instanceof BlobNotFoundError) return undefined;
    throw err;
  }
}

export async function readAttachment(
  reference: string,
  sesMessageId: string,
  n: number,
  deps: DeskFilesDeps,
): Promise<{ filename: string; body: Buffer } | undefined> {
  if (!Number.isInteger(n) || n < 1 || n > 1000) return undefined;
  const found = await readMessage(reference, sesMessageId, deps);
  const a = found?.message.attachments.find((x) => x.n === n && x.key === attachmentKey(found.c.id, sesMessageId, n));
  if (!found || !a) return undefined;
  try {
    return { filename: a.filename || `attachment-${n}`, body: await deps.files.get(attachmentKey(found.c.id, sesMessageId, n)) };
  } catch (err) {
    if (err instanceof BlobNotFoundError) return undefined;
    throw err;
  }
}
