/**
 * Lambda bundle sizes (cold-start weight): every HTTP route's entry bundled with
 * ServiceFunction's esbuild settings, with the five biggest contributors of each.
 */
import { build } from 'esbuild';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROUTES } from '../../lambdas/routes';
import { REPO_ROOT } from '../../infra/local/stack';
import { BUNDLE_ALIASES, BUNDLE_TARGET, ESM_REQUIRE_BANNER } from '../../infra/bundling';

const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;

export default async function bench(): Promise<void> {
  // Every Lambda entry: the HTTP routes, plus each context's other handlers (composition
  // roots and helpers are bundled into those, not deployed alone).
  const others = readdirSync(join(REPO_ROOT, 'lambdas'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => readdirSync(join(REPO_ROOT, 'lambdas', d.name)).map((f) => `lambdas/${d.name}/${f}`))
    .filter((f) => f.endsWith('.ts') && !/(\/root|\/site|-root)\.ts$/.test(f));
  const entries = [...new Set([...ROUTES.map((r) => r.entry), ...others])];
  for (const entry of entries) {
    const result = await build({
      entryPoints: [join(REPO_ROOT, entry)],
      bundle: true,
      write: false,
      platform: 'node',
      format: 'esm',
      target: BUNDLE_TARGET,
      minify: true,
      mainFields: ['module', 'main'],
      banner: { js: ESM_REQUIRE_BANNER },
      alias: { ...BUNDLE_ALIASES },
      metafile: true,
      logLevel: 'error',
    });
    const output = Object.values(result.metafile.outputs)[0]!;
    const byPackage = new Map<string, number>();
    for (const [path, input] of Object.entries(output.inputs)) {
      const pkg = /node_modules\/(@[^/]+\/[^/]+|[^/]+)/.exec(path)?.[1] ?? '(rightsdesk)';
      byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + input.bytesInOutput);
    }
    const top = [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([p, n]) => `${p} ${kb(n)}`).join(', ');
    console.log(`${entry.padEnd(40)} ${kb(output.bytes).padStart(7)}  (${top})`);
  }
}
