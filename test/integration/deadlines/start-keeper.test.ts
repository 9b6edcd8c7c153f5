/**
 * Starting keepers never loses a case: the intake saves the case first and carries on when
 * the keeper cannot start; the sweep finds the case and starts it. Real DynamoDB adapters on
 * dynalite; the keeper and the mailer are recording fakes.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DynamoCaseStore } from '#adapters/dynamo-case-store';
import { DynamoRateLimiter, DynamoSubmissionLedger } from '#adapters/dynamo-intake-guards';
import { sweepKeepers } from '#shared/deadlines/sweep-keepers';
import { newCaseId, newReference } from '#shared/core/ids';
import { submitRequest, type SubmitDeps } from '#shared/intake/submit-request';
import type { Keeper, OutboundEmail } from '#shared/ports';
import { useDynamo } from '#test/support/emulators';
import { recordingOutbox } from '#test/support/outbox';
import { namedError } from '#test/support/keeper';

const db = useDynamo();
const clock = { now: () => new Date('2026-11-02T10:00:00Z') };

/** A keeper that records what it was asked to start, failing for the ids in `failing`. */
function fakeKeeper(failing: Set<string> | 'all' = new Set()): Keeper & { started: string[] } {
  const started: string[] = [];
  return {
    started,
    async start(caseId) {
      if (failing === 'all' || failing.has(caseId)) throw namedError('ThrottlingException');
      started.push(caseId);
    },
  };
}

function deps(keeper: Keeper): SubmitDeps & { sent: OutboundEmail[] } {
  const table = { client: db.client, tableName: db.tableName, clock };
  const sent: OutboundEmail[] = [];
  return {
    sent,
    cases: new DynamoCaseStore(table),
    ledger: new DynamoSubmissionLedger(table),
    limiter: new DynamoRateLimiter(table),
    clock,
    keeper,
    outbox: recordingOutbox(table, sent),
    ids: { caseId: () => newCaseId(), reference: () => newReference() },
    settings: { nation: 'england-and-wales' },
  };
}

const submission = () => ({
  rights: ['access'],
  fullName: 'Ada Lovelace',
  email: `ada-${randomUUID().slice(0, 8)}@example.org`,
  relationship: 'customer',
});

describe('starting deadline keepers', () => {
  it('the form starts the keeper after saving the case and records it', async () => {
    const keeper = fakeKeeper();
    const d = deps(keeper);
    const raw = submission();
    await submitRequest(raw, { bodyKind: 'json', idempotencyKey: randomUUID() }, d);
    const [c] = await d.cases.listByRequesterEmail(raw.email);
    expect(keeper.started).toEqual([c!.id]);
    expect(c!.audit.map((e) => e.action)).toEqual(['RequestReceived', 'IdentityRequested', 'KeeperStarted', 'AcknowledgementSent']);
    expect(c!.audit[2]).toMatchObject({ actor: 'system', detail: { via: 'intake' } });
  });

  it('a keeper that cannot start loses nothing: the request is answered, and the sweep starts it later, once', async () => {
    const raw = submission();
    const down = deps(fakeKeeper('all'));
    const result = await submitRequest(raw, { bodyKind: 'json', idempotencyKey: randomUUID() }, down);
    expect(result.status).toBe('awaiting_identity');
    expect(down.sent).toHaveLength(1); // the acknowledgement still went
    const [c] = await down.cases.listByRequesterEmail(raw.email);
    expect(c!.audit.map((e) => e.action)).not.toContain('KeeperStarted');

    const keeper = fakeKeeper();
    const up = deps(keeper);
    const swept = await sweepKeepers(up);
    expect(keeper.started).toContain(c!.id);
    expect(swept.failed).toBe(0);
    expect((await up.cases.get(c!.id)).audit.at(-1)).toMatchObject({ action: 'KeeperStarted', detail: { via: 'sweep' } });

    const again = await sweepKeepers(up);
    expect(again).toMatchObject({ missing: 0, started: 0, failed: 0 });
    expect(keeper.started.filter((id) => id === c!.id)).toHaveLength(1);
  });

  it('the sweep reports what it could not start, records only what it did, and is bounded per run', async () => {
    const a = deps(fakeKeeper('all'));
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const raw = submission();
      await submitRequest(raw, { bodyKind: 'json', idempotencyKey: randomUUID() }, a);
      ids.push((await a.cases.listByRequesterEmail(raw.email))[0]!.id);
    }
    const sweep = deps(fakeKeeper(new Set([ids[0]!])));
    const first = await sweepKeepers(sweep, { maxStarts: 2 });
    expect(first.started + first.failed).toBe(2);
    const all = await sweepKeepers(sweep);
    expect(all.failed).toBe(1); // ids[0] still cannot start
    expect((await sweep.cases.get(ids[0]!)).audit.map((e) => e.action)).not.toContain('KeeperStarted');
    for (const id of ids.slice(1)) expect((await sweep.cases.get(id)).audit.map((e) => e.action)).toContain('KeeperStarted');
  });
});
