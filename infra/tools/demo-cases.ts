/**
 * `npm run demo:cases -- --month 2026-11 [--count 300] [--seed 1]`: writes a month of generated
 * cases (infra/tools/case-generator.ts) into the running local stack's table, found through
 * .data/endpoints.json. Idempotent per (month, seed): ids and references derive from them, so a
 * re-run finds its cases already there and writes only those it lacks (a larger --count).
 * Prints counts and outcomes only: no names, no addresses.
 */
import '#infra/local/polyfills';
import { parseArgs } from 'node:util';
import { DynamoCaseStore } from '#adapters/dynamo-case-store';
import { localDynamoClient } from '#infra/local/emulators';
import { LocalStackNotRunningError, readLocalEndpoints } from '#infra/local/endpoints';
import { DEFAULT_DATA_DIR } from '#infra/local/stack';
import { systemClock } from '#shared/ports';
import { generateCases, outcomeSummary, writeCases } from './case-generator';

const USAGE = 'Usage: npm run demo:cases -- --month YYYY-MM [--count 300] [--seed 1]   (with `npm start` running)';

function fail(message: string, code = 1): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

function wholeNumber(value: string, name: string): number {
  if (!/^\d+$/.test(value)) fail(`--${name} must be a whole number, not "${value}".\n${USAGE}`, 2);
  return Number(value);
}

let args: { month?: string; count: string; seed: string };
try {
  args = parseArgs({
    options: { month: { type: 'string' }, count: { type: 'string', default: '300' }, seed: { type: 'string', default: '1' } },
    strict: true,
  }).values;
} catch (err) {
  fail(`${(err as Error).message}\n${USAGE}`, 2);
}
if (args.month === undefined) fail(USAGE, 2);
const month = args.month;
const count = wholeNumber(args.count, 'count');
const seed = wholeNumber(args.seed, 'seed');

let endpoints;
try {
  endpoints = readLocalEndpoints(DEFAULT_DATA_DIR);
} catch (err) {
  if (err instanceof LocalStackNotRunningError) fail(err.message);
  throw err;
}

let generated;
try {
  generated = generateCases({ month, count, seed });
} catch (err) {
  if (err instanceof RangeError) fail(err.message, 2);
  throw err;
}

const client = localDynamoClient(endpoints.dynamodb);
try {
  const started = performance.now();
  const store = new DynamoCaseStore({ client, tableName: endpoints.casesTable, clock: systemClock });
  const { written, existing } = await writeCases(store, generated);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `${month}, seed ${seed}: wrote ${written} case(s) to ${endpoints.casesTable} in ${seconds} s${existing ? `; ${existing} already there` : ''}.`,
  );
  const summary = Object.entries(outcomeSummary(generated)).filter(([, n]) => n > 0);
  console.log(`By outcome: ${summary.map(([outcome, n]) => `${outcome.replace(/_/g, ' ')} ${n}`).join(', ')}.`);
  console.log(`Open cases get their deadline keeper at the stack's next hourly keeper sweep, or when it restarts.`);
} finally {
  client.destroy();
}
