/**
 * The local stand-in for the link-signing secret: 32 random bytes, base64url. Persisted with
 * owner-only permissions so links e-mailed by an earlier run still verify after a restart;
 * in memory mode it lives only as long as the process.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';

const KEY_BYTES = 32;

export const newSigningKey = (): string => randomBytes(KEY_BYTES).toString('base64url');

function isKey(text: string): boolean {
  return /^[A-Za-z0-9_-]+$/.test(text) && Buffer.from(text, 'base64url').length === KEY_BYTES;
}

/** Reads the key at `file`, creating it (mode 0600) on first use. */
export function loadOrCreateSigningKey(file: string): string {
  let key: string;
  try {
    key = readFileSync(file, 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    key = newSigningKey();
    // 'wx': never overwrite a key another process wrote in the meantime.
    writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
    return key;
  }
  if (!isKey(key)) {
    throw new Error(`${file} does not hold a 32-byte base64url key. Delete it to have a new one made (links already sent will stop working).`);
  }
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  return key;
}
