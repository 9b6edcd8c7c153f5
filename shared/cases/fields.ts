/**
 * What the desk's schemas share (actions, staff entry, the queue's query): a date field, a list
 * that a form may send as one field, and one way of turning a schema's complaints into a
 * ValidationError that names each field.
 */
import * as z from 'zod';
import { isIsoDate } from '#domain/calendar';
import { ValidationError } from '#domain/errors';

/** A real calendar date, YYYY-MM-DD. */
export const isoDate = (message: string) => z.string().refine((v) => isIsoDate(v), message);

/** A list from JSON (an array) or a form (one field, repeated, or comma-separated); blank entries are dropped. */
export const listOf = <T extends z.ZodType>(item: T) =>
  z.preprocess((v: unknown): unknown => {
    if (v === undefined) return v;
    const given: unknown[] = Array.isArray(v) ? (v as unknown[]) : [v];
    const items = given.flatMap((x): unknown[] => (typeof x === 'string' ? x.split(',') : [x]));
    return items.map((x) => (typeof x === 'string' ? x.trim() : x)).filter((x) => x !== '');
  }, z.array(item));

/** `raw` checked by `schema`, or a ValidationError with one message per field (`fallback` names a complaint about the whole). */
export function parseFields<S extends z.ZodType>(schema: S, raw: unknown, fallback: string): z.infer<S> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const fields: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) fields[key] ??= 'This field is not part of it: remove it.';
    } else {
      fields[String(issue.path[0] ?? fallback)] ??= issue.message;
    }
  }
  throw new ValidationError(fields);
}
