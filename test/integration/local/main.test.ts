/**
 * `npm start` as a developer runs it: a child process that prints its URLs, serves, and stops on
 * a signal. npx runs the command through `sh -c`, and dash neither forwards a signal sent to npm
 * nor execs its command, so signals go where a terminal or a supervisor sends them: to the stack's
 * own process, or to the whole process group (Ctrl-C).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '#infra/local/stack';

interface Run {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) {
    try {
      process.kill(-child.pid!, 'SIGKILL'); // the whole group: npx, sh, tsx and the stack
    } catch {
      // already gone
    }
  }
});

function listen(port = 0): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

async function freePort(): Promise<number> {
  const server = await listen();
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

function npmStart(args: string[], env: Record<string, string>): Run {
  const child = spawn('npx', ['tsx', 'infra/local/main.ts', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, as in a terminal
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, out: () => out, err: () => err, exited };
}

/** Child processes with their command lines. */
function childrenOf(pid: number): Promise<{ pid: number; args: string }[]> {
  return new Promise((resolve) =>
    execFile('pgrep', ['-a', '-P', String(pid)], (_err, stdout) =>
      resolve(
        stdout
          .split('\n')
          .filter(Boolean)
          .map((line) => ({ pid: Number(line.split(' ', 1)[0]), args: line.slice(line.indexOf(' ') + 1) })),
      ),
    ),
  );
}

/**
 * The innermost process running main.ts (npx → sh → tsx → node). Matched by command line:
 * the stack's node process has children of its own (tsx's esbuild service).
 */
async function stackProcess(run: Run): Promise<number> {
  let pid = run.child.pid!;
  for (;;) {
    const next = (await childrenOf(pid)).find((c) => c.args.includes('infra/local/main.ts'));
    if (!next) return pid;
    pid = next.pid;
  }
}

const isRunning = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function startedInMemory(env: Record<string, string> = {}): Promise<{ run: Run; port: number; sesPort: number; smtpPort: number }> {
  const [port, sesPort, smtpPort] = [await freePort(), await freePort(), await freePort()];
  const run = npmStart(['--memory'], { PORT: String(port), SES_PORT: String(sesPort), SMTP_PORT: String(smtpPort), ...env });
  // Up to two minutes on a loaded machine: the stack starts Icetrak's account system (a new PGlite database) and writes the demo traffic first.
  await expect.poll(() => run.out(), { timeout: 110_000, interval: 100 }).toContain('Press Ctrl-C to stop.');
  return { run, port, sesPort, smtpPort };
}

/** Names and modification times under `.data`, to show a run left it alone. */
function snapshot(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => `${name}@${statSync(join(dir, name)).mtimeMs}`)
    .sort();
}

describe('npm start', () => {
  it('shows each endpoint override set before it starts, and serves as usual', async () => {
    const { run, port } = await startedInMemory({ AWS_ENDPOINT_URL_SESV2: 'http://127.0.0.1:9/ses-proxy' });
    expect(run.out()).toMatch(/AWS_ENDPOINT_URL_SESV2\s+http:\/\/127\.0\.0\.1:9\/ses-proxy — the handlers' SESV2 requests go there/);
    expect(run.out()).not.toContain('AWS_ENDPOINT_URL_DYNAMODB');
    expect((await fetch(`http://localhost:${port}/health`)).status).toBe(200);
    process.kill(await stackProcess(run), 'SIGTERM');
    expect((await run.exited).code).toBe(0);
  }, 180_000);

  it('--memory prints every URL, serves /health, writes nothing to .data, and exits 0 on SIGTERM', async () => {
    const dataBefore = snapshot(join(REPO_ROOT, '.data'));
    const { run, port, sesPort, smtpPort } = await startedInMemory();
    const out = run.out();
    expect(out).toContain('Rightsdesk local stack is ready.');
    expect(out).toContain(`http://localhost:${port}/`);
    expect(out).toContain(`http://localhost:${port}/health`);
    expect(out).toContain(`http://localhost:${sesPort}/store`);
    expect(out).toMatch(/S3 endpoint\s+http:\/\/127\.0\.0\.1:\d+/);
    expect(out).toMatch(/DynamoDB endpoint\s+http:\/\/127\.0\.0\.1:\d+/);
    expect(out).toContain(`smtp://localhost:${smtpPort} — mail to dpo@icetrak.net becomes a case`);
    expect(out).toMatch(/Icetrak account system\s+postgresql:\/\/127\.0\.0\.1:\d+\/postgres\?sslmode=disable \(PGlite; demo data\)/);
    expect(out).toContain('in memory');
    expect(out).not.toContain('AWS_ENDPOINT_URL'); // no overrides set, none shown

    const health = await fetch(`http://localhost:${port}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });
    expect((await fetch(`http://localhost:${sesPort}/store`)).status).toBe(200);

    const signalledAt = Date.now();
    process.kill(await stackProcess(run), 'SIGTERM');
    const { code } = await run.exited; // tsx, sh and npx pass the stack's exit code on
    expect(code).toBe(0);
    // Within the stack's own stop timeout (10 s), as for Ctrl-C below: a loaded machine can pass 5 s.
    expect(Date.now() - signalledAt).toBeLessThan(10_000);
    expect(run.out()).toContain('Stopped.');
    expect(snapshot(join(REPO_ROOT, '.data'))).toEqual(dataBefore);
  }, 180_000);

  it('stops cleanly on Ctrl-C (SIGINT to the whole process group)', async () => {
    const { run, port } = await startedInMemory();
    const stack = await stackProcess(run);
    const signalledAt = Date.now();
    process.kill(-run.child.pid!, 'SIGINT');
    // Within the stack's own stop timeout (10 s, then it exits 1 saying it did not stop in time): on a loaded machine
    // (the whole suite on 2 cores) closing the account system, DuckDB and three Step Functions runners can pass 5 s.
    // A clean stop is what 'Stopped.' proves; a hang ends in the timeout's message instead, and fails here.
    await expect.poll(() => isRunning(stack), { timeout: 9_500, interval: 50 }).toBe(false);
    expect(Date.now() - signalledAt).toBeLessThan(10_000);
    // Its last words are in the pipe when it exits; reading them takes this process a turn or two of its event loop.
    await expect.poll(() => run.out(), { timeout: 2_000, interval: 20 }).toContain('Stopped.');
    expect(run.err()).not.toContain('did not stop in time');
    expect(run.err()).not.toContain('without a clean stop');
    await expect(fetch(`http://localhost:${port}/health`)).rejects.toThrow();
  }, 180_000);

  it('exits non-zero with a clear message when its port is taken', async () => {
    const busy = await listen();
    const { port } = busy.address() as { port: number };
    try {
      const run = npmStart(['--memory'], { PORT: String(port), SES_PORT: String(await freePort()) });
      const { code } = await run.exited;
      expect(code).toBe(1);
      expect(run.err()).toContain(`Port ${port} (HTTP API) is already in use`);
      expect(run.err()).toContain('PORT=<port>');
    } finally {
      busy.close();
    }
  });

  it('--help prints the usage and exits 0; an unknown option exits 2', async () => {
    const help = npmStart(['--help'], {});
    const bad = npmStart(['--nope'], {});
    expect((await help.exited).code).toBe(0);
    expect(help.out()).toContain('--memory');
    expect(help.out()).toContain('DPO_ADDRESS, TEAM_ADDRESS, SENDER_ADDRESS');
    expect((await bad.exited).code).toBe(2);
    expect(bad.err()).toContain('Unknown option "--nope"');
  });
});
