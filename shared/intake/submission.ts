/**
 * The public submission: its schema, its normalisation and the words shown for each
 * choice. The form page, the JSON API and the emails all use these, so a field's name,
 * its limits and its error message exist once.
 */
import * as z from 'zod/mini';
import { RELATIONSHIPS, RIGHTS, type Relationship, type Right } from '#domain/case';
import { ValidationError } from '#domain/errors';
import { LIMITS, normaliseLine, normaliseText } from '#domain/text';

export const FIELD_ERRORS = {
  rights: 'Select what you would like us to do',
  fullName: 'Enter your full name',
  email: 'Enter an email address in the correct format, like name@example.com',
  phone: 'Enter a phone or fax number using only numbers, spaces, brackets, dashes and +, like 01632 960 001',
  relationship: 'Select how you are connected to Icetrak',
  details: `Details must be ${LIMITS.details} characters or fewer`,
  accountReference: 'Account reference must use only letters, numbers, spaces and - / _',
} as const;
export type Field = keyof typeof FIELD_ERRORS;
export const FIELD_ORDER = Object.keys(FIELD_ERRORS) as Field[];

/** The honeypot: invisible to people, filled by naive bots. */
export const HONEYPOT_FIELD = 'website';

export interface Submission {
  rights: Right[];
  fullName: string;
  email: string;
  phone?: string;
  relationship: Relationship;
  details?: string;
  accountReference?: string;
}

const optionalText = (v: unknown, multiLine = false) => {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') return v; // let the schema reject it
  const out = multiLine ? normaliseText(v) : normaliseLine(v);
  return out === '' ? undefined : out;
};

const schema = z.object({
  rights: z.array(z.enum(RIGHTS)).check(z.minLength(1), z.maxLength(RIGHTS.length)),
  fullName: z.string().check(z.minLength(1), z.maxLength(LIMITS.fullName)),
  email: z.email().check(z.maxLength(LIMITS.email)),
  phone: z.optional(z.string().check(z.regex(/^\+?[0-9 ()-]{6,30}$/), z.maxLength(LIMITS.phone))),
  relationship: z.enum(RELATIONSHIPS),
  details: z.optional(z.string().check(z.maxLength(LIMITS.details))),
  accountReference: z.optional(z.string().check(z.regex(/^[A-Za-z0-9 _/-]+$/), z.maxLength(LIMITS.accountReference))),
});

/** Normalises then validates raw form or JSON input. Throws ValidationError with one message per bad field. */
export function parseSubmission(raw: Record<string, unknown>): Submission {
  const rights = raw.rights === undefined ? [] : Array.isArray(raw.rights) ? raw.rights : [raw.rights];
  const email = optionalText(raw.email);
  const candidate = {
    rights: [...new Set(rights)],
    fullName: optionalText(raw.fullName) ?? '',
    email: email ?? '',
    phone: optionalText(raw.phone),
    relationship: raw.relationship,
    details: optionalText(raw.details, true),
    accountReference: optionalText(raw.accountReference),
  };
  const parsed = z.safeParse(schema, candidate);
  if (parsed.success) return parsed.data;
  const fields: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path[0] as Field | undefined;
    if (field && field in FIELD_ERRORS && !fields[field]) fields[field] = FIELD_ERRORS[field];
  }
  throw new ValidationError(fields);
}

/** True when a bot filled the hidden field. */
export function isHoneypotHit(raw: Record<string, unknown>): boolean {
  const v = raw[HONEYPOT_FIELD];
  return typeof v === 'string' ? v.trim() !== '' : v !== undefined && v !== null;
}
