/**
 * Identifier generation: the impure edge around the domain's pure generators (it reads
 * the clock and the system's random source, so it lives outside shared/domain).
 */
import { randomBytes } from 'node:crypto';
import { generateReference, type RandomBytes } from '#domain/reference';

/** Crockford's base32: no I, L, O or U; sorts in the same order as the values it encodes. */
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const TIME_CHARS = 10; // 48-bit millisecond timestamp → 10 symbols (50 bits)
const RANDOM_BYTES = 10; // 80 random bits → 16 symbols
const MAX_TIME = 2 ** 48 - 1;

/**
 * A new case id in the ULID layout: 26 symbols, the first 10 the creation time in
 * milliseconds, the last 16 random. Ids sort by creation time (to the millisecond) and are
 * safe in S3 keys, Step Functions execution names and logs (they carry no personal data).
 * `now` and `random` are parameters only so tests can pin them.
 */
export function newCaseId(now: number = Date.now(), random: RandomBytes = randomBytes): string {
  if (!Number.isInteger(now) || now < 0 || now > MAX_TIME) throw new RangeError('Timestamp out of range for a case id.');
  let time = '';
  for (let i = 0, t = now; i < TIME_CHARS; i += 1, t = Math.floor(t / 32)) time = CROCKFORD.charAt(t % 32) + time;

  const bytes = random(RANDOM_BYTES);
  if (bytes.length < RANDOM_BYTES) throw new RangeError('Random source returned too few bytes.');
  let bits = 0n;
  for (const byte of bytes.subarray(0, RANDOM_BYTES)) bits = (bits << 8n) | BigInt(byte);
  let rand = '';
  for (let i = 0; i < 16; i += 1, bits >>= 5n) rand = CROCKFORD.charAt(Number(bits & 31n)) + rand;

  return time + rand;
}

/** A new human-friendly case reference (`RD-7K4M9P`) from the system's secure random source. */
export function newReference(random: RandomBytes = randomBytes): string {
  return generateReference(random);
}

/** True for a string in case-id form (26 Crockford base32 symbols). */
export function isCaseId(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9A-HJKMNP-TV-Z]{26}$/.test(value);
}

/** A new search run id (issue 14; RUN_ID): a case id's form, lower-case, so it sorts by time and is safe in SQL text, S3 keys and execution names. */
export function newRunId(): string {
  return newCaseId().toLowerCase();
}

/** A new change plan id (issue 15): lower-case letters and digits, sorting by creation time (PLAN_ID). */
export function newPlanId(): string {
  return newCaseId().toLowerCase();
}
