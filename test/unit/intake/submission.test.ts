import { describe, expect, it } from 'vitest';
import { ValidationError } from '#domain/errors';
import { LIMITS, normaliseLine, normaliseText } from '#domain/text';
import { FIELD_ERRORS, isHoneypotHit, NO_CONTACT_ERROR, parseSubmission, UNKNOWN_FIELD_ERROR } from '#shared/intake/submission';

const valid = { rights: ['access'], fullName: 'Ada Lovelace', email: 'ada@example.org', relationship: 'customer' };
const agent = {
  fullName: 'Grace Hopper',
  capacity: 'power-of-attorney',
  authority: 'I hold a lasting power of attorney for property and financial affairs.',
};

function fieldErrors(raw: Record<string, unknown>, kind: 'json' | 'form' = 'json'): Record<string, string> {
  try {
    parseSubmission(raw, kind);
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as ValidationError).fields;
  }
  throw new Error('expected a ValidationError');
}

describe('parseSubmission (JSON: exactly the contract)', () => {
  it('accepts a minimal valid request', () => {
    expect(parseSubmission(valid, 'json')).toEqual(valid);
  });

  it.each([
    ['a single string', 'access'],
    ['an object', { 0: 'access' }],
    ['objects', [{}, { toString: 1 }]],
    ['null', null],
    ['none', []],
    ['an unknown right', ['access', 'sell-my-data']],
    ['more entries than there are rights', Array(8).fill('access')],
  ])('refuses rights as %s', (_what, rights) => {
    expect(fieldErrors({ ...valid, rights })).toEqual({ rights: FIELD_ERRORS.rights });
  });

  it('refuses fields the contract does not name, the form-only ones included', () => {
    expect(fieldErrors({ ...valid, website: '', idempotencyKey: 'k', isAdmin: true })).toEqual({
      website: UNKNOWN_FIELD_ERROR,
      idempotencyKey: UNKNOWN_FIELD_ERROR,
      isAdmin: UNKNOWN_FIELD_ERROR,
    });
    expect(fieldErrors({ ...valid, onBehalfOf: { ...agent, relation: 'aunt' } })).toEqual({ 'onBehalfOf.relation': UNKNOWN_FIELD_ERROR });
  });

  it('refuses an empty optional text rather than guessing it means absent', () => {
    expect(Object.keys(fieldErrors({ ...valid, postalAddress: '' }))).toEqual(['postalAddress']);
  });

  it('normalises text: trims, collapses spaces, strips control and bidi characters, NFC', () => {
    const s = parseSubmission(
      {
        ...valid,
        fullName: '  Ade\u0301le \u202Eevil\u202C   Smith\u0000 ',
        details: 'line one  \r\n\r\n\r\n\r\nline two\u0007',
        phone: '        ',
        postalAddress: ' 1 High Street \r\nMalvern  ',
      },
      'json',
    );
    expect(s.fullName).toBe('Ad\u00e9le evil Smith');
    expect(s.fullName.normalize('NFC')).toBe(s.fullName);
    expect(s.details).toBe('line one\n\nline two');
    expect(s.postalAddress).toBe('1 High Street\nMalvern');
    expect(s.phone).toBeUndefined();
  });

  it('refuses a required text that is nothing once normalised', () => {
    expect(fieldErrors({ ...valid, fullName: '\u200b\u200b' })).toEqual({ fullName: FIELD_ERRORS.fullName });
  });

  it('de-duplicates rights and accepts several at once', () => {
    expect(parseSubmission({ ...valid, rights: ['erasure', 'access', 'erasure', 'complaint'] }, 'json').rights).toEqual([
      'erasure',
      'access',
      'complaint',
    ]);
  });

  it('names every bad field with its own message', () => {
    expect(fieldErrors({})).toEqual({
      rights: FIELD_ERRORS.rights,
      fullName: FIELD_ERRORS.fullName,
      email: NO_CONTACT_ERROR,
      relationship: FIELD_ERRORS.relationship,
    });
  });

  it.each([
    ['email', { email: 'not-an-email' }],
    ['email', { email: `${'a'.repeat(250)}@example.org` }],
    ['fullName', { fullName: 'x'.repeat(LIMITS.fullName + 1) }],
    ['fullName', { fullName: 42 }],
    ['fullName', { fullName: { toString: 1 } }],
    ['phone', { phone: 'call me maybe' }],
    ['relationship', { relationship: 'neighbour' }],
    ['details', { details: 'x'.repeat(LIMITS.details + 1) }],
    ['accountReference', { accountReference: '<script>' }],
    ['postalAddress', { postalAddress: 'x'.repeat(LIMITS.postalAddress + 1) }],
  ])('rejects a bad %s', (field, patch) => {
    expect(Object.keys(fieldErrors({ ...valid, ...patch }))).toEqual([field]);
  });
});

describe('email or postal address', () => {
  const { email: _email, ...noEmail } = valid;

  it('takes a postal address instead of an email address', () => {
    expect(parseSubmission({ ...noEmail, postalAddress: '1 High Street\nMalvern WR14 1AA' }, 'json')).toEqual({
      ...noEmail,
      postalAddress: '1 High Street\nMalvern WR14 1AA',
    });
  });

  it('keeps both when both are given', () => {
    expect(parseSubmission({ ...valid, postalAddress: '1 High Street' }, 'json')).toMatchObject({ email: valid.email, postalAddress: '1 High Street' });
  });

  it('needs one of them, from JSON and from the form', () => {
    expect(fieldErrors(noEmail)).toEqual({ email: NO_CONTACT_ERROR });
    expect(fieldErrors({ ...noEmail, email: '', postalAddress: '  ' }, 'form')).toEqual({ email: NO_CONTACT_ERROR });
  });

  it('still refuses a malformed email address when a postal address is given', () => {
    expect(fieldErrors({ ...valid, email: 'ada@', postalAddress: '1 High Street' })).toEqual({ email: FIELD_ERRORS.email });
  });
});

describe('a request made for someone else', () => {
  it('takes the person, the capacity and the authority claimed', () => {
    const person = { ...agent, email: 'grace@example.org', postalAddress: '2 Nimrod House\nMalvern' };
    expect(parseSubmission({ ...valid, onBehalfOf: person }, 'json').onBehalfOf).toEqual(person);
  });

  it('names each missing or bad part of it', () => {
    expect(fieldErrors({ ...valid, onBehalfOf: {} })).toEqual({
      'onBehalfOf.fullName': FIELD_ERRORS['onBehalfOf.fullName'],
      'onBehalfOf.capacity': FIELD_ERRORS['onBehalfOf.capacity'],
      'onBehalfOf.authority': FIELD_ERRORS['onBehalfOf.authority'],
    });
    expect(fieldErrors({ ...valid, onBehalfOf: { ...agent, capacity: 'friend', email: 'x' } })).toEqual({
      'onBehalfOf.capacity': FIELD_ERRORS['onBehalfOf.capacity'],
      'onBehalfOf.email': FIELD_ERRORS['onBehalfOf.email'],
    });
    expect(fieldErrors({ ...valid, onBehalfOf: { ...agent, authority: 'x'.repeat(LIMITS.authority + 1) } })).toEqual({
      'onBehalfOf.authority': FIELD_ERRORS['onBehalfOf.authority'],
    });
    expect(fieldErrors({ ...valid, onBehalfOf: 'my mother' })).toEqual({ onBehalfOf: FIELD_ERRORS.onBehalfOf });
  });
});

describe('parseSubmission (form: mapped onto the contract)', () => {
  const formAgent = { 'onBehalfOf.fullName': agent.fullName, 'onBehalfOf.capacity': agent.capacity, 'onBehalfOf.authority': agent.authority };

  it('takes a single rights field as a list, ignores empty inputs and the form-only fields', () => {
    const s = parseSubmission({ ...valid, rights: 'erasure', phone: '', details: '  ', idempotencyKey: 'k', website: '', requestFor: 'myself' }, 'form');
    expect(s).toEqual({ ...valid, rights: ['erasure'] });
  });

  it('builds onBehalfOf from the person fields when the request is for someone else', () => {
    expect(parseSubmission({ ...valid, requestFor: 'someone-else', ...formAgent, 'onBehalfOf.email': '' }, 'form').onBehalfOf).toEqual(agent);
  });

  it('drops the person fields when the request is for the requester', () => {
    expect(parseSubmission({ ...valid, requestFor: 'myself', ...formAgent }, 'form').onBehalfOf).toBeUndefined();
  });

  it('asks who the request is for rather than guessing, naming the other problems too', () => {
    expect(fieldErrors({ ...valid, ...formAgent }, 'form')).toEqual({ requestFor: FIELD_ERRORS.requestFor });
    expect(fieldErrors({ ...valid, fullName: '', requestFor: 'the-king' }, 'form')).toEqual({
      requestFor: FIELD_ERRORS.requestFor,
      fullName: FIELD_ERRORS.fullName,
    });
  });

  it('names the missing parts when someone else is chosen but not described', () => {
    expect(fieldErrors({ ...valid, requestFor: 'someone-else' }, 'form')).toEqual({
      'onBehalfOf.fullName': FIELD_ERRORS['onBehalfOf.fullName'],
      'onBehalfOf.capacity': FIELD_ERRORS['onBehalfOf.capacity'],
      'onBehalfOf.authority': FIELD_ERRORS['onBehalfOf.authority'],
    });
  });
});

describe('honeypot and normalisers', () => {
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
