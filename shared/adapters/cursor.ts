/**
 * Page cursors: a DynamoDB LastEvaluatedKey as an opaque URL-safe string, and back. A cursor that
 * is not one of ours is a bad request, never a query with attacker-chosen keys.
 */
import { ValidationError } from '#domain/errors';

export function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string): Record<string, string> {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (key && typeof key === 'object' && !Array.isArray(key) && Object.values(key).every((v) => typeof v === 'string' && v.length <= 200)) {
      const names = Object.keys(key);
      if (names.length <= 4 && names.every((n) => /^(pk|sk|gsi\d+(pk|sk))$/.test(n))) return key as Record<string, string>;
    }
  } catch {
    // fall through
  }
  throw new ValidationError({ cursor: 'This page link is not valid: go back to the first page.' });
}
