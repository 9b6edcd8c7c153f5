/**
 * The deadline keeper's planner (DESIGN.md, Deadline keeper): given a case and the time,
 * what is the next thing to tell someone, and when? Pure: no I/O, no clock of its own.
 *
 * A checkpoint is a notice at 09:00 Europe/London on a date derived from the case:
 *
 *   identity track (status awaiting_identity; counted in calendar days from the day identity
 *   was asked for, or the day of receipt)
 *     verify-reminder    7 days on: one reminder to the requester with a fresh link
 *     close-unverified   30 days on: close as unverified and tell the requester
 *   deadline track (an open case with a running clock)
 *     dpo-reminder       14, 7 and 2 working days before the due date, to the DPO team
 *     due-today          the due date: escalation
 *     overdue            every working day after it until the case closes: escalation
 *   extension track (a case marked complex, not yet extended)
 *     extension-warning  5 working days before the extension-notice limit
 *   complaint track (a complaint not yet acknowledged; no identity track for complaints)
 *     complaint-ack-reminder  5 working days before the 30-day acknowledgement limit, and on
 *                        its last working day, to the DPO team
 *
 * A day that is not a working day moves to the next working day (the identity track too: a
 * requester gets at least the days promised). Instants are computed with Intl from the
 * Europe/London rules, so BST and GMT need no code of their own.
 *
 * Each checkpoint has a stable id (`dpo-reminder-7:2026-12-03`: kind and level, then the
 * date it is about) that the keeper records in the audit trail when the notice goes
 * ('KeeperNoticeSent', detail.checkpoint), so it is never sent twice. Catching up after a
 * pause, an outage or a moved due date never floods anyone:
 *   - within a track only the latest checkpoint already due counts; earlier ones are
 *     superseded (two missed reminders and a due date: only the due-today escalation goes);
 *   - reminders (dpo-reminder) are dropped once their instant is more than `lateGraceHours`
 *     old; escalations (due-today, overdue) and the closure always happen; the verify
 *     reminder holds until the closure, the extension warning until its limit day ends;
 *   - a lead-time notice (dpo-reminder, extension-warning) already sent for this level is
 *     not repeated unless the date it counts to moved by more than its lead: a one-day
 *     clarification pause does not bring a second "7 working days left", an extension does.
 *
 * A wait never lasts longer than `maxSleepDays`, and while the clock runs on a case that is
 * not (yet) complex the keeper also wakes when an extension warning would be due. So moves the
 * keeper is not told about (identity asked for again, a case marked complex) are seen in time.
 * While a clarification is outstanding there is no due date: the keeper sleeps until the
 * earliest checkpoint the case could have if the answer came today (a later answer only moves
 * every date later), which keeps a paused case to a few transitions a month.
 */
import { isComplaint, type Case } from './case';
import {
  addDays,
  addWorkingDays,
  londonDateOf,
  nextWorkingDayOnOrAfter,
  parseIsoDate,
  previousWorkingDayOnOrBefore,
  workingDaysBetween,
  type IsoDate,
} from './calendar';
import { complaintAcknowledgeBy, computeDeadline, deadlineInputOf } from './deadlines';

/** The audit action the keeper records for each notice it sent (detail.checkpoint = its id). */

export interface KeeperOffsets {
  /** Calendar days after identity was asked for before the one reminder to the requester. @default 7 */
  readonly verifyReminderAfterDays: number;
  /** Calendar days after identity was asked for before the case is closed unverified. @default 30 */
  readonly closeUnverifiedAfterDays: number;
  /** Working days before the due date at which the DPO team is reminded. @default [14, 7, 2] */
  readonly dpoReminderWorkingDays: readonly number[];
  /** Working days before the extension-notice limit of a complex case to warn. @default 5 */
  readonly extensionWarningWorkingDays: number;
  /** Hour of the London day at which checkpoints fall. @default 9 */
  readonly noticeHour: number;
  /** A reminder more than this many hours late is dropped rather than sent. @default 24 */
  readonly lateGraceHours: number;
  /** The longest the keeper sleeps without re-reading the case. @default 7 */
  readonly maxSleepDays: number;
  /** Working days before a complaint's acknowledgement limit at which the DPO team is reminded (and again on the day). @default 5 */
  readonly complaintAckReminderWorkingDays: number;
}

export const DEFAULT_KEEPER_OFFSETS: KeeperOffsets = Object.freeze({
  verifyReminderAfterDays: 7,
  closeUnverifiedAfterDays: 30,
  dpoReminderWorkingDays: Object.freeze([14, 7, 2]),
  extensionWarningWorkingDays: 5,
  noticeHour: 9,
  lateGraceHours: 24,
  maxSleepDays: 7,
  complaintAckReminderWorkingDays: 5,
});

export type NoticeKind =
  'verify-reminder' | 'close-unverified' | 'dpo-reminder' | 'extension-warning' | 'due-today' | 'overdue' | 'complaint-ack-reminder';
export type CheckpointKind = NoticeKind | 'recheck';

export interface Checkpoint {
  /** Stable idempotency id, e.g. `dpo-reminder-7:2026-12-03`, `overdue:2026-12-07`. */
  readonly id: string;
  readonly kind: CheckpointKind;
  /** When it falls: an ISO instant (UTC). */
  readonly at: string;
  /** The London date it falls on. */
  readonly on: IsoDate;
  /** The date it is about: the due date, the extension-notice limit, or the day identity was asked for. */
  readonly anchor?: IsoDate;
  /** dpo-reminder: the level (working days before the due date); extension-warning: its lead. */
  readonly level?: number;
  /** overdue: working days past the due date. */
  readonly workingDaysOverdue?: number;
}

export type Plan = Checkpoint | { readonly kind: 'done' };

type Track = 'identity' | 'deadline' | 'extension' | 'complaint';

interface Candidate extends Checkpoint {
  readonly kind: NoticeKind;
  readonly track: Track;
  /** Exclusive end of the time it is worth sending (epoch ms); none: always. */
  readonly until?: number;
}

/** Fills in defaults and rejects nonsense, so a bad deployment setting fails at cold start. */
export function keeperOffsets(partial: Partial<KeeperOffsets> = {}): KeeperOffsets {
  const o = { ...DEFAULT_KEEPER_OFFSETS, ...partial };
  const whole = (n: number, min: number) => Number.isInteger(n) && n >= min;
  const problems = [
    !whole(o.verifyReminderAfterDays, 1) && 'verifyReminderAfterDays must be a whole number of days, at least 1',
    !whole(o.closeUnverifiedAfterDays, o.verifyReminderAfterDays + 1) &&
      'closeUnverifiedAfterDays must be a whole number of days after the verify reminder',
    !(Array.isArray(o.dpoReminderWorkingDays) && (o.dpoReminderWorkingDays as unknown[]).every((n) => typeof n === 'number' && whole(n, 1))) &&
      'dpoReminderWorkingDays must be whole numbers of working days, each at least 1',
    !whole(o.extensionWarningWorkingDays, 1) && 'extensionWarningWorkingDays must be a whole number, at least 1',
    !(whole(o.noticeHour, 0) && o.noticeHour <= 23) && 'noticeHour must be an hour of the day (0-23)',
    !(typeof o.lateGraceHours === 'number' && o.lateGraceHours > 0) && 'lateGraceHours must be positive',
    !whole(o.maxSleepDays, 1) && 'maxSleepDays must be a whole number of days, at least 1',
    !whole(o.complaintAckReminderWorkingDays, 1) && 'complaintAckReminderWorkingDays must be a whole number, at least 1',
  ].filter((p): p is string => typeof p === 'string');
  if (problems.length) throw new RangeError(`Invalid keeper offsets: ${problems.join('; ')}.`);
  return { ...o, dpoReminderWorkingDays: [...new Set(o.dpoReminderWorkingDays)].sort((a, b) => b - a) };
}

/** What the keeper should do next: a checkpoint (due now if `at` ≤ now), a re-check, or done. */
export function nextCheckpoint(c: Case, now: Date, offsets: Partial<KeeperOffsets> = {}): Plan {
  if (c.status === 'closed') return { kind: 'done' };
  const o = keeperOffsets(offsets);
  const due = dueCheckpoints(c, now, o);
  if (due.length) return due[0]!;

  const nowMs = now.getTime();
  const future = eligible(candidatesOf(c, now, o), c, nowMs, o).filter((x) => ms(x.at) > nowMs);
  const next = future.sort(byInstant)[0];
  const wake = earliestWake(c, now, o);
  if (next && ms(next.at) <= wake) return strip(next);
  const at = new Date(wake).toISOString();
  return { id: `recheck:${at}`, kind: 'recheck', at, on: londonDateOf(new Date(wake)) };
}

/** Checkpoints to act on now, earliest first (usually none or one). */
export function dueCheckpoints(c: Case, now: Date, offsets: Partial<KeeperOffsets> = {}): Checkpoint[] {
  if (c.status === 'closed') return [];
  const o = keeperOffsets(offsets);
  const nowMs = now.getTime();
  const all = candidatesOf(c, now, o);
  const passed = all.filter((x) => ms(x.at) <= nowMs);
  // Within a track only the latest passed checkpoint counts: the rest are superseded.
  const latest = passed.filter((x) => !passed.some((y) => y.track === x.track && ms(y.at) > ms(x.at)));
  return eligible(latest, c, nowMs, o)
    .filter((x) => ms(x.at) <= nowMs)
    .sort(byInstant)
    .map(strip);
}

/** Whether the checkpoint with this id is due now (the act step re-checks before it acts). */
export function isDue(c: Case, checkpointId: string, now: Date, offsets: Partial<KeeperOffsets> = {}): boolean {
  return dueCheckpoints(c, now, offsets).some((x) => x.id === checkpointId);
}

/** The closure checkpoint of a case awaiting identity (when its confirmation window ends). */
export function closeUnverifiedCheckpoint(c: Case, offsets: Partial<KeeperOffsets> = {}): Checkpoint {
  const close = identityTrack(c, keeperOffsets(offsets)).find((x) => x.kind === 'close-unverified')!;
  return strip(close);
}

/** Whether the trail records the notice for this checkpoint as sent. */
export function noticeSent(c: Case, checkpointId: string): boolean {
  // Owed counts as given: the outbox sends it (shared/domain/outbox.ts, id `notice:<checkpoint id>`).
  return (
    (c.outbox ?? []).some((e) => e.id === `notice:${checkpointId}`) ||
    c.audit.some((e) => e.action === 'KeeperNoticeSent' && e.detail?.checkpoint === checkpointId)
  );
}

// ---------------------------------------------------------------------------------------
// Candidates
// ---------------------------------------------------------------------------------------

function candidatesOf(c: Case, now: Date, o: KeeperOffsets): Candidate[] {
  if (c.status === 'closed') return [];
  // A complaint has no identity gate: never reminded to confirm, never closed unverified.
  if (isComplaint(c)) return [...complaintTrack(c, o), ...(c.dueOn == null ? [] : deadlineTrack(c.dueOn, c, now, o))];
  if (c.status === 'awaiting_identity') return identityTrack(c, o);
  if (c.dueOn == null) return []; // clock stopped for clarification or an unpaid fee
  return [...deadlineTrack(c.dueOn, c, now, o), ...extensionTrack(c, o)];
}

/** A complaint not yet acknowledged: remind the team before the 30-day limit, and on its last working day. */
function complaintTrack(c: Case, o: KeeperOffsets): Candidate[] {
  if (c.complaintAcknowledgedOn != null) return [];
  const limit = complaintAcknowledgeBy(c);
  const lastDay = previousWorkingDayOnOrBefore(limit, c.nation);
  return [o.complaintAckReminderWorkingDays, 0].map((level) => ({
    ...checkpoint('complaint-ack-reminder', `complaint-ack-reminder-${level}:${limit}`, addWorkingDays(lastDay, -level, c.nation), o, {
      anchor: limit,
      level,
    }),
    track: 'complaint' as const,
  }));
}

function identityTrack(c: Case, o: KeeperOffsets): Candidate[] {
  const askedOn = c.identityRequestedOn ?? c.receivedOn;
  const close = checkpoint('close-unverified', `close-unverified:${askedOn}`, dayAfter(askedOn, o.closeUnverifiedAfterDays, c), o, {
    anchor: askedOn,
  });
  const remind = checkpoint('verify-reminder', `verify-reminder:${askedOn}`, dayAfter(askedOn, o.verifyReminderAfterDays, c), o, {
    anchor: askedOn,
  });
  return [
    { ...remind, track: 'identity', until: ms(close.at) },
    { ...close, track: 'identity' },
  ];
}

function deadlineTrack(dueOn: IsoDate, c: Case, now: Date, o: KeeperOffsets): Candidate[] {
  const out: Candidate[] = [];
  const grace = o.lateGraceHours * 3600_000;
  for (const level of o.dpoReminderWorkingDays) {
    const cp = checkpoint('dpo-reminder', `dpo-reminder-${level}:${dueOn}`, addWorkingDays(dueOn, -level, c.nation), o, {
      anchor: dueOn,
      level,
    });
    out.push({ ...cp, track: 'deadline', until: ms(cp.at) + grace });
  }
  out.push({ ...checkpoint('due-today', `due-today:${dueOn}`, dueOn, o, { anchor: dueOn }), track: 'deadline' });

  // Overdue repeats every working day; only the last one passed and the next one matter.
  const today = londonDateOf(now);
  const days = new Set([
    addWorkingDays(today, -1, c.nation),
    previousWorkingDayOnOrBefore(today, c.nation),
    addWorkingDays(today > dueOn ? today : dueOn, 1, c.nation),
  ]);
  for (const day of [...days].filter((d) => d > dueOn).sort()) {
    const cp = checkpoint('overdue', `overdue:${day}`, day, o, {
      anchor: dueOn,
      workingDaysOverdue: workingDaysBetween(dueOn, day, c.nation),
    });
    out.push({ ...cp, track: 'deadline' });
  }
  return out;
}

function extensionTrack(c: Case, o: KeeperOffsets): Candidate[] {
  const limit = c.extensionNoticeBy;
  if (!c.complex || c.extended || limit == null) return [];
  const cp = extensionWarning(limit, c, o);
  return [{ ...cp, track: 'extension', until: ms(londonInstant(addDays(limit, 1), 0)) }];
}

function extensionWarning(limit: IsoDate, c: Case, o: KeeperOffsets): Checkpoint & { kind: NoticeKind } {
  const lead = o.extensionWarningWorkingDays;
  return checkpoint('extension-warning', `extension-warning:${limit}`, addWorkingDays(limit, -lead, c.nation), o, {
    anchor: limit,
    level: lead,
  });
}

/** Not yet sent, not covered by an earlier notice of the same level, and still worth sending. */
function eligible(cands: Candidate[], c: Case, nowMs: number, o: KeeperOffsets): Candidate[] {
  return cands.filter((x) => {
    if (noticeSent(c, x.id)) return false;
    if (x.until !== undefined && ms(x.at) <= nowMs && nowMs >= x.until) return false;
    return !coveredByEarlierNotice(x, c, o);
  });
}

/** A lead-time notice is not repeated for a date that moved by no more than its lead. */
function coveredByEarlierNotice(x: Candidate, c: Case, o: KeeperOffsets): boolean {
  if ((x.kind !== 'dpo-reminder' && x.kind !== 'extension-warning') || x.anchor === undefined || x.level === undefined) return false;
  const lead = x.kind === 'dpo-reminder' ? x.level : o.extensionWarningWorkingDays;
  return c.audit.some((e) => {
    const d = e.detail;
    if (e.action !== 'KeeperNoticeSent' || d?.kind !== x.kind || d.level !== x.level || typeof d.anchor !== 'string') return false;
    return Math.abs(workingDaysBetween(d.anchor, x.anchor!, c.nation)) <= lead;
  });
}

// ---------------------------------------------------------------------------------------
// When to wake when nothing is due
// ---------------------------------------------------------------------------------------

/** Epoch ms of the latest moment the keeper may sleep to without missing a possible checkpoint. */
function earliestWake(c: Case, now: Date, o: KeeperOffsets): number {
  const nowMs = now.getTime();
  const today = londonDateOf(now);
  const wakes = [ms(londonInstant(addDays(today, o.maxSleepDays), o.noticeHour))];

  if (c.dueOn == null && c.status === 'awaiting_clarification' && !isComplaint(c)) {
    // The answer may come any day; answering later only moves every date later, so the
    // checkpoints of "answered today" (complex or not) are the earliest there can be.
    const answeredToday = {
      ...c,
      status: 'in_progress' as const,
      complex: true,
      clarifications: c.clarifications.map((q) => (q.answeredOn == null ? { ...q, answeredOn: today > q.askedOn ? today : q.askedOn } : q)),
    };
    const hypothetical = { ...answeredToday, ...computeDeadline(deadlineInputOf(answeredToday)) };
    for (const x of candidatesOf(hypothetical, now, o)) if (ms(x.at) > nowMs) wakes.push(ms(x.at));
  } else if (c.status !== 'awaiting_identity' && !isComplaint(c) && !c.complex && !c.extended && c.extensionNoticeBy != null) {
    // If the case is marked complex before then, its warning is due here.
    const at = ms(extensionWarning(c.extensionNoticeBy, c, o).at);
    if (at > nowMs) wakes.push(at);
  }
  return Math.min(...wakes);
}

// ---------------------------------------------------------------------------------------
// Dates and instants
// ---------------------------------------------------------------------------------------

function dayAfter(from: IsoDate, days: number, c: Case): IsoDate {
  return nextWorkingDayOnOrAfter(addDays(from, days), c.nation);
}

function checkpoint(kind: NoticeKind, id: string, on: IsoDate, o: KeeperOffsets, extra: Partial<Checkpoint>): Checkpoint & { kind: NoticeKind } {
  return { ...extra, id, kind, on, at: londonInstant(on, o.noticeHour).toISOString() };
}

const ms = (iso: string | Date) => (typeof iso === 'string' ? Date.parse(iso) : iso.getTime());
const byInstant = (a: Checkpoint, b: Checkpoint) => ms(a.at) - ms(b.at) || a.id.localeCompare(b.id);

function strip(x: Checkpoint): Checkpoint {
  const { track: _track, until: _until, ...cp } = x as Candidate;
  return cp;
}

const wallClock = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  calendar: 'gregory',
  numberingSystem: 'latn',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** London's offset from UTC at an instant, in ms (0 in GMT, 3,600,000 in BST). */
function londonOffsetMs(utcMs: number): number {
  const parts = wallClock.formatToParts(new Date(utcMs));
  const n = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}

/**
 * The instant at which London's clocks show `hour`:00 on `date`. Hours skipped when the
 * clocks go forward (01:00–02:00 on the last Sunday of March) come out an hour later;
 * notice hours are never in that gap.
 */
export function londonInstant(date: IsoDate, hour: number): Date {
  const { year, month, day } = parseIsoDate(date);
  const naive = Date.UTC(year, month - 1, day, hour);
  let utc = naive - londonOffsetMs(naive);
  utc = naive - londonOffsetMs(utc); // the offset at the answer, not at the guess
  return new Date(utc);
}
