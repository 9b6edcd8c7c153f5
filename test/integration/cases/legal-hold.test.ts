/**
 * Legal hold through the staff API on the local stack (issue 13): a DPO places and releases a hold
 * on open and closed cases; an auditor cannot (403); twice is 409; GET shows `retainUntil` and
 * `legalHold`, and the stored item loses and regains its TTL. Then the use case itself, on the
 * same dynalite, with an in-memory fake of our own CaseObjects port (not an AWS API: the S3
 * adapter and its Object Lock calls are tested with it), to see which objects it holds and when.
 */
import { randomUUID } from 'node:crypto';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '#infra/local/stack';
import { localDynamoClient } from '#infra/local/emulators';
import { DynamoCaseStore } from '#adapters/dynamo-case-store';
import { londonDateOf } from '#domain/calendar';
import type { Case } from '#domain/case';
import { AlreadyOnHoldError } from '#domain/errors';
import { retentionExpiry } from '#domain/retention';
import type { Staff } from '#shared/auth/staff';
import { act, parseAction } from '#shared/cases/act';
import type { DeskActDeps } from '#shared/cases/deps';
import { systemClock, type CaseObject, type CaseObjects, type OutboundEmail } from '#shared/ports';
import { recordingOutbox } from '#test/support/outbox';
import { bearerFor, staffCall } from '#test/support/staff';

const DPO = 'dpo.lead@icetrak.net';
const AUDITOR = 'auditor@icetrak.net';

let stack: LocalStack;
let dpo: string;
let auditor: string;
let cases: DynamoCaseStore;

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, sesPort: 0, oidcPort: 0, memory: true, outboxSweepSeconds: 3600, log: () => undefined });
  dpo = await bearerFor(stack, DPO);
  auditor = await bearerFor(stack, AUDITOR);
  cases = new DynamoCaseStore({ client: localDynamoClient(stack.urls.dynamodb), tableName: stack.env.CASES_TABLE!, clock: systemClock });
});
afterAll(async () => {
  await stack?.stop();
});

const call = (path: string, token: string | undefined, opts: { method?: string; body?: unknown } = {}) => staffCall(stack, path, token, opts);
const actOn = (ref: string, body: Record<string, unknown>, token = dpo) => call(`/api/cases/${ref}/actions`, token, { method: 'POST', body });

interface CaseDoc {
  reference: string;
  status: string;
  closedAt?: string;
  retainUntil: string | null;
  legalHold: { since: string; reason: string; reviewOn: string | null } | null;
  allowedActions: string[];
  timeline: { action: string; actor: string }[];
}

async function logPhoneRequest(): Promise<string> {
  const res = await call('/api/cases', dpo, {
    method: 'POST',
    body: {
      channel: 'phone',
      receivedOn: londonDateOf(new Date()),
      rights: ['access'],
      fullName: 'Pat Caller',
      email: `hold-${randomUUID()}@example.org`,
    },
  });
  expect(res.status, res.text).toBe(201);
  return res.json<{ reference: string }>().reference;
}

const close = (ref: string) => actOn(ref, { action: 'close', outcome: 'withdrawn', summary: 'Withdrawn by phone.' });
const storedTtl = async (ref: string): Promise<string | undefined> => {
  const c = (await cases.findByReference(ref))!;
  const { Item } = await localDynamoClient(stack.urls.dynamodb).send(
    new GetItemCommand({ TableName: stack.env.CASES_TABLE!, Key: { pk: { S: `CASE#${c.id}` }, sk: { S: 'CASE' } } }),
  );
  return Item?.expiresAt?.N;
};
const inAYear = () => londonDateOf(new Date(Date.now() + 365 * 86_400_000));

describe('legal hold through the staff API', () => {
  it('on a closed case: kept until a date, then held (no TTL), 409 twice, released back to the same date', async () => {
    const ref = await logPhoneRequest();
    expect((await close(ref)).status).toBe(200);
    let doc = (await call(`/api/cases/${ref}`, dpo)).json<CaseDoc>();
    const keptUntil = londonDateOf(new Date(retentionExpiry(doc.closedAt!) * 1000));
    expect(doc).toMatchObject({ status: 'closed', retainUntil: keptUntil, legalHold: null, allowedActions: ['place-hold', 'reopen'] });
    expect(await storedTtl(ref)).toBe(String(retentionExpiry(doc.closedAt!)));

    const reviewOn = inAYear();
    const placed = await actOn(ref, { action: 'place-hold', reason: 'Litigation: claim RD-LIT-1', reviewOn });
    expect(placed.status, placed.text).toBe(200);
    doc = placed.json<CaseDoc>();
    expect(doc).toMatchObject({
      retainUntil: null,
      legalHold: { reason: 'Litigation: claim RD-LIT-1', reviewOn },
      allowedActions: ['release-hold', 'reopen'],
    });
    expect(doc.timeline[0]).toMatchObject({ action: 'LegalHoldPlaced', actor: `staff:${DPO}` });
    expect(await storedTtl(ref)).toBeUndefined();

    const twice = await actOn(ref, { action: 'place-hold', reason: 'Again' });
    expect(twice.status).toBe(409);
    expect(twice.json<{ error: string }>().error).toBe('AlreadyOnHoldError');

    const released = await actOn(ref, { action: 'release-hold', reason: 'Claim settled' });
    expect(released.status, released.text).toBe(200);
    expect(released.json<CaseDoc>()).toMatchObject({ retainUntil: keptUntil, legalHold: null });
    expect(await storedTtl(ref)).toBe(String(retentionExpiry(doc.closedAt!)));
    const again = await actOn(ref, { action: 'release-hold', reason: 'Claim settled' });
    expect(again.status).toBe(409);
    expect(again.json<{ error: string }>().error).toBe('NotOnHoldError');
  });

  it('a reopened case does not expire: its TTL goes, it is in progress with its old due date, and a new keeper round starts', async () => {
    const ref = await logPhoneRequest();
    const before = (await call(`/api/cases/${ref}`, dpo)).json<CaseDoc & { dueOn: string }>();
    expect((await close(ref)).status).toBe(200);
    expect(await storedTtl(ref)).toBeDefined();
    expect((await actOn(ref, { action: 'reopen', reason: '' })).status).toBe(400);
    expect((await actOn(ref, { action: 'reopen', reason: 'Requester says invoices were missing' }, auditor)).status).toBe(403);

    const res = await actOn(ref, { action: 'reopen', reason: 'Requester says invoices were missing' });
    expect(res.status, res.text).toBe(200);
    const doc = res.json<CaseDoc & { dueOn: string; outcome: string | null }>();
    expect(doc).toMatchObject({ status: 'in_progress', retainUntil: null, dueOn: before.dueOn });
    expect(doc.closedAt ?? null).toBeNull();
    expect(doc.allowedActions).toContain('close');
    expect(doc.timeline.slice(0, 2).map((e) => e.action)).toEqual(['KeeperStarted', 'CaseReopened']);
    expect(await storedTtl(ref)).toBeUndefined();
    const c = (await cases.findByReference(ref))!;
    expect(c.audit.filter((e) => e.action === 'KeeperStarted').map((e) => e.detail?.round ?? 0)).toEqual([0, 1]);
    expect((await actOn(ref, { action: 'reopen', reason: 'Again' })).status).toBe(409);
    // Closed again: the schedule counts from the new closing.
    expect((await close(ref)).status).toBe(200);
    const closedAgain = (await call(`/api/cases/${ref}`, dpo)).json<CaseDoc>();
    expect(await storedTtl(ref)).toBe(String(retentionExpiry(closedAgain.closedAt!)));
  });

  it('on an open case: held through its closing (no expiry), released to the schedule', async () => {
    const ref = await logPhoneRequest();
    let doc = (await call(`/api/cases/${ref}`, dpo)).json<CaseDoc>();
    expect(doc).toMatchObject({ retainUntil: null, legalHold: null });
    expect(doc.allowedActions).toContain('place-hold');
    expect((await actOn(ref, { action: 'place-hold', reason: 'ICO investigation' })).json<CaseDoc>().legalHold).toMatchObject({
      reason: 'ICO investigation',
      reviewOn: null,
    });
    expect((await close(ref)).status).toBe(200);
    doc = (await call(`/api/cases/${ref}`, dpo)).json<CaseDoc>();
    expect(doc).toMatchObject({ status: 'closed', retainUntil: null, legalHold: { reason: 'ICO investigation' } });
    expect(await storedTtl(ref)).toBeUndefined();
    doc = (await actOn(ref, { action: 'release-hold', reason: 'Investigation closed' })).json<CaseDoc>();
    expect(doc.retainUntil).toBe(londonDateOf(new Date(retentionExpiry(doc.closedAt!) * 1000)));
  });

  it('an auditor cannot place or release a hold (403, nothing written); bad fields are 400/422', async () => {
    const ref = await logPhoneRequest();
    expect((await actOn(ref, { action: 'place-hold', reason: 'x' }, auditor)).status).toBe(403);
    expect((await call(`/api/cases/${ref}`, dpo)).json<CaseDoc>().legalHold).toBeNull();
    expect((await actOn(ref, { action: 'place-hold' })).status).toBe(400);
    expect((await actOn(ref, { action: 'place-hold', reason: 'x', reviewOn: 'soon' })).status).toBe(400);
    const past = await actOn(ref, { action: 'place-hold', reason: 'x', reviewOn: '2020-01-01' });
    expect(past.status).toBe(422);
    expect(past.json<{ error: string }>().error).toBe('InvalidDateError');
    expect((await actOn(ref, { action: 'place-hold', reason: 'x' })).status).toBe(200);
    expect((await actOn(ref, { action: 'release-hold', reason: 'y' }, auditor)).status).toBe(403);
    expect((await call(`/api/cases/${ref}`, dpo)).json<CaseDoc>().legalHold).not.toBeNull();
  });
});

/** Our own port, in memory: records each call; `failing` makes setLegalHold throw. */
function fakeObjects(opts: { failing?: boolean } = {}) {
  const calls: { on: boolean; keys: string[] }[] = [];
  const objects: CaseObjects = {
    list: async (c: Case): Promise<CaseObject[]> => [
      { bucket: 'rawMail', key: `inbound/${c.id.toLowerCase()}0001` },
      { bucket: 'files', key: `messages/${c.id}/${c.id.toLowerCase()}0001.json` },
    ],
    setLegalHold: async (list, on) => {
      if (opts.failing) throw Object.assign(new Error('S3 unavailable'), { name: 'ServiceUnavailable' });
      calls.push({ on, keys: list.map((o) => `${o.bucket}:${o.key}`) });
    },
    deleteAllVersions: async () => 0,
  };
  return { objects, calls };
}

describe('the hold on the case’s stored objects', () => {
  const staff: Staff = { sub: 's-1', email: DPO, name: 'Dana Lead', roles: ['dpo'] };
  const depsWith = (objects: CaseObjects): DeskActDeps => {
    const sent: OutboundEmail[] = [];
    const table = { client: localDynamoClient(stack.urls.dynamodb), tableName: stack.env.CASES_TABLE!, clock: systemClock };
    return { cases, clock: systemClock, outbox: recordingOutbox(table, sent), objects };
  };

  it('holds every object of the case when placed and lifts it when released; no letter either way', async () => {
    const ref = await logPhoneRequest();
    const { objects, calls } = fakeObjects();
    const deps = depsWith(objects);
    const held = await act(ref, parseAction({ action: 'place-hold', reason: 'Litigation' }), staff, deps);
    const keys = [`rawMail:inbound/${held.id.toLowerCase()}0001`, `files:messages/${held.id}/${held.id.toLowerCase()}0001.json`];
    expect(calls).toEqual([{ on: true, keys }]);
    const released = await act(ref, parseAction({ action: 'release-hold', reason: 'Settled' }), staff, deps);
    expect(calls).toEqual([
      { on: true, keys },
      { on: false, keys },
    ]);
    expect((released.outbox ?? []).filter((e) => e.kind === 'letter')).toEqual([]);
  });

  it('when S3 fails on placing, nothing is written and a retry succeeds; a refused hold touches no object', async () => {
    const ref = await logPhoneRequest();
    await expect(
      act(ref, parseAction({ action: 'place-hold', reason: 'Litigation' }), staff, depsWith(fakeObjects({ failing: true }).objects)),
    ).rejects.toThrow('S3 unavailable');
    expect((await cases.findByReference(ref))?.legalHold).toBeUndefined();
    const { objects, calls } = fakeObjects();
    await act(ref, parseAction({ action: 'place-hold', reason: 'Litigation' }), staff, depsWith(objects));
    await expect(act(ref, parseAction({ action: 'place-hold', reason: 'Again' }), staff, depsWith(objects))).rejects.toThrow(AlreadyOnHoldError);
    expect(calls).toHaveLength(1);
  });

  it('when S3 fails on releasing, the case is released and the error reaches the caller (objects stay held: never deleted early)', async () => {
    const ref = await logPhoneRequest();
    await act(ref, parseAction({ action: 'place-hold', reason: 'Litigation' }), staff, depsWith(fakeObjects().objects));
    await expect(
      act(ref, parseAction({ action: 'release-hold', reason: 'Settled' }), staff, depsWith(fakeObjects({ failing: true }).objects)),
    ).rejects.toThrow('S3 unavailable');
    expect((await cases.findByReference(ref))?.legalHold).toBeUndefined();
  });
});

describe('holds due for review', () => {
  const refsIn = (list: Case[]) => list.map((c) => c.reference);

  it('are read by index, open and closed alike, once their review date has come, earliest first; a hold without one never', async () => {
    const [openRef, closedRef, noReviewRef] = [await logPhoneRequest(), await logPhoneRequest(), await logPhoneRequest()];
    const reviewOn = inAYear();
    expect((await close(closedRef)).status).toBe(200);
    expect((await close(noReviewRef)).status).toBe(200);
    expect((await actOn(closedRef, { action: 'place-hold', reason: 'Litigation', reviewOn })).status).toBe(200);
    expect(
      (await actOn(openRef, { action: 'place-hold', reason: 'Investigation', reviewOn: londonDateOf(new Date(Date.now() + 400 * 86_400_000)) })).status,
    ).toBe(200);
    expect((await actOn(noReviewRef, { action: 'place-hold', reason: 'Open-ended' })).status).toBe(200);

    expect(refsIn(await cases.listHoldsToReview(londonDateOf(new Date())))).not.toContain(closedRef);
    const inAYearRefs = refsIn(await cases.listHoldsToReview(reviewOn));
    expect(inAYearRefs).toContain(closedRef);
    expect(inAYearRefs).not.toContain(openRef);
    const later = refsIn(await cases.listHoldsToReview('2099-12-31'));
    expect(later.indexOf(closedRef)).toBeGreaterThanOrEqual(0);
    expect(later.indexOf(closedRef)).toBeLessThan(later.indexOf(openRef));
    expect(later).not.toContain(noReviewRef);

    // Released: out of the list; the closed case is back to its expiry.
    expect((await actOn(closedRef, { action: 'release-hold', reason: 'Settled' })).status).toBe(200);
    expect(refsIn(await cases.listHoldsToReview('2099-12-31'))).not.toContain(closedRef);
  });

  it('appear on the triage view (API and desk data) on their review date', async () => {
    const ref = await logPhoneRequest();
    expect((await close(ref)).status).toBe(200);
    const today = londonDateOf(new Date());
    expect((await actOn(ref, { action: 'place-hold', reason: 'Review me', reviewOn: today })).status).toBe(200);
    const triage = (await call('/api/cases?view=triage', auditor)).json<{ holdsToReview?: { reference: string; reviewOn: string; reason: string }[] }>();
    expect(triage.holdsToReview).toEqual(expect.arrayContaining([expect.objectContaining({ reference: ref, reviewOn: today, reason: 'Review me' })]));
    const open = (await call('/api/cases?view=open', auditor)).json();
    expect(open.holdsToReview).toBeUndefined();
  });
});
