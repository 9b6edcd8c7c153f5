/**
 * Lambda bundle sizes (cold-start weight). Every `lambdas/**\/*.ts` that exports `handler` is
 * bundled with the Lambda esbuild settings (infra/bundling.ts, ESBUILD_OPTIONS) and set against
 * its "bare twin": a generated entry that imports and constructs exactly the AWS SDK clients
 * found in that bundle and exports a trivial handler, i.e. the least any function using those
 * clients can weigh (it sends no command, so command schemas count against the entry). Prints
 * size, twin size, the ratio (target ≤ 1.3×), what ships beside the bundle to be loaded on
 * demand (LAZY_CHARSETS), and the biggest packages; an entry with no SDK client is set against
 * a flat 100 KB instead. Prints, never asserts.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { ESBUILD_OPTIONS, LAZY_CHARSETS } from '#infra/bundling';

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const RATIO_TARGET = 1.3;
const NO_CLIENT_TARGET = 100 * 1024;

const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;

const SETTINGS: BuildOptions = { ...ESBUILD_OPTIONS, metafile: true, logLevel: 'error' };

/** Every .ts file under lambdas/, relative to the repository root. */
function lambdaFiles(dir = 'lambdas'): string[] {
  return readdirSync(join(REPO_ROOT, dir), { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? lambdaFiles(`${dir}/${d.name}`) : d.name.endsWith('.ts') ? [`${dir}/${d.name}`] : [],
  );
}

/** The files that export `handler` (composition roots, wiring and route tables do not). */
async function handlerEntries(): Promise<string[]> {
  const files = lambdaFiles();
  // Unbundled, one output per file: only to read each module's own export names.
  const result = await build({
    entryPoints: files.map((f) => join(REPO_ROOT, f)),
    bundle: false,
    write: false,
    format: 'esm',
    outdir: join(REPO_ROOT, '.bench-out'),
    outbase: REPO_ROOT,
    metafile: true,
    logLevel: 'error',
  });
  return Object.values(result.metafile.outputs)
    .filter((o) => o.entryPoint && o.exports.includes('handler'))
    .map((o) => relative(REPO_ROOT, join(REPO_ROOT, o.entryPoint!)))
    .sort();
}

/** The `@aws-sdk/*` client packages (client-*, lib-*) a bundle contains. */
function sdkClients(output: Metafile['outputs'][string]): string[] {
  const found = new Set<string>();
  for (const path of Object.keys(output.inputs)) {
    const pkg = /.*node_modules\/(@aws-sdk\/(?:client|lib)-[^/]+)\//.exec(path)?.[1];
    if (pkg) found.add(pkg);
  }
  return [...found].sort();
}

/** The client class a package exports, from its dist-es file name (e.g. dist-es/S3Client.js). */
function clientClass(pkg: string): string {
  const names = readdirSync(join(REPO_ROOT, 'node_modules', pkg, 'dist-es')).filter((f) => /^[A-Z]\w*Client\.js$/.test(f));
  if (names.length !== 1) throw new Error(`${pkg}: expected one *Client.js in dist-es, found ${names.join(', ') || 'none'}`);
  return names[0]!.slice(0, -'.js'.length);
}

/** Source of the bare twin: imports and constructs each client, exports a trivial handler. */
function twinSource(pkgs: readonly string[]): string {
  const lines: string[] = [];
  const made: string[] = [];
  pkgs.forEach((pkg, i) => {
    const cls = clientClass(pkg);
    lines.push(`import { ${cls} as C${i} } from '${pkg}';`);
    if (pkg === '@aws-sdk/lib-dynamodb') {
      // A document client wraps a DynamoDB client (the bundle then also holds client-dynamodb).
      lines.push(`import { DynamoDBClient as D${i} } from '@aws-sdk/client-dynamodb';`);
      made.push(`C${i}.from(new D${i}({}))`);
    } else {
      made.push(`new C${i}({})`);
    }
  });
  lines.push(`const clients = [${made.join(', ')}];`);
  lines.push('export const handler = async () => ({ clients: clients.length });');
  return lines.join('\n');
}

/** Bytes of every file under `dir`. */
function du(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce(
    (sum, d) => sum + (d.isDirectory() ? du(join(dir, d.name)) : statSync(join(dir, d.name)).size),
    0,
  );
}

/**
 * Bundles into a scratch directory as index.mjs, runs the after-bundling commands there, and
 * returns the bundle's metafile output and the bytes shipped beside it.
 */
async function bundle(options: BuildOptions): Promise<{ output: Metafile['outputs'][string]; beside: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'rightsdesk-bench-'));
  try {
    const outfile = join(dir, 'index.mjs');
    const result = await build({ ...SETTINGS, ...options, outfile, write: true });
    for (const command of LAZY_CHARSETS.afterBundling(REPO_ROOT, dir)) execFileSync('bash', ['-c', command]);
    const output = Object.values(result.metafile!.outputs)[0]!;
    return { output, beside: du(dir) - statSync(outfile).size };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function topPackages(output: Metafile['outputs'][string], n = 5): string {
  const byPackage = new Map<string, number>();
  for (const [path, input] of Object.entries(output.inputs)) {
    const pkg = /.*node_modules\/(@[^/]+\/[^/]+|[^/]+)/.exec(path)?.[1] ?? '(rightsdesk)';
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + input.bytesInOutput);
  }
  return [...byPackage]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([p, bytes]) => `${p} ${kb(bytes)}`)
    .join(', ');
}

export default async function bench(): Promise<void> {
  const entries = await handlerEntries();
  const width = Math.max(...entries.map((e) => e.length));
  console.log(
    `${'entry'.padEnd(width)}  ${'size'.padStart(7)}  ${'twin'.padStart(7)}  ratio   target       ${'beside'.padStart(7)}  SDK clients / biggest packages`,
  );
  const twins = new Map<string, number>();
  for (const entry of entries) {
    let built: Awaited<ReturnType<typeof bundle>>;
    try {
      built = await bundle({ entryPoints: [join(REPO_ROOT, entry)] });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      console.log(`${entry.padEnd(width)}  does not build: ${message.split('\n').slice(0, 2).join(' ')}`);
      continue;
    }
    const { output, beside } = built;
    const clients = sdkClients(output);
    let twin = '-';
    let ratio = '-';
    let verdict: string;
    if (clients.length === 0) {
      verdict = `${output.bytes <= NO_CLIENT_TARGET ? 'ok  ' : 'OVER'} ≤ ${kb(NO_CLIENT_TARGET)}`;
    } else {
      const key = clients.join(' ');
      if (!twins.has(key)) {
        const twin = await bundle({
          stdin: { contents: twinSource(clients), resolveDir: REPO_ROOT, sourcefile: 'bare-twin.js', loader: 'js' },
        });
        twins.set(key, twin.output.bytes);
      }
      const twinBytes = twins.get(key)!;
      const r = output.bytes / twinBytes;
      twin = kb(twinBytes);
      ratio = `${r.toFixed(2)}×`;
      verdict = `${r <= RATIO_TARGET ? 'ok  ' : 'OVER'} ≤ ${RATIO_TARGET.toFixed(2)}×`;
    }
    const sdk = clients.length ? `[${clients.map((c) => c.replace('@aws-sdk/', '')).join(', ')}] ` : '[no SDK client] ';
    const shipped = beside ? kb(beside) : '-';
    console.log(
      `${entry.padEnd(width)}  ${kb(output.bytes).padStart(7)}  ${twin.padStart(7)}  ${ratio.padStart(5)}  ${verdict.padEnd(11)}  ${shipped.padStart(7)}  ${sdk}${topPackages(output)}`,
    );
  }
}
