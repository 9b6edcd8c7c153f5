import { describe, expect, it } from 'vitest';
import { ValidationError } from '#domain/errors';
import { LIMITS, normaliseLine, normaliseText } from '#domain/text';
import { FIELD_ERRORS, isHoneypotHit, parseSubmission } from '#shared/intake/submission';

const valid = { rights: ['access'], fullName: 'Ada Lovelace', email: 'ada@example.org', relationship: 'customer' };

function fieldErrors(raw: Record<string, unknown>): Record<string, string> {
  try {
    parseSubmission(raw);
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as ValidationError).fields;
  }
  throw new Error('expected a ValidationError');
}

describe('parseSubmission', () => {
  it('accepts a minimal valid request and a form single value for rights', () => {
    expect(parseSubmission(valid)).toEqual(valid);
    expect(parseSubmission({ ...valid, rights: 'erasure' }).rights).toEqual(['erasure']);
  });

  it('normalises text: trims, collapses spaces, strips control and bidi characters, NFC', () => {
    const s = parseSubmission({
      ...valid,
      fullName: '  Ade\u0301le \u202Eevil\u202C   Smith\u0000 ',
      details: 'line one  \r\n\r\n\r\n\r\nline two\u0007',
      phone: '  ',
    });
    expect(s.fullName).toBe('Ad\u00e9le evil Smith');
    expect(s.fullName.normalize('NFC')).toBe(s.fullName);
    expect(s.details).toBe('line one\n\nline two');
    expect(s.phone).toBeUndefined();
  });

  it('de-duplicates rights and accepts several at once', () => {
    expect(parseSubmission({ ...valid, rights: ['erasure', 'access', 'erasure', 'complaint'] }).rights).toEqual(['erasure', 'access', 'complaint']);
  });

  it('names every bad field with its own message', () => {
    expect(fieldErrors({})).toEqual({
      rights: FIELD_ERRORS.rights,
      fullName: FIELD_ERRORS.fullName,
      email: FIELD_ERRORS.email,
      relationship: FIELD_ERRORS.relationship,
    });
  });

  it.each([
    ['rights', { rights: ['access', 'sell-my-data'] }],
    ['rights', { rights: [] }],
    ['rights', { rights: [{}] }],
    ['email', { email: 'not-an-email' }],
    ['email', { email: `${'a'.repeat(250)}@example.org` }],
    ['fullName', { fullName: 'x'.repeat(LIMITS.fullName + 1) }],
    ['fullName', { fullName: 42 }],
    ['phone', { phone: 'call me maybe' }],
    ['relationship', { relationship: 'neighbour' }],
    ['details', { details: 'x'.repeat(LIMITS.details + 1) }],
    ['accountReference', { accountReference: '<script>' }],
  ])('rejects a bad %s', (field, patch) => {
    expect(Object.keys(fieldErrors({ ...valid, ...patch }))).toEqual([field]);
  });

  it('spots the honeypot', () => {
    expect(isHoneypotHit({ website: 'http://spam.example' })).toBe(true);
    expect(isHoneypotHit({ website: '  ' })).toBe(false);
    expect(isHoneypotHit({})).toBe(false);
  });

  it('normalisers are idempotent', () => {
    const messy = ' a\u00a0 b\t\u200bc \n';
    expect(normaliseLine(normaliseLine(messy))).toBe(normaliseLine(messy));
    expect(normaliseText(normaliseText(messy))).toBe(normaliseText(messy));
  });
});
