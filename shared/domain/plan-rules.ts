/**
 * The rules that turn a search's records into a change plan (issue 15; LAW.md, Rectification,
 * erasure, restriction; Controller or processor; Icetrak's retention): one line per record with
 * the action and the reason in the requester's words. Computed from the register (what each
 * system is, its retention, the write statements it has) and the retention schedule (7 years
 * after an account closes), never written by hand per case. Pure: `today` is passed in.
 *
 * The order of the rules, for each record (docs/rules.md, "The change plan"):
 *   1. processor data (traffic) is forwarded to the customer, whatever was asked;
 *   2. Rightsdesk's own records are kept (the record of requests);
 *   3. erasure: a legal hold (on the account, or on the case) keeps it; a record type the register
 *      says is not kept with its account is erased; an open account's records are kept while it
 *      is open; a closed account's are kept 7 years after it closed, then erased; others erased;
 *   4. rectification: each correction whose field the record has becomes a rectify line (a legal
 *      hold keeps it as it is: evidence is not altered); a restricted record is corrected too,
 *      and its line says it stays restricted (Art. 18(2): the person's own request is not a use
 *      the restriction forbids; the marks themselves are never corrected);
 *   5. restriction: records whose system can mark them are restricted (a record already
 *      restricted says since when; marking it again changes nothing);
 *   6. objection: records whose register entry stops the purpose objected to have it stopped;
 *   7. what none of these touches is kept, not affected.
 * Lines that change a record (erase, rectify, restrict) name the register recipients it was
 * disclosed to (Art. 19), who are told.
 */
import type { Right } from './case';
import { formatLongDate, type IsoDate } from './calendar';
import { accountKeptUntil } from './retention-review';
import type { KeepGround, PlanAction, PlanGroup, PlanLine } from './plan';
import { writesOf, type Register, type RegisterSystem } from './register';
import { isMarkField, markSince, recordMarks, type FieldValue, type FoundRecord } from './search';

/** A correction the requester asked for: `field` of the records (of `recordType`, or of every type having it) becomes `to`. */
export interface Correction {
  recordType?: string;
  field: string;
  to: string;
}

export interface PlanAccount {
  accountId: string;
  status: 'open' | 'closed';
  /** YYYY-MM-DD; null while open. */
  closedOn: string | null;
}

export interface PlanInput {
  /** The case's rights; those the plan acts on: erasure, rectification, restriction, objection. */
  rights: readonly Right[];
  register: Register;
  records: readonly FoundRecord[];
  /** The accounts the records belong to (AccountDirectory.describe). */
  accounts: readonly PlanAccount[];
  /** Holds in force on those accounts. */
  accountHolds: ReadonlyArray<{ accountId: string; reason: string }>;
  /** The case's own legal hold: every record of the person is kept as it is. */
  caseHold?: { reason: string };
  corrections: readonly Correction[];
  /** Purposes objected to (register `objections[].purpose`). */
  objections: readonly string[];
  /** The London date the plan is made (YYYY-MM-DD). */
  today: IsoDate;
}

/** The rights a plan acts on, in the order they are weighed for a record. */
export const PLANNED_RIGHTS = ['erasure', 'rectification', 'restriction', 'objection'] as const satisfies readonly Right[];

/** `2030-06-30` → `30 June 2030` (the letter's form, without the weekday). */
export const longDate = (d: IsoDate): string => formatLongDate(d).replace(/^\S+ /, '');

/** What one rule makes of a record: the line's action and its details, or undefined when the rule does not apply. */
type Outcome = Omit<PlanLine, 'recordId' | 'source' | 'recordType' | 'key' | 'accountId' | 'recipients'>;

const keep = (ground: KeepGround, reason: string, keptUntil?: string | null): Outcome => ({
  action: 'keep',
  ground,
  reason,
  ...(keptUntil !== undefined && { keptUntil }),
});
const NOT_AFFECTED = (why: string): Outcome => keep('not-affected', why);

interface Context {
  input: PlanInput;
  system: RegisterSystem;
  account?: PlanAccount;
  hold?: string;
}

/** The input's accounts and holds by account id, and the register's systems by id, built once per plan. */
interface Lookup {
  accounts: ReadonlyMap<string, PlanAccount>;
  holds: ReadonlyMap<string, string[]>;
  systems: ReadonlyMap<string, RegisterSystem>;
}

function lookupOf(input: PlanInput): Lookup {
  const holds = new Map<string, string[]>();
  for (const h of input.accountHolds) holds.set(h.accountId, [...(holds.get(h.accountId) ?? []), h.reason]);
  return {
    accounts: new Map(input.accounts.map((a) => [a.accountId, a])),
    holds,
    systems: new Map(input.register.systems.map((s) => [s.id, s])),
  };
}

/** The hold keeping a record as it is (the account's, else the case's), in words; undefined when none. */
function holdOf(input: PlanInput, lookup: Lookup, accountId: string | undefined): string | undefined {
  const held = accountId === undefined ? undefined : lookup.holds.get(accountId);
  if (held) return `the account ${accountId ?? ''} is under a legal hold (${held.join('; ')})`;
  if (input.caseHold) return `your records are under a legal hold (${input.caseHold.reason})`;
  return undefined;
}

function erasure(r: FoundRecord, { input, system, account, hold }: Context): Outcome {
  if (hold) return keep('legal-hold', `Kept: ${hold}. It is erased when the hold is released, unless another reason to keep it applies.`, null);
  const override = writesOf(system, r.recordType)?.notKeptWithAccount;
  if (override) return { action: 'erase', reason: `Erased. ${override}` };
  if (system.retention !== 'account-7y' || r.accountId === undefined) return { action: 'erase', reason: 'Erased: nothing requires us to keep it.' };
  if (!account)
    return keep('legal-obligation', `Kept until we confirm when the account ${r.accountId} closed: account records are kept 7 years after that.`, null);
  if (account.status === 'open' || account.closedOn === null) {
    return keep(
      'account-open',
      `Kept: the account ${account.accountId} is still open and needs it. Account records are kept 7 years after the account closes, then deleted.`,
      null,
    );
  }
  const until = accountKeptUntil(account.closedOn);
  if (until > input.today) {
    return keep(
      'legal-obligation',
      `Kept until ${longDate(until)}: the law requires customer-account and billing records to be kept 7 years after the account closed (${longDate(account.closedOn)}). It is deleted then.`,
      until,
    );
  }
  return { action: 'erase', reason: `Erased: the account closed on ${longDate(account.closedOn)}, more than 7 years ago.` };
}

/** Whether a correction applies to a record: of its type (or of any type) and for a field it has, never a mark (restricted_at…). */
const correctsRecord = (c: Correction, r: FoundRecord): boolean =>
  (c.recordType === undefined || c.recordType === r.recordType) && Object.hasOwn(r.fields, c.field) && !isMarkField(c.field);

/** The corrections that apply to a record. */
function correctionsFor(r: FoundRecord, input: PlanInput): Correction[] {
  return input.corrections.filter((c) => correctsRecord(c, r));
}

function rectification(r: FoundRecord, ctx: Context): Outcome[] | undefined {
  const wanted = correctionsFor(r, ctx.input);
  if (wanted.length === 0) return undefined;
  const statements = writesOf(ctx.system, r.recordType)?.rectify ?? {};
  const { restrictedAt } = recordMarks(r);
  const stays =
    restrictedAt === undefined
      ? ''
      : ` It stays restricted (since ${markSince(restrictedAt)}): correcting it at your request is not a use the restriction forbids.`;
  return wanted.map((c): Outcome => {
    const from: FieldValue = r.fields[c.field] ?? null;
    if (from === c.to) return NOT_AFFECTED(`Not changed: its ${c.field} already reads as corrected.`);
    if (ctx.hold) return keep('legal-hold', `Not changed yet: ${ctx.hold}. It is corrected when the hold is released.`, null);
    if (!Object.hasOwn(statements, c.field)) {
      return NOT_AFFECTED(`Not changed automatically: its ${c.field} is corrected by hand (the DPO’s task).`);
    }
    return { action: 'rectify', field: c.field, from, to: c.to, reason: `Corrected: ${c.field} changed as you asked.${stays}` };
  });
}

function restriction(r: FoundRecord, { system }: Context): Outcome | undefined {
  const marks = system.connector.kind === 'manual' || writesOf(system, r.recordType)?.restrict !== undefined;
  if (!marks) return undefined;
  const { restrictedAt } = recordMarks(r);
  const already = restrictedAt === undefined ? 'Restricted' : `Already restricted since ${markSince(restrictedAt)}, and stays so`;
  return { action: 'restrict', reason: `${already}: stored, and not otherwise used without your consent. We tell you before the restriction is lifted.` };
}

function objection(r: FoundRecord, { input, system }: Context): Outcome | undefined {
  const stops = writesOf(system, r.recordType)?.stop ?? {};
  const purpose = input.objections.find((p) => Object.hasOwn(stops, p));
  if (purpose === undefined) return undefined;
  const declared = (system.objections ?? []).find((o) => o.purpose === purpose);
  const why = declared?.absolute
    ? 'an objection to direct marketing is always upheld'
    : 'your objection is upheld: we have no compelling legitimate grounds that override it';
  return { action: 'stop', purpose, reason: `Stopped: it is no longer used for ${declared?.description ?? purpose}; ${why}.` };
}

/** The lines of one record: one, except a rectification of several of its fields (one line per field). */
function linesOf(r: FoundRecord, input: PlanInput, system: RegisterSystem, lookup: Lookup): Outcome[] {
  if (system.role === 'processor' || system.retention === 'processor') {
    return [
      {
        action: 'forward',
        ground: 'processor',
        reason: `Held for our customer${r.accountId ? ` ${r.accountId}` : ''}, which decides what happens to it: we have passed your request on to them.`,
      },
    ];
  }
  if (system.connector.kind === 'rightsdesk' || system.retention === 'rightsdesk-case') {
    return [
      keep('request-record', 'Kept: our record of your requests and how we handled them, kept 6 years after the request is closed, then deleted.', null),
    ];
  }
  const account = r.accountId === undefined ? undefined : lookup.accounts.get(r.accountId);
  const hold = holdOf(input, lookup, r.accountId);
  const ctx: Context = { input, system, ...(account && { account }), ...(hold !== undefined && { hold }) };
  const asked = new Set(input.rights);
  if (asked.has('erasure')) return [erasure(r, ctx)];
  const rectified = asked.has('rectification') ? rectification(r, ctx) : undefined;
  if (rectified) return rectified;
  const restricted = asked.has('restriction') ? restriction(r, ctx) : undefined;
  if (restricted) return [restricted];
  const stopped = asked.has('objection') ? objection(r, ctx) : undefined;
  if (stopped) return [stopped];
  return [NOT_AFFECTED('Not affected by your request.')];
}

const CHANGES: ReadonlySet<PlanAction> = new Set<PlanAction>(['erase', 'rectify', 'restrict']);

/** Keys compared as numbers when both are whole numbers (event ids), else as strings: the same order on every machine. */
function compareKeys(a: string, b: string): number {
  if (/^\d{1,15}$/.test(a) && /^\d{1,15}$/.test(b)) return Number(a) - Number(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The plan's lines: one per record (one per corrected field for a rectification), in register
 * order of the sources, then by record type and key. Records of a source the register does not
 * have are left out (planProblems names them).
 */
export function computePlan(input: PlanInput): PlanLine[] {
  const lookup = lookupOf(input);
  const order = new Map(input.register.systems.map((s, i) => [s.id, i]));
  const records = [...input.records]
    .filter((r) => order.has(r.source))
    .sort(
      (a, b) =>
        order.get(a.source)! - order.get(b.source)! ||
        (a.recordType < b.recordType ? -1 : a.recordType > b.recordType ? 1 : 0) ||
        compareKeys(a.key, b.key) ||
        (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
  const seen = new Set<string>();
  const lines: PlanLine[] = [];
  for (const r of records) {
    if (seen.has(r.id)) continue; // the same record twice (two identifiers found it): one line
    seen.add(r.id);
    const system = lookup.systems.get(r.source)!;
    for (const outcome of linesOf(r, input, system, lookup)) {
      const recipients = CHANGES.has(outcome.action) ? system.recipients : [];
      lines.push({
        recordId: r.id,
        source: r.source,
        recordType: r.recordType,
        key: r.key,
        ...(r.accountId !== undefined && { accountId: r.accountId }),
        ...outcome,
        ...(recipients.length > 0 && { recipients: [...recipients] }),
      });
    }
  }
  return lines;
}

/** Lines with the same source, record type, action, ground, keptUntil, field and purpose, counted; in the lines' order. */
export function groupLines(lines: readonly PlanLine[]): PlanGroup[] {
  const groups = new Map<string, PlanGroup>();
  for (const l of lines) {
    const id = JSON.stringify([l.source, l.recordType, l.action, l.ground ?? null, l.keptUntil ?? null, l.field ?? null, l.purpose ?? null]);
    const g = groups.get(id);
    if (g) g.count++;
    else
      groups.set(id, {
        source: l.source,
        recordType: l.recordType,
        action: l.action,
        ...(l.ground !== undefined && { ground: l.ground }),
        ...(l.keptUntil !== undefined && { keptUntil: l.keptUntil }),
        ...(l.field !== undefined && { field: l.field }),
        ...(l.purpose !== undefined && { purpose: l.purpose }),
        count: 1,
      });
  }
  return [...groups.values()];
}

/**
 * What the DPO should know before proposing the plan (no personal data: fields, purposes, record
 * types, account ids): a right the plan cannot act on without more input, a correction or an
 * objection nothing applies to, records of a source or an account the plan does not know.
 */
export function planProblems(input: PlanInput): string[] {
  const problems: string[] = [];
  const asked = new Set(input.rights);
  if (!PLANNED_RIGHTS.some((r) => asked.has(r))) problems.push('The request asks for none of erasure, rectification, restriction or objection.');
  if (asked.has('rectification') && input.corrections.length === 0) problems.push('Rectification was asked for, but no correction is given.');
  if (asked.has('objection') && input.objections.length === 0) problems.push('An objection was asked for, but no purpose objected to is given.');
  const systems = new Map(input.register.systems.map((s) => [s.id, s]));
  for (const c of input.corrections) {
    const having = input.records.filter((r) => correctsRecord(c, r));
    if (having.length === 0) problems.push(`No record found has the field ${c.field}${c.recordType ? ` (${c.recordType})` : ''} to correct.`);
    const manual = having.filter((r) => {
      const s = systems.get(r.source);
      return s !== undefined && !Object.hasOwn(writesOf(s, r.recordType)?.rectify ?? {}, c.field);
    });
    for (const type of new Set(manual.map((r) => `${r.source}/${r.recordType}`))) problems.push(`The field ${c.field} of ${type} is corrected by hand.`);
  }
  const purposes = new Set(input.register.systems.flatMap((s) => (s.objections ?? []).map((o) => o.purpose)));
  for (const p of input.objections) if (!purposes.has(p)) problems.push(`No system of the register processes for the purpose "${p}".`);
  for (const source of new Set(input.records.filter((r) => !systems.has(r.source)).map((r) => r.source)))
    problems.push(`Records of "${source}", which the register does not have, are left out of the plan.`);
  const known = new Set(input.accounts.map((a) => a.accountId));
  const unknown = new Set(
    input.records
      .filter((r) => r.accountId !== undefined && systems.get(r.source)?.retention === 'account-7y' && !known.has(r.accountId))
      .map((r) => r.accountId!),
  );
  for (const a of unknown) problems.push(`The account ${a} is not in the account system: its records are kept until its closing date is known.`);
  return problems;
}
