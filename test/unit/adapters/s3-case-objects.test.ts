/**
 * S3CaseObjects in AWS's mode (`versioned: true`) against a mocked S3 client (aws-sdk-client-mock):
 * no emulator supports Object Lock or object versions (s3rver has neither), so ListObjectVersions,
 * PutObjectLegalHold and DeleteObjects with VersionIds are mocked here. The unversioned mode runs
 * on s3rver in test/integration/adapters/s3-case-objects.test.ts.
 */
import {
  DeleteObjectsCommand,
  ListObjectsCommand,
  ListObjectVersionsCommand,
  PutObjectLegalHoldCommand,
  S3Client,
  type DeleteObjectsCommandInput,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ObjectsNotDeletedError, S3CaseObjects } from '#adapters/s3-case-objects';
import { aCase, anEntry } from '#test/support/cases';

const s3 = mockClient(S3Client);
const BUCKETS = { rawMail: 'raw-mail', files: 'files' };
const adapter = () => new S3CaseObjects({ client: new S3Client({ region: 'eu-west-2' }), buckets: BUCKETS, versioned: true });

beforeEach(() => {
  s3.reset();
  s3.on(ListObjectVersionsCommand).resolves({ IsTruncated: false });
});

describe('S3CaseObjects (AWS: versioned, Object Lock)', () => {
  it('lists keys from every version and delete marker, paginated, exact raw-mail keys only; never a plain listing', async () => {
    const c = aCase({ audit: [anEntry('EmailReceived', { detail: { sesMessageId: 'sesmsg00001' } })] });
    s3.on(ListObjectVersionsCommand, { Bucket: 'files', Prefix: `attachments/${c.id}/` })
      .resolvesOnce({
        IsTruncated: true,
        NextKeyMarker: 'k',
        NextVersionIdMarker: 'v',
        Versions: [
          { Key: `attachments/${c.id}/s/1`, VersionId: 'a' },
          { Key: `attachments/${c.id}/s/1`, VersionId: 'b' },
        ],
      })
      .resolvesOnce({ IsTruncated: false, DeleteMarkers: [{ Key: `attachments/${c.id}/s/2`, VersionId: 'c' }] });
    s3.on(ListObjectVersionsCommand, { Bucket: 'raw-mail', Prefix: 'inbound/sesmsg00001' }).resolves({
      IsTruncated: false,
      Versions: [
        { Key: 'inbound/sesmsg00001', VersionId: 'r' },
        { Key: 'inbound/sesmsg000010', VersionId: 'z' },
      ],
    });

    expect(await adapter().list(c)).toEqual([
      { bucket: 'files', key: `attachments/${c.id}/s/1` },
      { bucket: 'files', key: `attachments/${c.id}/s/2` },
      { bucket: 'rawMail', key: 'inbound/sesmsg00001' },
    ]);
    const second = s3.commandCalls(ListObjectVersionsCommand).find((call) => call.args[0].input.KeyMarker === 'k');
    expect(second?.args[0].input.VersionIdMarker).toBe('v');
    expect(s3.commandCalls(ListObjectsCommand)).toHaveLength(0);
  });

  it('places and lifts the legal hold on every version of each object (not on delete markers)', async () => {
    s3.on(ListObjectVersionsCommand, { Bucket: 'files', Prefix: 'messages/c1/m.json' }).resolves({
      IsTruncated: false,
      Versions: [
        { Key: 'messages/c1/m.json', VersionId: 'v1' },
        { Key: 'messages/c1/m.json', VersionId: 'v2' },
        { Key: 'messages/c1/m.jsonx', VersionId: 'other' },
      ],
      DeleteMarkers: [{ Key: 'messages/c1/m.json', VersionId: 'dm' }],
    });
    s3.on(PutObjectLegalHoldCommand).resolves({});

    await adapter().setLegalHold([{ bucket: 'files', key: 'messages/c1/m.json' }], true);
    await adapter().setLegalHold([{ bucket: 'files', key: 'messages/c1/m.json' }], false);

    expect(s3.commandCalls(PutObjectLegalHoldCommand).map((c) => c.args[0].input)).toEqual([
      { Bucket: 'files', Key: 'messages/c1/m.json', VersionId: 'v1', LegalHold: { Status: 'ON' } },
      { Bucket: 'files', Key: 'messages/c1/m.json', VersionId: 'v2', LegalHold: { Status: 'ON' } },
      { Bucket: 'files', Key: 'messages/c1/m.json', VersionId: 'v1', LegalHold: { Status: 'OFF' } },
      { Bucket: 'files', Key: 'messages/c1/m.json', VersionId: 'v2', LegalHold: { Status: 'OFF' } },
    ]);
  });

  it('deletes every version and delete marker by VersionId, at most 1,000 a request, per bucket', async () => {
    const versions = Array.from({ length: 1500 }, (_, i) => ({ Key: 'attachments/c1/s/1', VersionId: `v${i}` }));
    s3.on(ListObjectVersionsCommand, { Bucket: 'files', Prefix: 'attachments/c1/s/1' }).resolves({
      IsTruncated: false,
      Versions: versions,
      DeleteMarkers: [{ Key: 'attachments/c1/s/1', VersionId: 'dm' }],
    });
    s3.on(ListObjectVersionsCommand, { Bucket: 'raw-mail', Prefix: 'inbound/m1' }).resolves({
      IsTruncated: false,
      Versions: [{ Key: 'inbound/m1', VersionId: 'r1' }],
    });
    s3.on(DeleteObjectsCommand).callsFake((input: DeleteObjectsCommandInput) => ({ Deleted: input.Delete?.Objects?.map((o) => ({ ...o })) }));

    const n = await adapter().deleteAllVersions([
      { bucket: 'files', key: 'attachments/c1/s/1' },
      { bucket: 'rawMail', key: 'inbound/m1' },
    ]);

    expect(n).toBe(1502);
    const calls = s3.commandCalls(DeleteObjectsCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => [c.Bucket, c.Delete?.Objects?.length])).toEqual([
      ['raw-mail', 1],
      ['files', 1000],
      ['files', 501],
    ]);
    expect(calls.flatMap((c) => c.Delete?.Objects ?? []).every((o) => typeof o.VersionId === 'string')).toBe(true);
    expect(calls[2]?.Delete?.Objects?.at(-1)).toEqual({ Key: 'attachments/c1/s/1', VersionId: 'dm' });
  });

  it('fails, naming the count, when a version under legal hold (or anything else) is not deleted', async () => {
    s3.on(ListObjectVersionsCommand, { Bucket: 'files', Prefix: 'messages/c1/m.json' }).resolves({
      IsTruncated: false,
      Versions: [
        { Key: 'messages/c1/m.json', VersionId: 'v1' },
        { Key: 'messages/c1/m.json', VersionId: 'v2' },
      ],
    });
    s3.on(DeleteObjectsCommand).resolves({
      Deleted: [{ Key: 'messages/c1/m.json', VersionId: 'v1' }],
      Errors: [{ Key: 'messages/c1/m.json', VersionId: 'v2', Code: 'AccessDenied', Message: 'Object is WORM protected' }],
    });

    const err = await adapter()
      .deleteAllVersions([{ bucket: 'files', key: 'messages/c1/m.json' }])
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ObjectsNotDeletedError);
    expect(err).toMatchObject({ failed: 1, deleted: 1, codes: ['AccessDenied'] });
    expect((err as Error).message).toBe('1 object version(s) could not be deleted (AccessDenied); 1 were.');
  });
});
