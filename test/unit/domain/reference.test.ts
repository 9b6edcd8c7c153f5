import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { REFERENCE_ALPHABET, generateReference, isReference, parseReferences, type RandomBytes } from '#domain/reference';

/** A random source that hands out the given bytes in order. */
const bytesFrom = (bytes: number[]): RandomBytes => {
  let next = 0;
  return (size) => Uint8Array.from({ length: size }, () => bytes[next++ % bytes.length]!);
};

describe('reference alphabet', () => {
  it('has 30 distinct symbols and none that can be misread', () => {
    expect(REFERENCE_ALPHABET).toHaveLength(30);
    expect(new Set(REFERENCE_ALPHABET).size).toBe(30);
    for (const ambiguous of '01OILU') expect(REFERENCE_ALPHABET).not.toContain(ambiguous);
    expect(REFERENCE_ALPHABET).toMatch(/^[2-9A-Z]+$/);
  });
});

describe('generateReference', () => {
  it('maps bytes to symbols in order', () => {
    expect(generateReference(bytesFrom([0, 1, 2, 3, 4, 5]))).toBe('RD-234567');
    expect(generateReference(bytesFrom([29, 30, 59, 60, 89, 239]))).toBe('RD-Z2Z2ZZ');
  });

  it('discards bytes that would bias the draw (240–255) and draws again', () => {
    expect(generateReference(bytesFrom([240, 255, 0, 1, 2, 3, 4, 5]))).toBe('RD-234567');
  });

  it('gives up on a source that never yields a usable byte', () => {
    expect(() => generateReference(() => new Uint8Array(6).fill(255))).toThrow(/unusable bytes/);
  });

  it('always produces a valid reference', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 64 }), (bytes) => {
        fc.pre(bytes.some((b) => b < 240));
        expect(isReference(generateReference(bytesFrom(bytes)))).toBe(true);
      }),
    );
  });

  it('gives every symbol the same number of byte values (8 of the 240 usable)', () => {
    const counts = new Map<string, number>();
    for (let byte = 0; byte < 240; byte += 1) {
      const first = generateReference(bytesFrom([byte, 0, 0, 0, 0, 0])).charAt(3);
      counts.set(first, (counts.get(first) ?? 0) + 1);
    }
    expect([...counts.keys()].sort().join('')).toBe(Array.from(REFERENCE_ALPHABET).sort().join(''));
    expect([...new Set(counts.values())]).toEqual([8]);
  });
});

describe('isReference', () => {
  it('accepts the canonical form only', () => {
    expect(isReference('RD-7K4M9P')).toBe(true);
    for (const bad of ['rd-7k4m9p', 'RD-7K4M9', 'RD-7K4M9PX', 'RD7K4M9P', 'RD-7K4M9O', 'RD-7K4M1P', 'RD-ULILOI', '[RD-7K4M9P]', ' RD-7K4M9P']) {
      expect(isReference(bad), bad).toBe(false);
    }
    expect(isReference(undefined)).toBe(false);
  });
});

describe('parseReferences', () => {
  it.each([
    ['Re: [rd-7k4m9p] my request', ['RD-7K4M9P']],
    ['[RD-7K4M9P] Your request', ['RD-7K4M9P']],
    ['Fwd: Re: [RD-7K4M9P] [RD-7K4M9P]', ['RD-7K4M9P']],
    ['about RD-7K4M9P and rd-22ZZ33.', ['RD-7K4M9P', 'RD-22ZZ33']],
    ['ref:RD-7K4M9P,RD-ABCDEF', ['RD-7K4M9P', 'RD-ABCDEF']],
    ['(RD-7K4M9P)\nthanks', ['RD-7K4M9P']],
  ])('%j → %j', (text, expected) => {
    expect(parseReferences(text)).toEqual(expected);
  });

  it.each([
    'no reference here',
    'RD-7K4M9', // too short
    'RD-7K4M9PQ', // too long
    'XRD-7K4M9P', // glued to a word
    'RD-7K4M9O', // O is not in the alphabet
    'RD-1K4M9P', // nor is 1
    'RD 7K4M9P',
    'RD-7K4M9P2',
  ])('finds nothing in %j', (text) => {
    expect(parseReferences(text)).toEqual([]);
  });

  it('finds any generated reference in a subject, bracketed or bare, in either case', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 6, maxLength: 6, max: 239 }),
        fc.constantFrom('Re: [%]', 'Re: [%] my request', '% thanks', 'Ticket:%', 'RE: Fwd: [%]'),
        fc.boolean(),
        (bytes, template, lower) => {
          const ref = generateReference(() => bytes);
          const subject = template.replace('%', lower ? ref.toLowerCase() : ref);
          expect(parseReferences(subject)).toEqual([ref]);
        },
      ),
    );
  });
});
