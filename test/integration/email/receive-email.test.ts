/**
 * The receive-email handler invoked as SES invokes it (the same event more than once, events
 * without verdicts, events whose message is missing), and the use case with a mailer that
 * SES refuses: against dynalite, s3rver and aws-ses-v2-local.
 */
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Context, SESEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDynamoClient, localS3Client } from '#infra/local/emulators';
import { LOCAL_RESOURCES, startLocalStack, type LocalStack } from '#infra/local/stack';
import { newSesMessageId } from '#infra/local/smtp-listener';
import { DynamoCaseStore } from '#adapters/dynamo-case-store';
import { DynamoRateLimiter, DynamoSubmissionLedger } from '#adapters/dynamo-intake-guards';
import { S3BlobStore } from '#adapters/s3-blob-store';
import { S3CaseObjects } from '#adapters/s3-case-objects';
import type { Verdicts } from '#domain/inbound-mail';
import { rawMailKey } from '#shared/email/keys';
import { receiveEmail, type ReceiveEmailDeps, type ReceiveEmailResult } from '#shared/email/receive-email';
import { sesEventOf } from '#shared/email/ses-event';
import { newCaseId, newReference } from '#shared/core/ids';
import { BlobNotFoundError, systemClock, type CaseObject, type CaseObjects, type OutboundEmail } from '#shared/ports';
import { emailsTo } from '#test/support/http';
import { ICETRAK_REGISTER } from '#shared/fulfilment/icetrak-register';

type Handler = (event: SESEvent, context: Context) => Promise<ReceiveEmailResult[]>;

const PASS: Verdicts = { spam: 'PASS', virus: 'PASS', spf: 'PASS', dkim: 'PASS', dmarc: 'PASS' };
const context = { awsRequestId: 'test', functionName: 'receive-email' } as Context;

let stack: LocalStack;
let cases: DynamoCaseStore;
let s3: S3Client;
let handler: Handler;

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, sesPort: 0, memory: true, log: () => undefined });
  cases = new DynamoCaseStore({ client: localDynamoClient(stack.urls.dynamodb), tableName: stack.env.CASES_TABLE!, clock: systemClock });
  s3 = localS3Client(stack.urls.s3);
  // Imported once the stack has set the environment its composition root reads.
  ({ handler } = await import('#lambdas/email/receive-email'));
});

afterAll(async () => {
  s3?.destroy();
  await stack?.stop();
});

/** The local stack's DPO mailbox (the intake) and the DPO team's inbox (staff notices). */
const DPO = 'dpo@icetrak.net';
const TEAM = 'dpo-team@icetrak.net';

let counter = 0;
function message(from: string, subject: string, body: string, extra: string[] = []): string {
  counter += 1;
  return [
    `From: ${from}`,
    'To: dpo@icetrak.net',
    `Subject: ${subject}`,
    `Message-ID: <m${counter}.${Date.now()}@mail.example.org>`,
    ...extra,
    '',
    body,
    '',
  ].join('\r\n');
}

/** Stores the raw MIME where SES's S3 action would, and returns the event SES's Lambda action would send. */
async function arrive(raw: string, opts: { verdicts?: Verdicts; timestamp?: Date; source?: string } = {}): Promise<{ id: string; event: SESEvent }> {
  const id = newSesMessageId();
  await s3.send(new PutObjectCommand({ Bucket: LOCAL_RESOURCES.rawMailBucket, Key: rawMailKey(id), Body: Buffer.from(raw) }));
  const event = sesEventOf({
    messageId: id,
    timestamp: opts.timestamp ?? new Date(),
    source: opts.source ?? 'sender@example.org',
    recipients: ['dpo@icetrak.net'],
    verdicts: opts.verdicts ?? PASS,
    functionArn: 'arn:aws:lambda:eu-west-2:000000000000:function:receive-email',
  });
  return { id, event };
}

const only = async (event: SESEvent) => {
  const [result, ...more] = await handler(event, context);
  expect(more).toHaveLength(0);
  return result!;
};

/** The use case's dependencies on the local stack, with the mailer (and, for a legal hold, the case's objects) given. */
function useCaseDeps(mailer: ReceiveEmailDeps['outbox']['mailer'], objects?: CaseObjects): ReceiveEmailDeps {
  const table = { client: localDynamoClient(stack.urls.dynamodb), tableName: stack.env.CASES_TABLE!, clock: systemClock };
  return {
    rawMail: new S3BlobStore(s3, LOCAL_RESOURCES.rawMailBucket),
    files: new S3BlobStore(s3, LOCAL_RESOURCES.filesBucket),
    cases,
    ledger: new DynamoSubmissionLedger(table),
    limiter: new DynamoRateLimiter(table),
    clock: systemClock,
    keeper: { start: async () => undefined },
    outbox: {
      cases,
      limiter: new DynamoRateLimiter(table),
      clock: systemClock,
      mailer,
      signingKey: async () => Buffer.alloc(32, 1),
      settings: { publicBaseUrl: 'http://localhost', dpoAddress: DPO, teamAddress: TEAM, mailDailyLimit: 4 },
    },
    ...(objects && { objects }),
    ids: { caseId: () => newCaseId(), reference: () => newReference() },
    settings: { nation: 'england-and-wales', dpoAddress: DPO, senderAddress: 'no-reply@privacy.icetrak.net' },
    log: { info: () => undefined, warn: () => undefined },
  };
}

describe('receive-email handler: idempotent on the SES message id', () => {
  it('makes one case and sends one acknowledgement when SES or Lambda delivers the same event twice', async () => {
    const { event } = await arrive(message('Hana Twice <hana.twice@example.org>', 'Subject access request', 'Please send me a copy of my data.'));
    const first = await only(event);
    const again = await only(event);
    expect(first).toMatchObject({ outcome: 'created' });
    expect(again).toEqual(first);
    expect(await cases.listByRequesterEmail('hana.twice@example.org')).toHaveLength(1);
    expect(await emailsTo(stack.urls.ses, 'hana.twice@example.org')).toHaveLength(1);
    // DKIM passed, so the team hears of it, once; nothing goes back into the DPO mailbox.
    const reference = (first as { reference: string }).reference;
    expect((await emailsTo(stack.urls.ses, TEAM)).filter((m) => m.subject.includes(`[${reference}]`))).toHaveLength(1);
    expect(await emailsTo(stack.urls.ses, DPO)).toEqual([]);
  });

  it('makes one case when the same event runs concurrently', async () => {
    const { event } = await arrive(message('Ivan Race <ivan.race@example.org>', 'Erasure', 'Please delete my account.'));
    const results = await Promise.all([1, 2, 3].map(() => only(event)));
    const ids = new Set(results.map((r) => (r as { caseId: string }).caseId));
    expect(ids.size).toBe(1);
    expect(await cases.listByRequesterEmail('ivan.race@example.org')).toHaveLength(1);
  });

  it('records a reply once, however often it is delivered', async () => {
    const { event: original } = await arrive(message('Jo Thread <jo.thread@example.org>', 'SAR', 'subject access request'));
    const created = (await only(original)) as Extract<ReceiveEmailResult, { outcome: 'created' }>;
    const { event: reply } = await arrive(message('Jo Thread <jo.thread@example.org>', `Re: [${created.reference}] thanks`, 'Thanks!'));
    await only(reply);
    await only(reply);
    const c = await cases.get(created.caseId);
    expect(c.audit.filter((a) => a.action === 'CorrespondenceReceived')).toHaveLength(1);
    expect(c.flags).toEqual(['new-correspondence']);
  });

  it('ignores an auto-reply every time, making nothing', async () => {
    const { event } = await arrive(message('Kim Away <kim.away@example.org>', 'Out of office', 'Away', ['Auto-Submitted: auto-replied']));
    expect(await only(event)).toMatchObject({ outcome: 'ignored', reason: 'auto-submitted' });
    expect(await only(event)).toMatchObject({ outcome: 'ignored', reason: 'auto-submitted' });
    expect(await cases.listByRequesterEmail('kim.away@example.org')).toHaveLength(0);
  });
});

describe('mail threaded into a case under legal hold (issue 13)', () => {
  it('holds the new message’s objects with the rest of the case; a case without a hold holds nothing', async () => {
    const real = new S3CaseObjects({
      client: s3,
      buckets: { rawMail: LOCAL_RESOURCES.rawMailBucket, files: LOCAL_RESOURCES.filesBucket },
      versioned: false,
    });
    // The real adapter lists the case's objects in s3rver; the hold calls are recorded (s3rver has no Object Lock;
    // the adapter's Object Lock calls are tested in test/unit/adapters/s3-case-objects.test.ts).
    const held: CaseObject[][] = [];
    const objects: CaseObjects = {
      list: (c) => real.list(c),
      setLegalHold: async (o, on) => {
        if (on) held.push([...o]);
      },
      deleteAllVersions: async () => 0,
    };
    const deps = useCaseDeps({ send: async () => 'sent' }, objects);
    const inbound = (id: string) => ({ sesMessageId: id, receivedAt: new Date().toISOString(), envelopeFrom: 'lou.held@example.org', verdicts: PASS });
    const first = await arrive(message('Lou Held <lou.held@example.org>', 'SAR', 'subject access request'));
    const created = (await receiveEmail(inbound(first.id), deps)) as Extract<ReceiveEmailResult, { outcome: 'created' }>;
    const reply1 = await arrive(message('Lou Held <lou.held@example.org>', `Re: [${created.reference}] more`, 'More detail', []));
    await receiveEmail(inbound(reply1.id), deps);
    expect(held).toEqual([]);

    await cases.update(created.caseId, (c) => ({
      case: { ...c, legalHold: { since: new Date().toISOString(), reason: 'Litigation', placedBy: 'staff:dpo' } },
    }));
    const reply2 = await arrive(message('Lou Held <lou.held@example.org>', `Re: [${created.reference}] again`, 'Again', []));
    expect(await receiveEmail(inbound(reply2.id), deps)).toMatchObject({ outcome: 'threaded' });
    expect(held).toHaveLength(1);
    const keys = held[0]!.map((o) => `${o.bucket}:${o.key}`);
    expect(keys).toEqual(
      expect.arrayContaining([
        `rawMail:${rawMailKey(reply2.id)}`,
        `files:messages/${created.caseId}/${reply2.id}.json`,
        `rawMail:${rawMailKey(first.id)}`,
        `rawMail:${rawMailKey(reply1.id)}`,
      ]),
    );
  });
});

describe('receive-email handler: dates, verdicts and failures', () => {
  it('dates the request by the London date of arrival (23:30 UTC on 31 March 2026 is 1 April)', async () => {
    const { event } = await arrive(message('Lia Late <lia.late@example.org>', 'SAR', 'subject access request'), {
      timestamp: new Date('2026-03-31T23:30:00Z'),
    });
    const result = (await only(event)) as Extract<ReceiveEmailResult, { outcome: 'created' }>;
    const c = await cases.get(result.caseId);
    expect(c).toMatchObject({ receivedAt: '2026-03-31T23:30:00.000Z', receivedOn: '2026-04-01', clockStartsOn: '2026-04-01' });
  });

  it('quarantines a message whose event carries no verdicts (a hand-made redrive): unscanned is unsafe', async () => {
    const { event } = await arrive(message('Max Manual <max.manual@example.org>', 'SAR', 'subject access request'));
    const receipt = event.Records[0]!.ses.receipt as unknown as Record<string, unknown>;
    for (const k of ['spamVerdict', 'virusVerdict', 'spfVerdict', 'dkimVerdict', 'dmarcVerdict']) delete receipt[k];
    const result = await only(event);
    expect(result).toMatchObject({ outcome: 'created', flags: ['quarantined'], status: 'received', acknowledged: false });
  });

  it('throws (so Lambda retries, then dead-letters) when the raw message is not in S3', async () => {
    const { event } = await arrive('From: x@example.org\r\n\r\nx');
    event.Records[0]!.ses.mail.messageId = newSesMessageId(); // SES's id, but nothing stored under it
    await expect(handler(event, context)).rejects.toBeInstanceOf(BlobNotFoundError);
  });

  it('refuses an event whose message id could not come from SES (it would become an S3 key)', async () => {
    const { event } = await arrive('irrelevant');
    event.Records[0]!.ses.mail.messageId = '../../etc/passwd';
    await expect(handler(event, context)).rejects.toMatchObject({ name: 'InvalidInboundEventError' });
  });
});

describe('receiveEmail with a mailer SES refuses', () => {
  it('records the refusal on the case and flags it, instead of retrying until the event is dead-lettered', async () => {
    const refused = Object.assign(new Error('Illegal address'), { name: 'MessageRejected' });
    const sent: string[] = [];
    // A mailer SES refuses for the requester's address: SES itself cannot be told to refuse one address.
    const deps = useCaseDeps({
      send: async (m: OutboundEmail) => {
        if (m.to !== TEAM) throw refused;
        sent.push(m.subject);
        return 'team-notice';
      },
    });
    const { id } = await arrive(message('Ned Bad <ned.bad@example.org>', 'SAR', 'subject access request'));
    const inbound = { sesMessageId: id, receivedAt: new Date().toISOString(), envelopeFrom: 'ned.bad@example.org', verdicts: PASS };
    const first = await receiveEmail(inbound, deps);
    const again = await receiveEmail(inbound, deps);
    expect(first).toMatchObject({ outcome: 'created', acknowledged: false, flags: ['acknowledgement-failed', 'mail-undelivered'] });
    expect(again).toMatchObject({ caseId: (first as { caseId: string }).caseId, acknowledged: false });
    const c = await cases.get((first as { caseId: string }).caseId);
    expect(c.audit.filter((a) => a.action === 'AcknowledgementFailed')).toEqual([
      expect.objectContaining({ detail: { mail: `ack:${c.id}`, kind: 'acknowledgement', errorName: 'MessageRejected', failures: 1 } }),
    ]);
    expect(sent).toHaveLength(1); // the team's notice, once
  });
});

describe('receiveEmail: a phone number in the text starts the search at intake (issue 15)', () => {
  function withSearch() {
    const started: Array<[string, string]> = [];
    let n = 0;
    const deps: ReceiveEmailDeps = {
      ...useCaseDeps({ send: async () => 'sent' }),
      search: {
        cases,
        clock: systemClock,
        workflow: { start: async (caseId, runId) => void started.push([caseId, runId]) },
        register: ICETRAK_REGISTER,
        runId: () => `intake${String(Date.now())}${String((n += 1))}`,
      },
    };
    return { deps, started };
  }

  it('takes the number as the requester’s phone and starts one search by the system, once however often SES delivers', async () => {
    const { deps, started } = withSearch();
    const raw = message(
      'Cara Phone <cara.phone@example.org>',
      'Who has my number?',
      'I get texts on 07700 900456 from firms I never gave it to. Please tell me what you hold.',
    );
    const { id } = await arrive(raw);
    const mail = { sesMessageId: id, receivedAt: new Date().toISOString(), envelopeFrom: 'cara.phone@example.org', verdicts: PASS };
    const first = await receiveEmail(mail, deps);
    expect(first).toMatchObject({ outcome: 'created', status: 'in_progress' });
    const c = (await cases.find((first as { caseId: string }).caseId))!;
    expect(c.requester.phone).toBe('+447700900456');
    expect(c.search).toMatchObject({ startedBy: 'system', identifiers: { phones: ['+447700900456'] } });
    expect(c.search!.sources.find((s) => s.source === 'traffic')).toMatchObject({
      status: 'running',
      identifiers: [{ kind: 'phone', value: '+447700900456' }],
    });
    expect(started).toEqual([[c.id, c.search!.runId]]);
    expect(c.audit.filter((e) => e.action === 'SearchStarted')).toEqual([
      expect.objectContaining({ actor: 'system', detail: expect.objectContaining({ phones: 1 }) }),
    ]);

    // SES delivers again: no second run; the same run's workflow is started again (harmless: named after the run).
    await receiveEmail(mail, deps);
    const again = (await cases.find(c.id))!;
    expect(again.search!.runId).toBe(c.search!.runId);
    expect(again.audit.filter((e) => e.action === 'SearchStarted')).toHaveLength(1);
    expect(started).toEqual([
      [c.id, c.search!.runId],
      [c.id, c.search!.runId],
    ]);
  });

  it('starts nothing for an email without a phone number, nor for one still to be confirmed (searched on confirmation)', async () => {
    const { deps, started } = withSearch();
    const plain = await arrive(message('Dan Plain <dan.plain@example.org>', 'Access request', 'Please send me my data. Order 2026-11-30, ref 12345678.'));
    const r1 = await receiveEmail(
      { sesMessageId: plain.id, receivedAt: new Date().toISOString(), envelopeFrom: 'dan.plain@example.org', verdicts: PASS },
      deps,
    );
    const unverified = await arrive(message('Eve Unverified <eve.unverified@example.org>', 'Access request', 'My mobile is +44 7700 900457.'));
    const r2 = await receiveEmail(
      {
        sesMessageId: unverified.id,
        receivedAt: new Date().toISOString(),
        envelopeFrom: 'eve.unverified@example.org',
        verdicts: { ...PASS, dkim: 'FAIL', dmarc: 'FAIL' },
      },
      deps,
    );
    expect(r2).toMatchObject({ status: 'awaiting_identity' });
    expect((await cases.find((r1 as { caseId: string }).caseId))!.search).toBeUndefined();
    const eve = (await cases.find((r2 as { caseId: string }).caseId))!;
    expect(eve.requester.phone).toBe('+447700900457');
    expect(eve.search).toBeUndefined();
    expect(started).toEqual([]);
  });
});
