/**
 * Reading a search's records file back (`searches/<caseId>/<runId>/<source>.json`, written by the
 * search workflow): validated, since what goes into a person's answer must be exactly what the
 * search found and nothing a damaged or foreign file holds.
 */
import * as z from 'zod';
import { IDENTIFIER_KINDS, ROLES } from '#domain/register';
import type { SourceRecordsFile } from '#domain/search';

const fieldValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

const foundRecord = z.object({
  id: z.string().min(1).max(500),
  source: z.string().min(1).max(60),
  recordType: z.string().min(1).max(60),
  key: z.string().max(500),
  accountId: z.string().max(60).optional(),
  role: z.enum(ROLES),
  matchedBy: z.enum(IDENTIFIER_KINDS),
  providedByPerson: z.boolean(),
  fields: z.record(z.string(), fieldValue),
});

export const recordsFileSchema = z.object({
  caseId: z.string().min(1),
  runId: z.string().min(1),
  source: z.string().min(1),
  searchedAt: z.string().min(1),
  records: z.array(foundRecord),
});

/** The file's records; throws naming the key (ids only) when it is not a records file. */
export function parseRecordsFile(body: Buffer, key: string): SourceRecordsFile {
  let raw: unknown;
  try {
    raw = JSON.parse(body.toString('utf8'));
  } catch {
    throw new Error(`The records file ${key} is not JSON.`);
  }
  const parsed = recordsFileSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`The records file ${key} is not a records file: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}.`);
  return parsed.data;
}
