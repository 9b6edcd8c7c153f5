/**
 * Where inbound mail lives in S3. Keys hold SES message ids, case ids and counters only,
 * never an address, a subject or a file name (DESIGN.md: no personal data in S3 keys).
 *
 *   raw-mail bucket  inbound/<sesMessageId>                        raw MIME, written by SES (or the local SMTP listener)
 *   files bucket     messages/<caseId>/<sesMessageId>.json         the parsed message (headers, text, attachment names)
 *   files bucket     attachments/<caseId>/<sesMessageId>/<n>       attachment n (1-based), bytes only
 *
 * Everything of a case sits under a prefix with its id, so retention and erasure can remove
 * a case's objects by prefix. No imports: the CDK app and the local stack share these.
 */

/** The SES S3 action's object key prefix: SES stores each message at `${RAW_MAIL_PREFIX}${messageId}`. */
export const RAW_MAIL_PREFIX = 'inbound/';

/** SES message ids are lower-case alphanumerics; anything else is refused before it reaches a key. */
export function isSesMessageId(value: unknown): value is string {
  return typeof value === 'string' && /^[a-z0-9][a-z0-9-]{9,127}$/i.test(value);
}

export const rawMailKey = (sesMessageId: string) => `${RAW_MAIL_PREFIX}${sesMessageId}`;
export const messageKey = (caseId: string, sesMessageId: string) => `messages/${caseId}/${sesMessageId}.json`;
export const attachmentKey = (caseId: string, sesMessageId: string, n: number) => `attachments/${caseId}/${sesMessageId}/${n}`;
