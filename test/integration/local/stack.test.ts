/**
 * The local stack as a whole: health of every part, the env the handlers get (and that the
 * production SDK clients really reach the emulators through it), memory versus persisted mode.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, DeleteBucketCommand, GetObjectCommand, HeadBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION, localDynamoClient, localS3Client } from '#infra/local/emulators';
import { readLocalEndpoints } from '#infra/local/endpoints';
import { PortInUseError, startLocalStack, type LocalStack, type LocalStackOptions } from '#infra/local/stack';
import { DynamoCaseStore } from '#adapters/dynamo-case-store';
import { systemClock } from '#shared/ports';
import { aCase, anEntry } from '#test/support/cases';

const stacks: LocalStack[] = [];
const dirs: string[] = [];

async function start(opts: LocalStackOptions = {}): Promise<LocalStack> {
  const stack = await startLocalStack({ port: 0, sesPort: 0, log: () => undefined, ...opts });
  stacks.push(stack);
  return stack;
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rightsdesk-stack-test-'));
  dirs.push(dir);
  return dir;
}

afterEach(async () => {
  // Newest first: each stop puts back the env as it found it.
  for (const stack of stacks.splice(0).reverse()) await stack.stop();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function listen(port = 0): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/** Sends one message straight to a stack's SES emulator, as a handler's SESv2 client would. */
async function sendMail(sesUrl: string, subject: string): Promise<void> {
  const ses = new SESv2Client({ endpoint: sesUrl, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  try {
    await ses.send(
      new SendEmailCommand({
        FromEmailAddress: 'no-reply@privacy.icetrak.net',
        Destination: { ToAddresses: ['ada@example.org'] },
        Content: { Simple: { Subject: { Data: subject }, Body: { Text: { Data: `Confirm: http://localhost/verify/${subject.length}` } } } },
      }),
    );
  } finally {
    ses.destroy();
  }
}

async function storedMail(sesUrl: string): Promise<{ messageId: string; subject: string }[]> {
  return ((await (await fetch(`${sesUrl}/store`)).json()) as { emails: { messageId: string; subject: string }[] }).emails;
}

describe('local stack', () => {
  it('starts in memory on random ports and answers /health 200 with every part up', async () => {
    const stack = await start({ memory: true });
    expect(stack.urls.api).toMatch(/^http:\/\/localhost:\d+$/);
    expect(stack.urls.api).not.toBe('http://localhost:0');
    expect(stack.dataDir).toBeUndefined();
    const res = await fetch(stack.urls.health);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', parts: { dynamodb: 'up', s3: 'up', ses: 'up', stepFunctions: 'up' } });
    const store = await fetch(stack.urls.sesStore);
    expect(store.status).toBe(200);
  });

  it('includes the SMTP listener in /health when it runs, and reports it down when it stops answering', async () => {
    const stack = await start({ memory: true, smtpPort: 0 });
    const res = await fetch(stack.urls.health);
    expect(await res.json()).toEqual({ status: 'ok', parts: { dynamodb: 'up', s3: 'up', ses: 'up', stepFunctions: 'up', smtp: 'up' } });
    await stack.inboundMail!.close();
    const down = await fetch(stack.urls.health);
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ status: 'down', parts: { smtp: 'down', stepFunctions: 'up' } });
  });

  it('reports 503 and names the part when one stops answering', async () => {
    const stack = await start({ memory: true });
    const s3 = localS3Client(stack.urls.s3);
    try {
      await s3.send(new DeleteBucketCommand({ Bucket: 'rightsdesk-files' }));
      const res = await fetch(stack.urls.health);
      expect(res.status).toBe(503);
      const body = (await res.json()) as { status: string; parts: Record<string, string>; problems: Record<string, string> };
      expect(body).toMatchObject({ status: 'down', parts: { dynamodb: 'up', s3: 'down', ses: 'up', stepFunctions: 'up' } });
      expect(body.problems.s3).toContain('rightsdesk-files');
      await s3.send(new CreateBucketCommand({ Bucket: 'rightsdesk-files' }));
      expect((await fetch(stack.urls.health)).status).toBe(200);
    } finally {
      s3.destroy();
    }
  });

  it('sets the env the handlers read, and puts the previous values back on stop', async () => {
    const before = { ...process.env };
    process.env.DPO_ADDRESS = 'privacy@example.test';
    try {
      const stack = await start({ memory: true });
      const { port } = new URL(stack.urls.api);
      expect(process.env).toMatchObject({
        CASES_TABLE: 'rightsdesk-cases',
        RAW_MAIL_BUCKET: 'rightsdesk-raw-mail',
        FILES_BUCKET: 'rightsdesk-files',
        REPORTS_BUCKET: 'rightsdesk-reports',
        DPO_ADDRESS: 'privacy@example.test', // the user's own value wins
        TEAM_ADDRESS: 'dpo-team@icetrak.net', // staff notices; the SMTP listener takes only the DPO address
        SENDER_ADDRESS: 'no-reply@privacy.icetrak.net',
        NATION: 'england-and-wales',
        PUBLIC_BASE_URL: `http://localhost:${port}`,
        POWERTOOLS_SERVICE_NAME: 'rightsdesk',
        AWS_REGION: 'eu-west-2',
        AWS_ENDPOINT_URL_DYNAMODB: stack.urls.dynamodb,
        AWS_ENDPOINT_URL_S3: stack.urls.s3,
        AWS_ENDPOINT_URL_SFN: stack.urls.stepFunctions,
      });
      expect(process.env.AWS_ENDPOINT_URL_SESV2).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(process.env.AWS_ACCESS_KEY_ID).toBeTruthy();
      expect(Buffer.from(process.env.SIGNING_KEY!, 'base64url')).toHaveLength(32);
      expect(stack.env).toMatchObject({ CASES_TABLE: 'rightsdesk-cases', DPO_ADDRESS: 'privacy@example.test' });
      expect(process.env.PORT).toBe(before.PORT);
      await stack.stop();
      expect(process.env.CASES_TABLE).toBe(before.CASES_TABLE);
      expect(process.env.AWS_ENDPOINT_URL_DYNAMODB).toBe(before.AWS_ENDPOINT_URL_DYNAMODB);
      expect(process.env.DPO_ADDRESS).toBe('privacy@example.test');
    } finally {
      if (before.DPO_ADDRESS === undefined) delete process.env.DPO_ADDRESS;
      else process.env.DPO_ADDRESS = before.DPO_ADDRESS;
    }
  });

  it('points the production SDK clients at the emulators, and Step Functions at the local keeper runner', async () => {
    const stack = await start({ memory: true });
    const { dynamoClient, s3Client, sesClient, sfnClient } = await import('#adapters/aws-clients');
    const dynamo = dynamoClient();
    const s3 = s3Client();
    const ses = sesClient();
    const sfn = sfnClient();
    try {
      const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: process.env.CASES_TABLE }));
      expect(Table?.TableStatus).toBe('ACTIVE');

      const text = 'Dear DPO, please send me my data. — Ada';
      await s3.send(new PutObjectCommand({ Bucket: process.env.FILES_BUCKET, Key: 'cases/c1/letter.txt', Body: text }));
      const got = await s3.send(new GetObjectCommand({ Bucket: process.env.FILES_BUCKET, Key: 'cases/c1/letter.txt' }));
      expect(await got.Body?.transformToString()).toBe(text);
      await expect(s3.send(new HeadBucketCommand({ Bucket: process.env.REPORTS_BUCKET }))).resolves.toBeDefined();

      const subject = `[RD-TEST01] acknowledgement ${Date.now()}`;
      await ses.send(
        new SendEmailCommand({
          FromEmailAddress: process.env.SENDER_ADDRESS,
          Destination: { ToAddresses: ['ada@example.org'] },
          Content: { Simple: { Subject: { Data: subject }, Body: { Text: { Data: 'We have your request.' } } } },
        }),
      );
      const store = (await (await fetch(stack.urls.sesStore)).json()) as { emails: { subject: string }[] };
      expect(store.emails.map((e) => e.subject)).toContain(subject);

      // Only the keeper state machine runs locally; anything else is refused, never sent to AWS.
      expect(process.env.KEEPER_STATE_MACHINE_ARN).toBe(stack.keeper.stateMachineArn);
      await expect(
        sfn.send(new StartExecutionCommand({ stateMachineArn: 'arn:aws:states:eu-west-2:000000000000:stateMachine:other', name: 'c1' })),
      ).rejects.toMatchObject({ name: 'StateMachineDoesNotExist' });
    } finally {
      for (const c of [dynamo, s3, ses, sfn]) c.destroy();
    }
  });

  it('in memory mode writes nothing under the data directory', async () => {
    const dataDir = join(tempDir(), 'data');
    const stack = await start({ memory: true, dataDir });
    const dynamo = localDynamoClient(stack.urls.dynamodb);
    const s3 = localS3Client(stack.urls.s3);
    try {
      await new DynamoCaseStore({ client: dynamo, tableName: 'rightsdesk-cases', clock: systemClock }).create(aCase(), anEntry('RequestReceived'));
      await s3.send(new PutObjectCommand({ Bucket: 'rightsdesk-raw-mail', Key: 'm1', Body: 'raw mime' }));
    } finally {
      dynamo.destroy();
      s3.destroy();
    }
    await stack.stop();
    expect(existsSync(dataDir)).toBe(false);
  });

  it('in persisted mode keeps cases, objects and the signing key across a restart', async () => {
    const dataDir = join(tempDir(), 'data');
    const c = aCase();
    const first = await start({ dataDir });
    expect(first.dataDir).toBe(dataDir);
    const key = first.env.SIGNING_KEY;
    // Tools beside the stack (npm run demo:cases) find it by its endpoints file, owner-only like the rest.
    expect(readLocalEndpoints(dataDir)).toMatchObject({
      api: first.urls.api,
      dynamodb: first.urls.dynamodb,
      s3: first.urls.s3,
      ses: first.urls.ses,
      region: 'eu-west-2',
      casesTable: 'rightsdesk-cases',
      reportsBucket: 'rightsdesk-reports',
      pid: process.pid,
    });
    expect((statSync(join(dataDir, 'endpoints.json')).mode & 0o777).toString(8)).toBe('600');
    let dynamo = localDynamoClient(first.urls.dynamodb);
    let s3 = localS3Client(first.urls.s3);
    const created = await new DynamoCaseStore({ client: dynamo, tableName: 'rightsdesk-cases', clock: systemClock }).create(c, anEntry('RequestReceived'));
    await s3.send(new PutObjectCommand({ Bucket: 'rightsdesk-files', Key: `cases/${c.id}/id.txt`, Body: 'passport scan' }));
    dynamo.destroy();
    s3.destroy();
    await first.stop();

    expect((statSync(dataDir).mode & 0o777).toString(8)).toBe('700');
    expect((statSync(join(dataDir, 'signing-key')).mode & 0o777).toString(8)).toBe('600');
    expect(readFileSync(join(dataDir, 'signing-key'), 'utf8').trim()).toBe(key);
    // No endpoints.json once stopped.
    expect(readdirSync(dataDir).sort()).toEqual(['dynamodb', 'mail', 's3', 'signing-key', 'staff-oidc-keys.json', 'staff-users.json']);
    expect(() => readLocalEndpoints(dataDir)).toThrow('start the local stack with `npm start` first');
    for (const file of ['staff-oidc-keys.json', 'staff-users.json']) expect((statSync(join(dataDir, file)).mode & 0o777).toString(8), file).toBe('600');
    const staffUsers = first.staffUsers;

    const second = await start({ dataDir });
    dynamo = localDynamoClient(second.urls.dynamodb);
    s3 = localS3Client(second.urls.s3);
    try {
      const store = new DynamoCaseStore({ client: dynamo, tableName: 'rightsdesk-cases', clock: systemClock });
      expect(await store.get(c.id)).toEqual(created);
      const obj = await s3.send(new GetObjectCommand({ Bucket: 'rightsdesk-files', Key: `cases/${c.id}/id.txt` }));
      expect(await obj.Body?.transformToString()).toBe('passport scan');
      expect(second.env.SIGNING_KEY).toBe(key);
      // The staff passwords npm start printed still work.
      expect(second.staffUsers).toEqual(staffUsers);
      expect((await fetch(second.urls.health)).status).toBe(200);
    } finally {
      dynamo.destroy();
      s3.destroy();
    }
  });

  it('in persisted mode keeps sent mail across a restart, listed at /store in sending order; /clear-store clears it', async () => {
    const dataDir = join(tempDir(), 'data');
    const first = await start({ dataDir });
    const subjects = [`first ${Date.now()}`, `second ${Date.now()}`];
    for (const subject of subjects) await sendMail(first.urls.ses, subject);
    const before = await storedMail(first.urls.ses);
    await first.stop();
    const files = readdirSync(join(dataDir, 'mail'));
    expect(files).toHaveLength(2);
    for (const f of files) expect((statSync(join(dataDir, 'mail', f)).mode & 0o777).toString(8)).toBe('600');

    const logs: string[] = [];
    const second = await start({ dataDir, log: (l) => logs.push(l) });
    const after = await storedMail(second.urls.ses);
    expect(after).toEqual(before);
    expect(after.map((e) => e.subject)).toEqual(subjects);
    expect(logs).toContain('local SES: 2 sent message(s) kept from earlier runs');
    const eml = await fetch(`${second.urls.ses}/get-emlContent?messageId=${encodeURIComponent(after[0]!.messageId)}`);
    expect(await eml.text()).toContain(subjects[0]);

    await sendMail(second.urls.ses, 'third');
    expect((await storedMail(second.urls.ses)).map((e) => e.subject)).toEqual([...subjects, 'third']);
    expect((await fetch(`${second.urls.ses}/clear-store`, { method: 'POST' })).status).toBe(200);
    expect(readdirSync(join(dataDir, 'mail'))).toEqual([]);
    await second.stop();
    const third = await start({ dataDir });
    expect(await storedMail(third.urls.ses)).toEqual([]);
  });

  it('gives each stack its own sent mail, and keeps it only in memory in memory mode', async () => {
    const dataDir = join(tempDir(), 'data');
    const one = await start({ memory: true, dataDir });
    const two = await start({ memory: true });
    // The first stack's emulator addresses in the env are not an operator's override.
    expect(two.overridden).toEqual([]);
    expect(two.env.AWS_ENDPOINT_URL_DYNAMODB).toBe(two.urls.dynamodb);
    await sendMail(one.urls.ses, 'to one only');
    expect((await storedMail(one.urls.ses)).map((e) => e.subject)).toEqual(['to one only']);
    expect(await storedMail(two.urls.ses)).toEqual([]);
    await two.stop(); // newest first: each stop puts back the env it found
    await one.stop();
    expect(existsSync(dataDir)).toBe(false);
  });

  it('refuses a second stack on a data directory in use, with a clear error', async () => {
    const dataDir = join(tempDir(), 'data');
    await start({ dataDir });
    await expect(start({ dataDir })).rejects.toMatchObject({
      name: 'DataDirInUseError',
      message: expect.stringContaining('--memory'),
    });
    expect((await fetch(stacks[0]!.urls.health)).status).toBe(200);
  });

  it('tells tools reading the endpoints of a stack that is gone to start one', () => {
    const dataDir = tempDir();
    writeFileSync(join(dataDir, 'endpoints.json'), JSON.stringify({ api: 'http://localhost:3000', pid: 999999999 }));
    expect(() => readLocalEndpoints(dataDir)).toThrow(/process 999999999\) has gone: start the local stack with `npm start` first/);
  });

  it('takes over a data directory whose pid file was left by a process that is gone', async () => {
    const dataDir = tempDir();
    writeFileSync(join(dataDir, 'stack.pid'), '999999999\n');
    const stack = await start({ dataDir });
    expect(readFileSync(join(dataDir, 'stack.pid'), 'utf8').trim()).toBe(String(process.pid));
    await stack.stop();
    expect(existsSync(join(dataDir, 'stack.pid'))).toBe(false);
  });

  it('refuses a taken port with an error that names the part and its env var', async () => {
    const busy = await listen();
    const port = (busy.address() as { port: number }).port;
    try {
      await expect(startLocalStack({ port, sesPort: 0, memory: true, log: () => undefined })).rejects.toMatchObject({
        name: 'PortInUseError',
        port,
        envVar: 'PORT',
      });
      const err = await startLocalStack({ port: 0, sesPort: port, memory: true, log: () => undefined }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PortInUseError);
      expect((err as PortInUseError).message).toContain('SES_PORT');
      expect(process.env.CASES_TABLE).toBeUndefined();
    } finally {
      busy.close();
    }
  });

  it('listens for SMTP on the given port, and fails clearly when the port is taken', async () => {
    const probe = await listen();
    const freePort = (probe.address() as { port: number }).port;
    await new Promise((r) => probe.close(r));
    const free = await start({ memory: true, smtpPort: freePort });
    expect(free.urls.smtp).toBe(`smtp://localhost:${freePort}`);
    expect(free.inboundMail?.port).toBe(freePort);
    expect(free.warnings).toEqual([]);
    await free.stop();

    const busy = await listen();
    const taken = (busy.address() as { port: number }).port;
    try {
      const err = await startLocalStack({ port: 0, sesPort: 0, smtpPort: taken, memory: true, log: () => undefined }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PortInUseError);
      expect(err).toMatchObject({ port: taken, envVar: 'SMTP_PORT' });
      expect(process.env.CASES_TABLE).toBeUndefined();
    } finally {
      busy.close();
    }
  });
});
