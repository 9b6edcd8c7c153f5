/**
 * The submit-request use case for requesters without an email address and for requests made
 * on someone else's behalf: real DynamoDB adapters on dynalite; the keeper and the mailer are
 * recording fakes.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DynamoCaseStore } from '#adapters/dynamo-case-store';
import { DynamoRateLimiter, DynamoSubmissionLedger } from '#adapters/dynamo-intake-guards';
import { INTAKE_FLAGS } from '#domain/lifecycle';
import { newCaseId, newReference } from '#shared/core/ids';
import { submitRequest, type SubmitDeps } from '#shared/intake/submit-request';
import type { OutboundEmail } from '#shared/ports';
import { useDynamo } from '#test/support/emulators';
import { recordingOutbox, TEST_TEAM_ADDRESS } from '#test/support/outbox';

const db = useDynamo();
const TEAM = TEST_TEAM_ADDRESS;
const clock = { now: () => new Date('2026-11-02T10:00:00Z') };

function deps(): SubmitDeps & { sent: OutboundEmail[]; started: string[] } {
  const table = { client: db.client, tableName: db.tableName, clock };
  const sent: OutboundEmail[] = [];
  const started: string[] = [];
  return {
    sent,
    started,
    cases: new DynamoCaseStore(table),
    ledger: new DynamoSubmissionLedger(table),
    limiter: new DynamoRateLimiter(table),
    clock,
    keeper: { start: async (id) => void started.push(id) },
    outbox: recordingOutbox(table, sent),
    ids: { caseId: () => newCaseId(), reference: () => newReference() },
    settings: { nation: 'england-and-wales' },
  };
}

const unique = () => randomUUID().slice(0, 8);
const postal = () => ({
  rights: ['access'],
  fullName: `Ada ${unique()}`,
  postalAddress: `${unique()} High Street\nMalvern WR14 1AA`,
  relationship: 'customer',
});
const person = { fullName: 'Grace Hopper', capacity: 'power-of-attorney', authority: 'Lasting power of attorney registered in 2024.' };

describe('a requester without an email address', () => {
  it('makes a case flagged reply-by-post, running from receipt: its acknowledgement is a letter to post, and the team hears of it at once', async () => {
    const d = deps();
    const result = await submitRequest(postal(), { bodyKind: 'json' }, d);
    expect(result).toMatchObject({ status: 'received', replyBy: 'post', replayed: false });

    const [c, ...more] = await d.cases.listByRequesterEmail('');
    const mine = [c, ...more].find((x) => x?.reference === result.reference)!;
    expect(mine.requester).toMatchObject({ email: '', postalAddress: expect.stringContaining('Malvern') });
    expect(mine.status).toBe('received');
    expect(mine.flags).toEqual([INTAKE_FLAGS.replyByPost]);
    expect(mine.clockStartsOn).toBe('2026-11-02');
    expect(mine.audit.map((e) => e.action)).toEqual(['RequestReceived', 'KeeperStarted', 'DpoNotified']);
    expect(mine.audit[0]!.detail).toMatchObject({ replyBy: 'post', onBehalf: false, flags: 'reply-by-post' });
    expect(d.started).toEqual([mine.id]);
    // Nothing is emailed to the requester: the acknowledgement waits as a letter for the DPO team to post.
    expect(d.sent.map((m) => m.to)).toEqual([TEAM]);
    expect(mine.outbox?.find((e) => e.kind === 'acknowledgement')).toMatchObject({ state: 'post', to: 'requester' });
  });

  it('answers a retry with the same case, and a different address with a new one (the fingerprint holds it)', async () => {
    const d = deps();
    const body = postal();
    const first = await submitRequest(body, { bodyKind: 'json' }, d);
    const again = await submitRequest(body, { bodyKind: 'json' }, d);
    const moved = await submitRequest({ ...body, postalAddress: `${body.postalAddress} (flat 2)` }, { bodyKind: 'json' }, d);
    expect(again).toMatchObject({ reference: first.reference, replayed: true });
    expect(moved.reference).not.toBe(first.reference);
  });
});

describe('a request made for someone else', () => {
  it('records who it is for and the authority claimed, flags it, and acknowledges the agent at their email address', async () => {
    const d = deps();
    const email = `agent-${unique()}@example.org`;
    const result = await submitRequest(
      { rights: ['access'], fullName: 'Alan Agent', email, relationship: 'customer', onBehalfOf: person },
      { bodyKind: 'json' },
      d,
    );
    expect(result).toMatchObject({ status: 'awaiting_identity', replyBy: 'email' });

    const [c] = await d.cases.listByRequesterEmail(email);
    expect(c!.requester).toMatchObject({ fullName: 'Alan Agent', email, onBehalfOf: person });
    expect(c!.flags).toEqual([INTAKE_FLAGS.onBehalf]);
    expect(c!.audit[0]!.detail).toMatchObject({ replyBy: 'email', onBehalf: true });
    expect(c!.audit[0]!.detail).not.toHaveProperty('authority'); // the requester's words stay out of the trail
    expect(d.sent.map((m) => m.to)).toEqual([email]);
  });

  it('takes the same request for another person as a new case (the fingerprint holds the person)', async () => {
    const d = deps();
    const body = { rights: ['access'], fullName: 'Alan Agent', email: `agent-${unique()}@example.org`, relationship: 'customer', onBehalfOf: person };
    const first = await submitRequest(body, { bodyKind: 'json' }, d);
    const other = await submitRequest({ ...body, onBehalfOf: { ...person, fullName: 'Ada Lovelace' } }, { bodyKind: 'json' }, d);
    const self = await submitRequest({ ...body, onBehalfOf: undefined }, { bodyKind: 'json' }, d);
    expect(new Set([first.reference, other.reference, self.reference]).size).toBe(3);
  });
});

describe('the honeypot', () => {
  it('is a form field: a JSON body naming it is refused, a form that fills it gets a success and no case', async () => {
    const d = deps();
    const body = { rights: ['access'], fullName: 'Bot', email: `bot-${unique()}@example.org`, relationship: 'other', website: 'http://spam.example' };
    await expect(submitRequest(body, { bodyKind: 'json' }, d)).rejects.toMatchObject({ name: 'ValidationError', fields: { website: expect.any(String) } });
    const fooled = await submitRequest(body, { bodyKind: 'form' }, d);
    expect(fooled.reference).toMatch(/^RD-/);
    expect(await d.cases.listByRequesterEmail(body.email)).toEqual([]);
    expect(d.sent).toEqual([]);
  });
});
