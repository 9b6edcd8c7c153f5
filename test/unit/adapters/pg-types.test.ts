/** How the SQL adapters read PostgreSQL's text values: the same JSON in every time zone, nothing rounded. */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { PG_TYPES } from '#adapters/pg-types';

const { builtins } = pg.types;
const parse = (oid: (typeof builtins)[keyof typeof builtins], text: string): unknown =>
  (PG_TYPES.getTypeParser(oid, 'text') as (s: string) => unknown)(text);

describe('PG_TYPES', () => {
  it('keeps dates as YYYY-MM-DD and turns instants into ISO UTC', () => {
    expect(parse(builtins.DATE, '2023-06-30')).toBe('2023-06-30');
    expect(parse(builtins.TIMESTAMPTZ, '2026-11-23 16:44:02+00')).toBe('2026-11-23T16:44:02.000Z');
    expect(parse(builtins.TIMESTAMPTZ, '2026-07-01 09:30:00.25+01')).toBe('2026-07-01T08:30:00.250Z');
    // Without a zone, read as UTC, not as the machine's local time.
    expect(parse(builtins.TIMESTAMP, '2026-07-01 09:30:00')).toBe('2026-07-01T09:30:00.000Z');
    expect(parse(builtins.TIMESTAMPTZ, 'infinity')).toBe('infinity');
  });

  it('gives bigints and numerics as numbers only when exact, else their text', () => {
    expect(parse(builtins.INT8, '42')).toBe(42);
    expect(parse(builtins.INT8, '9007199254740993')).toBe('9007199254740993');
    expect(parse(builtins.NUMERIC, '12.5')).toBe(12.5);
    expect(parse(builtins.NUMERIC, '12.50')).toBe('12.50');
    expect(parse(builtins.NUMERIC, '0.1000000000000000000001')).toBe('0.1000000000000000000001');
  });

  it('leaves every other type to pg', () => {
    expect(parse(builtins.INT4, '7')).toBe(7);
    expect(parse(builtins.BOOL, 't')).toBe(true);
    expect(parse(builtins.TEXT, 'x')).toBe('x');
    expect(parse(builtins.JSONB, '{"a":1}')).toEqual({ a: 1 });
  });
});
