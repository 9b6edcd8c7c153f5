/**
 * The public submission: its schema (the published contract of POST /requests: docs/openapi.json
 * is generated from it by `npm run openapi`), its normalisation and the message shown for each
 * field. The form page, the JSON API and the emails all use these, so a field's name, its limits
 * and its error message exist once.
 *
 * A JSON body is checked against the contract exactly as it came: a field the contract does not
 * name, a string where it names an array, or an object where it names a string is a 400. A form
 * body is a browser's rendering of the same fields and is mapped onto the contract first (see
 * `fromForm`). Then text is normalised (shared/domain/text.ts) and checked once more, so a name of
 * spaces alone is refused however it arrived.
 */
import * as z from 'zod/mini';
import { AGENT_CAPACITIES, RELATIONSHIPS, RIGHTS, type OnBehalfOf, type Relationship, type Right } from '#domain/case';
import { ValidationError } from '#domain/errors';
import { LIMITS, normaliseLine, normaliseText } from '#domain/text';
import { REFERENCE_ALPHABET, REFERENCE_LENGTH, REFERENCE_PREFIX } from '#domain/reference';

export const FIELD_ERRORS = {
  rights: 'Select what you would like us to do',
  requestFor: 'Select who the request is for',
  fullName: 'Enter your full name',
  email: 'Enter an email address in the correct format, like name@example.com',
  postalAddress: `Enter your postal address in ${LIMITS.postalAddress} characters or fewer`,
  phone: 'Enter a phone or fax number using only numbers, spaces, brackets, dashes and +, like 01632 960 001',
  onBehalfOf: 'Give the person you act for as an object with fullName, capacity and authority',
  'onBehalfOf.fullName': 'Enter the full name of the person you are making the request for',
  'onBehalfOf.email': 'Enter their email address in the correct format, like name@example.com',
  'onBehalfOf.postalAddress': `Enter their postal address in ${LIMITS.postalAddress} characters or fewer`,
  'onBehalfOf.capacity': 'Select how you act for them',
  'onBehalfOf.authority': `Tell us what gives you the authority to act for them, in ${LIMITS.authority} characters or fewer`,
  relationship: 'Select how you are connected to Icetrak',
  accountReference: 'Account reference must use only letters, numbers, spaces and - / _',
  details: `Details must be ${LIMITS.details} characters or fewer`,
} as const;
export type Field = keyof typeof FIELD_ERRORS;
/** The fields in the order the form shows them (its error summary lists them so). */
export const FIELD_ORDER = Object.keys(FIELD_ERRORS) as Field[];

/** Neither an email address nor a postal address: nobody could answer. */
export const NO_CONTACT_ERROR = 'Enter your email address, or your postal address if you do not have one';
/** A JSON field the contract does not name. */
export const UNKNOWN_FIELD_ERROR = 'This field is not part of the request: remove it';

/** The honeypot: invisible to people, filled by naive bots. Form only. */
export const HONEYPOT_FIELD = 'website';

/** The form's answer to "Who is the request for?"; JSON clients say it by sending `onBehalfOf` or not. */
export const REQUEST_FOR = ['myself', 'someone-else'] as const;

export interface Submission {
  rights: Right[];
  fullName: string;
  /** Absent when the requester gave only a postal address: replies go by post. */
  email?: string;
  postalAddress?: string;
  phone?: string;
  relationship: Relationship;
  details?: string;
  accountReference?: string;
  onBehalfOf?: OnBehalfOf;
}

/** A line of text with something in it besides spaces. */
const line = (max: number) => z.string().check(z.minLength(1), z.maxLength(max), z.regex(/\S/));
const email = () => z.email().check(z.maxLength(LIMITS.email));
const postalAddress = () => z.string().check(z.minLength(1), z.maxLength(LIMITS.postalAddress), z.regex(/\S/));

/** The schemas the contract publishes, with their documentation (infra/tools/openapi.ts reads it; the checks are what runs). */
export const contractRegistry = z.registry<{ id: string; description?: string; anyOf?: unknown[] }>();

const onBehalfOfSchema = z
  .strictObject({
    fullName: line(LIMITS.fullName),
    email: z.optional(email()),
    postalAddress: z.optional(postalAddress()),
    capacity: z.enum(AGENT_CAPACITIES),
    authority: line(LIMITS.authority),
  })
  .register(contractRegistry, {
    id: 'OnBehalfOf',
    description:
      'Present when the requester acts for someone else: the person the request is about (their email or postal address, if known, helps find their data) and the authority the requester claims. The DPO team checks it and asks for written proof before disclosing anything.',
  });

const hasContact = (v: { email?: unknown; postalAddress?: unknown }) => v.email !== undefined || v.postalAddress !== undefined;

/** The request body of POST /requests. */
export const submissionSchema = z
  .strictObject({
    rights: z.array(z.enum(RIGHTS)).check(z.minLength(1), z.maxLength(RIGHTS.length)),
    fullName: line(LIMITS.fullName),
    email: z.optional(email()),
    postalAddress: z.optional(postalAddress()),
    phone: z.optional(z.string().check(z.regex(/^\+?[0-9 ()-]{6,30}$/), z.maxLength(LIMITS.phone))),
    relationship: z.enum(RELATIONSHIPS),
    details: z.optional(z.string().check(z.maxLength(LIMITS.details))),
    accountReference: z.optional(z.string().check(z.regex(/^[A-Za-z0-9 _/-]+$/), z.maxLength(LIMITS.accountReference))),
    onBehalfOf: z.optional(onBehalfOfSchema),
  })
  .check(
    z.refine(hasContact, {
      path: ['email'],
      error: NO_CONTACT_ERROR,
      // Also when other fields are wrong, so the form names every problem at once.
      when: (payload) => typeof payload.value === 'object' && payload.value !== null,
    }),
  )
  .register(contractRegistry, {
    id: 'Submission',
    description:
      'A rights request. `email` or `postalAddress` is required: without an email address every reply goes by post. Text is stored normalised (Unicode NFC, control and zero-width characters removed, runs of spaces collapsed, trimmed); a required text that is empty after that is refused.',
    // The refinement above, in JSON Schema's words.
    anyOf: [{ required: ['email'] }, { required: ['postalAddress'] }],
  });

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Normalises the text of a body that already matches the contract; types are left as they are. */
function normalised(body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (typeof value === 'string')
      out[key] = key === 'details' || key === 'postalAddress' || key === 'authority' ? normaliseText(value) : normaliseLine(value);
    else if (key === 'rights' && Array.isArray(value)) out[key] = [...new Set(value)];
    else if (key === 'onBehalfOf' && isRecord(value)) out[key] = normalised(value);
    else out[key] = value;
  }
  // An optional text that normalises to nothing was not given; a required one stays empty, and is refused.
  for (const key of Object.keys(out)) if (out[key] === '' && key !== 'fullName' && key !== 'authority') delete out[key];
  return out;
}

/** The field an issue is about, as the form and the JSON errors name it (`onBehalfOf.fullName`). */
function fieldOf(path: readonly PropertyKey[]): string {
  return path.filter((p) => typeof p === 'string').join('.');
}

function fieldErrors(issues: readonly z.core.$ZodIssue[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) fields[fieldOf([...issue.path, key])] ??= UNKNOWN_FIELD_ERROR;
      continue;
    }
    const field = fieldOf(issue.path);
    if (issue.code === 'custom') fields[field] ??= issue.message;
    else if (field in FIELD_ERRORS) fields[field] ??= FIELD_ERRORS[field as Field];
    else fields[field || 'body'] ??= 'Send the request as a JSON object';
  }
  return fields;
}

/** The JSON answer to an accepted submission (201, or 200 when it replays an earlier one). */
export const submitAnswerSchema = z
  .strictObject({
    reference: z.string().check(z.regex(new RegExp(`^${REFERENCE_PREFIX}[${REFERENCE_ALPHABET}]{${REFERENCE_LENGTH}}$`))),
    status: z.enum(['awaiting_identity', 'received']),
  })
  .register(contractRegistry, {
    id: 'SubmitAnswer',
    description:
      'The case reference to quote, and its status: awaiting_identity when a confirmation link went to the email address (the time limit starts when it is opened), received when there is no email address (replies go by post; the time limit runs from receipt).',
  });
export type SubmitAnswer = z.infer<typeof submitAnswerSchema>;

/** Validates a body against the contract, normalises its text and validates again. Throws ValidationError with one message per bad field. */
function parseContract(body: Record<string, unknown>): Submission {
  const exact = z.safeParse(submissionSchema, body);
  if (!exact.success) throw new ValidationError(fieldErrors(exact.error.issues));
  const parsed = z.safeParse(submissionSchema, normalised(body));
  if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error.issues));
  return parsed.data;
}

const formText = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);

/**
 * A form body onto the contract: a single `rights` becomes a list (repeated keys already are), empty
 * inputs are not given, the person's fields (`onBehalfOf.fullName`, ...) become `onBehalfOf` when
 * `requestFor` is someone-else and are dropped when it is myself, and anything else is ignored.
 * Answers the body and the errors only the form can have.
 */
export function fromForm(form: Record<string, unknown>): { body: Record<string, unknown>; errors: Record<string, string> } {
  const body: Record<string, unknown> = {};
  const rights = form.rights;
  if (rights !== undefined) body.rights = Array.isArray(rights) ? rights : [rights];
  for (const key of ['fullName', 'email', 'postalAddress', 'phone', 'relationship', 'details', 'accountReference'] as const) {
    const value = formText(form[key]);
    if (value !== undefined) body[key] = value;
  }
  const person: Record<string, unknown> = {};
  for (const key of ['fullName', 'email', 'postalAddress', 'capacity', 'authority'] as const) {
    const value = formText(form[`onBehalfOf.${key}`]);
    if (value !== undefined) person[key] = value;
  }
  const requestFor = form.requestFor;
  if (requestFor === 'someone-else') body.onBehalfOf = person;
  // Another person's details without saying the request is for them (or a value the form never offers): ask rather than guess.
  const unsure = requestFor === undefined ? Object.keys(person).length > 0 : requestFor !== 'myself' && requestFor !== 'someone-else';
  return { body, errors: unsure ? { requestFor: FIELD_ERRORS.requestFor } : {} };
}

/** Validates a JSON body (exactly the contract) or a form body (mapped onto it first). Throws ValidationError with one message per bad field. */
export function parseSubmission(raw: Record<string, unknown>, kind: 'json' | 'form'): Submission {
  if (kind === 'json') return parseContract(raw);
  const { body, errors } = fromForm(raw);
  let parsed: Submission;
  try {
    parsed = parseContract(body);
  } catch (err) {
    throw err instanceof ValidationError ? new ValidationError({ ...errors, ...err.fields }) : err;
  }
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);
  return parsed;
}

/** True when a bot filled the hidden field of the form. */
export function isHoneypotHit(raw: Record<string, unknown>): boolean {
  const v = raw[HONEYPOT_FIELD];
  return typeof v === 'string' ? v.trim() !== '' : v !== undefined && v !== null;
}
