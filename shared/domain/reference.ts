/**
 * Human-friendly case references, `RD-7K4M9P`: short enough to read out on the phone and
 * carried in every email subject as `[RD-7K4M9P]` so replies thread back to their case
 * (DESIGN.md, Email).
 *
 * The alphabet leaves out 0/O, 1/I/L and U, so a reference survives being read aloud,
 * handwritten or retyped. 30 symbols over 6 places give 729 million references; the
 * store still refuses a duplicate, so a collision costs a retry, never a mix-up.
 */

export const REFERENCE_PREFIX = 'RD-';
export const REFERENCE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
export const REFERENCE_LENGTH = 6; // symbols after the prefix

/** Source of random bytes, e.g. node:crypto's randomBytes (injected: the domain does no I/O). */
export type RandomBytes = (size: number) => Uint8Array;

const SYMBOL = `[${REFERENCE_ALPHABET}]`;
const CANONICAL = new RegExp(`^${REFERENCE_PREFIX}${SYMBOL}{${REFERENCE_LENGTH}}$`);
// Bare or bracketed, any case; not glued to other letters or digits ("XRD-…", "…7K4M9P2").
const IN_TEXT = new RegExp(`(?<![A-Za-z0-9])${REFERENCE_PREFIX}${SYMBOL}{${REFERENCE_LENGTH}}(?![A-Za-z0-9])`, 'gi');

// Bytes at or above the largest multiple of the alphabet size are discarded, so every
// symbol is equally likely (plain `byte % 30` would favour the first 16 symbols).
const UNBIASED_LIMIT = 256 - (256 % REFERENCE_ALPHABET.length);
const MAX_DRAWS = 64;

/** A new reference drawn from `randomBytes`. */
export function generateReference(randomBytes: RandomBytes): string {
  let symbols = '';
  for (let draw = 0; symbols.length < REFERENCE_LENGTH; draw += 1) {
    // With a real random source a discard happens 1 time in 16; this only guards against a
    // broken source looping forever.
    if (draw >= MAX_DRAWS) throw new Error('Random source keeps returning unusable bytes.');
    for (const byte of randomBytes(REFERENCE_LENGTH)) {
      if (byte < UNBIASED_LIMIT && symbols.length < REFERENCE_LENGTH) {
        symbols += REFERENCE_ALPHABET.charAt(byte % REFERENCE_ALPHABET.length);
      }
    }
  }
  return `${REFERENCE_PREFIX}${symbols}`;
}

/** True for a reference in canonical form (upper case, e.g. `RD-7K4M9P`). */
export function isReference(value: unknown): value is string {
  return typeof value === 'string' && CANONICAL.test(value);
}

/**
 * Every reference in a subject or body, bracketed (`[RD-7K4M9P]`) or bare, in any case,
 * upper-cased, without duplicates, in order of first appearance.
 * `Re: [rd-7k4m9p] my request` → `['RD-7K4M9P']`.
 */
export function parseReferences(text: string): string[] {
  const found = new Set<string>();
  for (const match of text.matchAll(IN_TEXT)) found.add(match[0].toUpperCase());
  return [...found];
}
