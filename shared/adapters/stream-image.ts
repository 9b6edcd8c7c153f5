/**
 * A DynamoDB Streams image (or a DeleteItem's ALL_OLD attributes) as plain values, the way the
 * Document client reads an item: numbers as numbers, maps and lists as objects and arrays, sets
 * as arrays, binaries as bytes.
 */
import type { AttributeValue } from 'aws-lambda';

export type Image = Record<string, AttributeValue>;

export function fromAttributeValue(v: AttributeValue): unknown {
  if (v.S !== undefined) return v.S;
  if (v.N !== undefined) return Number(v.N);
  if (v.BOOL !== undefined) return v.BOOL;
  if (v.NULL !== undefined) return null;
  if (v.M !== undefined) return unmarshallImage(v.M);
  if (v.L !== undefined) return v.L.map(fromAttributeValue);
  if (v.SS !== undefined) return [...v.SS];
  if (v.NS !== undefined) return v.NS.map(Number);
  if (v.B !== undefined) return Buffer.from(v.B, 'base64');
  if (v.BS !== undefined) return v.BS.map((b) => Buffer.from(b, 'base64'));
  throw new TypeError('Unknown DynamoDB attribute value type.');
}

export function unmarshallImage(image: Image): Record<string, unknown> {
  return Object.fromEntries(Object.entries(image).map(([k, v]) => [k, fromAttributeValue(v)]));
}
