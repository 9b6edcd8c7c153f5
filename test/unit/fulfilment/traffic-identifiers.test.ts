import { describe, expect, it } from 'vitest';
import type { BlobStore } from '#shared/ports';
import { InvalidTrafficIdentifiersError, phonesCsv, phonesKey, writeTrafficIdentifiers } from '#shared/fulfilment/traffic-identifiers';

const CASE_ID = '01KBCDEFGH0123456789ABCDEF';
const RUN_ID = 'r20261202abc123';

/** A BlobStore in memory: the adapter itself (S3BlobStore) is exercised on s3rver by the traffic search's integration test. */
function memoryBlobs(): BlobStore & { objects: Map<string, { body: string; contentType?: string }> } {
  const objects = new Map<string, { body: string; contentType?: string }>();
  return {
    objects,
    get: (key) => Promise.resolve(Buffer.from(objects.get(key)!.body)),
    put: (key, body, opts) => {
      objects.set(key, { body: body.toString(), ...(opts?.contentType && { contentType: opts.contentType }) });
      return Promise.resolve();
    },
  };
}

describe('the run’s phones file', () => {
  it('lives under the run’s identifiers prefix, named by ids only', () => {
    expect(phonesKey(CASE_ID, RUN_ID)).toBe(`searches/${CASE_ID}/${RUN_ID}/identifiers/phones.csv`);
  });

  it('holds each E.164 number once, one a line, no header', () => {
    expect(phonesCsv(['+447700900456', '+447700900123', '+447700900456'])).toBe('+447700900456\n+447700900123\n');
    expect(phonesCsv([])).toBe('');
  });

  it('refuses a number not in E.164 (it would match nothing)', () => {
    expect(() => phonesCsv(['07700 900456'])).toThrow(InvalidTrafficIdentifiersError);
    expect(() => phonesCsv(['+447700900456\n+447700900123'])).toThrow(InvalidTrafficIdentifiersError);
  });

  it('is written through the BlobStore as text/csv, the same bytes on a retry', async () => {
    const blobs = memoryBlobs();
    const key = await writeTrafficIdentifiers(blobs, CASE_ID, RUN_ID, ['+447700900456']);
    await writeTrafficIdentifiers(blobs, CASE_ID, RUN_ID, ['+447700900456']);
    expect(key).toBe(phonesKey(CASE_ID, RUN_ID));
    expect([...blobs.objects]).toEqual([[key, { body: '+447700900456\n', contentType: 'text/csv' }]]);
  });

  it('refuses ids that are not a case id and a run id', async () => {
    await expect(writeTrafficIdentifiers(memoryBlobs(), 'case-1', RUN_ID, [])).rejects.toThrow(InvalidTrafficIdentifiersError);
    await expect(writeTrafficIdentifiers(memoryBlobs(), CASE_ID, '../x', [])).rejects.toThrow(InvalidTrafficIdentifiersError);
  });
});
