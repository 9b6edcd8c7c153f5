// shared/ids.ts sits outside the domain (it reads the clock and crypto); its tests live
// here beside reference.test.ts because both generate identifiers.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isCaseId, newCaseId, newReference } from '#shared/core/ids';
import { isReference } from '#domain/reference';

const fixed = (byte: number) => (size: number) => new Uint8Array(size).fill(byte);

describe('newCaseId', () => {
  it('encodes the time like a ULID (spec example 1469918176385 → 01ARYZ6S41)', () => {
    expect(newCaseId(1469918176385, fixed(0))).toBe('01ARYZ6S410000000000000000');
    expect(newCaseId(0, fixed(255))).toBe('0000000000ZZZZZZZZZZZZZZZZ');
  });

  it('is 26 Crockford base32 symbols', () => {
    const id = newCaseId();
    expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(isCaseId(id)).toBe(true);
    expect(isCaseId('01ARYZ6S41000000000000000U')).toBe(false);
    expect(isCaseId('01ARYZ6S41')).toBe(false);
  });

  it('differs every time', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newCaseId()));
    expect(ids.size).toBe(1000);
  });

  it('sorts by creation time', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 48 - 2 }),
        fc.integer({ min: 1, max: 10 ** 9 }),
        fc.uint8Array({ minLength: 10, maxLength: 10 }),
        fc.uint8Array({ minLength: 10, maxLength: 10 }),
        (t, gap, r1, r2) => {
          const later = Math.min(t + gap, 2 ** 48 - 1);
          expect(newCaseId(t, () => r1) < newCaseId(later, () => r2)).toBe(true);
        },
      ),
    );
  });

  it('keeps all 80 random bits', () => {
    const bytes = Uint8Array.from([0x80, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    // 80 bits = 16 symbols of 5 bits: the top bit is the high bit of the first symbol ('G' = 16).
    expect(newCaseId(0, () => bytes).slice(10)).toBe('G000000000000001');
  });

  it('rejects a bad clock or a short random source', () => {
    expect(() => newCaseId(-1)).toThrow(RangeError);
    expect(() => newCaseId(2 ** 48)).toThrow(RangeError);
    expect(() => newCaseId(1.5)).toThrow(RangeError);
    expect(() => newCaseId(0, () => new Uint8Array(4))).toThrow(RangeError);
  });
});

describe('newReference', () => {
  it('draws a valid reference from the secure random source', () => {
    for (let i = 0; i < 100; i += 1) expect(isReference(newReference())).toBe(true);
  });
});
