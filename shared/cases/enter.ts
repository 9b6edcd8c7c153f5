/**
 * Staff entry of a request made by phone, post, in person or to a staff member's own mailbox
 * (issue 11). The clock starts on the day it was received, not the day it is typed in
 * (docs/rules.md, The deadline, 1). The requester is acknowledged through the outbox: by email,
 * or, without an address, by a letter the team prints and posts.
 */
import * as z from 'zod';
import { RELATIONSHIPS, RIGHTS, type Case } from '#domain/case';
import { addDays, londonDateOf } from '#domain/calendar';
import { CaseAlreadyExistsError, ValidationError } from '#domain/errors';
import { INTAKE_FLAGS, receive } from '#domain/lifecycle';
import { LIMITS, normaliseLine, normaliseText } from '#domain/text';
import { actorOf, type Staff } from '#shared/auth/staff';
import { MAIL_IDS, oweAcknowledgement, oweTeamNotice } from '#shared/core/acknowledge';
import { isCaseId } from '#shared/core/ids';
import { deliver } from '#shared/core/outbox';
import { startKeeper } from '#shared/core/start-keeper';
import type { DeskEntryDeps } from './deps';
import { isoDate, listOf, parseFields } from './fields';

export const STAFF_CHANNELS = ['phone', 'post', 'in-person', 'email'] as const;

/** How far back a request may be logged: older ones are a mistake more often than a late log. */
export const MAX_ENTRY_AGE_DAYS = 366;

const line = (max: number, what: string) =>
  z.string().trim().min(1, `Enter ${what}.`).max(max, `Keep ${what} under ${max} characters.`).transform(normaliseLine);
const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/** The body of POST /api/cases (and the desk's new-case form): the public form's field names and values, plus channel and date. */
export const staffEntrySchema = z
  .object({
    channel: z.enum(STAFF_CHANNELS, { error: 'Choose how the request was made.' }),
    receivedOn: isoDate('Enter the date it was received as YYYY-MM-DD.'),
    rights: listOf(z.enum(RIGHTS, { error: 'Choose from the listed rights.' })).pipe(z.array(z.enum(RIGHTS)).min(1, 'Choose at least one right.')),
    fullName: line(LIMITS.fullName, 'the requester’s full name'),
    email: z.preprocess(blankToUndefined, z.email('Enter a valid email address.').max(LIMITS.email).optional()),
    phone: z.preprocess(
      blankToUndefined,
      z
        .string()
        .regex(/^\+?[0-9 ()-]{6,30}$/, 'Enter a phone number of digits, spaces and + ( ) -.')
        .optional(),
    ),
    postalAddress: z.preprocess(blankToUndefined, z.string().trim().max(LIMITS.postalAddress).transform(normaliseText).optional()),
    relationship: z.preprocess(blankToUndefined, z.enum(RELATIONSHIPS).optional()),
    accountReference: z.preprocess(
      blankToUndefined,
      z
        .string()
        .regex(/^[A-Za-z0-9 _/-]+$/, 'Use letters, digits, spaces and _ / - only.')
        .max(LIMITS.accountReference)
        .optional(),
    ),
    details: z.preprocess(blankToUndefined, z.string().max(LIMITS.details).transform(normaliseText).optional()),
    /** The desk's form carries a case id made when the form was drawn, so a double submit makes one case. */
    entryId: z.preprocess(blankToUndefined, z.string().refine(isCaseId, 'Reload the form and try again.').optional()),
  })
  .strict()
  .refine((v) => v.email !== undefined || v.postalAddress !== undefined, {
    path: ['email'],
    error: 'Enter an email address or a postal address to reply to.',
  });

export type StaffEntry = z.infer<typeof staffEntrySchema>;

export function parseStaffEntry(raw: Record<string, unknown>): StaffEntry {
  const { _csrf: _ignored, ...body } = raw;
  return parseFields(staffEntrySchema, body, 'body');
}

/** Logs the request as a new case, acknowledged and with its keeper started; a repeated entryId answers the case it made. */
export async function enterRequest(entry: StaffEntry, staff: Staff, deps: DeskEntryDeps): Promise<Case> {
  const now = deps.clock.now();
  const today = londonDateOf(now);
  if (entry.receivedOn > today) throw new ValidationError({ receivedOn: 'The date received cannot be in the future.' });
  if (entry.receivedOn < addDays(today, -MAX_ENTRY_AGE_DAYS)) throw new ValidationError({ receivedOn: 'That is more than a year ago: check the date.' });
  const id = entry.entryId ?? deps.ids.caseId();
  const existing = entry.entryId ? await deps.cases.find(id) : undefined;
  if (existing) return existing;

  const at = now.toISOString();
  // Noon UTC is the same London date all year, so the clock starts on the day given.
  const receivedAt = entry.receivedOn === today ? at : `${entry.receivedOn}T12:00:00.000Z`;
  const received = receive({
    id,
    reference: deps.ids.reference(),
    rights: entry.rights,
    channel: entry.channel,
    requester: {
      fullName: entry.fullName,
      email: entry.email ?? '',
      ...(entry.postalAddress ? { postalAddress: entry.postalAddress } : {}),
      ...(entry.phone ? { phone: entry.phone } : {}),
      ...(entry.relationship ? { relationship: entry.relationship } : {}),
      ...(entry.accountReference ? { accountReference: entry.accountReference } : {}),
    },
    ...(entry.details ? { details: entry.details } : {}),
    receivedAt,
    at,
    nation: deps.settings.nation,
    actor: actorOf(staff),
    flags: entry.email ? [] : [INTAKE_FLAGS.replyByPost],
  });
  const owed = oweTeamNotice(oweAcknowledgement(received.case, at), at);
  let created: Case;
  try {
    created = await deps.cases.create(owed, {
      ...received.entry,
      detail: { ...received.entry.detail, enteredBy: actorOf(staff), replyBy: entry.email ? 'email' : 'post' },
    });
  } catch (err) {
    if (err instanceof CaseAlreadyExistsError) return deps.cases.get(id);
    throw err;
  }
  const c = (await startKeeper(created, deps, 'intake')) ?? created;
  return deliver(c, [MAIL_IDS.acknowledgement(c.id), MAIL_IDS.teamNotice(c.id)], deps.outbox);
}
