/**
 * esbuild settings every Lambda bundle shares: ServiceFunction deploys with them and the
 * bundle bench (test/bench/bundles.bench.ts) measures with them. Nothing from aws-cdk-lib: the
 * bench and the bundling tests load this without the CDK.
 *
 * Paths starting with `./` are relative to the project root: esbuild resolves an alias in its
 * working directory, which NodejsFunction's local bundling sets to `projectRoot` (ServiceFunction
 * passes the repository root), and ESBUILD_OPTIONS sets to the same.
 */
import type { BuildOptions } from 'esbuild';
import { fileURLToPath } from 'node:url';

/**
 * esbuild emits ESM; bundled CommonJS dependencies (mailparser, date-holidays, parts of the
 * SDK) still call `require`, which does not exist in an ES module without this shim.
 */
export const ESM_REQUIRE_BANNER = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/** Stand-ins for the calendar systems GB holiday rules never use (infra/bundle-shims/unused-calendars.ts). */
const UNUSED_CALENDARS = './infra/bundle-shims/unused-calendars.ts';

/**
 * Module substitutions in every bundle:
 * - date-holidays-parser calls moment-timezone only for equinox holidays and a holiday's time
 *   zone; GB has no equinox holiday and shared/domain/calendar.ts clears the zone (it reads
 *   dates only), so moment is left out (~770 KB with its zone data, 62 KB without).
 * - date-holidays-parser also imports every calendar system it can compute (astronomical
 *   equinoxes, Julian, Chinese, Korean, Vietnamese, Persian, Bengali dates: ~165 KB). GB rules
 *   are Gregorian dates and Easter only, so those packages are replaced by stand-ins that throw
 *   if used (infra/bundle-shims/unused-calendars.ts).
 * - libmime ships an ES module and a CommonJS build; mailparser imports the one and mailsplit
 *   requires the other, so a bundle carried both (~90 KB). The CommonJS build serves both.
 * test/infra/service-function.test.ts and test/infra/bundling.test.ts run bundled calendars and
 * a bundled mail parser to prove them.
 */
export const BUNDLE_ALIASES: Readonly<Record<string, string>> = {
  'moment-timezone': UNUSED_CALENDARS,
  astronomia: UNUSED_CALENDARS,
  'astronomia/data/vsop87Bearth': UNUSED_CALENDARS,
  'date-chinese': UNUSED_CALENDARS,
  'jalaali-js': UNUSED_CALENDARS,
  'date-bengali-revised': UNUSED_CALENDARS,
  libmime: './node_modules/libmime/dist/cjs/libmime.js',
};

/** esbuild's target for the runtime above. */
export const BUNDLE_TARGET = 'node24';

/**
 * Non-ASCII text is written as UTF-8 rather than as `\uXXXX` escapes (esbuild's default), which
 * is what Node reads every module as. The charset tables of mailparser's decoders are CJK text,
 * more than twice as long escaped (~250 KB of the mail function). ServiceFunction:
 * `charset: Charset.UTF8`.
 */
export const BUNDLE_CHARSET = 'utf8';

/** iconv-lite's double-byte tables, each required by its codec on first use (iconv-lite/encodings/dbcs-data.js). */
const ICONV_TABLES = ['big5-added', 'cp936', 'cp949', 'cp950', 'eucjp', 'gb18030-ranges', 'gbk-added', 'shiftjis'].map((name) => `./tables/${name}.json`);

/** Where the encoding-japanese stand-in (infra/bundle-shims/encoding-japanese.ts) requires the package from, relative to the bundle. */
export const SHIPPED_ENCODING_JAPANESE = './node_modules/encoding-japanese';

/**
 * Charset data that a mail-reading function loads only when a message is written in that charset,
 * from files shipped next to the bundle instead of inside it:
 * - iconv-lite's Chinese, Japanese and Korean tables (~210 KB of the bundle). iconv-lite requires
 *   each one when its codec is first used; as externals those `require('./tables/….json')` calls
 *   read `tables/` beside index.mjs. (libmime builds the GBK codec as it loads, so cp936 and
 *   gbk-added are read at start, as JSON; the others wait for a message that needs them.)
 * - encoding-japanese (ISO-2022-JP, JIS, EUC-JP; ~90 KB), which libmime imports eagerly: a
 *   stand-in takes its place and requires the shipped package on the first such message.
 * `afterBundling` copies both, for a bundle that refers to them only. The three parts go together:
 * externals without the tables fail every cold start ("Cannot find module './tables/cp936.json'"),
 * and the alias without the package would decode Japanese mail as garbage. ServiceFunction:
 *   externalModules: [...LAZY_CHARSETS.external],
 *   esbuildArgs: the aliases of { ...BUNDLE_ALIASES, ...LAZY_CHARSETS.alias },
 *   commandHooks: { beforeBundling: () => [], beforeInstall: () => [], afterBundling: LAZY_CHARSETS.afterBundling },
 * test/unit/email/lazy-charsets.test.ts decodes mail in each of these charsets, and the whole
 * inbound corpus, through a bundle built and shipped this way.
 */
export const LAZY_CHARSETS = {
  alias: { 'encoding-japanese': './infra/bundle-shims/encoding-japanese.ts' } as Readonly<Record<string, string>>,
  external: ICONV_TABLES as readonly string[],
  /** Shell commands run after esbuild wrote `${outputDir}/index.mjs` (NodejsFunction commandHooks). */
  afterBundling(inputDir: string, outputDir: string): string[] {
    const shipIf = (marker: string, command: string) => `if grep -qF '${marker}' "${outputDir}/index.mjs"; then ${command}; fi`;
    const japanese = `${inputDir}/node_modules/encoding-japanese`;
    return [
      shipIf(
        ICONV_TABLES[0]!,
        `mkdir -p "${outputDir}/tables" && cp "${inputDir}/node_modules/iconv-lite/encodings/tables/"*.json "${outputDir}/tables/"`,
      ),
      shipIf(
        SHIPPED_ENCODING_JAPANESE,
        `mkdir -p "${outputDir}/node_modules/encoding-japanese" && cp -R "${japanese}/package.json" "${japanese}/LICENSE" "${japanese}/src" "${outputDir}/node_modules/encoding-japanese/"`,
      ),
    ];
  },
};

/**
 * All of the above as esbuild options, for code that runs esbuild itself (the bundle bench, the
 * bundling tests). ServiceFunction must pass the same through NodejsFunction's `bundling` props
 * (BUNDLE_CHARSET as `charset`, LAZY_CHARSETS as above). No source map: it is a separate file
 * and does not change the bundle.
 */
export const ESBUILD_OPTIONS: Readonly<BuildOptions> = {
  absWorkingDir: fileURLToPath(new URL('..', import.meta.url)),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: BUNDLE_TARGET,
  minify: true,
  mainFields: ['module', 'main'],
  banner: { js: ESM_REQUIRE_BANNER },
  charset: BUNDLE_CHARSET,
  alias: { ...BUNDLE_ALIASES, ...LAZY_CHARSETS.alias },
  external: [...LAZY_CHARSETS.external],
};
