/**
 * Local stand-ins for the AWS services Rightsdesk uses (DESIGN.md, "Local stack"):
 * dynalite for DynamoDB, s3rver for S3, aws-ses-v2-local for outbound SES.
 * Used by `npm start` and by the integration tests; nothing here needs an AWS account.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, sep } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceInUseException, type GlobalSecondaryIndex } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CASES_TABLE } from '#adapters/cases-table-schema';

const require = createRequire(import.meta.url);

/** Credentials the emulators accept (startS3 registers them with s3rver; the others check only that some are sent). */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;
export const LOCAL_REGION = 'eu-west-2';

export interface Running {
  url: string;
  close(): Promise<void>;
}

function urlOf(server: Server): string {
  const { port } = server.address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    server.closeAllConnections?.();
  });
}

/** dynalite, in memory unless `dir` is given (then LevelDB files under it). */
export async function startDynamo(opts: { port?: number; dir?: string } = {}): Promise<Running> {
  const dynalite = require('dynalite') as (o: object) => Server;
  if (opts.dir) mkdirSync(opts.dir, { recursive: true });
  const server = dynalite({ path: opts.dir, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  return { url: urlOf(server), close: () => closeServer(server) };
}

/** The parts of s3rver 3.7.1's FilesystemStore (s3rver/lib/stores/filesystem.js) that writeBeforeAnswering replaces and uses. */
interface S3rverStore {
  getResourcePath(bucket: string, key: string, resource: 'object'): string;
  putMetadata(bucket: string, key: string, metadata: unknown, md5: string): Promise<void>;
  putObject(object: { bucket: string; key: string; content: Readable | Buffer; metadata: unknown }): Promise<{ size: number; md5: string }>;
}

/**
 * S3 is read-after-write consistent: once a PUT is answered, a GET returns every byte. s3rver
 * 3.7.1's putObject is not: it resolves when the body has passed its MD5 transform, not when its
 * file write stream has written it, so the PUT can be answered while the object file is still
 * empty, and a GET right after it (the SMTP listener's handler reading `inbound/<id>`) stats
 * 0 bytes and answers 200 with an empty body. On a loaded machine that turned a confirmed email
 * request into an empty message without a sender. Here the PUT is answered only once the file
 * is written (same file, same MD5, same metadata as s3rver's own putObject).
 */
function writeBeforeAnswering(store: S3rverStore): void {
  store.putObject = async (object) => {
    const file = store.getResourcePath(object.bucket, object.key, 'object');
    await mkdir(dirname(file), { recursive: true });
    const md5 = createHash('md5');
    let size = 0;
    await pipeline(
      Buffer.isBuffer(object.content) ? Readable.from([object.content]) : object.content,
      new Transform({
        transform(chunk: Buffer, _encoding, done) {
          md5.update(chunk);
          size += chunk.length;
          done(null, chunk);
        },
      }),
      createWriteStream(file),
    );
    const digest = md5.digest('hex');
    await store.putMetadata(object.bucket, object.key, object.metadata, digest);
    return { size, md5: digest };
  };
}

/**
 * s3rver, persisted under `dir`, or in a temporary directory removed on close. Resolves with the
 * directory too: athena-local reads the objects' files there (DuckDB has no S3 access here).
 */
export async function startS3(opts: { port?: number; dir?: string; buckets: string[] }): Promise<Running & { dir: string }> {
  const S3rver = require('s3rver') as new (o: object) => {
    readonly store: S3rverStore;
    run(): Promise<AddressInfo>;
    close(): Promise<void>;
  };
  // s3rver knows one access key (S3RVER) and rejects any other with InvalidAccessKeyId; it does
  // not check v4 signatures. Register ours, so localS3Client and the handlers' env credentials work.
  const { DUMMY_ACCOUNT } = require('s3rver/lib/models/account') as {
    DUMMY_ACCOUNT: { createKeyPair(accessKeyId: string, secretAccessKey: string): void };
  };
  DUMMY_ACCOUNT.createKeyPair(LOCAL_CREDENTIALS.accessKeyId, LOCAL_CREDENTIALS.secretAccessKey);
  const temporary = !opts.dir;
  const directory = opts.dir ?? mkdtempSync(join(tmpdir(), 'rightsdesk-s3-'));
  mkdirSync(directory, { recursive: true });
  const s3 = new S3rver({
    port: opts.port ?? 0,
    address: '127.0.0.1',
    silent: true,
    directory,
    configureBuckets: opts.buckets.map((name) => ({ name })),
  });
  writeBeforeAnswering(s3.store);
  const { port } = await s3.run();
  return {
    url: `http://127.0.0.1:${port}`,
    dir: directory,
    close: async () => {
      await s3.close();
      if (temporary) rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** One message as aws-ses-v2-local 2.10.2 stores it (its dist/store.d.ts `Email`), kept opaque here but for its id. */
interface StoredEmail {
  readonly messageId: string;
  readonly at: number;
}

/** The parts of aws-ses-v2-local 2.10.2's dist/store.js that startSes wraps. Its routes call them through the module's exports. */
interface SesStoreModule {
  saveEmail(email: StoredEmail): void;
  clearStore(): void;
  getStoreReadonly(): { emails: StoredEmail[] };
}

/**
 * A fresh instance of aws-ses-v2-local, with a store of its own: its store is a module-level
 * singleton, and two stacks in one process (the tests) must neither share sent mail nor write
 * each other's to disk.
 */
function freshSesModule(): { start: (c: object) => Promise<Server>; store: SesStoreModule } {
  const dist = join(dirname(require.resolve('aws-ses-v2-local/package.json')), 'dist') + sep;
  for (const id of Object.keys(require.cache)) if (id.startsWith(dist)) delete require.cache[id];
  const mod = require('aws-ses-v2-local') as { default?: (c: object) => Promise<Server> };
  const store = require('aws-ses-v2-local/dist/store') as SesStoreModule;
  return { start: (mod.default ?? mod) as (c: object) => Promise<Server>, store };
}

let mailSequence = 0;
const MAIL_FILE = /^\d{13}-\d{6}-[A-Za-z0-9_-]+\.json$/;

/**
 * Keeps sent mail in `dir` as well as in the emulator's memory: each message saved is written
 * there (one JSON file, `<ms>-<seq>-<messageId>.json`, 0600, written before the send is
 * answered), `POST /clear-store` empties it too, and what is there is loaded back, in sending
 * order, when the emulator starts. So `/store` and the viewer still list the mail of earlier
 * runs. Returns how many messages were loaded.
 */
function persistMail(store: SesStoreModule, dir: string, onError: (err: unknown) => void): number {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const files = readdirSync(dir)
    .filter((f) => MAIL_FILE.test(f))
    .sort();
  const emails = store.getStoreReadonly().emails;
  for (const file of files) {
    try {
      emails.push(JSON.parse(readFileSync(join(dir, file), 'utf8')) as StoredEmail);
    } catch (err) {
      onError(err); // a torn or hand-edited file: the rest still load
    }
  }
  const save = store.saveEmail.bind(store);
  const clear = store.clearStore.bind(store);
  store.saveEmail = (email) => {
    save(email);
    try {
      mailSequence = (mailSequence + 1) % 1_000_000;
      const name = `${String(Date.now()).padStart(13, '0')}-${String(mailSequence).padStart(6, '0')}-${email.messageId.replace(/[^A-Za-z0-9_-]/g, '_')}.json`;
      const temporary = join(dir, `.${name}.tmp`);
      writeFileSync(temporary, JSON.stringify(email), { mode: 0o600 });
      renameSync(temporary, join(dir, name));
    } catch (err) {
      onError(err); // the mail is sent and listed; only its copy on disk is missing
    }
  };
  store.clearStore = () => {
    clear();
    for (const file of readdirSync(dir)) if (MAIL_FILE.test(file)) rmSync(join(dir, file), { force: true });
  };
  return files.length;
}

export interface SesOptions {
  port?: number;
  /** Keep sent mail here across restarts (see persistMail). Default: in memory only. */
  mailDir?: string;
  /** A message could not be written to or read from `mailDir` (the error's name only is worth logging). */
  onMailError?: (err: unknown) => void;
}

/** aws-ses-v2-local: accepts SES v1/v2 sends; GET /store lists them. Each call has its own store. */
export async function startSes(opts: SesOptions = {}): Promise<Running & { restoredMail: number }> {
  const { start, store } = freshSesModule();
  const restoredMail = opts.mailDir ? persistMail(store, opts.mailDir, opts.onMailError ?? (() => undefined)) : 0;
  const server = await start({ host: '127.0.0.1', port: opts.port ?? 0 });
  if (!server.listening) {
    // It resolves even when listen fails (Express 5 hands the error to a callback that drops it):
    // bind the same port once more to surface the real error (EADDRINUSE, EACCES) to the caller.
    await new Promise<void>((resolve, reject) => {
      const probe = createNetServer();
      probe.once('error', reject);
      probe.listen(opts.port ?? 0, '127.0.0.1', () => probe.close(() => resolve()));
    });
    throw new Error(`aws-ses-v2-local could not listen on port ${opts.port ?? 0}.`);
  }
  return { url: urlOf(server), close: () => closeServer(server), restoredMail };
}

export function localDynamoClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
}

export function localS3Client(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    forcePathStyle: true,
    // s3rver stores aws-chunked framing verbatim if the SDK sends it (TOOLCHAIN.md).
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** Creates the cases table exactly as the CDK storage construct does (same schema module). */
export async function createCasesTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const keys = new Set<string>([CASES_TABLE.partitionKey, CASES_TABLE.sortKey]);
  const indexes: GlobalSecondaryIndex[] = Object.entries(CASES_TABLE.indexes).map(([name, index]) => {
    keys.add(index.partitionKey);
    if (index.sortKey) keys.add(index.sortKey);
    return {
      IndexName: name,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' },
        ...(index.sortKey ? [{ AttributeName: index.sortKey, KeyType: 'RANGE' as const }] : []),
      ],
      Projection: { ProjectionType: 'ALL' },
    };
  });
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [...keys].map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
        KeySchema: [
          { AttributeName: CASES_TABLE.partitionKey, KeyType: 'HASH' },
          { AttributeName: CASES_TABLE.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: indexes,
      }),
    );
  } catch (err) {
    if (!(err instanceof ResourceInUseException)) throw err; // persisted table from an earlier run
  }
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function createBuckets(client: S3Client, names: string[]): Promise<void> {
  for (const Bucket of names) {
    try {
      await client.send(new CreateBucketCommand({ Bucket }));
    } catch (err) {
      const name = (err as { name?: string }).name;
      if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') throw err;
    }
  }
}
