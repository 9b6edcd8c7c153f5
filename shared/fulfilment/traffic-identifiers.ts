/**
 * The phone numbers a traffic search looks for, written where Athena's `search_identifiers`
 * table finds them: `searches/<caseId>/<runId>/identifiers/phones.csv` in the files bucket (one
 * E.164 number a line, no header; partition projection injects case_id and run_id from the
 * query's WHERE clause). The numbers stay in the case's KMS-encrypted bucket, under the case's
 * prefix (retention and legal holds cover the file); the query names only the ids.
 */
import { identifiersPrefix, normalisePhone, RUN_ID } from '#domain/search';
import { isCaseId } from '#shared/core/ids';
import type { BlobStore } from '#shared/ports';

export const PHONES_FILE = 'phones.csv';

/** S3 key of a run's phones file. Only this file may live under the identifiers prefix: the table reads every object there. */
export const phonesKey = (caseId: string, runId: string): string => `${identifiersPrefix(caseId, runId)}${PHONES_FILE}`;

export class InvalidTrafficIdentifiersError extends Error {
  override readonly name = 'InvalidTrafficIdentifiersError';
}

/** The file's text: each number once, in order, each line ending in a newline (no header). */
export function phonesCsv(phones: readonly string[]): string {
  for (const p of phones) {
    // E.164 only: a number in any other form would silently match nothing in the traffic.
    if (normalisePhone(p) !== p) throw new InvalidTrafficIdentifiersError('Every phone number must be normalised to E.164 (+447700900123).');
  }
  return [...new Set(phones)].map((p) => `${p}\n`).join('');
}

/**
 * Writes the run's phones file (idempotent: same run, same numbers, same bytes). An empty list
 * writes an empty file, which matches nothing. Resolves to the key written.
 */
export async function writeTrafficIdentifiers(files: BlobStore, caseId: string, runId: string, phones: readonly string[]): Promise<string> {
  if (!isCaseId(caseId) || !RUN_ID.test(runId)) throw new InvalidTrafficIdentifiersError('A case id and a run id are needed.');
  const key = phonesKey(caseId, runId);
  await files.put(key, phonesCsv(phones), { contentType: 'text/csv' });
  return key;
}
