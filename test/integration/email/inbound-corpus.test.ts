/**
 * The inbound-mail corpus end to end, as `npm start` runs it: each message goes over SMTP
 * (nodemailer, envelope + raw) to the local listener → local S3 (`inbound/<id>`) → the
 * production handler → dynalite (the case) and aws-ses-v2-local (the acknowledgement).
 * test/fixtures/email/manifest.ts says what must become of each message.
 */
import { readFileSync } from 'node:fs';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import nodemailer, { type Transporter } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { localDynamoClient, localS3Client } from '#infra/local/emulators';
import { LOCAL_RESOURCES, startLocalStack, type LocalStack } from '#infra/local/stack';
import { DynamoCaseStore } from '#adapters/dynamo-case-store';
import type { Case } from '#domain/case';
import { londonDateOf } from '#domain/deadlines';
import type { ReceiveEmailResult } from '#shared/email/receive-email';
import { systemClock } from '#shared/ports';
import { FIXTURES, type Fixture } from '#test/fixtures/email/manifest';
import { emailsTo, sentEmails } from '#test/support/http';

const DPO = 'dpo@icetrak.net';
/** The DPO team's inbox (the local stack's TEAM_ADDRESS), where staff notices go. */
const TEAM = 'dpo-team@icetrak.net';
const FIXTURE_DIR = new URL('../../fixtures/email/', import.meta.url);

let stack: LocalStack;
let cases: DynamoCaseStore;
let s3: S3Client;
let smtp: Transporter;
/** What each fixture became, for the replies that refer to it. */
const made = new Map<string, { caseId: string; reference: string }>();
/** Everything the process printed while the corpus ran (Powertools logs go to stdout). */
const printed: string[] = [];

beforeAll(async () => {
  // INFO, so the test sees every line the handler logs (and can check them for personal data).
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'INFO');
  const capture = (chunk: unknown) => {
    printed.push(String(chunk));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  stack = await startLocalStack({
    port: 0,
    sesPort: 0,
    smtpPort: 0,
    memory: true,
    smtpRetryDelaysMs: [20, 20],
    smtpMaxMessageBytes: 20 * 1024 * 1024,
    log: (line) => printed.push(line),
  });
  expect(stack.env).toMatchObject({ DPO_ADDRESS: DPO, TEAM_ADDRESS: TEAM });
  cases = new DynamoCaseStore({ client: localDynamoClient(stack.urls.dynamodb), tableName: stack.env.CASES_TABLE!, clock: systemClock });
  s3 = localS3Client(stack.urls.s3);
  smtp = nodemailer.createTransport({ host: '127.0.0.1', port: stack.inboundMail!.port, secure: false, ignoreTLS: true });
});

afterAll(async () => {
  smtp?.close();
  s3?.destroy();
  await stack?.stop();
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

async function rawOf(f: Fixture): Promise<Buffer> {
  let raw = 'file' in f.source ? readFileSync(new URL(f.source.file, FIXTURE_DIR)) : await f.source.build();
  if (f.refFrom) {
    const ref = made.get(f.refFrom)?.reference;
    if (!ref) throw new Error(`${f.name} replies to ${f.refFrom}, which made no case`);
    raw = Buffer.from(raw.toString('latin1').replaceAll('{{REF}}', ref), 'latin1');
  }
  return raw;
}

/** The From address in the raw header block, as a sender's server would use it. */
function fromAddressOf(raw: Buffer): string | undefined {
  const head = raw.toString('latin1').split(/\r?\n\r?\n/)[0] ?? '';
  const from = /^From:.*?<?([^\s<>"]+@[^\s<>"]+?)>?\s*$/im.exec(head);
  return from?.[1];
}

async function send(raw: Buffer, envelopeFrom: string): Promise<string> {
  const info = await smtp.sendMail({ envelope: { from: envelopeFrom, to: [DPO] }, raw });
  const id = /queued as ([a-z0-9]+)/.exec(info.response ?? '')?.[1];
  if (!id) throw new Error(`unexpected SMTP answer ${info.response ?? '(none)'}`);
  return id;
}

async function object(bucket: string, key: string): Promise<Buffer> {
  const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await out.Body!.transformToByteArray());
}

const sorted = (xs: readonly string[]) => [...xs].sort();

describe('inbound mail corpus through the local SMTP listener', () => {
  it('has at least 30 messages on disk and covers cases, replies and deliberate ignores', () => {
    expect(FIXTURES.filter((f) => 'file' in f.source).length).toBeGreaterThanOrEqual(30);
    const outcomes = new Set(FIXTURES.map((f) => f.expect.outcome));
    expect(outcomes).toEqual(new Set(['created', 'threaded', 'ignored']));
  });

  for (const f of FIXTURES) {
    it(`${f.name}: ${f.about} → ${f.expect.outcome}${f.expect.outcome === 'ignored' ? ` (${f.expect.reason})` : ''}`, async () => {
      const raw = await rawOf(f);
      const sender = fromAddressOf(raw);
      const envelopeFrom = f.envelopeFrom ?? sender ?? 'unknown@example.org';
      const before = sender ? (await emailsTo(stack.urls.ses, sender)).length : 0;
      const casesBefore = sender ? (await cases.listByRequesterEmail(sender)).length : 0;

      const id = await send(raw, envelopeFrom);
      const [result] = (await stack.inboundMail!.processed(id)) as ReceiveEmailResult[];

      // Nothing is ever lost: whatever the outcome, the raw message is in S3 where SES puts it.
      const stored = await object(LOCAL_RESOURCES.rawMailBucket, `inbound/${id}`);
      expect(stored.subarray(stored.length - raw.length).equals(raw) || raw.length === 0).toBe(true);
      expect(result).toMatchObject({ outcome: f.expect.outcome, sesMessageId: id });

      const e = f.expect;
      if (e.outcome === 'ignored') {
        expect(result).toMatchObject({ reason: e.reason });
        if (sender) {
          expect(await emailsTo(stack.urls.ses, sender)).toHaveLength(before);
          expect(await cases.listByRequesterEmail(sender)).toHaveLength(casesBefore);
        }
        return;
      }

      const r = result as Extract<ReceiveEmailResult, { caseId: string }>;
      const c = await cases.get(r.caseId);
      if (e.outcome === 'threaded') {
        expect(r.caseId).toBe(made.get(e.into)!.caseId);
        const entry = c.audit.find((a) => a.action === 'CorrespondenceReceived' && a.detail?.sesMessageId === id);
        expect(entry?.detail).toMatchObject({ fromRequester: e.fromRequester, messageKey: `messages/${c.id}/${id}.json` });
        expect(entry?.actor).toBe(e.fromRequester ? 'requester' : 'system');
        expect(c.flags).toContain('new-correspondence');
        // A reply is recorded, not answered: no second acknowledgement.
        if (sender) expect(await emailsTo(stack.urls.ses, sender)).toHaveLength(before);
        // The team is alerted once, with the desk link, and told whether the sender is the requester.
        expect(c.outbox?.find((m) => m.id === `notice:reply:${id}`)).toMatchObject({ kind: 'team-notice', to: 'team', state: 'sent' });
        const alerts = (await emailsTo(stack.urls.ses, TEAM)).filter((m) => m.subject.startsWith(`[${c.reference}] New correspondence`));
        expect(alerts.filter((m) => m.messageId === c.outbox!.find((x) => x.id === `notice:reply:${id}`)!.messageId)).toHaveLength(1);
        expect(alerts.at(-1)!.subject).toBe(`[${c.reference}] New correspondence ${e.fromRequester ? 'from the requester' : '(unverified sender)'}`);
        expect(alerts.at(-1)!.body.text).toContain(`/desk/cases/${c.reference}`);
        await expectStoredMessage(c, id, 0, 0);
        return;
      }

      made.set(f.name, { caseId: c.id, reference: c.reference });
      expect(c).toMatchObject({ channel: 'email', status: e.status, rights: e.rights, reference: r.reference });
      expect(sorted(c.flags)).toEqual(sorted(e.flags));
      expect(c.receivedOn).toBe(londonDateOf(c.receivedAt));
      expect(Date.now() - Date.parse(c.receivedAt)).toBeLessThan(60_000);
      if (e.requester) expect(c.requester).toMatchObject(e.requester);
      if (e.details) expect(c.details).toContain(e.details);
      const actions = c.audit.map((a) => a.action);
      expect(actions.slice(0, 2)).toEqual(['RequestReceived', 'EmailReceived']);
      expect(c.audit.find((a) => a.action === 'EmailReceived')?.detail).toMatchObject({ sesMessageId: id, rawMailKey: `inbound/${id}` });
      await expectStoredMessage(c, id, e.attachments?.stored ?? 0, e.attachments?.skipped ?? 0);
      await expectAcknowledgement(f, c, raw, sender, before);
    });
  }

  it('answers no one but the sender: Reply-To and the 2,000 other recipients get nothing', async () => {
    const all = await sentEmails(stack.urls.ses);
    const recipients = new Set(all.flatMap((m) => m.destination.to));
    expect(recipients.has('somebody.else@example.com')).toBe(false);
    expect([...recipients].some((r) => r.endsWith('@example.net') && r.startsWith('person'))).toBe(false);
  });

  it('sends nothing to the DPO mailbox: staff notices go to the team, which the SMTP listener refuses (550) as it is no intake', async () => {
    const all = await sentEmails(stack.urls.ses);
    expect(all.some((m) => m.destination.to.includes(TEAM))).toBe(true);
    expect(all.filter((m) => m.destination.to.some((to) => to.toLowerCase() === DPO))).toEqual([]);
    const raw = 'From: Ada <ada@example.org>\r\nTo: dpo-team@icetrak.net\r\nSubject: hello\r\n\r\nHello.\r\n';
    await expect(smtp.sendMail({ envelope: { from: 'ada@example.org', to: [TEAM] }, raw })).rejects.toMatchObject({ responseCode: 550 });
  });

  it('keeps personal data out of S3 keys: only case ids, SES message ids and numbers', async () => {
    const { Contents = [] } = await s3.send(new ListObjectsV2Command({ Bucket: LOCAL_RESOURCES.filesBucket }));
    expect(Contents.length).toBeGreaterThan(0);
    for (const { Key } of Contents) {
      expect(Key).toMatch(/^(messages\/[0-9A-Z]{26}\/[a-z0-9]{40}\.json|attachments\/[0-9A-Z]{26}\/[a-z0-9]{40}\/\d+)$/);
    }
  });

  it('keeps personal data out of the logs: no address, name or subject from the corpus', async () => {
    const logs = printed.join('\n');
    expect(logs).toContain('Inbound email handled');
    for (const needle of ['ada.sar@example.org', 'Lovelace', 'Subject access request', 'passport', 'bob.erase', 'Jürgen', '@example.org']) {
      expect(logs, needle).not.toContain(needle);
    }
  });
});

/** The parsed message and its attachments sit in the files bucket under the case, as the audit entry says. */
async function expectStoredMessage(c: Case, id: string, stored: number, skipped: number): Promise<void> {
  const entry = c.audit.find((a) => a.detail?.sesMessageId === id)!;
  expect(entry.detail).toMatchObject({ attachmentsStored: stored, attachmentsSkipped: skipped });
  const record = JSON.parse((await object(LOCAL_RESOURCES.filesBucket, `messages/${c.id}/${id}.json`)).toString('utf8')) as {
    sesMessageId: string;
    attachments: { n: number; key: string | null; size: number; filename: string; skipped: string | null }[];
  };
  expect(record.sesMessageId).toBe(id);
  expect(record.attachments.filter((a) => a.key)).toHaveLength(stored);
  expect(record.attachments.filter((a) => a.skipped)).toHaveLength(skipped);
  for (const a of record.attachments.filter((x) => x.key)) {
    expect(a.key).toBe(`attachments/${c.id}/${id}/${a.n}`);
    expect((await object(LOCAL_RESOURCES.filesBucket, a.key!)).length).toBe(a.size);
  }
  // Audit entries carry keys and counts, never the requester's words.
  for (const a of c.audit) for (const v of Object.values(a.detail ?? {})) expect(String(v)).not.toMatch(/@|subject access/i);
}

async function expectAcknowledgement(f: Fixture, c: Case, raw: Buffer, sender: string | undefined, before: number): Promise<void> {
  const e = f.expect as Extract<Fixture['expect'], { outcome: 'created' }>;
  const mails = sender ? (await emailsTo(stack.urls.ses, sender)).slice(before) : [];
  if (e.ack === 'none') {
    expect(mails).toHaveLength(0);
    expect(c.audit.map((a) => a.action)).not.toContain('AcknowledgementSent');
    return;
  }
  expect(mails).toHaveLength(1);
  const [ack] = mails;
  expect(ack!.subject).toContain(`[${c.reference}]`);
  expect(ack!.replyTo).toEqual([DPO]);
  const inbound = /^Message-ID:\s*(<[^>]+>)/im.exec(raw.toString('latin1').split(/\r?\n\r?\n/)[0] ?? '')?.[1];
  const header = (name: string) => ack!.headers?.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value;
  expect(header('In-Reply-To')).toBe(inbound);
  expect(header('References')).toBe(inbound);
  if (e.ack === 'confirmation-link') {
    expect(ack!.subject).toMatch(/please confirm your email address/);
    expect(ack!.body.text).toMatch(/\/verify\/[A-Za-z0-9_.%-]+/);
  } else {
    expect(ack!.subject).toMatch(/we will reply by/);
    expect(ack!.body.text).not.toMatch(/\/verify\//);
    // Verified on arrival: the DPO team hears of it, as for a confirmed form request.
    const notices = (await emailsTo(stack.urls.ses, TEAM)).filter((m) => m.subject.includes(`[${c.reference}]`));
    expect(notices).toHaveLength(1);
    expect(notices[0]!.subject).toMatch(/New verified request/);
  }
}
