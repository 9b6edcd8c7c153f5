/**
 * Stands in for encoding-japanese in a Lambda bundle (LAZY_CHARSETS in infra/bundling.ts).
 * libmime imports it eagerly but calls it only for a message in ISO-2022-JP, JIS or EUC-JP, so
 * the package is shipped beside the bundle and required from there by the first such message,
 * not parsed at every cold start.
 */
import { createRequire } from 'node:module';

let loaded: Record<PropertyKey, unknown> | undefined;

// import.meta.url is the bundle's own file (index.mjs); LAZY_CHARSETS.afterBundling ships the
// package to this path (SHIPPED_ENCODING_JAPANESE) beside it.
const load = (): Record<PropertyKey, unknown> =>
  (loaded ??= createRequire(import.meta.url)('./node_modules/encoding-japanese') as Record<PropertyKey, unknown>);

/** The real module's members, each read from it when first used. */
export default new Proxy<Record<PropertyKey, unknown>>(
  {},
  {
    get: (_target, key) => load()[key],
    has: (_target, key) => key in load(),
  },
);
