import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addDays, addMonthsClamped, daysBetween, fromDayNumber, isWorkingDay, toDayNumber } from '#domain/calendar';
import { NATIONS, computeDeadline, explainDeadline, type Clarification, type DeadlineInput } from '#domain/deadlines';

// Dates where the bank-holiday data has been checked against gov.uk (2025–2028), with room
// for three months and pauses after the last clock start.
const date = (from: string, to: string) => fc.integer({ min: toDayNumber(from), max: toDayNumber(to) }).map(fromDayNumber);

/** A request with answered clarifications placed around its dates (some before the clock start). */
const answeredInput: fc.Arbitrary<DeadlineInput> = fc
  .record({
    receivedOn: date('2025-01-01', '2028-06-30'),
    identityDelay: fc.option(fc.integer({ min: -5, max: 30 }), { nil: undefined }),
    feeDelay: fc.option(fc.integer({ min: -5, max: 30 }), { nil: undefined }),
    pauses: fc.array(fc.record({ offset: fc.integer({ min: -10, max: 60 }), length: fc.integer({ min: 0, max: 20 }) }), { maxLength: 4 }),
    extended: fc.boolean(),
    nation: fc.constantFrom(...NATIONS),
  })
  .map(({ receivedOn, identityDelay, feeDelay, pauses, extended, nation }) => ({
    receivedOn,
    ...(identityDelay === undefined ? {} : { identityReceivedOn: addDays(receivedOn, identityDelay) }),
    ...(feeDelay === undefined ? {} : { feeReceivedOn: addDays(receivedOn, feeDelay) }),
    clarifications: pauses.map(({ offset, length }) => ({
      askedOn: addDays(receivedOn, offset),
      answeredOn: addDays(receivedOn, offset + length),
    })),
    extended,
    nation,
  }));

const dueOf = (input: DeadlineInput): string => {
  const { dueOn } = computeDeadline(input);
  if (dueOn === null) throw new Error('expected a due date');
  return dueOn;
};

describe('deadline invariants (fast-check)', () => {
  it('the due date and the notice limit are working days of the nation', () => {
    fc.assert(
      fc.property(answeredInput, (input) => {
        const d = computeDeadline(input);
        expect(isWorkingDay(d.dueOn!, input.nation)).toBe(true);
        expect(isWorkingDay(d.extensionNoticeBy!, input.nation)).toBe(true);
      }),
    );
  });

  it('the roll is minimal: every day skipped is a non-working day, and at most four are skipped', () => {
    fc.assert(
      fc.property(answeredInput, (input) => {
        const w = explainDeadline(input);
        const skipped = daysBetween(w.dueBeforeRoll!, w.dueOn!);
        // The longest UK run of non-working days is four (Easter; Christmas or, in Scotland,
        // New Year falling at a weekend).
        expect(skipped).toBeGreaterThanOrEqual(0);
        expect(skipped).toBeLessThanOrEqual(4);
        for (let i = 0; i < skipped; i += 1) expect(isWorkingDay(addDays(w.dueBeforeRoll!, i), input.nation)).toBe(false);
      }),
    );
  });

  it('the clock starts on the latest of received, identity and fee dates', () => {
    fc.assert(
      fc.property(answeredInput, (input) => {
        const dates = [input.receivedOn, input.identityReceivedOn, input.feeReceivedOn].filter((d): d is string => d !== undefined);
        expect(computeDeadline(input).clockStartsOn).toBe(dates.sort().at(-1));
      }),
    );
  });

  it('is never earlier than 28 days after the clock start', () => {
    fc.assert(
      fc.property(answeredInput, (input) => {
        const d = computeDeadline(input);
        expect(daysBetween(d.clockStartsOn, d.dueOn!)).toBeGreaterThanOrEqual(28);
        expect(daysBetween(d.clockStartsOn, d.extensionNoticeBy!)).toBeGreaterThanOrEqual(28);
      }),
    );
  });

  it('stays within the window: months from the clock start + paused days + the roll', () => {
    fc.assert(
      fc.property(answeredInput, (input) => {
        const w = explainDeadline(input);
        const months = input.extended ? 3 : 1;
        const latest = addDays(addMonthsClamped(w.clockStartsOn, months), w.pausedDays + 4);
        expect(w.dueOn! <= latest).toBe(true);
        // and never more paused days than days in the pauses themselves
        const span = (input.clarifications ?? []).reduce((n, c) => n + daysBetween(c.askedOn, c.answeredOn!) + 1, 0);
        expect(w.pausedDays).toBeLessThanOrEqual(span);
      }),
    );
  });

  it('an extension never shortens the deadline, and the notice limit is the unextended due date', () => {
    fc.assert(
      fc.property(answeredInput, (input) => {
        const plain = computeDeadline({ ...input, extended: false });
        const extended = computeDeadline({ ...input, extended: true });
        expect(extended.dueOn! >= plain.dueOn!).toBe(true);
        expect(daysBetween(plain.dueOn!, extended.dueOn!)).toBeGreaterThanOrEqual(59 - 4); // two months, less a roll
        expect(extended.extensionNoticeBy).toBe(plain.dueOn);
        expect(plain.extensionNoticeBy).toBe(plain.dueOn);
      }),
    );
  });

  it('each new paused day on or after the clock start moves the date by exactly one day before the roll', () => {
    fc.assert(
      fc.property(answeredInput, fc.integer({ min: 0, max: 90 }), (input, offset) => {
        const before = explainDeadline(input);
        const day = addDays(before.clockStartsOn, offset);
        const after = explainDeadline({ ...input, clarifications: [...(input.clarifications ?? []), { askedOn: day, answeredOn: day }] });
        const alreadyPaused = (input.clarifications ?? []).some((c) => c.askedOn <= day && day <= c.answeredOn!);

        expect(after.dueOn! >= before.dueOn!).toBe(true);
        expect(after.extensionNoticeBy! >= before.extensionNoticeBy!).toBe(true);
        expect(after.pausedDays - before.pausedDays).toBe(alreadyPaused ? 0 : 1);
        expect(daysBetween(before.dueBeforeRoll!, after.dueBeforeRoll!)).toBe(alreadyPaused ? 0 : 1);
      }),
    );
  });

  it('a pause wholly before the clock start changes nothing', () => {
    fc.assert(
      fc.property(answeredInput, fc.integer({ min: 1, max: 30 }), fc.integer({ min: 0, max: 10 }), (input, back, length) => {
        const start = computeDeadline(input).clockStartsOn;
        const askedOn = addDays(start, -back - length);
        const answeredOn = addDays(start, -back);
        const clarifications = [...(input.clarifications ?? []), { askedOn, answeredOn }];
        expect(computeDeadline({ ...input, clarifications })).toEqual(computeDeadline(input));
      }),
    );
  });

  it('does not depend on the order clarifications are listed in', () => {
    fc.assert(
      fc.property(
        answeredInput.chain((input) =>
          fc.tuple(fc.constant(input), fc.shuffledSubarray(input.clarifications ?? [], { minLength: (input.clarifications ?? []).length })),
        ),
        ([input, shuffled]) => {
          expect(computeDeadline({ ...input, clarifications: shuffled })).toEqual(computeDeadline(input));
        },
      ),
    );
  });

  it('an outstanding question always removes the due date and the notice limit', () => {
    fc.assert(
      fc.property(answeredInput, fc.integer({ min: -10, max: 60 }), (input, offset) => {
        const open: Clarification = { askedOn: addDays(input.receivedOn, offset) };
        const d = computeDeadline({ ...input, clarifications: [...(input.clarifications ?? []), open] });
        expect(d).toEqual({ clockStartsOn: computeDeadline(input).clockStartsOn, dueOn: null, extensionNoticeBy: null });
      }),
    );
  });

  it('without pauses, a later clock start never gives an earlier due date', () => {
    // Only without pauses: a restart can cut off paused days that fell before the new clock
    // start (rule 4), e.g. received 29 Mar 2028, paused 29 Mar–1 Apr → due 3 May, but with ID
    // arriving 31 Mar only 31 Mar–1 Apr count → due 2 May.
    fc.assert(
      fc.property(answeredInput, fc.integer({ min: 0, max: 40 }), (withPauses, delay) => {
        const input = { ...withPauses, clarifications: [] };
        const restarted = { ...input, identityReceivedOn: addDays(computeDeadline(input).clockStartsOn, delay) };
        expect(dueOf(restarted) >= dueOf(input)).toBe(true);
      }),
    );
  });

  it('a restart cuts off paused days before the new clock start (the counterexample above)', () => {
    const input: DeadlineInput = { receivedOn: '2028-03-29', clarifications: [{ askedOn: '2028-03-29', answeredOn: '2028-04-01' }] };
    expect(dueOf(input)).toBe('2028-05-03');
    expect(dueOf({ ...input, identityReceivedOn: '2028-03-31' })).toBe('2028-05-02');
  });
});
