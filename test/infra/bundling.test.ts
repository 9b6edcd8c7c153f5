/**
 * The module substitutions of the Lambda bundles (infra/bundling.ts, BUNDLE_ALIASES), bundled
 * for real with the Lambda settings: the calendar systems left out are never needed by the GB
 * rules and fail loudly if ever used, and the mail parser carries one libmime (that it still reads
 * every message as before is test/unit/email/lazy-charsets.test.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ESBUILD_OPTIONS } from '#infra/bundling';
import { bankHolidays, NATIONS } from '#domain/calendar';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LEFT_OUT = /node_modules\/(astronomia|date-chinese|jalaali-js|date-bengali-revised|moment|moment-timezone)\//;

type HolidaysClass = new (data: unknown, country: string) => { getHolidays(year: number): { date: string }[] };

describe('the bank-holiday calendar, bundled', () => {
  let dir: string;
  let inputs: string[];
  let bundled: { bankHolidays: typeof bankHolidays; Holidays: HolidaysClass };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rightsdesk-calendar-'));
    const result = await build({
      ...ESBUILD_OPTIONS,
      stdin: {
        contents: "export { bankHolidays } from './shared/domain/calendar.ts'; export { default as Holidays } from 'date-holidays-parser';",
        resolveDir: REPO_ROOT,
        sourcefile: 'calendar-entry.js',
        loader: 'js',
      },
      outfile: join(dir, 'index.mjs'),
      metafile: true,
      logLevel: 'error',
    });
    inputs = Object.keys(result.metafile.inputs);
    bundled = (await import(pathToFileURL(join(dir, 'index.mjs')).href)) as typeof bundled;
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('leaves out the calendar systems and the time zones GB rules do not use', () => {
    expect(inputs.filter((path) => LEFT_OUT.test(path))).toEqual([]);
  });

  it('gives the same bank holidays as the unbundled calendar, every nation, 1900-2199', () => {
    for (const nation of NATIONS) {
      for (let year = 1900; year < 2200; year++) {
        expect(bundled.bankHolidays(year, nation), `${nation} ${year}`).toEqual(bankHolidays(year, nation));
      }
    }
  });

  it('throws, rather than computing a wrong date, for a rule that needs a calendar left out', () => {
    const data = (days: Record<string, string>) => ({ holidays: { XX: { names: { en: 'Test' }, days } } });
    for (const rule of ['march equinox', 'julian 12-25', 'chinese 01-0-01', '1 Farvardin', 'bengali-revised 1-1']) {
      expect(() => new bundled.Holidays(data({ [rule]: 'Test' }), 'XX').getHolidays(2026), rule).toThrow(/left out of Lambda bundles/);
    }
    // The same data with a Gregorian rule works, so it is the calendar that fails, not the data.
    expect(new bundled.Holidays(data({ '12-25': 'Test' }), 'XX').getHolidays(2026).map((h) => h.date.slice(0, 10))).toEqual(['2026-12-25']);
  });
});

describe('the mail parser, bundled', () => {
  it('carries one libmime: the CommonJS build, which mailparser and mailsplit share', async () => {
    const result = await build({
      ...ESBUILD_OPTIONS,
      entryPoints: [join(REPO_ROOT, 'shared/email/parse-mail.ts')],
      write: false,
      metafile: true,
      logLevel: 'error',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((path) => path.includes('node_modules/libmime/dist/esm/'))).toEqual([]);
    expect(inputs.filter((path) => path.endsWith('node_modules/libmime/dist/cjs/libmime.js'))).toHaveLength(1);
  });
});
