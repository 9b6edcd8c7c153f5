import { describe, expect, it } from 'vitest';
import { computeDeadline, countPausedDays, explainDeadline, londonDateOf, type DeadlineInput } from '#domain/deadlines';
import { InvalidClarificationError, InvalidDateError, InvalidNationError } from '#domain/errors';

const due = (input: DeadlineInput) => computeDeadline(input).dueOn;

describe('docs/rules.md worked examples (England and Wales)', () => {
  it('received Thu 3 Sep 2026 → Sat 3 Oct → Mon 5 Oct 2026', () => {
    expect(computeDeadline({ receivedOn: '2026-09-03' })).toEqual({
      clockStartsOn: '2026-09-03',
      dueOn: '2026-10-05',
      extensionNoticeBy: '2026-10-05',
    });
  });

  it('received Sat 31 Jan 2026 → Sat 28 Feb → Mon 2 Mar 2026', () => {
    expect(due({ receivedOn: '2026-01-31' })).toBe('2026-03-02');
  });

  it('received Wed 25 Nov 2026 → Christmas, weekend, Boxing Day substitute → Tue 29 Dec 2026', () => {
    expect(due({ receivedOn: '2026-11-25' })).toBe('2026-12-29');
  });

  it('received 30 Oct 2026 → Mon 30 Nov 2026 in England, Tue 1 Dec in Scotland (St Andrew’s Day)', () => {
    expect(due({ receivedOn: '2026-10-30' })).toBe('2026-11-30');
    expect(due({ receivedOn: '2026-10-30', nation: 'england-and-wales' })).toBe('2026-11-30');
    expect(due({ receivedOn: '2026-10-30', nation: 'scotland' })).toBe('2026-12-01');
    expect(due({ receivedOn: '2026-10-30', nation: 'northern-ireland' })).toBe('2026-11-30');
  });

  it('extension: 31 Jan 2026 → 30 Apr 2026, three months from the clock start, never chained (28 Apr)', () => {
    expect(computeDeadline({ receivedOn: '2026-01-31', extended: true })).toEqual({
      clockStartsOn: '2026-01-31',
      dueOn: '2026-04-30',
      extensionNoticeBy: '2026-03-02', // the unextended due date (rule 6)
    });
  });

  it('extension then working-day roll: 31 May 2026 → 31 Aug (summer bank holiday) → Tue 1 Sep; Scotland keeps 31 Aug', () => {
    expect(due({ receivedOn: '2026-05-31', extended: true })).toBe('2026-09-01');
    expect(due({ receivedOn: '2026-05-31', extended: true, nation: 'scotland' })).toBe('2026-08-31');
    expect(due({ receivedOn: '2026-08-31', extended: true, nation: 'scotland' })).toBe('2026-12-01'); // 30 Nov St Andrew's
    expect(due({ receivedOn: '2026-08-31', extended: true })).toBe('2026-11-30');
  });

  it('the BST example: an email at 23:30 UTC on 31 Mar 2026 is received on 1 Apr → due Fri 1 May 2026', () => {
    const receivedOn = londonDateOf('2026-03-31T23:30:00Z');
    expect(receivedOn).toBe('2026-04-01');
    expect(due({ receivedOn })).toBe('2026-05-01');
  });
});

describe('month arithmetic (rule 2)', () => {
  it.each([
    ['2026-03-31', '2026-04-30', 'no 31 April'],
    ['2026-01-30', '2026-03-02', '28 Feb 2026 is a Saturday'],
    ['2028-01-31', '2028-02-29', 'leap year, Tue 29 Feb'],
    ['2028-01-29', '2028-02-29', 'same day-of-month exists in a leap February'],
    ['2032-01-31', '2032-03-01', 'leap day is a Sunday → Mon 1 Mar'],
    ['2027-01-31', '2027-03-01', 'Sun 28 Feb 2027 → Mon 1 Mar'],
    ['2026-05-31', '2026-06-30', 'no 31 June'],
    ['2026-08-31', '2026-09-30', 'no 31 September'],
    ['2026-12-15', '2027-01-15', 'across the year end'],
    ['2026-12-01', '2027-01-04', 'Fri 1 Jan 2027 is New Year’s Day, then a weekend'],
  ])('%s → %s (%s)', (receivedOn, expected) => {
    expect(due({ receivedOn })).toBe(expected);
  });

  it('extended clamping is from the clock start: 30 Nov 2026 → 28 Feb 2027 (Sun) → Mon 1 Mar', () => {
    expect(due({ receivedOn: '2026-11-30', extended: true })).toBe('2027-03-01');
  });
});

describe('clock start (rule 1)', () => {
  it('restarts when requested ID arrives', () => {
    expect(computeDeadline({ receivedOn: '2026-09-03', identityReceivedOn: '2026-09-10' })).toEqual({
      clockStartsOn: '2026-09-10',
      dueOn: '2026-10-12', // Sat 10 Oct → Mon 12 Oct
      extensionNoticeBy: '2026-10-12',
    });
  });

  it('restarts when a fee arrives', () => {
    expect(computeDeadline({ receivedOn: '2026-09-03', feeReceivedOn: '2026-09-14' })).toMatchObject({
      clockStartsOn: '2026-09-14',
      dueOn: '2026-10-14',
    });
  });

  it('is the latest of the three dates, whatever their order', () => {
    expect(computeDeadline({ receivedOn: '2026-09-03', identityReceivedOn: '2026-09-20', feeReceivedOn: '2026-09-14' }).clockStartsOn).toBe('2026-09-20');
    expect(computeDeadline({ receivedOn: '2026-09-03', identityReceivedOn: '2026-09-14', feeReceivedOn: '2026-09-20' }).clockStartsOn).toBe('2026-09-20');
    // An earlier date (e.g. ID already on file) never moves the clock back.
    expect(computeDeadline({ receivedOn: '2026-09-03', identityReceivedOn: '2026-09-01' }).clockStartsOn).toBe('2026-09-03');
  });
});

describe('clarification pause (rule 4)', () => {
  it('pauses from the ask day to the answer day, both inclusive', () => {
    const working = explainDeadline({
      receivedOn: '2026-09-03',
      clarifications: [{ askedOn: '2026-09-10', answeredOn: '2026-09-12' }],
    });
    expect(working.pausedDays).toBe(3);
    expect(working.dueBeforeRoll).toBe('2026-10-06'); // 3 Oct + 3
    expect(working.dueOn).toBe('2026-10-06'); // Tuesday
    expect(working.extensionNoticeBy).toBe('2026-10-06'); // the pause pushes the notice limit too
  });

  it('a question answered the same day pauses one day', () => {
    const working = explainDeadline({
      receivedOn: '2026-09-03',
      clarifications: [{ askedOn: '2026-09-10', answeredOn: '2026-09-10' }],
    });
    expect(working.pausedDays).toBe(1);
    expect(working.dueBeforeRoll).toBe('2026-10-04'); // Sunday
    expect(working.dueOn).toBe('2026-10-05');
  });

  it('counts overlapping pauses once', () => {
    const input: DeadlineInput = {
      receivedOn: '2026-09-03',
      clarifications: [
        { askedOn: '2026-09-10', answeredOn: '2026-09-14' },
        { askedOn: '2026-09-12', answeredOn: '2026-09-16' }, // overlaps 12–14
        { askedOn: '2026-09-15', answeredOn: '2026-09-15' }, // inside the second
      ],
    };
    expect(explainDeadline(input).pausedDays).toBe(7); // 10–16 Sep
    expect(due(input)).toBe('2026-10-12'); // Sat 10 Oct → Mon 12 Oct
  });

  it('counts adjacent pauses fully', () => {
    expect(
      countPausedDays('2026-09-03', [
        { askedOn: '2026-09-10', answeredOn: '2026-09-11' },
        { askedOn: '2026-09-12', answeredOn: '2026-09-13' },
      ]),
    ).toBe(4);
  });

  it('does not count days before the clock start', () => {
    // Asked 4 Sep, ID arrived 6 Sep (clock restarts), answered 8 Sep: only 6, 7, 8 count.
    const input: DeadlineInput = {
      receivedOn: '2026-09-03',
      identityReceivedOn: '2026-09-06',
      clarifications: [{ askedOn: '2026-09-04', answeredOn: '2026-09-08' }],
    };
    expect(explainDeadline(input).pausedDays).toBe(3);
    expect(due(input)).toBe('2026-10-09'); // 6 Oct + 3
    // A pause wholly before the clock start counts for nothing.
    expect(
      due({ receivedOn: '2026-09-03', identityReceivedOn: '2026-09-10', clarifications: [{ askedOn: '2026-09-04', answeredOn: '2026-09-09' }] }),
    ).toBe(due({ receivedOn: '2026-09-03', identityReceivedOn: '2026-09-10' }));
  });

  it('pushes the extended due date by the same days', () => {
    const input: DeadlineInput = {
      receivedOn: '2026-01-31',
      extended: true,
      clarifications: [{ askedOn: '2026-02-02', answeredOn: '2026-02-06' }],
    };
    // 30 Apr + 5 = 5 May; 4 May is the early May bank holiday but 5 May is a Tuesday.
    expect(computeDeadline(input)).toEqual({ clockStartsOn: '2026-01-31', dueOn: '2026-05-05', extensionNoticeBy: '2026-03-05' });
  });

  it('has no due date and no notice limit while an answer is outstanding', () => {
    expect(
      computeDeadline({
        receivedOn: '2026-09-03',
        extended: true,
        clarifications: [{ askedOn: '2026-09-05', answeredOn: '2026-09-06' }, { askedOn: '2026-09-10' }],
      }),
    ).toEqual({ clockStartsOn: '2026-09-03', dueOn: null, extensionNoticeBy: null });
  });

  it('an outstanding question asked before a clock restart still stops the clock', () => {
    expect(computeDeadline({ receivedOn: '2026-09-03', identityReceivedOn: '2026-09-10', clarifications: [{ askedOn: '2026-09-04' }] })).toEqual({
      clockStartsOn: '2026-09-10',
      dueOn: null,
      extensionNoticeBy: null,
    });
  });
});

describe('malformed input', () => {
  it.each([
    [{ receivedOn: '2026-02-30' }],
    [{ receivedOn: 'yesterday' }],
    [{ receivedOn: '2026-9-3' }],
    [{ receivedOn: '2026-09-03T10:00:00Z' }],
    [{ receivedOn: '2026-09-03', identityReceivedOn: '2026-02-29' }],
    [{ receivedOn: '2026-09-03', feeReceivedOn: 'tomorrow' }],
    [{ receivedOn: '2026-09-03', clarifications: [{ askedOn: '2026-09-31' }] }],
    [{ receivedOn: '2026-09-03', clarifications: [{ askedOn: '2026-09-10', answeredOn: '10/09/2026' }] }],
  ])('%j throws InvalidDateError', (input) => {
    expect(() => computeDeadline(input as DeadlineInput)).toThrow(InvalidDateError);
  });

  it('an answer before its question throws InvalidClarificationError', () => {
    expect(() => computeDeadline({ receivedOn: '2026-09-03', clarifications: [{ askedOn: '2026-09-10', answeredOn: '2026-09-09' }] })).toThrow(
      InvalidClarificationError,
    );
  });

  it('an unknown nation throws InvalidNationError', () => {
    expect(() => computeDeadline({ receivedOn: '2026-09-03', nation: 'wales' as never })).toThrow(InvalidNationError);
  });
});
