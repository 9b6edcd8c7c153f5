/**
 * `npm run holidays:gb` regenerates shared/domain/gb-holiday-rules.json: the GB part of the
 * date-holidays rule data (rules, not dates), so Lambda bundles carry ~10 KB of rules
 * instead of every country's (the full set is ~800 KB). A unit test fails when the
 * installed date-holidays has different GB rules, so an upgrade cannot be forgotten.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { data } from 'date-holidays/data';

export const RULES_FILE = fileURLToPath(new URL('../../shared/domain/gb-holiday-rules.json', import.meta.url));

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every rule key of every `days` object under the GB tree, and every `_name` reference: the entries of `names` it uses. */
function ruleKeys(node: Json, into = new Set<string>()): Set<string> {
  if (node && typeof node === 'object' && !Array.isArray(node)) {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'days' && value && typeof value === 'object' && !Array.isArray(value)) Object.keys(value).forEach((k) => into.add(k));
      if (key === '_name' && typeof value === 'string') into.add(value);
      ruleKeys(value, into);
    }
  }
  return into;
}

export function gbHolidayRules(): Json {
  const all = data as { version: string; license: string; holidays: Record<string, Json>; names: Record<string, Json> };
  const gb = all.holidays.GB!;
  const used = ruleKeys(gb).add('substitutes'); // the parser names substitute days from names.substitutes
  const names = Object.fromEntries(Object.entries(all.names).filter(([key]) => used.has(key)));
  return { version: all.version, license: all.license, holidays: { GB: gb }, names };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(RULES_FILE, `${JSON.stringify(gbHolidayRules(), null, 1)}\n`);
  console.log(`wrote ${RULES_FILE}`);
}
