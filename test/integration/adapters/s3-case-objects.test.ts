/**
 * S3CaseObjects on s3rver, in the local stack's mode (`versioned: false`): s3rver has no object
 * versions and no Object Lock, so this covers listing a case's objects in both buckets (paginated)
 * and deleting them plainly. The versioned mode (ListObjectVersions, PutObjectLegalHold, deletes
 * by VersionId) is covered with a mocked client in test/unit/adapters/s3-case-objects.test.ts.
 */
import { ListObjectsCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localS3Client, startS3, type Running } from '#infra/local/emulators';
import { S3CaseObjects } from '#adapters/s3-case-objects';
import { aCase, anEntry } from '#test/support/cases';

const BUCKETS = { rawMail: 'raw-mail', files: 'files' };
let server: Running;
let client: S3Client;

beforeAll(async () => {
  server = await startS3({ buckets: Object.values(BUCKETS) });
  client = localS3Client(server.url);
});
afterAll(async () => {
  client.destroy();
  await server.close();
});

const put = (Bucket: string, Key: string) => client.send(new PutObjectCommand({ Bucket, Key, Body: 'x' }));
const keys = async (Bucket: string, Prefix: string) => ((await client.send(new ListObjectsCommand({ Bucket, Prefix }))).Contents ?? []).map((o) => o.Key);

describe('S3CaseObjects (local: unversioned)', () => {
  it('lists every object of the case in both buckets, and only its own, past a page of results', async () => {
    const c = aCase({
      audit: [
        anEntry('EmailReceived', { detail: { sesMessageId: 'sesmsg00001' } }),
        anEntry('CorrespondenceReceived', { detail: { sesMessageId: 'sesmsg00002' } }),
      ],
    });
    const other = aCase();
    await put(BUCKETS.rawMail, 'inbound/sesmsg00001');
    await put(BUCKETS.rawMail, 'inbound/sesmsg00002');
    await put(BUCKETS.rawMail, 'inbound/sesmsg000010'); // another message whose id starts the same
    await put(BUCKETS.files, `messages/${c.id}/sesmsg00001.json`);
    for (let n = 1; n <= 1005; n += 1) await put(BUCKETS.files, `attachments/${c.id}/sesmsg00001/${n}`);
    await put(BUCKETS.files, `exports/${c.id}/export.zip`);
    await put(BUCKETS.files, `messages/${other.id}/sesmsg00009.json`);

    const objects = await new S3CaseObjects({ client, buckets: BUCKETS, versioned: false }).list(c);

    expect(objects.filter((o) => o.bucket === 'rawMail').map((o) => o.key)).toEqual(['inbound/sesmsg00001', 'inbound/sesmsg00002']);
    const files = objects.filter((o) => o.bucket === 'files').map((o) => o.key);
    expect(files).toHaveLength(1 + 1005 + 1);
    expect(files.every((k) => k.includes(c.id))).toBe(true);
  });

  it('deletes them in batches of 1,000, counting what it deleted, and leaves other cases alone', async () => {
    const c = aCase({ audit: [anEntry('EmailReceived', { detail: { sesMessageId: 'sesmsg00003' } })] });
    const other = aCase();
    await put(BUCKETS.rawMail, 'inbound/sesmsg00003');
    for (let n = 1; n <= 1002; n += 1) await put(BUCKETS.files, `attachments/${c.id}/sesmsg00003/${n}`);
    await put(BUCKETS.files, `messages/${other.id}/x.json`);
    const adapter = new S3CaseObjects({ client, buckets: BUCKETS, versioned: false });

    expect(await adapter.deleteAllVersions(await adapter.list(c))).toBe(1003);
    expect(await adapter.list(c)).toEqual([]);
    expect(await keys(BUCKETS.files, `messages/${other.id}/`)).toEqual([`messages/${other.id}/x.json`]);
    expect(await keys(BUCKETS.files, `attachments/${c.id}/`)).toEqual([]);
    expect(await keys(BUCKETS.rawMail, 'inbound/sesmsg00003')).toEqual([]);
    expect(await adapter.deleteAllVersions([])).toBe(0);
  });

  it('records, without failing, that the local S3 cannot place a legal hold', async () => {
    const lines: string[] = [];
    const adapter = new S3CaseObjects({ client, buckets: BUCKETS, versioned: false, log: (line) => lines.push(line) });
    await adapter.setLegalHold([{ bucket: 'files', key: 'messages/x/y.json' }], true);
    expect(lines).toEqual(['Legal hold not placed on objects: the local S3 has no Object Lock']);
  });
});
