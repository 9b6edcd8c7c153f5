import Holidays from 'date-holidays';
import { describe, expect, it } from 'vitest';
import { gbHolidayRules } from '#infra/tools/gb-holiday-rules';
import GB_RULES from '#domain/gb-holiday-rules.json';
import { bankHolidays } from '#domain/calendar';

describe('GB holiday rules shipped with the code', () => {
  it('are exactly the GB rules of the installed date-holidays (run `npm run holidays:gb` after upgrading it)', () => {
    expect(GB_RULES).toEqual(gbHolidayRules());
  });

  it('give the same bank holidays as the full date-holidays package, 1990-2099, every nation', () => {
    const regions = { 'england-and-wales': 'ENG', scotland: 'SCT', 'northern-ireland': 'NIR' } as const;
    for (const [nation, region] of Object.entries(regions)) {
      const full = new Holidays('GB', region, { types: ['public', 'bank'] });
      for (let year = 1990; year < 2100; year++) {
        const expected = full
          .getHolidays(year)
          .map((h) => h.date.slice(0, 10))
          .filter((d) => d.startsWith(`${year}-`) && ![0, 6].includes(new Date(`${d}T12:00:00Z`).getUTCDay()));
        expect(bankHolidays(year, nation as keyof typeof regions), `${nation} ${year}`).toEqual([...new Set(expected)].sort());
      }
    }
  });
});
