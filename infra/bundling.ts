/**
 * esbuild settings every Lambda bundle shares: ServiceFunction deploys with them and the
 * bundle bench (test/bench/bundles.bench.ts) measures with them. No imports: the bench loads
 * this without aws-cdk-lib.
 */

/**
 * esbuild emits ESM; bundled CommonJS dependencies (mailparser, date-holidays, parts of the
 * SDK) still call `require`, which does not exist in an ES module without this shim.
 */
export const ESM_REQUIRE_BANNER = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/**
 * Module substitutions in every bundle. date-holidays-parser imports moment-timezone only for
 * equinox-based holidays, which GB does not have; its data-less build saves ~700 KB of world
 * time zones per bundle. test/infra/service-function.test.ts runs a bundled calendar to prove it.
 */
export const BUNDLE_ALIASES: Readonly<Record<string, string>> = { 'moment-timezone': 'moment-timezone/moment-timezone.js' };

/** esbuild's target for the runtime above. */
export const BUNDLE_TARGET = 'node24';
