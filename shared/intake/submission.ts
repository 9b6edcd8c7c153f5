/**
 * The public submission: its schema, its normalisation and the words shown for each
 * choice. The form page, the JSON API and the emails all use these, so a field's name,
 * its limits and its error message exist once.
 */
import * as z from 'zod/mini';
import { RELATIONSHIPS, RIGHTS, type Relationship, type Right } from '../domain/case';
import { ValidationError } from '../http/errors';

export const LIMITS = { fullName: 200, email: 254, phone: 30, details: 5000, accountReference: 40 } as const;

export const RIGHT_LABELS: Record<Right, { label: string; hint: string }> = {
  access: { label: 'Get a copy of my data', hint: 'Right of access: a copy of the personal data we hold about you and how we use it.' },
  rectification: { label: 'Correct my data', hint: 'Right to rectification: fix data that is wrong or incomplete.' },
  erasure: { label: 'Delete my data', hint: 'Right to erasure: also called the right to be forgotten.' },
  restriction: { label: 'Limit how my data is used', hint: 'Right to restriction: we keep the data but stop using it.' },
  objection: { label: 'Object to how my data is used', hint: 'Right to object: for example to direct marketing.' },
  portability: { label: 'Move my data to another service', hint: 'Right to data portability: your data in a machine-readable file (JSON or CSV).' },
  complaint: { label: 'Make a complaint', hint: 'Tell us about a problem with how we handle your personal data.' },
};

export const RELATIONSHIP_LABELS: Record<Relationship, string> = {
  customer: 'I have an Icetrak customer account',
  'message-recipient': 'I received SMS or fax messages sent through Icetrak',
  'website-visitor': 'I visited an Icetrak website',
  other: 'Something else',
};

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

// Control characters other than tab and newline; zero-width and bidi overrides.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/g;

/** One-line text: Unicode NFC, no control characters, single spaces, trimmed. */
export function normaliseLine(value: string): string {
  return value.normalize('NFC').replace(CONTROL, '').replace(/\s+/g, ' ').trim();
}

/** Multi-line text: NFC, CRLF → LF, no control characters, at most two blank lines in a row. */
export function normaliseText(value: string): string {
  return value
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(CONTROL, '')
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
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
  if (parsed.success) return parsed.data as Submission;
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
