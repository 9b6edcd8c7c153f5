/**
 * Keeps a passing test run quiet and a failing test loud (vitest.config.ts loads this first).
 *
 * vitest's `silent: 'passed-only'` only holds back console.* calls. Two noise sources bypass
 * the console, so this setup file holds them back too:
 * - Powertools Logger writes its JSON lines through its own Console on process.stdout (unless
 *   POWERTOOLS_DEV is set, which test/integration/email/inbound-corpus.test.ts must not have:
 *   it reads the lines off process.stdout), and aws-cdk-lib prints "Bundling asset ..." with
 *   process.stderr.write;
 * - NodejsFunction bundling runs esbuild with spawnSync and the worker's stdout/stderr as the
 *   child's, so its summary never passes through JavaScript at all.
 * Both are captured per test (process.stdout/stderr.write; spawnSync's inherited output is piped
 * and written back through them) and printed only if the test fails. Output from outside any
 * test (imports, beforeAll) is printed with the first failure in the file, output after the
 * last test (afterAll) if anything in the file failed, and everything not yet printed if the
 * worker exits before the file ends.
 */
import { Buffer } from 'node:buffer';
import type * as ChildProcess from 'node:child_process';
import { createRequire } from 'node:module';
import { afterAll, afterEach, beforeEach } from 'vitest';

type StreamName = 'stdout' | 'stderr';
interface Chunk {
  data: string | Buffer;
  encoding?: BufferEncoding;
}
type Write = typeof process.stdout.write;

interface Installed {
  write: Record<StreamName, Write>;
  spawnSync: typeof ChildProcess.spawnSync;
  /** What the current file prints if the worker exits before the file's tests end. */
  onExit?: () => void;
}

const INSTALLED = Symbol.for('rightsdesk.test.quiet-output');
const globals = globalThis as typeof globalThis & { [INSTALLED]?: Installed };
const childProcess = createRequire(import.meta.url)('node:child_process') as typeof ChildProcess;

// Once per worker process: a worker that runs several files must not wrap its own wrappers.
const real: Installed = (globals[INSTALLED] ??= (() => {
  // A worker that exits mid-file (process.exit, a crash) failed: show what it printed.
  process.once('exit', () => globals[INSTALLED]?.onExit?.());
  return {
    write: { stdout: process.stdout.write.bind(process.stdout), stderr: process.stderr.write.bind(process.stderr) },
    spawnSync: childProcess.spawnSync,
  };
})());

/** Output since the last test ended (or the file began). */
let pending: Chunk[] = [];
/** Output before the first test of the file, until a failure prints it. */
let preamble: Chunk[] | undefined;
let testsStarted = false;
let failed = false;

function capturingWrite(): Write {
  return function write(
    chunk: string | Uint8Array,
    encodingOrCallback?: BufferEncoding | ((err?: Error | null) => void),
    callback?: (err?: Error | null) => void,
  ): boolean {
    const encoding = typeof encodingOrCallback === 'string' ? encodingOrCallback : undefined;
    const done = typeof encodingOrCallback === 'function' ? encodingOrCallback : callback;
    // Copy: the caller may reuse its buffer once write() returns.
    pending.push({ data: typeof chunk === 'string' ? chunk : Buffer.from(chunk), encoding });
    if (done) process.nextTick(done);
    return true;
  };
}

process.stdout.write = capturingWrite();
process.stderr.write = capturingWrite();

/**
 * spawnSync with the child's stdout/stderr piped instead of inherited, then written through
 * process.stdout/stderr.write (so captured above). The result looks as it would have: null for
 * the streams that were not pipes.
 */
function capturingSpawnSync(this: unknown, command: string, ...rest: unknown[]): ChildProcess.SpawnSyncReturns<Buffer | string> {
  const args = Array.isArray(rest[0]) ? (rest[0] as string[]) : [];
  const options = ((Array.isArray(rest[0]) ? rest[1] : rest[0]) ?? {}) as ChildProcess.SpawnSyncOptions;
  const stdio = typeof options.stdio === 'string' ? [options.stdio, options.stdio, options.stdio] : [...(options.stdio ?? [])];
  const targets = new Map<1 | 2, StreamName>();
  for (const fd of [1, 2] as const) {
    const value = stdio[fd];
    if (value === 'inherit' || value === fd) targets.set(fd, fd === 1 ? 'stdout' : 'stderr');
    else if (value === process.stdout || value === 1) targets.set(fd, 'stdout');
    else if (value === process.stderr || value === 2) targets.set(fd, 'stderr');
  }
  if (targets.size === 0) return (real.spawnSync as (...a: unknown[]) => ChildProcess.SpawnSyncReturns<Buffer>).call(this, command, ...rest);

  for (const fd of targets.keys()) stdio[fd] = 'pipe';
  const result = real.spawnSync(command, args, {
    ...options,
    stdio: stdio as ChildProcess.StdioOptions,
    // Inherited output had no size limit; a piped one must not fail the child with ENOBUFS.
    maxBuffer: options.maxBuffer ?? Infinity,
  }) as ChildProcess.SpawnSyncReturns<Buffer | string>;
  for (const [fd, stream] of targets) {
    const out = result.output?.[fd];
    if (out && out.length > 0) process[stream].write(out);
    if (result.output) result.output[fd] = null;
  }
  if (targets.has(1)) result.stdout = null as never;
  if (targets.has(2)) result.stderr = null as never;
  return result;
}
childProcess.spawnSync = capturingSpawnSync as typeof ChildProcess.spawnSync;

/** All to stderr: the two streams reach the terminal through separate pipes, and one keeps the order. */
function print(chunks: Chunk[]): void {
  for (const { data, encoding } of chunks) real.write.stderr(data, encoding as BufferEncoding);
}

function header(what: string): void {
  real.write.stderr(`\n--- process output (stdout and stderr) ${what} ---\n`);
}

beforeEach(() => {
  if (!testsStarted) {
    testsStarted = true;
    preamble = pending;
    pending = [];
  }
});

afterEach(({ task }) => {
  const chunks = pending;
  pending = [];
  if (task.result?.state !== 'fail') return;
  failed = true;
  if (preamble?.length) {
    header(`of ${task.file.name} before its first test`);
    print(preamble);
  }
  preamble = undefined;
  if (chunks.length) {
    header(`of failed test ${task.fullName}`);
    print(chunks);
  }
});

real.onExit = () => {
  const chunks = [...(preamble ?? []), ...pending];
  if (chunks.length) {
    header('of a test file whose worker exited before the file ended');
    print(chunks);
  }
};

// vitest reads the first parameter as a fixtures pattern: it has to be a destructuring one.
// eslint-disable-next-line no-empty-pattern
afterAll(({}, suite) => {
  real.onExit = undefined;
  const chunks = [...(preamble ?? []), ...pending];
  pending = [];
  preamble = undefined;
  if ((failed || suite.result?.state === 'fail') && chunks.length) {
    header(`of ${suite.fullName} outside its tests (the file failed)`);
    print(chunks);
  }
});
