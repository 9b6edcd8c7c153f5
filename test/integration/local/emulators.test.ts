/**
 * The local S3 stand-in keeps S3's read-after-write promise: once a PUT is answered, a GET
 * returns every byte. The SMTP listener relies on it (it replies 250 and invokes the handler
 * as soon as its PUT of `inbound/<id>` is answered), and so does every handler that reads
 * back what it stored.
 */
import fs from 'node:fs';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { localS3Client, startS3 } from '#infra/local/emulators';

const MARK = 'slow-disk-marker';
const BUCKET = 'emulator-test';

afterEach(() => {
  vi.restoreAllMocks();
});

/** A disk that stalls: writes of bytes carrying MARK complete `ms` late; every other write is untouched. */
function stallWritesOfMarkedBytes(ms: number): void {
  const marked = (b: unknown) => Buffer.isBuffer(b) && b.includes(MARK);
  const write = fs.write;
  const writev = fs.writev;
  vi.spyOn(fs, 'write').mockImplementation((fd: number, buffer: unknown, ...rest: unknown[]) => {
    const run = () => (write as (...a: unknown[]) => void)(fd, buffer, ...rest);
    if (marked(buffer)) setTimeout(run, ms);
    else run();
  });
  vi.spyOn(fs, 'writev').mockImplementation(((fd: number, buffers: unknown[], ...rest: unknown[]) => {
    const run = () => (writev as (...a: unknown[]) => void)(fd, buffers, ...rest);
    if (buffers.some(marked)) setTimeout(run, ms);
    else run();
  }) as typeof fs.writev);
}

describe('local S3 (s3rver)', () => {
  it('answers a PUT only once the object is written: a GET right after it reads every byte, even from a slow disk', async () => {
    const s3 = await startS3({ buckets: [BUCKET] });
    const client = localS3Client(s3.url);
    try {
      stallWritesOfMarkedBytes(300);
      const small = Buffer.from(`From: someone@example.org\r\nSubject: ${MARK}\r\n\r\nA message.\r\n`);
      const large = Buffer.concat([Buffer.from(MARK), Buffer.alloc(3 * 1024 * 1024, 'x'), Buffer.from(MARK)]);
      for (const [Key, Body] of [
        ['inbound/small', small],
        ['inbound/large', large],
      ] as const) {
        await client.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body }));
        const out = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key }));
        const got = Buffer.from(await out.Body!.transformToByteArray());
        expect(got.length, Key).toBe(Body.length);
        expect(got.equals(Body), Key).toBe(true);
      }
    } finally {
      client.destroy();
      await s3.close();
    }
  });
});
