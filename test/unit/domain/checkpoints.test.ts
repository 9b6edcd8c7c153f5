import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Case } from '#domain/case';
import { addDays, fromDayNumber, isWorkingDay, londonDateOf, toDayNumber } from '#domain/calendar';
import {
  DEFAULT_KEEPER_OFFSETS,
  closeUnverifiedCheckpoint,
  dueCheckpoints,
  isDue,
  keeperOffsets,
  londonInstant,
  nextCheckpoint,
  type Checkpoint,
  type KeeperOffsets,
} from '#domain/checkpoints';
import {
  askForClarification,
  askForIdentity,
  clarificationAnswered,
  complete,
  extend,
  identityReceived,
  markComplex,
  receive,
  type Transition,
} from '#domain/lifecycle';
import { aCase } from '#test/support/cases';

const staff = (at: string) => ({ at, actor: 'staff:dpo' as const });
/** Applies a lifecycle move the way the store does: new case, entry appended. */
const apply = (c: Case, t: Transition): Case => ({ ...t.case, audit: [...c.audit, t.entry] });

/** What the act step records when it sends a notice. */
function recordNotice(c: Case, cp: Checkpoint, at: Date): Case {
  const detail = {
    checkpoint: cp.id,
    kind: cp.kind,
    ...(cp.anchor !== undefined ? { anchor: cp.anchor } : {}),
    ...(cp.level !== undefined ? { level: cp.level } : {}),
  };
  return { ...c, audit: [...c.audit, { at: at.toISOString(), actor: 'system', action: 'KeeperNoticeSent', detail }] };
}

interface Sent {
  id: string;
  at: string;
}

/**
 * Runs the keeper's loop on the planner alone: plan, sleep until the instant, act (record the
 * notice, or close unverified), repeat until `until`. `changes` happen to the case at their
 * instants while the keeper sleeps, as staff actions would.
 */
function simulate(
  start: Case,
  from: string,
  until: string,
  changes: { at: string; apply: (c: Case, at: string) => Case }[] = [],
  offsets: Partial<KeeperOffsets> = {},
): { sent: Sent[]; wakes: number; final: Case } {
  let c = start;
  let now = new Date(from);
  const pending = [...changes].sort((a, b) => a.at.localeCompare(b.at));
  const sent: Sent[] = [];
  let wakes = 0;
  for (let guard = 0; guard < 2000; guard++) {
    const plan = nextCheckpoint(c, now, offsets);
    if (plan.kind === 'done') break;
    const target = new Date(Math.max(now.getTime(), Date.parse(plan.at)));
    while (pending.length && Date.parse(pending[0]!.at) <= target.getTime()) {
      const change = pending.shift()!;
      c = change.apply(c, change.at);
    }
    if (target.getTime() > Date.parse(until)) break;
    now = target;
    wakes += 1;
    if (plan.kind === 'recheck' || !isDue(c, plan.id, now, offsets)) continue;
    sent.push({ id: plan.id, at: now.toISOString() });
    if (plan.kind === 'close-unverified') c = { ...c, status: 'closed', outcome: 'closed_unverified' };
    else c = recordNotice(c, plan, now);
  }
  return { sent, wakes, final: c };
}

/** A form request received at `at`, awaiting the email-address confirmation. */
function awaitingIdentity(at: string, nation?: Case['nation']): Case {
  const r = receive({
    id: '01JCASE0000000000000000000',
    reference: 'RD-7K4M9P',
    rights: ['access'],
    channel: 'form',
    requester: { fullName: 'Ada Example', email: 'ada@example.org' },
    receivedAt: at,
    actor: 'requester',
    ...(nation ? { nation } : {}),
  });
  const created = { ...r.case, audit: [r.entry] };
  return apply(created, askForIdentity(created, { at, actor: 'system' }));
}

describe('londonInstant: 09:00 on a London date, BST and GMT from the zone rules', () => {
  it.each([
    ['2026-03-28', '2026-03-28T09:00:00.000Z'], // Saturday before the change: GMT
    ['2026-03-29', '2026-03-29T08:00:00.000Z'], // clocks went forward at 01:00: BST
    ['2026-07-01', '2026-07-01T08:00:00.000Z'],
    ['2026-10-24', '2026-10-24T08:00:00.000Z'], // still BST
    ['2026-10-25', '2026-10-25T09:00:00.000Z'], // clocks went back at 02:00: GMT
    ['2026-12-25', '2026-12-25T09:00:00.000Z'],
  ])('%s 09:00 London is %s', (date, instant) => {
    expect(londonInstant(date, 9).toISOString()).toBe(instant);
  });

  it('midnight on the changeover days', () => {
    expect(londonInstant('2026-03-29', 0).toISOString()).toBe('2026-03-29T00:00:00.000Z');
    expect(londonInstant('2026-10-25', 0).toISOString()).toBe('2026-10-24T23:00:00.000Z');
  });
});

describe('nextCheckpoint: a case being worked (received Mon 2 Nov 2026, due Wed 2 Dec 2026)', () => {
  const c = aCase();

  it('is done once the case is closed', () => {
    const closed = apply(c, complete(c, staff('2026-11-05T10:00:00Z')));
    expect(nextCheckpoint(closed, new Date('2026-11-05T10:00:00Z'))).toEqual({ kind: 'done' });
    expect(dueCheckpoints(closed, new Date('2026-12-10T10:00:00Z'))).toEqual([]);
  });

  it('reminds the DPO 14, 7 and 2 working days before, escalates on the day and every working day after', () => {
    const { sent } = simulate(c, c.receivedAt, '2026-12-08T12:00:00Z');
    expect(sent).toEqual([
      { id: 'dpo-reminder-14:2026-12-02', at: '2026-11-12T09:00:00.000Z' },
      { id: 'dpo-reminder-7:2026-12-02', at: '2026-11-23T09:00:00.000Z' },
      { id: 'dpo-reminder-2:2026-12-02', at: '2026-11-30T09:00:00.000Z' },
      { id: 'due-today:2026-12-02', at: '2026-12-02T09:00:00.000Z' },
      { id: 'overdue:2026-12-03', at: '2026-12-03T09:00:00.000Z' },
      { id: 'overdue:2026-12-04', at: '2026-12-04T09:00:00.000Z' },
      { id: 'overdue:2026-12-07', at: '2026-12-07T09:00:00.000Z' }, // not Sat 5 or Sun 6
      { id: 'overdue:2026-12-08', at: '2026-12-08T09:00:00.000Z' },
    ]);
  });

  it('carries the level, the anchor and the working days overdue', () => {
    const [reminder] = dueCheckpoints(c, new Date('2026-11-23T09:00:00Z'));
    expect(reminder).toMatchObject({ kind: 'dpo-reminder', level: 7, anchor: '2026-12-02', on: '2026-11-23' });
    const [overdue] = dueCheckpoints(c, new Date('2026-12-07T10:00:00Z'));
    expect(overdue).toMatchObject({ kind: 'overdue', id: 'overdue:2026-12-07', workingDaysOverdue: 3, anchor: '2026-12-02' });
  });

  it('never sleeps longer than a week, and wakes when an extension warning would fall', () => {
    // Reminder 14 is on 12 Nov; the week's limit comes first.
    expect(nextCheckpoint(c, new Date(c.receivedAt))).toEqual({
      kind: 'recheck',
      id: 'recheck:2026-11-09T09:00:00.000Z',
      at: '2026-11-09T09:00:00.000Z',
      on: '2026-11-09',
    });
    // After reminder 7 (23 Nov) the next is reminder 2 (30 Nov); a warning would fall on 25 Nov.
    const after7 = simulate(c, c.receivedAt, '2026-11-23T12:00:00Z').final;
    expect(nextCheckpoint(after7, new Date('2026-11-23T12:00:00Z'))).toMatchObject({ kind: 'recheck', at: '2026-11-25T09:00:00.000Z' });
  });

  it('catches up without a flood: of reminders missed, only the latest still within the grace period goes', () => {
    expect(dueCheckpoints(c, new Date('2026-11-30T15:00:00Z')).map((x) => x.id)).toEqual(['dpo-reminder-2:2026-12-02']);
    // 25 hours late: dropped; the next is the due-today escalation.
    expect(dueCheckpoints(c, new Date('2026-12-01T10:00:00Z'))).toEqual([]);
    expect(nextCheckpoint(c, new Date('2026-12-01T10:00:00Z'))).toMatchObject({ id: 'due-today:2026-12-02' });
  });

  it('always escalates an overdue case, however late the keeper looks: today’s escalation only', () => {
    expect(dueCheckpoints(c, new Date('2026-12-10T10:00:00Z')).map((x) => x.id)).toEqual(['overdue:2026-12-10']);
    // Before 09:00 it is yesterday's that is due.
    expect(dueCheckpoints(c, new Date('2026-12-10T08:00:00Z')).map((x) => x.id)).toEqual(['overdue:2026-12-09']);
    // At the weekend, Friday's.
    expect(dueCheckpoints(c, new Date('2026-12-12T10:00:00Z')).map((x) => x.id)).toEqual(['overdue:2026-12-11']);
  });

  it('sends nothing the trail already records', () => {
    const at = new Date('2026-11-23T09:00:00Z');
    const [reminder] = dueCheckpoints(c, at);
    const recorded = recordNotice(c, reminder!, at);
    expect(dueCheckpoints(recorded, at)).toEqual([]);
    expect(isDue(recorded, reminder!.id, at)).toBe(false);
    expect(isDue(c, reminder!.id, at)).toBe(true);
  });
});

describe('nextCheckpoint: moves the keeper is not told about', () => {
  const c = aCase();

  it('an extension mid-way moves the due date; reminders follow the new date, none is repeated for the old', () => {
    const extendAt = '2026-11-25T14:00:00Z';
    const { sent, final } = simulate(c, c.receivedAt, '2027-02-03T12:00:00Z', [
      { at: extendAt, apply: (x, at) => apply(x, extend(x, { reason: 'Several systems to search', severalRequests: true }, staff(at))) },
      { at: '2027-02-03T11:00:00Z', apply: (x, at) => apply(x, complete(x, staff(at))) },
    ]);
    expect(final.dueOn).toBe('2027-02-02');
    expect(sent.map((s) => s.id)).toEqual([
      'dpo-reminder-14:2026-12-02',
      'dpo-reminder-7:2026-12-02',
      'dpo-reminder-14:2027-02-02',
      'dpo-reminder-7:2027-02-02',
      'dpo-reminder-2:2027-02-02',
      'due-today:2027-02-02',
      'overdue:2027-02-03',
    ]);
    expect(new Set(sent.map((s) => s.id)).size).toBe(sent.length);
  });

  it('a clarification pause stops the reminders; the answer moves the due date and they resume', () => {
    const { sent, final } = simulate(c, c.receivedAt, '2026-12-31T12:00:00Z', [
      { at: '2026-11-20T10:00:00Z', apply: (x, at) => apply(x, askForClarification(x, staff(at))) },
      { at: '2026-11-27T15:00:00Z', apply: (x, at) => apply(x, clarificationAnswered(x, staff(at))) },
      { at: '2026-12-14T16:00:00Z', apply: (x, at) => apply(x, complete(x, staff(at))) },
    ]);
    // 20–27 Nov paused (8 days): 2 Dec + 8 = Thu 10 Dec.
    expect(final.dueOn).toBe('2026-12-10');
    expect(sent.map((s) => s.id)).toEqual([
      'dpo-reminder-14:2026-12-02',
      // Reminder 7 for 2 Dec fell in the pause (23 Nov) and never went; the one for 10 Dec goes.
      // Reminder 14 is not repeated: the date moved 6 working days, less than its lead of 14.
      'dpo-reminder-7:2026-12-10',
      'dpo-reminder-2:2026-12-10',
      'due-today:2026-12-10',
      'overdue:2026-12-11',
      'overdue:2026-12-14',
    ]);
  });

  it('a short pause does not bring a second reminder of a level already sent', () => {
    const { sent } = simulate(c, c.receivedAt, '2026-11-26T12:00:00Z', [
      { at: '2026-11-23T12:00:00Z', apply: (x, at) => apply(x, askForClarification(x, staff(at))) },
      { at: '2026-11-24T12:00:00Z', apply: (x, at) => apply(x, clarificationAnswered(x, staff(at))) },
    ]);
    expect(sent.map((s) => s.id)).toEqual(['dpo-reminder-14:2026-12-02', 'dpo-reminder-7:2026-12-02']);
  });

  it('sleeps through a pause until the earliest checkpoint an answer today could bring', () => {
    const paused = apply(c, askForClarification(c, staff('2026-11-20T10:00:00Z')));
    expect(paused.dueOn).toBeNull();
    // Answered today, due 3 Dec: reminder 7 would fall on Tue 24 Nov.
    expect(nextCheckpoint(paused, new Date('2026-11-20T10:00:00Z'))).toMatchObject({ kind: 'recheck', at: '2026-11-24T09:00:00.000Z' });
    // A long silence costs a few wakes a month, not one a day.
    const { wakes, sent } = simulate(paused, '2026-11-20T10:00:00Z', '2026-12-20T10:00:00Z');
    expect(sent).toEqual([]);
    expect(wakes).toBeLessThanOrEqual(12);
  });

  it('identity asked for again stops the DPO reminders; the requester is reminded a week later', () => {
    const { sent } = simulate(c, c.receivedAt, '2026-11-30T12:00:00Z', [
      { at: '2026-11-13T10:00:00Z', apply: (x, at) => apply(x, askForIdentity(x, staff(at))) },
    ]);
    expect(sent.map((s) => s.id)).toEqual(['dpo-reminder-14:2026-12-02', 'verify-reminder:2026-11-13']);
    expect(sent[1]!.at).toBe('2026-11-20T09:00:00.000Z');
  });
});

describe('nextCheckpoint: the extension-notice limit of a complex case', () => {
  const complex = (at = '2026-11-03T10:00:00Z') => {
    const c = aCase();
    return apply(c, markComplex(c, staff(at)));
  };

  it('warns 5 working days before the limit', () => {
    const { sent } = simulate(complex(), '2026-11-03T10:00:00Z', '2026-11-26T12:00:00Z');
    expect(sent).toContainEqual({ id: 'extension-warning:2026-12-02', at: '2026-11-25T09:00:00.000Z' });
  });

  it('warns at once when marked complex after the warning day, until the limit day ends; not after, and not once extended', () => {
    const late = complex('2026-11-30T10:00:00Z');
    expect(dueCheckpoints(late, new Date('2026-11-30T10:00:00Z')).map((x) => x.id)).toContain('extension-warning:2026-12-02');
    expect(dueCheckpoints(late, new Date('2026-12-02T23:30:00Z')).map((x) => x.id)).toContain('extension-warning:2026-12-02');
    expect(dueCheckpoints(late, new Date('2026-12-03T00:30:00Z')).map((x) => x.id)).not.toContain('extension-warning:2026-12-02');
    const extended = apply(late, extend(late, { reason: 'Complex', severalRequests: true }, staff('2026-11-30T11:00:00Z')));
    expect(dueCheckpoints(extended, new Date('2026-11-30T12:00:00Z'))).toEqual([]);
  });

  it('a case marked complex while the keeper sleeps is warned on time (the keeper woke for it)', () => {
    const c = aCase();
    const { sent } = simulate(c, c.receivedAt, '2026-11-26T12:00:00Z', [
      { at: '2026-11-24T16:00:00Z', apply: (x, at) => apply(x, markComplex(x, staff(at))) },
    ]);
    expect(sent).toContainEqual({ id: 'extension-warning:2026-12-02', at: '2026-11-25T09:00:00.000Z' });
  });
});

describe('nextCheckpoint: identity never confirmed', () => {
  it('reminds the requester once after 7 days, closes after 30, and never reminds the DPO', () => {
    const c = awaitingIdentity('2026-11-02T10:00:00Z');
    const { sent, final } = simulate(c, c.receivedAt, '2027-01-31T00:00:00Z');
    expect(sent).toEqual([
      { id: 'verify-reminder:2026-11-02', at: '2026-11-09T09:00:00.000Z' },
      { id: 'close-unverified:2026-11-02', at: '2026-12-02T09:00:00.000Z' },
    ]);
    expect(final.status).toBe('closed');
  });

  it('moves a reminder that would fall on a weekend or a bank holiday to the next working day', () => {
    // Sat 7 Nov + 7 = Sat 14 Nov → Mon 16 Nov.
    expect(nextCheckpoint(awaitingIdentity('2026-11-07T10:00:00Z'), new Date('2026-11-14T10:00:00Z'))).toMatchObject({
      id: 'verify-reminder:2026-11-07',
      at: '2026-11-16T09:00:00.000Z',
    });
    // Fri 18 Dec + 7 = Christmas Day; Mon 28 Dec is the Boxing Day substitute → Tue 29 Dec.
    expect(nextCheckpoint(awaitingIdentity('2026-12-18T10:00:00Z'), new Date('2026-12-24T10:00:00Z'))).toMatchObject({
      id: 'verify-reminder:2026-12-18',
      at: '2026-12-29T09:00:00.000Z',
    });
  });

  it('a confirmation stops the identity track; the clock restarts and the DPO reminders follow the new due date', () => {
    const c = awaitingIdentity('2026-11-02T10:00:00Z');
    const { sent, final } = simulate(c, c.receivedAt, '2026-12-10T00:00:00Z', [
      { at: '2026-11-11T12:00:00Z', apply: (x, at) => apply(x, identityReceived(x, { at, actor: 'requester' })) },
    ]);
    expect(final.dueOn).toBe('2026-12-11');
    expect(sent.map((s) => s.id)).toEqual([
      'verify-reminder:2026-11-02',
      'dpo-reminder-14:2026-12-11',
      'dpo-reminder-7:2026-12-11',
      'dpo-reminder-2:2026-12-11',
    ]);
  });

  it('the verify reminder is late-tolerant until the closure, which supersedes it', () => {
    const c = awaitingIdentity('2026-11-02T10:00:00Z');
    expect(dueCheckpoints(c, new Date('2026-11-20T10:00:00Z')).map((x) => x.id)).toEqual(['verify-reminder:2026-11-02']);
    expect(dueCheckpoints(c, new Date('2026-12-03T10:00:00Z')).map((x) => x.id)).toEqual(['close-unverified:2026-11-02']);
    expect(closeUnverifiedCheckpoint(c)).toMatchObject({ on: '2026-12-02', at: '2026-12-02T09:00:00.000Z' });
  });
});

describe('nextCheckpoint across the clock changes and bank holidays', () => {
  it('spring 2026: reminders in GMT, then BST; Good Friday and Easter Monday skipped', () => {
    // Received Tue 3 Mar 2026: 3 Apr is Good Friday, 6 Apr Easter Monday → due Tue 7 Apr.
    const c = aCase({ ...receive({ ...base('2026-03-03T10:00:00Z') }).case });
    expect(c.dueOn).toBe('2026-04-07');
    const { sent } = simulate(c, c.receivedAt, '2026-04-08T12:00:00Z');
    expect(sent).toEqual([
      { id: 'dpo-reminder-14:2026-04-07', at: '2026-03-16T09:00:00.000Z' },
      { id: 'dpo-reminder-7:2026-04-07', at: '2026-03-25T09:00:00.000Z' }, // GMT
      { id: 'dpo-reminder-2:2026-04-07', at: '2026-04-01T08:00:00.000Z' }, // BST
      { id: 'due-today:2026-04-07', at: '2026-04-07T08:00:00.000Z' },
      { id: 'overdue:2026-04-08', at: '2026-04-08T08:00:00.000Z' },
    ]);
  });

  it('autumn 2026: BST until 25 October, GMT after', () => {
    // Received Fri 2 Oct 2026 → due Mon 2 Nov.
    const c = aCase({ ...receive({ ...base('2026-10-02T10:00:00Z') }).case });
    const { sent } = simulate(c, c.receivedAt, '2026-11-02T12:00:00Z');
    expect(sent).toEqual([
      { id: 'dpo-reminder-14:2026-11-02', at: '2026-10-13T08:00:00.000Z' },
      { id: 'dpo-reminder-7:2026-11-02', at: '2026-10-22T08:00:00.000Z' }, // BST
      { id: 'dpo-reminder-2:2026-11-02', at: '2026-10-29T09:00:00.000Z' }, // GMT
      { id: 'due-today:2026-11-02', at: '2026-11-02T09:00:00.000Z' },
    ]);
  });

  it('Scotland: St Andrew’s Day is not a working day', () => {
    const c = aCase({ ...receive({ ...base('2026-11-02T10:00:00Z'), nation: 'scotland' }).case });
    expect(c.dueOn).toBe('2026-12-02');
    // 2 working days before Wed 2 Dec: Tue 1 Dec, then (Mon 30 Nov a holiday) Fri 27 Nov.
    expect(nextCheckpoint(c, new Date('2026-11-26T10:00:00Z'))).toMatchObject({ id: 'dpo-reminder-2:2026-12-02', at: '2026-11-27T09:00:00.000Z' });
  });

  it('overdue escalations skip the Christmas bank holidays', () => {
    // Received Wed 25 Nov 2026 → due Tue 29 Dec (docs/rules.md's worked example).
    const c = aCase({ ...receive({ ...base('2026-11-25T10:00:00Z') }).case });
    expect(c.dueOn).toBe('2026-12-29');
    const { sent } = simulate(c, '2026-12-29T10:00:00Z', '2027-01-05T12:00:00Z');
    // 1 Jan 2027 is New Year's Day.
    expect(sent.map((s) => s.id)).toEqual([
      'due-today:2026-12-29',
      'overdue:2026-12-30',
      'overdue:2026-12-31',
      'overdue:2027-01-04',
      'overdue:2027-01-05',
    ]);
  });
});

describe('keeperOffsets', () => {
  it('defaults to the issue’s offsets', () => {
    expect(keeperOffsets()).toEqual({ ...DEFAULT_KEEPER_OFFSETS, dpoReminderWorkingDays: [14, 7, 2] });
  });

  it('takes other offsets, sorted and de-duplicated', () => {
    const o = keeperOffsets({ dpoReminderWorkingDays: [3, 10, 3], noticeHour: 8 });
    expect(o.dpoReminderWorkingDays).toEqual([10, 3]);
    const c = aCase();
    expect(dueCheckpoints(c, new Date('2026-11-27T08:30:00Z'), o).map((x) => x.id)).toEqual(['dpo-reminder-3:2026-12-02']);
  });

  it.each([
    [{ verifyReminderAfterDays: 0 }],
    [{ closeUnverifiedAfterDays: 7 }],
    [{ dpoReminderWorkingDays: [7, 0] }],
    [{ noticeHour: 24 }],
    [{ lateGraceHours: 0 }],
    [{ maxSleepDays: 1.5 }],
  ])('refuses %j', (bad) => {
    expect(() => keeperOffsets(bad as Partial<KeeperOffsets>)).toThrow(RangeError);
  });
});

describe('planner invariants (fast-check)', () => {
  const day = fc.integer({ min: toDayNumber('2025-01-01'), max: toDayNumber('2028-06-30') }).map(fromDayNumber);
  const arbitraryCase = fc
    .record({
      receivedOn: day,
      hour: fc.integer({ min: 0, max: 23 }),
      identity: fc.boolean(),
      complex: fc.boolean(),
      extendedAfter: fc.option(fc.integer({ min: 0, max: 20 }), { nil: undefined }),
      pause: fc.option(fc.record({ after: fc.integer({ min: 0, max: 25 }), length: fc.option(fc.integer({ min: 0, max: 15 }), { nil: undefined }) }), {
        nil: undefined,
      }),
      nation: fc.constantFrom('england-and-wales' as const, 'scotland' as const, 'northern-ireland' as const),
      lookAt: fc.integer({ min: 0, max: 120 * 24 }),
    })
    .map(({ receivedOn, hour, identity, complex, extendedAfter, pause, nation, lookAt }) => {
      const receivedAt = `${receivedOn}T${String(hour).padStart(2, '0')}:30:00Z`;
      let c = identity ? awaitingIdentity(receivedAt, nation) : aCase({ ...receive({ ...base(receivedAt), nation }).case });
      if (!identity) {
        if (complex) c = apply(c, markComplex(c, staff(receivedAt)));
        if (pause) {
          c = apply(c, askForClarification(c, staff(`${addDays(receivedOn, pause.after)}T12:00:00Z`)));
          if (pause.length !== undefined) c = apply(c, clarificationAnswered(c, staff(`${addDays(receivedOn, pause.after + pause.length)}T12:00:00Z`)));
        }
        if (extendedAfter !== undefined && c.dueOn && addDays(receivedOn, extendedAfter) <= c.extensionNoticeBy!) {
          c = apply(c, extend(c, { reason: 'Complex', severalRequests: true }, staff(`${addDays(receivedOn, extendedAfter)}T12:00:00Z`)));
        }
      }
      return { c, now: new Date(Date.parse(receivedAt) + lookAt * 3600_000) };
    });

  it('a notice falls at 09:00 London on a working day; the keeper never sleeps past a week; what is due is due', () => {
    fc.assert(
      fc.property(arbitraryCase, ({ c, now }) => {
        const plan = nextCheckpoint(c, now);
        if (plan.kind === 'done') return;
        const at = new Date(plan.at);
        expect(at.getTime()).toBeLessThanOrEqual(londonInstant(addDays(londonDateOf(now), DEFAULT_KEEPER_OFFSETS.maxSleepDays), 9).getTime());
        if (plan.kind !== 'recheck') {
          expect(londonInstant(plan.on, 9).toISOString()).toBe(plan.at);
          expect(isWorkingDay(plan.on, c.nation)).toBe(true);
        }
        const due = dueCheckpoints(c, now);
        if (due.length) expect(plan).toEqual(due[0]);
        else expect(at.getTime()).toBeGreaterThan(now.getTime());
      }),
      { numRuns: 300 },
    );
  });

  it('at most one notice per track is due at any moment', () => {
    fc.assert(
      fc.property(arbitraryCase, ({ c, now }) => {
        const due = dueCheckpoints(c, now);
        const track = (x: Checkpoint) => (x.kind === 'extension-warning' ? 'extension' : x.kind.includes('verif') ? 'identity' : 'deadline');
        expect(new Set(due.map(track)).size).toBe(due.length);
      }),
      { numRuns: 300 },
    );
  });
});

function base(receivedAt: string) {
  return {
    id: '01JCASE0000000000000000001',
    reference: 'RD-7K4M9P',
    rights: ['access' as const],
    channel: 'form' as const,
    requester: { fullName: 'Ada Example', email: 'ada@example.org' },
    receivedAt,
    actor: 'requester' as const,
    identityConfirmed: true,
  };
}
