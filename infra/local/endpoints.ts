/**
 * `.data/endpoints.json`: where the running local stack answers, for tools run beside it
 * (`npm run demo:cases`, scripts). Written when a stack with a data directory is ready, removed
 * when it stops; a stack in memory writes nothing, so tools cannot find it.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const ENDPOINTS_FILE = 'endpoints.json';

export interface LocalEndpoints {
  readonly api: string;
  readonly health: string;
  readonly dynamodb: string;
  readonly s3: string;
  /** The SES emulator; its /store lists sent mail. */
  readonly ses: string;
  readonly stepFunctions: string;
  readonly oidc: string;
  readonly smtp?: string;
  readonly region: string;
  readonly casesTable: string;
  readonly rawMailBucket: string;
  readonly filesBucket: string;
  readonly reportsBucket: string;
  /** Icetrak's account system (PGlite), when the stack runs it: a `pg` connection string (`npm run erasures:reapply`). */
  readonly accountsDb?: string;
  /** The process running the stack. */
  readonly pid: number;
}

/** The local stack is not running with this data directory (or it stopped without tidying up). */
export class LocalStackNotRunningError extends Error {
  override readonly name = 'LocalStackNotRunningError';
}

/** Writes the file (owner-only, as the rest of .data/) and returns its removal. */
export function writeLocalEndpoints(dataDir: string, endpoints: LocalEndpoints): () => void {
  const file = join(dataDir, ENDPOINTS_FILE);
  writeFileSync(file, `${JSON.stringify(endpoints, null, 2)}\n`, { mode: 0o600 });
  return () => rmSync(file, { force: true });
}

/** The endpoints of the stack running on `dataDir`, or LocalStackNotRunningError saying how to start one. */
export function readLocalEndpoints(dataDir: string): LocalEndpoints {
  const file = join(dataDir, ENDPOINTS_FILE);
  if (!existsSync(file)) {
    throw new LocalStackNotRunningError(`No local stack is running (no ${file}): start the local stack with \`npm start\` first (not --memory).`);
  }
  const endpoints = JSON.parse(readFileSync(file, 'utf8')) as LocalEndpoints;
  if (!isAlive(endpoints.pid)) {
    throw new LocalStackNotRunningError(
      `The local stack that wrote ${file} (process ${endpoints.pid}) has gone: start the local stack with \`npm start\` first.`,
    );
  }
  return endpoints;
}

/** Whether process `pid` still runs (EPERM: it does, as another user). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
