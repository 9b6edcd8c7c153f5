/**
 * Generated cases for demos (`npm run demo:cases`), tests and benchmarks: a month of requests
 * with a realistic mix of rights, channels, pauses, extensions and outcomes.
 *
 * Every case is made only by the lifecycle's own transitions (shared/domain/lifecycle.ts), each at
 * a plausible instant, and keeps every audit entry they return, so dates, due dates, pauses and
 * outcomes obey the same rules as real cases and the report figures drawn from them are
 * consistent. Nothing happens after `asOf`: a case whose next step would fall later stays as it
 * is, open. Requesters are synthetic (`person-<n>@example.org`, made-up names).
 *
 * Deterministic: case n of (month, seed) comes from a PRNG seeded by month, seed and n alone,
 * and its id and reference from a hash of the same, so generating more cases, or again later,
 * gives the same ids and references (which is what makes `demo:cases` idempotent).
 */
import { createHash } from 'node:crypto';
import {
  addDays,
  daysBetween,
  daysInMonth,
  DEFAULT_NATION,
  isWorkingDay,
  londonDateOf,
  nextWorkingDayOnOrAfter,
  previousWorkingDayOnOrBefore,
  type Nation,
} from '#domain/calendar';
import { OUTCOMES, type Actor, type AuditEntry, type Case, type Channel, type KeptReason, type Outcome, type Right } from '#domain/case';
import { closeUnverifiedCheckpoint, londonInstant } from '#domain/checkpoints';
import { CaseAlreadyExistsError } from '#domain/errors';
import {
  acknowledgeComplaint,
  askForClarification,
  askForIdentity,
  closeCase,
  closeComplaint,
  closeUnverified,
  confirmIdentity,
  extend,
  forwardToController,
  identityReceived,
  markComplex,
  receive,
  recordClarificationAnswer,
  refuse,
  withdraw,
  type Transition,
  type TransitionContext,
} from '#domain/lifecycle';
import { generateReference, type RandomBytes } from '#domain/reference';
import { newCaseId } from '#shared/core/ids';
import type { CaseStore } from '#shared/ports';

export interface GenerateOptions {
  /** The month the cases are received in, YYYY-MM (London dates). */
  month: string;
  count: number;
  /** @default 1 */
  seed?: number;
  /** @default england-and-wales */
  nation?: Nation;
  /** ISO instant: nothing happens after it (receipts are spread up to it within the month). @default now */
  asOf?: string;
}

export interface GeneratedCase {
  case: Case;
  /** Every audit entry of the case, first RequestReceived: what CaseStore.create takes. */
  entries: [AuditEntry, ...AuditEntry[]];
}

/** mulberry32: a small, fast, seedable PRNG; numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Bytes from SHA-256 of `label` in counter mode: a deterministic RandomBytes for ids and references. */
function hashBytes(label: string): RandomBytes {
  let counter = 0;
  return (size) => {
    const out = Buffer.alloc(size);
    for (let filled = 0; filled < size; counter++) {
      filled += createHash('sha256').update(`${label}#${counter}`).digest().copy(out, filled);
    }
    return out;
  };
}

const STAFF: Actor = 'staff:dpo.lead@icetrak.net';
const WORK_START_HOUR = 9;
const WORK_HOURS = 8;

// The mix (issue 12 and the brief): weights, not exact shares.
const RIGHT_WEIGHTS: [Right, number][] = [
  ['access', 55],
  ['erasure', 20],
  ['rectification', 7],
  ['objection', 6],
  ['restriction', 4],
  ['portability', 3],
  ['complaint', 5],
];
const CHANNEL_WEIGHTS: [Channel, number][] = [
  ['form', 50],
  ['email', 35],
  ['phone', 6],
  ['post', 6],
  ['in-person', 3],
];
/** Closings of a verified request (closed unverified comes from the identity track, late and open from the timing draw). */
const CLOSING_WEIGHTS: [Closing, number][] = [
  ['completed', 83],
  ['partially-completed', 6],
  ['refused', 3],
  ['forwarded', 3],
  ['withdrawn', 3.5],
];
const KEPT_WEIGHTS: [KeptReason, number][] = [
  ['legal-obligation', 50],
  ['legal-hold', 15],
  ['third-party-data', 20],
  ['exemption', 10],
  ['other', 5],
];
const SECOND_RIGHT: Partial<Record<Right, Right>> = {
  access: 'erasure',
  erasure: 'access',
  rectification: 'access',
  objection: 'erasure',
  portability: 'access',
};
const SHARE = {
  multiRight: 0.06,
  late: 0.065,
  stalled: 0.03,
  extended: 0.11,
  clarification: 0.08,
  clarificationUnanswered: 0.2,
  complaintAckLate: 0.1,
} as const;

const FIRST_NAMES = ['Ada', 'Ben', 'Chloe', 'Dev', 'Ella', 'Finn', 'Grace', 'Hari', 'Isla', 'Jack', 'Kiran', 'Leah', 'Milo', 'Nia', 'Omar', 'Priya'];
const LAST_NAMES = ['Example', 'Sample', 'Specimen', 'Placeholder', 'Testcase', 'Demo', 'Mockford', 'Fictional'];
const EXTENSION_REASONS = [
  'Several systems to search, including the message archives.',
  'A large volume of message records to review and redact.',
  'Records held by two business units must be collated.',
];
const DONE_BY_RIGHT: Record<Right, string> = {
  access: 'Sent a copy of the personal data held, with the supplementary information.',
  erasure: 'Erased the personal data from the systems searched.',
  rectification: 'Corrected the account record.',
  restriction: 'Restricted processing of the data concerned.',
  objection: 'Stopped the processing objected to.',
  portability: 'Sent the data provided in a machine-readable format.',
  complaint: 'Answered the complaint.',
};
const WITHHELD: Record<KeptReason, string> = {
  'legal-obligation': 'Billing records kept: statutory retention of accounting records.',
  'legal-hold': 'Records under a legal hold kept until the hold is released.',
  'third-party-data': 'Other people’s personal data removed from the messages disclosed.',
  exemption: 'Withheld under a DPA 2018 Schedule 2 exemption.',
  other: 'Some records could not be located after a reasonable search.',
};

type Closing = 'completed' | 'partially-completed' | 'refused' | 'forwarded' | 'withdrawn';

function pick<T>(rnd: () => number, weighted: readonly [T, number][]): T {
  const total = weighted.reduce((sum, [, w]) => sum + w, 0);
  let x = rnd() * total;
  for (const [value, w] of weighted) if ((x -= w) < 0) return value;
  return weighted[weighted.length - 1]![0];
}

const between = (rnd: () => number, min: number, max: number) => min + Math.floor(rnd() * (max - min + 1));

/** The dates of a month, YYYY-MM. */
function monthDates(month: string): string[] {
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
  if (!m) throw new RangeError(`The month must be YYYY-MM, not "${month}".`);
  const days = daysInMonth(Number(m[1]), Number(m[2]));
  return Array.from({ length: days }, (_, i) => `${month}-${String(i + 1).padStart(2, '0')}`);
}

/**
 * One case being built: applies transitions in time order, each at an instant no earlier than
 * the last, and stops for good at the first one that would fall after `asOf` (the case stays as
 * it was then, open).
 */
class CaseBuilder {
  readonly entries: AuditEntry[];
  private stopped = false;

  constructor(
    public c: Case,
    first: AuditEntry,
    private readonly asOf: number,
    private readonly nation: Nation,
    private readonly rnd: () => number,
  ) {
    this.entries = [first];
  }

  get last(): string {
    return this.entries[this.entries.length - 1]!.at;
  }

  get lastDate(): string {
    return londonDateOf(this.last);
  }

  /** Applies the move at `at` (a minute after the last entry if earlier); false once the case has stopped. */
  do(at: string, actor: Actor, move: (c: Case, ctx: TransitionContext) => Transition): boolean {
    const lastMs = Date.parse(this.last);
    const ms = Date.parse(at) < lastMs ? lastMs + 60_000 : Date.parse(at);
    if (this.stopped || ms > this.asOf) {
      this.stopped = true;
      return false;
    }
    const t = move(this.c, { at: new Date(ms).toISOString(), actor });
    this.c = t.case;
    this.entries.push(t.entry);
    return true;
  }

  /** An instant in working hours on the first working day `days` after the last entry's date (or `from`). */
  workingDayAfter(days: number, from = this.lastDate): string {
    return this.inWorkingHours(nextWorkingDayOnOrAfter(addDays(from, days), this.nation));
  }

  inWorkingHours(date: string): string {
    const start = londonInstant(date, WORK_START_HOUR + Math.floor(this.rnd() * WORK_HOURS)).getTime();
    return new Date(start + Math.floor(this.rnd() * 60) * 60_000).toISOString();
  }

  /** A working-hours instant on a working day from the day after the last entry up to `by` (on time), never before the last entry's date. */
  workingDayBy(by: string): string {
    const span = Math.max(0, daysBetween(this.lastDate, by));
    // Most answers come well before the deadline; a few on its last days.
    const target = addDays(this.lastDate, Math.min(span, 1 + Math.floor(span * this.rnd() ** 0.8)));
    const day = previousWorkingDayOnOrBefore(target, this.nation);
    return this.inWorkingHours(day < this.lastDate ? this.lastDate : day);
  }
}

/** `count` cases received in `month`, deterministic for (month, seed, asOf). */
export function generateCases(opts: GenerateOptions): GeneratedCase[] {
  const { month, count } = opts;
  const seed = opts.seed ?? 1;
  const nation = opts.nation ?? DEFAULT_NATION;
  const asOf = opts.asOf ?? new Date().toISOString();
  const asOfMs = Date.parse(asOf);
  if (Number.isNaN(asOfMs)) throw new RangeError(`asOf must be an ISO instant, not "${asOf}".`);
  if (!Number.isInteger(count) || count < 0) throw new RangeError('count must be a whole number.');
  if (!Number.isInteger(seed) || seed < 0) throw new RangeError('seed must be a whole number.');
  const dates = monthDates(month);
  if (asOfMs < monthStartOf(month)) throw new RangeError(`Nothing can be received in ${month} by ${asOf}: the month has not begun.`);
  // Receipts are spread over the month's days up to asOf.
  const asOfDate = londonDateOf(asOf);
  const days = dates.filter((d) => d <= asOfDate);
  const workingDays = days.filter((d) => isWorkingDay(d, nation));
  return Array.from({ length: count }, (_, n) => generateOne({ month, seed, n, nation, asOfMs, days, workingDays }));
}

interface OneInput {
  month: string;
  seed: number;
  n: number;
  nation: Nation;
  asOfMs: number;
  days: string[];
  workingDays: string[];
}

function generateOne({ month, seed, n, nation, asOfMs, days, workingDays }: OneInput): GeneratedCase {
  const label = `${month}:${seed}:${n}`;
  const rnd = mulberry32(createHash('sha256').update(label).digest().readUInt32BE(0));
  const primary = pick(rnd, RIGHT_WEIGHTS);
  const complaint = primary === 'complaint';
  const second = SECOND_RIGHT[primary];
  const rights: Right[] = !complaint && second && rnd() < SHARE.multiRight ? [primary, second] : [primary];
  const channel = complaint ? pick(rnd, CHANNEL_WEIGHTS.slice(0, 2)) : pick(rnd, CHANNEL_WEIGHTS);

  // Form and email arrive at any hour on any day now and then; letters, calls and visits on working days in office hours.
  const anyTime = (channel === 'form' || channel === 'email') && rnd() < 0.15;
  const pool = anyTime || workingDays.length === 0 ? days : workingDays;
  const day = pool[Math.floor(rnd() * pool.length)]!;
  const hourStart = anyTime
    ? londonInstant(day, 7 + Math.floor(rnd() * 15)).getTime()
    : londonInstant(day, WORK_START_HOUR + Math.floor(rnd() * WORK_HOURS)).getTime();
  const receivedAt = new Date(Math.min(hourStart + Math.floor(rnd() * 3600) * 1000, asOfMs)).toISOString();

  const person = createHash('sha256').update(`person:${label}`).digest().readUInt32BE(0) % 10_000_000;
  const closing = pick(rnd, CLOSING_WEIGHTS);
  const received = receive({
    id: newCaseId(monthStartOf(month), hashBytes(`id:${label}`)),
    reference: generateReference(hashBytes(`ref:${label}`)),
    rights,
    channel,
    requester: {
      fullName: `${FIRST_NAMES[person % FIRST_NAMES.length]!} ${LAST_NAMES[Math.floor(person / FIRST_NAMES.length) % LAST_NAMES.length]!}`,
      email: `person-${person}@example.org`,
      relationship: closing === 'forwarded' ? 'message-recipient' : 'customer',
      ...(channel === 'post' ? { postalAddress: `${1 + (person % 99)} Example Street, Exampleton, EX1 1AA` } : {}),
    },
    receivedAt,
    nation,
    actor: channel === 'form' || channel === 'email' ? 'requester' : STAFF,
    // A DKIM/DMARC-verified email, or someone seen in person, starts work at once.
    identityConfirmed: !complaint && ((channel === 'email' && rnd() < 0.5) || channel === 'in-person'),
  });
  const b = new CaseBuilder(received.case, received.entry, asOfMs, nation, rnd);

  if (complaint) buildComplaint(b, rnd);
  else buildRequest(b, rnd, closing);
  // The case as the store returns it after create: version 1, its trail in place.
  return { case: { ...b.c, audit: [...b.entries] }, entries: b.entries as GeneratedCase['entries'] };
}

function monthStartOf(month: string): number {
  return londonInstant(`${month}-01`, 0).getTime();
}

function buildComplaint(b: CaseBuilder, rnd: () => number): void {
  // Acknowledged within days, now and then only after the 30 days allowed; answered some weeks later.
  const ackAfter = rnd() < SHARE.complaintAckLate ? between(rnd, 31, 40) : between(rnd, 1, 10);
  if (!b.do(b.workingDayAfter(ackAfter), STAFF, acknowledgeComplaint)) return;
  const answerAfter = rnd() < SHARE.late ? between(rnd, 35, 60) : between(rnd, 5, 25);
  b.do(b.workingDayAfter(answerAfter), STAFF, (c, ctx) =>
    closeComplaint(c, { outcome: 'We reviewed how the request was handled and explained our findings.' }, ctx),
  );
}

function buildRequest(b: CaseBuilder, rnd: () => number, closing: Closing): void {
  // Identity. The form asks the requester to confirm their address at once; the DPO team confirms
  // an email's or a call's sender, or asks for proof; some never answer and are closed unverified.
  let neverVerified = false;
  if (b.c.status === 'received') {
    if (b.c.channel === 'form') {
      if (!b.do(b.last, 'system', (c, ctx) => withDetail(askForIdentity(c, ctx), { method: 'email-link' }))) return;
      neverVerified = rnd() < 0.02;
      const clicked = new Date(Date.parse(b.last) + between(rnd, 5, 2 * 24 * 60) * 60_000).toISOString();
      if (!neverVerified && !b.do(clicked, 'requester', identityReceived)) return;
    } else if (rnd() < 0.3) {
      if (!b.do(b.workingDayAfter(between(rnd, 0, 2)), STAFF, askForIdentity)) return;
      neverVerified = rnd() < 0.15;
      if (!neverVerified && !b.do(b.workingDayAfter(between(rnd, 2, 10)), 'requester', identityReceived)) return;
    } else if (!b.do(b.workingDayAfter(between(rnd, 0, 2)), STAFF, confirmIdentity)) return;
  }
  if (neverVerified) {
    // The keeper closes it when the requester's time to answer runs out.
    b.do(closeUnverifiedCheckpoint(b.c).at, 'system', (c, ctx) => closeUnverified(c, ctx));
    return;
  }

  // A processor request goes to its controller within days; a refusal or a withdrawal comes early too.
  if (closing === 'forwarded') {
    const input = { controller: 'Example Retail Ltd', contact: 'privacy@retail.example' };
    b.do(b.workingDayAfter(between(rnd, 1, 5)), STAFF, (c, ctx) => forwardToController(c, input, ctx));
    return;
  }
  if (closing === 'refused') {
    const ground = rnd() < 0.6 ? 'manifestly-excessive' : 'manifestly-unfounded';
    const reasons = 'The request repeats one answered in full in the last three months.';
    b.do(b.workingDayAfter(between(rnd, 3, 15)), STAFF, (c, ctx) => refuse(c, { ground, reasons }, ctx));
    return;
  }

  // Pauses and extensions, in the order the rules allow: a question first, then (by the notice limit) an extension.
  if (rnd() < SHARE.clarification) {
    if (!b.do(b.workingDayAfter(between(rnd, 1, 6)), STAFF, askForClarification)) return;
    if (rnd() < SHARE.clarificationUnanswered) {
      // No answer: some requesters withdraw, the rest stay paused (open, no due date).
      if (closing === 'partially-completed') closeWith(b, closing, b.workingDayAfter(between(rnd, 10, 25)), rnd);
      else if (rnd() < 0.5) b.do(b.workingDayAfter(between(rnd, 25, 40)), STAFF, withdraw);
      return;
    }
    const answeredOn = addDays(b.lastDate, between(rnd, 2, 14));
    if (!b.do(b.workingDayAfter(between(rnd, 0, 1), answeredOn), STAFF, (c, ctx) => recordClarificationAnswer(c, { receivedOn: answeredOn }, ctx))) return;
  }
  if (closing === 'withdrawn') {
    b.do(b.workingDayAfter(between(rnd, 2, 20)), STAFF, withdraw);
    return;
  }
  if (rnd() < SHARE.extended) {
    const severalRequests = rnd() < 0.25;
    if (!severalRequests && !b.do(b.workingDayAfter(between(rnd, 3, 12)), STAFF, markComplex)) return;
    const by = b.c.extensionNoticeBy!;
    const on = addDays(b.lastDate, between(rnd, 0, 5));
    const at = b.inWorkingHours(on < by ? nextWorkingDayOnOrAfter(on, b.c.nation) : previousWorkingDayOnOrBefore(by, b.c.nation));
    const reason = EXTENSION_REASONS[Math.floor(rnd() * EXTENSION_REASONS.length)]!;
    if (!b.do(at, STAFF, (c, ctx) => extend(c, { reason, severalRequests }, ctx))) return;
  }

  // The answer: on time mostly, late now and then, and a few stall: overdue for one to four months, then answered
  // (still open, overdue, when that is after asOf). A backlog is months deep, never years: no case stays open for ever.
  const timing = rnd();
  const dueOn = b.c.dueOn!;
  const at =
    timing < SHARE.stalled
      ? b.workingDayAfter(between(rnd, 21, 90), dueOn)
      : timing < SHARE.stalled + SHARE.late
        ? b.workingDayAfter(between(rnd, 1, 20), dueOn)
        : b.workingDayBy(dueOn);
  closeWith(b, closing, at, rnd);
}

function closeWith(b: CaseBuilder, closing: 'completed' | 'partially-completed', at: string, rnd: () => number): void {
  const done = b.c.rights.map((r) => DONE_BY_RIGHT[r]).join(' ');
  const systemsSearched = ['accounts', 'billing', ...(b.c.rights.includes('access') ? ['message traffic'] : [])];
  if (closing === 'completed') {
    b.do(at, STAFF, (c, ctx) => closeCase(c, { outcome: 'completed', summary: { done, systemsSearched } }, ctx));
    return;
  }
  const kept = [...new Set([pick(rnd, KEPT_WEIGHTS), ...(rnd() < 0.2 ? [pick(rnd, KEPT_WEIGHTS)] : [])])];
  const summary = { done, systemsSearched, withheld: kept.map((k) => WITHHELD[k]).join(' '), keptBecause: kept };
  b.do(at, STAFF, (c, ctx) => closeCase(c, { outcome: 'partially-completed', summary }, ctx));
}

/** An intake's entry carries how identity is checked (as submit-request records it). */
function withDetail(t: Transition, detail: Record<string, string>): Transition {
  return { ...t, entry: { ...t.entry, detail: { ...t.entry.detail, ...detail } } };
}

/** What generated cases came to, by outcome ('open' for those not closed). */
export function outcomeSummary(generated: readonly GeneratedCase[]): Record<Outcome | 'open', number> {
  const counts = Object.fromEntries([...OUTCOMES, 'open'].map((o) => [o, 0])) as Record<Outcome | 'open', number>;
  for (const { case: c } of generated) counts[c.status === 'closed' ? c.outcome! : 'open'] += 1;
  return counts;
}

export interface WriteResult {
  /** Cases written now. */
  written: number;
  /** Cases already in the table (same id), left as they were. */
  existing: number;
}

/**
 * Writes generated cases one `create` each (a case already there is left alone and counted),
 * `concurrency` at a time (default 16). For a large seed where the table is the caller's own, `bulk`
 * writes them with DynamoCaseStore.createMany instead (about three times faster on dynalite;
 * overwrites, never refuses, so every case counts as written).
 */
export async function writeCases(
  store: CaseStore & Partial<BulkCaseStore>,
  generated: readonly GeneratedCase[],
  opts: { concurrency?: number; bulk?: boolean } = {},
): Promise<WriteResult> {
  // A batch is 25 writes: a few at once keep dynalite busiest (measured: 4 beat 8).
  const concurrency = opts.concurrency ?? (opts.bulk ? 4 : 16);
  const result: WriteResult = { written: 0, existing: 0 };
  if (opts.bulk) {
    if (!store.createMany) throw new TypeError('This store has no bulk write (createMany).');
    const createMany = store.createMany.bind(store);
    const chunk = 25 * 4;
    await forEachConcurrently(
      Array.from({ length: Math.ceil(generated.length / chunk) }, (_, i) => generated.slice(i * chunk, (i + 1) * chunk)),
      concurrency,
      async (part) => {
        await createMany(part);
        result.written += part.length;
      },
    );
    return result;
  }
  await forEachConcurrently(generated, concurrency, async (g) => {
    try {
      await store.create(g.case, ...g.entries);
      result.written += 1;
    } catch (err) {
      if (!(err instanceof CaseAlreadyExistsError)) throw err;
      result.existing += 1;
    }
  });
  return result;
}

/** The bulk seeding path DynamoCaseStore offers beside the port. */
export interface BulkCaseStore {
  createMany(cases: readonly { case: Case; entries: [AuditEntry, ...AuditEntry[]] }[]): Promise<void>;
}

/** Runs `fn` over `items`, at most `limit` at once; the first failure rejects (the rest already started finish). */
export async function forEachConcurrently<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}
