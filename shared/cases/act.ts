/**
 * The desk's actions (issue 11): each is one use case — validate the fields, apply one lifecycle
 * move (shared/domain/lifecycle.ts) as the signed-in staff member, owe its letter in the same
 * conditional write, then send it (the outbox's fast path). A move the law or the state does not
 * allow throws the domain's named error (409/422); nothing is written.
 *
 * The API (`POST /api/cases/{reference}/actions`) and the desk's forms both call `act`.
 */
import * as z from 'zod';
import { KEPT_REASONS, RIGHTS, type Case } from '#domain/case';
import { londonDateOf } from '#domain/calendar';
import { InvalidTransitionError, ValidationError } from '#domain/errors';
import { EXPORT_KINDS } from '#domain/export';
import { MAIL_FLAGS } from '#domain/inbound-mail';
import {
  acknowledgeComplaint,
  askForClarification,
  askForIdentity,
  closeCase,
  closeComplaint,
  confirmIdentity,
  extend,
  forwardToController,
  identityReceived,
  markComplex,
  mergeInto,
  placeHold,
  reclassify,
  recordClarificationAnswer,
  recordReply,
  refuse,
  releaseHold,
  reopen,
  type Transition,
  type TransitionContext,
} from '#domain/lifecycle';
import { markPosted, outboxOf, owe, type MailParams } from '#domain/outbox';
import { actorOf, type Staff } from '#shared/auth/staff';
import { deliver } from '#shared/core/outbox';
import { startKeeper } from '#shared/core/start-keeper';
import { recordEvent } from '#domain/audit';
import {
  MANUAL_UPLOAD_MAX_BYTES,
  MANUAL_UPLOAD_TYPES,
  manualRecord,
  manualUploadKey,
  markThirdParty,
  normaliseAccountId,
  normaliseEmail,
  normalisePhone,
  recordManualSearch,
  recordsKey,
  safeFileName,
  uploadMatchesType,
} from '#domain/search';
import { systemById } from '#domain/register';
import { PLAN_ID } from '#domain/plan';
import { planBlocksClosing } from '#domain/plan-execution';
import { LIFT_GROUNDS, announceRestrictionLift } from '#domain/restriction';
import { approveCasePlan, confirmManualChanges, executeCasePlan, liftCaseRestriction, proposeCasePlan } from '#shared/fulfilment/plan';
import { startCaseSearch } from '#shared/fulfilment/search';
import { errorFields, logger } from '#shared/core/log';
import { prepareExport } from '#shared/fulfilment/export/prepare';
import { releaseExport } from '#shared/fulfilment/export/release';
import type { LetterKind } from '#shared/templates/letters';
import { caseByReference } from './case-view';
import { isoDate, listOf, parseFields } from './fields';
import type { DeskActDeps } from './deps';
import { forwardFromSearch } from './forward';

const TEXT = 10_000;
const text = (what: string, max = TEXT) =>
  z
    .string({ error: `Enter ${what}.` })
    .trim()
    .min(1, `Enter ${what}.`)
    .max(max, `Keep ${what} under ${max.toLocaleString('en-GB')} characters.`);
/** Extra identifiers for a search: at most this many of each kind. */
export const MAX_EXTRA_IDENTIFIERS = 10;

/**
 * A list of identifiers (JSON array, or a form field of values separated by commas, semicolons or
 * new lines), each normalised; a value that does not normalise is named in the message.
 */
const identifiers = (what: string, normalise: (raw: string) => string | undefined) =>
  z
    .preprocess(
      (v: unknown): unknown => {
        if (v === undefined) return v;
        const given: unknown[] = Array.isArray(v) ? (v as unknown[]) : [v];
        return given
          .flatMap((x): unknown[] => (typeof x === 'string' ? x.split(/[,;\n]/) : [x]))
          .map((x) => (typeof x === 'string' ? x.trim() : x))
          .filter((x) => x !== '');
      },
      z.array(z.string({ error: `Enter each ${what} as text.` }).max(320, `Keep each ${what} under 320 characters.`)),
    )
    .superRefine((values, ctx) => {
      if (values.length > MAX_EXTRA_IDENTIFIERS) ctx.addIssue({ code: 'custom', message: `Add at most ${MAX_EXTRA_IDENTIFIERS} of each kind.` });
      const bad = values.find((v) => normalise(v) === undefined);
      if (bad !== undefined) ctx.addIssue({ code: 'custom', message: `“${bad.slice(0, 80)}” is not ${what}.` });
    })
    .transform((values) => [...new Set(values.map((v) => normalise(v)!))]);

const planIdField = z.string({ error: 'Name the plan you reviewed.' }).trim().regex(PLAN_ID, 'Name the plan you reviewed.');
const correction = z
  .object({
    recordType: z
      .string()
      .trim()
      .regex(/^[a-z][a-z0-9_]{1,40}$/, 'Name a record type (e.g. billing_contact).')
      .optional(),
    field: z
      .string()
      .trim()
      .regex(/^[a-z][a-z0-9_]{0,60}$/, 'Name the field to correct (e.g. full_name).'),
    to: text('the corrected value', 1_000),
  })
  .strict();
/** The manual upload's limits, as the form and the API state them. */
export const UPLOAD_SIZE_MESSAGE = `Upload a file of at most ${MANUAL_UPLOAD_MAX_BYTES / 1024} KB.`;
const UPLOAD_TYPES_MESSAGE = 'Upload a PDF, an image (PNG, JPEG, GIF, WebP, TIFF), a text or CSV file, or a Word, Excel or OpenDocument file.';

const yes = z.preprocess((v) => v === true || v === 'true' || v === 'on' || v === 'yes', z.boolean());

/** Every action's fields; `action` names it. Unknown fields are refused (the contract is exact), bar the form's `_csrf`. */
export const ACTION_SCHEMAS = {
  'confirm-identity': z.object({ method: text('how identity was confirmed', 500) }),
  'request-identity': z.object({ message: text('what you need from the requester, and why') }),
  'request-clarification': z.object({ question: text('the question') }),
  'record-clarification': z.object({ answer: text('the answer (or a summary of it)'), receivedOn: isoDate('Enter a date as YYYY-MM-DD.') }),
  'mark-complex': z.object({ reasons: text('why the request is complex', 2_000) }),
  extend: z.object({ reasons: text('the reasons to give the requester') }),
  refuse: z.object({ ground: z.enum(['manifestly-unfounded', 'manifestly-excessive'], { error: 'Choose the ground.' }), reasons: text('the reasons') }),
  reply: z.object({ message: text('the message') }),
  reclassify: z.object({
    rights: listOf(z.enum(RIGHTS, { error: 'Choose from the listed rights.' })).pipe(z.array(z.enum(RIGHTS)).min(1, 'Choose at least one right.')),
  }),
  merge: z.object({
    into: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^RD-[0-9A-Z]{6}$/, 'Enter the reference of the case to merge into (RD-XXXXXX).'),
  }),
  close: z.object({
    outcome: z.enum(['completed', 'partially-completed', 'withdrawn'], { error: 'Choose the outcome.' }),
    summary: text('what was done'),
    withheld: z.string().trim().max(TEXT).optional(),
    keptBecause: listOf(z.enum(KEPT_REASONS, { error: 'Choose from the reasons listed.' })).optional(),
    systemsSearched: listOf(z.string().trim().min(1).max(200)).optional(),
  }),
  // Without controller and contact (issue 15): forwarded to every customer the finished search matched (shared/cases/forward.ts).
  forward: z.object({
    controller: text('the business customer’s name', 200).optional(),
    contact: text('its privacy contact', 500).optional(),
    icetrakPartRemains: yes.default(false),
  }),
  'acknowledge-complaint': z.object({ message: z.string().trim().max(TEXT).optional() }),
  'close-complaint': z.object({ summary: text('the outcome of the complaint') }),
  'place-hold': z.object({
    reason: text('the reason for the hold', 2_000),
    reviewOn: z.preprocess((v) => (v === '' ? undefined : v), isoDate('Enter a date as YYYY-MM-DD.').optional()),
  }),
  'release-hold': z.object({ reason: text('the reason for releasing the hold', 2_000) }),
  reopen: z.object({ reason: text('why the case is reopened', 2_000) }),
  'mark-read': z.object({}),
  'mark-posted': z.object({ letter: z.string().min(1).max(200) }),
  /** A search of Icetrak's systems (issue 14), by the case's identifiers and any added here. */
  search: z.object({
    emails: identifiers('an email address', normaliseEmail).optional(),
    phones: identifiers('a phone number (e.g. +44 7700 900123 or 07700 900123)', normalisePhone).optional(),
    accountIds: identifiers('an account id (ACC-1234)', normaliseAccountId).optional(),
  }),
  // The access or portability answer (issue 14): prepared from the finished search for the DPO to review, then released.
  'prepare-export': z.object({ kind: z.enum(EXPORT_KINDS, { error: 'Choose access or portability.' }) }),
  'release-export': z.object({}),
  // A manual source of the search, searched by hand (issue 14): what was found (a note), or nothing.
  'record-manual-search': z.object({
    source: z
      .string()
      .trim()
      .regex(/^[a-z][a-z0-9-]{1,40}$/, 'Choose the source searched.'),
    outcome: z.enum(['found', 'nothing-found'], { error: 'Choose what the search found.' }),
    note: z
      .string()
      .trim()
      .max(TEXT, `Keep the note under ${TEXT.toLocaleString('en-GB')} characters.`)
      .optional(),
    /** What was found, as a file (the desk's file input, or base64 in the API's JSON); `found` only. No file chosen arrives as "". */
    file: z.preprocess(
      (v) => (v === '' ? undefined : v),
      z
        .object(
          {
            name: z.string({ error: 'Name the file.' }).trim().min(1, 'Name the file.').max(255, 'Keep the file name under 255 characters.'),
            contentType: z
              .string()
              .trim()
              .toLowerCase()
              .refine((t) => (MANUAL_UPLOAD_TYPES as readonly string[]).includes(t), UPLOAD_TYPES_MESSAGE),
            base64: z
              .string()
              .max(Math.ceil(MANUAL_UPLOAD_MAX_BYTES / 3) * 4, UPLOAD_SIZE_MESSAGE)
              .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'Send the file as base64.'),
          },
          { error: 'Upload the file as { name, contentType, base64 }.' },
        )
        .strict()
        .superRefine((f, ctx) => {
          const bytes = Buffer.from(f.base64, 'base64');
          if (bytes.length === 0) ctx.addIssue({ code: 'custom', message: 'The file is empty.' });
          else if (bytes.length > MANUAL_UPLOAD_MAX_BYTES) ctx.addIssue({ code: 'custom', message: UPLOAD_SIZE_MESSAGE });
          else if ((MANUAL_UPLOAD_TYPES as readonly string[]).includes(f.contentType) && !uploadMatchesType(f.contentType, bytes))
            ctx.addIssue({ code: 'custom', message: 'The file’s contents are not what its type says.' });
        })
        .optional(),
    ),
  }),
  // Records that are another person's data, left out of the answer (Art. 15(4)); thirdParty false unmarks them.
  'mark-third-party': z.object({
    records: listOf(z.string().trim().min(3).max(300)).pipe(
      z.array(z.string()).min(1, 'Name at least one record.').max(500, 'Mark at most 500 records at a time.'),
    ),
    thirdParty: yes.default(true),
  }),
  // The change plan (issue 15): computed from the finished search (corrections for rectification, purposes objected to),
  // approved by staff (the plan id they reviewed), executed again when it failed, and a manual source's changes confirmed.
  plan: z.object({
    corrections: z.array(correction).max(20, 'Give at most 20 corrections.').optional(),
    // The desk's form gives one correction as three fields.
    field: z.string().trim().max(100).optional(),
    to: z.string().trim().max(1_000).optional(),
    recordType: z.string().trim().max(60).optional(),
    objections: listOf(
      z
        .string()
        .trim()
        .regex(/^[a-z][a-z0-9-]{1,60}$/, 'Choose the purposes objected to.'),
    ).optional(),
  }),
  'approve-plan': z.object({ planId: planIdField }),
  'execute-plan': z.object({ planId: planIdField }),
  'confirm-manual-execution': z.object({
    planId: planIdField,
    source: z
      .string()
      .trim()
      .regex(/^[a-z][a-z0-9-]{1,40}$/, 'Choose the source whose changes were made.'),
  }),
  // A restriction's lifting (Art. 18(3)): the requester told first, with the ground, the reason and the date from which
  // it is lifted (today at the earliest; a letter in the same write); then the lift plan, approved with approve-plan.
  // Both work on a closed case too, and leave it closed.
  'announce-restriction-lift': z.object({
    ground: z.enum(LIFT_GROUNDS, { error: 'Choose the ground for lifting the restriction.' }),
    reason: text('the reason, in words the requester understands', 2_000),
    liftFrom: isoDate('Enter a date as YYYY-MM-DD.'),
  }),
  'lift-restriction': z.object({}),
} as const;

export type ActionName = keyof typeof ACTION_SCHEMAS;
export const ACTION_NAMES = Object.keys(ACTION_SCHEMAS) as ActionName[];

export type ActionInput = { [K in ActionName]: { action: K } & z.infer<(typeof ACTION_SCHEMAS)[K]> }[ActionName];

/** The action and its fields, or ValidationError naming each bad field. */
export function parseAction(raw: Record<string, unknown>): ActionInput {
  const { action, _csrf: _ignored, ...fields } = raw;
  if (typeof action !== 'string' || !(action in ACTION_SCHEMAS)) {
    throw new ValidationError({ action: `Choose an action: ${ACTION_NAMES.join(', ')}.` });
  }
  const data = parseFields(ACTION_SCHEMAS[action as ActionName].strict(), fields, 'action');
  return { action, ...data } as ActionInput;
}

/** One staff action on the case `reference`; answers the case as written (its letter sent, or owed to the sweep). */
export async function act(reference: string, input: ActionInput, staff: Staff, deps: DeskActDeps): Promise<Case> {
  // The answer's actions are the fulfilment context's use cases, each one conditional write of its own.
  if (input.action === 'prepare-export' || input.action === 'release-export') return actOnExport(reference, input, staff, deps);
  const found = await caseByReference(reference, deps);
  if (input.action === 'search') {
    if (!deps.search) throw new Error('The search workflow is not configured for this handler.');
    const { action: _action, ...extra } = input;
    return startCaseSearch(found, extra, staff, { ...deps.search, cases: deps.cases, clock: deps.clock });
  }
  if (
    input.action === 'plan' ||
    input.action === 'approve-plan' ||
    input.action === 'execute-plan' ||
    input.action === 'confirm-manual-execution' ||
    input.action === 'lift-restriction'
  )
    return actOnPlan(found, input, staff, deps);
  if (input.action === 'close') {
    const blocked = planBlocksClosing(found);
    if (blocked) throw new InvalidTransitionError(blocked);
  }
  if (input.action === 'forward' && input.controller === undefined && input.contact === undefined) {
    return forwardFromSearch(found, { icetrakPartRemains: input.icetrakPartRemains }, staff, deps);
  }
  let target: Case | undefined;
  if (input.action === 'merge') target = await caseByReference(input.into, deps);
  const at = deps.clock.now().toISOString();
  const ctx: TransitionContext = { at, actor: actorOf(staff), ...(deps.retention ? { retention: deps.retention } : {}) };
  const owed: string[] = [];
  if (input.action === 'record-manual-search') await writeManualRecord(found, input, at, deps);
  if (input.action === 'place-hold') {
    // The rules first (already held, no reason, a past review date: nothing is touched), then the objects, then the case.
    placeHold(found, input, ctx);
    await holdObjects(found, true, deps);
  }

  const written = await deps.cases.update(
    found.id,
    (cur) => {
      owed.length = 0;
      const { transition, letter } = apply(cur, input, ctx, target);
      let next = transition.case;
      if (letter) {
        const id = letterId(letter.kind, cur.version);
        next = owe(next, { id, kind: 'letter', to: 'requester', params: { letter: letter.kind, ...letter.params } }, at);
        owed.push(id);
      }
      const entry = letter
        ? { ...transition.entry, detail: { ...transition.entry.detail, letter: letterId(letter.kind, cur.version) } }
        : transition.entry;
      return { case: next, entry };
    },
    { current: found },
  );
  if (input.action === 'release-hold') await holdObjects(written, false, deps);
  // A reopened case's new keeper round: started now, or by the hourly sweep if this fails (startKeeper never throws).
  const current =
    input.action === 'reopen' && deps.keeper
      ? ((await startKeeper(written, { cases: deps.cases, keeper: deps.keeper, clock: deps.clock }, 'reopen')) ?? written)
      : written;
  return owed.length ? deliver(current, owed, deps.outbox) : current;
}

/** The outbox id of the letter an action owes: one per kind and case version (a retried write owes the same one). */
const letterId = (kind: LetterKind, version: number): string => `letter:${kind}:${version}`;

/** The change plan's actions (issue 15): each its own use case (shared/fulfilment/plan.ts). */
async function actOnPlan(
  found: Case,
  input: Extract<ActionInput, { action: 'plan' | 'approve-plan' | 'execute-plan' | 'confirm-manual-execution' | 'lift-restriction' }>,
  staff: Staff,
  deps: DeskActDeps,
): Promise<Case> {
  const plans = deps.plans;
  if (!plans) throw new Error('This handler cannot act on change plans: it was not given the plan execution and the files bucket.');
  const base = { cases: deps.cases, clock: deps.clock };
  switch (input.action) {
    case 'plan': {
      const corrections = [...(input.corrections ?? [])];
      if (input.field || input.to) {
        if (!input.field || !input.to) throw new ValidationError({ [input.field ? 'to' : 'field']: 'Give both the field and its corrected value.' });
        corrections.push({ field: input.field, to: input.to, ...(input.recordType ? { recordType: input.recordType } : {}) });
      }
      return proposeCasePlan(found, { corrections, objections: input.objections ?? [] }, staff, { ...base, ...plans });
    }
    case 'approve-plan':
      return approveCasePlan(found, input.planId, staff, { ...base, execution: plans.execution });
    case 'lift-restriction':
      return liftCaseRestriction(found, staff, { ...base, ...plans });
    case 'execute-plan':
      return executeCasePlan(found, input.planId, staff, { ...base, execution: plans.execution });
    case 'confirm-manual-execution':
      return confirmManualChanges(found, { planId: input.planId, source: input.source }, staff, {
        ...base,
        outbox: deps.outbox,
        ...(deps.search ? { verify: { workflow: deps.search.workflow, runId: deps.search.runId, register: deps.search.register } } : {}),
      });
  }
}

async function actOnExport(
  reference: string,
  input: Extract<ActionInput, { action: 'prepare-export' | 'release-export' }>,
  staff: Staff,
  deps: DeskActDeps,
): Promise<Case> {
  if (input.action === 'release-export') return releaseExport(reference, staff, deps);
  if (!deps.fulfilment) throw new Error('This handler cannot prepare an answer: it was not given the files bucket and the register.');
  const { case: c } = await prepareExport(reference, { kind: input.kind }, staff, { ...deps, ...deps.fulfilment });
  return c;
}

/**
 * A manual source's `found` note becomes its records file (one record), written before the case
 * records the result: a failed write leaves the case as it was (retry), and a write whose case
 * update then fails is overwritten by the retry with the same key. The rules are checked first.
 */
async function writeManualRecord(c: Case, input: Extract<ActionInput, { action: 'record-manual-search' }>, at: string, deps: DeskActDeps): Promise<void> {
  if (input.file && input.outcome !== 'found') throw new ValidationError({ file: 'Upload a file only when the search found something.' });
  recordManualSearch(
    c,
    { ...input, ...(input.file && c.search ? { fileKey: manualUploadKey(c.id, c.search.runId, input.source) } : {}) },
    { at, actor: 'system' },
  );
  if (input.outcome !== 'found' || !c.search) return;
  if (!deps.fulfilment) throw new Error('The files bucket is not configured for this handler.');
  const role = systemById(deps.fulfilment.register, input.source).role;
  let upload: { name: string; contentType: string; bytes: number } | undefined;
  if (input.file) {
    const key = manualUploadKey(c.id, c.search.runId, input.source);
    const bytes = Buffer.from(input.file.base64, 'base64');
    await deps.fulfilment.files.put(key, bytes, { contentType: input.file.contentType });
    // A held case's objects are all held (issue 13): the new file too, before the case records it.
    if (c.legalHold && deps.objects) await deps.objects.setLegalHold([{ bucket: 'files', key }], true);
    upload = { name: safeFileName(input.file.name), contentType: input.file.contentType, bytes: bytes.length };
  }
  const file = manualRecord(c, input.source, role, input.note?.trim() ?? '', at, upload);
  await deps.fulfilment.files.put(recordsKey(c.id, c.search.runId, input.source), JSON.stringify(file, null, 2), { contentType: 'application/json' });
}

/**
 * The S3 side of a legal hold (issue 13; docs/retention.md, Legal hold): the case's objects get (or
 * lose) an Object Lock legal hold, which is idempotent. The order makes every failure err on the
 * side of keeping: a hold is set on the objects BEFORE the case's conditional write (if S3 fails,
 * nothing is written and the action can simply be retried; if the write then fails, the objects
 * are held a little early, which harms nothing), and lifted only AFTER the write that releases the
 * case (if S3 fails then, the action answers 500 with the case released and its objects still held:
 * never deleted early; placing and releasing the hold again lifts them). Logged by case id only.
 */
async function holdObjects(c: Case, on: boolean, deps: DeskActDeps): Promise<void> {
  if (!deps.objects) return;
  try {
    await deps.objects.setLegalHold(await deps.objects.list(c), on);
  } catch (err) {
    logger.error('Legal hold on the case’s stored objects failed', { caseId: c.id, on, ...errorFields(err) });
    throw err;
  }
}

interface Effect {
  transition: Transition;
  letter?: { kind: LetterKind; params: MailParams };
}

function apply(c: Case, input: ActionInput, ctx: TransitionContext, target: Case | undefined): Effect {
  const today = londonDateOf(ctx.at);
  const withDetail = (t: Transition, detail: Record<string, string | number | boolean | null>): Transition => ({
    ...t,
    entry: { ...t.entry, detail: { ...t.entry.detail, ...detail } },
  });
  switch (input.action) {
    case 'confirm-identity':
      // Awaiting the identity asked for: it has arrived, and the clock restarts (docs/rules.md, The deadline, 1).
      return { transition: withDetail((c.status === 'awaiting_identity' ? identityReceived : confirmIdentity)(c, ctx), { method: input.method }) };
    case 'request-identity':
      return { transition: askForIdentity(c, ctx), letter: { kind: 'identity-request', params: { message: input.message } } };
    case 'request-clarification': {
      const late = c.dueOn != null && today > c.dueOn;
      return { transition: askForClarification(c, ctx), letter: { kind: 'clarification-request', params: { question: input.question, late } } };
    }
    case 'record-clarification': {
      const t = recordClarificationAnswer(c, { receivedOn: input.receivedOn }, ctx);
      return { transition: { ...t, case: addNote(t.case, ctx, 'clarification-answer', input.answer) } };
    }
    case 'mark-complex': {
      const t = withDetail(markComplex(c, ctx), {});
      return { transition: { ...t, case: addNote(t.case, ctx, 'complex', input.reasons) } };
    }
    case 'extend':
      return { transition: extend(c, { reason: input.reasons }, ctx), letter: { kind: 'extension', params: { reasons: input.reasons } } };
    case 'refuse':
      return {
        transition: refuse(c, { ground: input.ground, reasons: input.reasons }, ctx),
        letter: { kind: 'refusal', params: { ground: input.ground, reasons: input.reasons } },
      };
    case 'reply':
      return { transition: recordReply(c, ctx), letter: { kind: 'reply', params: { message: input.message } } };
    case 'reclassify':
      return { transition: reclassify(c, { rights: input.rights }, ctx) };
    case 'merge':
      return { transition: mergeInto(c, { into: target!.reference }, ctx) };
    case 'close': {
      const systems = input.systemsSearched ?? [];
      const t = closeCase(
        c,
        {
          outcome: input.outcome,
          summary: {
            done: input.summary,
            ...(input.withheld ? { withheld: input.withheld } : {}),
            ...(input.keptBecause?.length ? { keptBecause: input.keptBecause } : {}),
            systemsSearched: systems,
          },
        },
        ctx,
      );
      return {
        transition: t,
        letter: { kind: 'closing', params: { done: input.summary, withheld: input.withheld ?? '', systems: systems.join(', '), outcome: input.outcome } },
      };
    }
    case 'forward': {
      const named = { controller: input.controller ?? '', contact: input.contact ?? '' };
      const t = forwardToController(c, { ...named, icetrakPartRemains: input.icetrakPartRemains }, ctx);
      return {
        transition: t,
        letter: { kind: 'forwarded', params: { ...named, icetrakPartRemains: input.icetrakPartRemains } },
      };
    }
    case 'acknowledge-complaint':
      return { transition: acknowledgeComplaint(c, ctx), letter: { kind: 'complaint-acknowledgement', params: { message: input.message ?? '' } } };
    case 'close-complaint':
      return { transition: closeComplaint(c, { outcome: input.summary }, ctx), letter: { kind: 'complaint-outcome', params: { summary: input.summary } } };
    case 'place-hold':
      // No letter: a hold is the DPO's record-keeping, not something the requester is told of.
      return { transition: placeHold(c, { reason: input.reason, reviewOn: input.reviewOn }, ctx) };
    case 'release-hold':
      return { transition: releaseHold(c, { reason: input.reason }, ctx) };
    case 'reopen':
      return { transition: reopen(c, { reason: input.reason }, ctx) };
    case 'record-manual-search':
      return {
        transition: recordManualSearch(
          c,
          {
            source: input.source,
            outcome: input.outcome,
            ...(input.note ? { note: input.note } : {}),
            ...(input.outcome === 'found' && c.search ? { resultKey: recordsKey(c.id, c.search.runId, input.source) } : {}),
            ...(input.outcome === 'found' && input.file && c.search ? { fileKey: manualUploadKey(c.id, c.search.runId, input.source) } : {}),
          },
          ctx,
        ),
      };
    case 'mark-third-party':
      return { transition: markThirdParty(c, { records: input.records, thirdParty: input.thirdParty }, ctx) };
    case 'mark-read': {
      if (!c.flags.includes(MAIL_FLAGS.newCorrespondence)) throw new ValidationError({ action: 'There is no unread correspondence on this case.' });
      const t = recordEvent(c, ctx.at, ctx.actor, 'CorrespondenceRead');
      return { transition: { case: { ...t.case, flags: c.flags.filter((f) => f !== MAIL_FLAGS.newCorrespondence) }, entry: t.entry } };
    }
    case 'search':
      throw new Error('A search is started by startCaseSearch, not by a lifecycle move.');
    case 'announce-restriction-lift': {
      // Art. 18(3): the requester is told before the restriction is lifted, in this same write.
      const t = announceRestrictionLift(c, { ...input, letter: letterId('restriction-lift', c.version) }, ctx);
      const r = c.restriction!;
      return {
        transition: t,
        letter: {
          kind: 'restriction-lift',
          params: { ground: input.ground, reason: input.reason, liftFrom: input.liftFrom, restrictedOn: londonDateOf(r.restrictedAt), records: r.records },
        },
      };
    }
    case 'plan':
    case 'approve-plan':
    case 'execute-plan':
    case 'confirm-manual-execution':
    case 'lift-restriction':
      throw new Error(`${input.action} is not a lifecycle move (see actOnPlan).`);
    case 'prepare-export':
    case 'release-export':
      throw new Error(`${input.action} is not a lifecycle move (see actOnExport).`);
    case 'mark-posted': {
      const entry = outboxOf(c).find((e) => e.id === input.letter && e.state === 'post');
      if (!entry) throw new ValidationError({ letter: 'That letter is not waiting to be posted.' });
      const t = recordEvent(markPosted(c, entry.id, new Date(ctx.at), ctx.actor), ctx.at, ctx.actor, 'LetterPosted', { mail: entry.id });
      return { transition: t };
    }
  }
}

/** What staff recorded that is not for the audit trail's short fields (a requester's answer, reasons), kept on the case. */
function addNote(c: Case, ctx: TransitionContext, kind: string, text: string): Case {
  return { ...c, notes: [...(c.notes ?? []), { at: ctx.at, by: ctx.actor, kind, text }] };
}
