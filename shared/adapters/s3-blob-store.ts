/**
 * S3BlobStore: the BlobStore port on one S3 bucket (s3rver under `npm start`). The bucket's
 * default encryption (SSE-KMS with the data key) encrypts every object; nothing here names
 * a key or an algorithm, so the same code writes to s3rver.
 */
import { GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { BlobNotFoundError, type BlobStore } from '#shared/ports';

export class S3BlobStore implements BlobStore {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async get(key: string): Promise<Buffer> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return Buffer.from(await out.Body!.transformToByteArray());
    } catch (err) {
      if (err instanceof NoSuchKey || (err as { name?: string }).name === 'NoSuchKey') {
        throw new BlobNotFoundError(`No object at ${key}.`);
      }
      throw err;
    }
  }

  async put(key: string, body: Buffer | string, opts: { contentType?: string } = {}): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
        ContentType: opts.contentType ?? 'application/octet-stream',
      }),
    );
  }
}
