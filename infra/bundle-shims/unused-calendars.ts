/**
 * Stands in, in Lambda bundles only (BUNDLE_ALIASES in infra/bundling.ts), for the calendar
 * systems date-holidays-parser imports but GB holiday rules never use: astronomia (equinoxes and
 * Julian dates), date-chinese, jalaali-js and date-bengali-revised; and for moment-timezone,
 * which it calls only for a holiday's time zone (shared/domain/calendar.ts computes dates only). test/infra/bundling.test.ts
 * checks that the bundled calendar gives the same bank holidays as the unbundled one (every
 * nation, 1900-2199). Should a rule ever need one of these, using it throws instead of computing
 * a wrong date.
 */

function unavailable(what: string): never {
  throw new Error(
    `${what} is left out of Lambda bundles (infra/bundling.ts, BUNDLE_ALIASES): the GB holiday rules use Gregorian and Easter dates only, without time zones.`,
  );
}

/** A stand-in: callable, constructible and with any member, all of it left out. */
interface LeftOut {
  (...args: unknown[]): never;
  new (...args: unknown[]): never;
  readonly [member: string]: LeftOut;
}

/**
 * Throws when called or constructed. Reading a member gives another such stand-in, because
 * importers read some members when they load (Jalaali.js: `const { toGregorian } = jalaali`).
 */
export function leftOut(what: string): LeftOut {
  return new Proxy(function leftOut() {}, {
    get: (_target, key) => (key === 'prototype' ? {} : leftOut(what)),
    apply: () => unavailable(what),
    construct: () => unavailable(what),
  }) as unknown as LeftOut;
}

// astronomia, as date-holidays-parser's Equinox.js and Julian.js import it. Equinox.js builds a
// Planet when it is imported, so that much works; computing with it does not.
export const solstice = leftOut('astronomia (equinoxes)');
export const julian = leftOut('astronomia (Julian calendar)');
export const planetposition = {
  Planet: class Planet {
    constructor(readonly data: unknown) {}
  },
};

// date-chinese, as date-holidays-parser's Chinese.js imports it.
export const CalendarChinese = leftOut('date-chinese');
export const CalendarKorean = leftOut('date-chinese');
export const CalendarVietnamese = leftOut('date-chinese');

// The default export of jalaali-js, date-bengali-revised and astronomia/data/vsop87Bearth (the
// Earth data handed to the Planet above, which never computes with it).
export default leftOut('jalaali-js, date-bengali-revised, astronomia data or moment-timezone');
