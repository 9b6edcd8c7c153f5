/**
 * The deadline keeper end to end: the state machine the CDK app synthesises, run in
 * aws-local-stepfunctions (Waits overridden, time simulated per execution), its tasks on the
 * real use cases against dynalite and aws-ses-v2-local.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSes, type Running } from '#infra/local/emulators';
import { recordEvent } from '#domain/audit';
import type { Case } from '#domain/case';
import { askForClarification, clarificationAnswered, complete, extend, markComplex, receive, askForIdentity, type Transition } from '#domain/lifecycle';
import { newCaseId, newReference } from '#shared/core/ids';
import type { CaseStore } from '#shared/ports';
import { verifyToken } from '#shared/core/tokens';
import { sweepOutbox } from '#shared/core/outbox';
import { useDynamo } from '#test/support/emulators';
import { sentEmails, type SentEmail } from '#test/support/http';
import { DPO, KeeperFixture, PUBLIC_BASE_URL, TEAM, namedError, type Change } from '#test/support/keeper';

const db = useDynamo();
let ses: Running;
let keeper: KeeperFixture;

beforeAll(async () => {
  ses = await startSes();
  keeper = new KeeperFixture({ dynamo: db.client, tableName: db.tableName, sesUrl: ses.url });
});
afterAll(async () => {
  await keeper?.close();
  await ses?.close();
});

const staff = (at: string) => ({ at, actor: 'staff:dpo' as const });

/** A form request received at `at`: identity confirmed, or awaiting the email link. */
async function newCase(at: string, opts: { confirmed?: boolean } = { confirmed: true }): Promise<Case> {
  const email = `req-${randomUUID().slice(0, 8)}@example.org`;
  const r = receive({
    id: newCaseId(),
    reference: newReference(),
    rights: ['access'],
    channel: 'form',
    requester: { fullName: 'Ada <b>Lovelace</b>', email, relationship: 'customer' },
    receivedAt: at,
    actor: 'requester',
    identityConfirmed: opts.confirmed ?? true,
  });
  const store = keeper.store({ now: () => new Date(at) });
  if (opts.confirmed ?? true) return store.create(r.case, r.entry);
  const asked = askForIdentity(r.case, { at, actor: 'system' });
  return store.create(asked.case, r.entry, { ...asked.entry, detail: { ...asked.entry.detail, method: 'email-link' } });
}

/** A staff move at `at` (a lifecycle function applied through the store). */
const move = (at: string, fn: (c: Case, ctx: { at: string; actor: 'staff:dpo' }) => Transition, id: string): Change => ({
  at,
  apply: (cases: CaseStore) => cases.update(id, (c) => fn(c, staff(at))),
});

async function mailFor(c: Case): Promise<SentEmail[]> {
  return (await sentEmails(ses.url)).filter((m) => m.subject.startsWith(`[${c.reference}]`)).sort((a, b) => a.at - b.at);
}

const notices = (c: Case) => c.audit.filter((e) => e.action === 'KeeperNoticeSent').map((e) => e.detail!.checkpoint);

describe('deadline keeper (synthesised state machine, aws-local-stepfunctions, dynalite, SES)', () => {
  it('a case closed before any reminder: the keeper ends, no mail', async () => {
    const c = await newCase('2026-11-02T10:00:00Z');
    const { execution } = await keeper.run({
      caseId: c.id,
      from: c.receivedAt,
      until: '2027-01-31T00:00:00Z',
      changes: [move('2026-11-04T15:00:00Z', complete, c.id)],
    });
    expect(execution.status).toBe('SUCCEEDED');
    expect(await mailFor(c)).toEqual([]);
    expect(notices(await keeper.store({ now: () => new Date() }).get(c.id))).toEqual([]);
  });

  it('reminds the DPO team 14, 7 and 2 working days before the due date, then ends when the case is answered on time', async () => {
    const c = await newCase('2026-11-02T10:00:00Z');
    const { execution } = await keeper.run({
      caseId: c.id,
      from: c.receivedAt,
      until: '2027-01-31T00:00:00Z',
      changes: [move('2026-12-01T15:00:00Z', complete, c.id)],
    });
    expect(execution.status).toBe('SUCCEEDED');
    const mail = await mailFor(c);
    expect(mail.map((m) => m.subject)).toEqual([
      `[${c.reference}] Reminder: 14 working days left - due Wednesday 2 December 2026`,
      `[${c.reference}] Reminder: 7 working days left - due Wednesday 2 December 2026`,
      `[${c.reference}] Reminder: 2 working days left - due Wednesday 2 December 2026`,
    ]);
    for (const m of mail) {
      expect(m.destination.to).toEqual([TEAM]); // the team's inbox, never the DPO mailbox (Rightsdesk's intake)
      expect(m.body.html).not.toContain('<b>Lovelace</b>');
    }
    const stored = await keeper.store({ now: () => new Date() }).get(c.id);
    expect(notices(stored)).toEqual(['dpo-reminder-14:2026-12-02', 'dpo-reminder-7:2026-12-02', 'dpo-reminder-2:2026-12-02']);
    expect(stored.audit.find((e) => e.action === 'KeeperNoticeSent')).toMatchObject({
      at: '2026-11-12T09:00:00.000Z',
      actor: 'system',
      detail: { kind: 'dpo-reminder', level: 14, anchor: '2026-12-02', to: 'dpo', messageId: expect.any(String) },
    });
  });

  it('an extension mid-way moves the due date: reminders follow it, none repeats', async () => {
    const c = await newCase('2026-11-02T10:00:00Z');
    await keeper.run({
      caseId: c.id,
      from: c.receivedAt,
      until: '2027-03-31T00:00:00Z',
      changes: [
        move('2026-11-25T14:00:00Z', (x, ctx) => extend(x, { reason: 'Records in several systems', severalRequests: true }, ctx), c.id),
        move('2027-01-29T16:00:00Z', complete, c.id),
      ],
    });
    const stored = await keeper.store({ now: () => new Date() }).get(c.id);
    expect(stored.dueOn).toBe('2027-02-02');
    expect(notices(stored)).toEqual([
      'dpo-reminder-14:2026-12-02',
      'dpo-reminder-7:2026-12-02',
      'dpo-reminder-14:2027-02-02',
      'dpo-reminder-7:2027-02-02',
      'dpo-reminder-2:2027-02-02',
    ]);
    const subjects = (await mailFor(c)).map((m) => m.subject);
    expect(subjects).toHaveLength(5);
    expect(new Set(subjects).size).toBe(5);
    expect(subjects.at(-1)).toContain('due Tuesday 2 February 2027');
  });

  it('a complex case: the DPO team is warned 5 working days before the extension-notice limit', async () => {
    const c = await newCase('2026-11-02T10:00:00Z');
    await keeper.run({
      caseId: c.id,
      from: c.receivedAt,
      until: '2026-11-26T00:00:00Z',
      changes: [move('2026-11-10T11:00:00Z', markComplex, c.id)],
    });
    const subjects = (await mailFor(c)).map((m) => m.subject);
    expect(subjects).toContain(`[${c.reference}] Extension decision needed by Wednesday 2 December 2026`);
  });

  it('a clarification pause stops the clock; the answer moves the due date and the reminders follow', async () => {
    const c = await newCase('2026-11-02T10:00:00Z');
    const { calls } = await keeper.run({
      caseId: c.id,
      from: c.receivedAt,
      until: '2027-01-31T00:00:00Z',
      changes: [
        move('2026-11-20T10:00:00Z', askForClarification, c.id),
        move('2026-11-27T15:00:00Z', clarificationAnswered, c.id),
        move('2026-12-09T12:00:00Z', complete, c.id),
      ],
    });
    const stored = await keeper.store({ now: () => new Date() }).get(c.id);
    expect(stored.dueOn).toBe('2026-12-10');
    expect(notices(stored)).toEqual(['dpo-reminder-14:2026-12-02', 'dpo-reminder-7:2026-12-10', 'dpo-reminder-2:2026-12-10']);
    expect((await mailFor(c)).at(-1)!.subject).toContain('due Thursday 10 December 2026');
    // A month and a week of keeping, pause included, in a handful of loops.
    expect(calls.Evaluate).toBeLessThanOrEqual(14);
  });

  it('identity never confirmed: one reminder with a fresh link, then closed unverified with a notice', async () => {
    const c = await newCase('2026-11-02T10:00:00Z', { confirmed: false });
    const { execution } = await keeper.run({ caseId: c.id, from: c.receivedAt, until: '2027-01-31T00:00:00Z' });
    expect(execution.status).toBe('SUCCEEDED');

    const [reminder, closed, ...more] = await mailFor(c);
    expect(more).toEqual([]);
    expect(reminder!.destination.to).toEqual([c.requester.email]);
    expect(reminder!.replyTo).toEqual([DPO]); // replies thread into the case
    expect(reminder!.subject).toBe(`[${c.reference}] Reminder - please confirm your email address`);
    expect(reminder!.body.text).toContain('Wednesday 2 December 2026');
    const link = /http:\/\/localhost:3999\/verify\/(\S+)/.exec(reminder!.body.text!)![1]!;
    expect(reminder!.body.text).toContain(PUBLIC_BASE_URL);
    // The fresh link works until the case would be closed.
    const claims = verifyToken(keeper.signingKey, decodeURIComponent(link), 'verify', new Date('2026-12-01T10:00:00Z'));
    expect(claims.caseId).toBe(c.id);

    expect(closed!.destination.to).toEqual([c.requester.email]);
    expect(closed!.replyTo).toEqual([DPO]);
    expect(closed!.subject).toBe(`[${c.reference}] Your request has been closed - identity not confirmed`);
    const stored = await keeper.store({ now: () => new Date() }).get(c.id);
    expect(stored).toMatchObject({ status: 'closed', outcome: 'closed_unverified', closedAt: '2026-12-02T09:00:00.000Z' });
    expect(stored.audit.map((e) => e.action)).toEqual([
      'RequestReceived',
      'IdentityRequested',
      'KeeperNoticeSent',
      'ClosedUnverified',
      'KeeperNoticeSent',
    ]);
  });

  it('SES failing the closure notice: the closure stands, the notice stays owed, and the outbox sweep sends it once', async () => {
    let failed = 0;
    const flaky = new KeeperFixture({
      dynamo: db.client,
      tableName: db.tableName,
      sesUrl: ses.url,
      mailer: (inner) => ({
        send: async (m) => {
          if (m.subject.includes('has been closed') && failed++ === 0) throw namedError('TooManyRequestsException');
          return inner.send(m);
        },
      }),
    });
    try {
      const c = await newCase('2026-11-02T10:00:00Z', { confirmed: false });
      const { execution } = await flaky.run({ caseId: c.id, from: '2026-11-20T10:00:00Z', until: '2027-01-31T00:00:00Z' });
      expect(execution.status).toBe('SUCCEEDED');
      expect(failed).toBe(1); // the fast path's send failed; the keeper went on (the mail is owed, not lost)
      expect((await mailFor(c)).map((m) => m.subject)).toEqual([`[${c.reference}] Reminder - please confirm your email address`]);
      const closedAt = keeper.store({ now: () => new Date() });
      const owed = await closedAt.get(c.id);
      expect(owed.status).toBe('closed');
      expect(owed.outbox?.find((e) => e.id === 'notice:close-unverified:2026-11-02')).toMatchObject({ state: 'pending', failures: 1 });

      // The sweep, once the backoff has passed, sends it; a second sweep finds nothing to send.
      const later = { now: () => new Date(Date.parse(owed.closedAt!) + 3_600_000) };
      expect((await sweepOutbox(flaky.outbox(later))).reports).toEqual([{ mail: 'notice:close-unverified:2026-11-02', outcome: 'sent' }]);
      expect((await sweepOutbox(flaky.outbox(later))).reports).toEqual([]);
      expect(failed).toBe(2);
      expect((await mailFor(c)).map((m) => m.subject)).toEqual([
        `[${c.reference}] Reminder - please confirm your email address`,
        `[${c.reference}] Your request has been closed - identity not confirmed`,
      ]);
      const stored = await closedAt.get(c.id);
      expect(stored.audit.filter((e) => e.action === 'ClosedUnverified')).toHaveLength(1);
      expect(notices(stored)).toEqual(['verify-reminder:2026-11-02', 'close-unverified:2026-11-02']);
    } finally {
      await flaky.close();
    }
  });

  it('an overdue case is escalated on the due date and every working day after, until it closes', async () => {
    const c = await newCase('2026-11-02T10:00:00Z');
    await keeper.run({
      caseId: c.id,
      from: '2026-12-01T10:00:00Z',
      until: '2027-01-31T00:00:00Z',
      changes: [move('2026-12-08T12:00:00Z', complete, c.id)],
    });
    expect((await mailFor(c)).map((m) => m.subject)).toEqual([
      `[${c.reference}] DUE TODAY - Wednesday 2 December 2026`,
      `[${c.reference}] OVERDUE by 1 working day - was due Wednesday 2 December 2026`,
      `[${c.reference}] OVERDUE by 2 working days - was due Wednesday 2 December 2026`,
      `[${c.reference}] OVERDUE by 3 working days - was due Wednesday 2 December 2026`,
      `[${c.reference}] OVERDUE by 4 working days - was due Wednesday 2 December 2026`,
    ]);
  });

  it('sends nothing to the DPO mailbox: escalations go to the team, requesters’ notices only reply to it', async () => {
    const overdue = await newCase('2026-11-02T10:00:00Z');
    const unconfirmed = await newCase('2026-11-02T10:00:00Z', { confirmed: false });
    await keeper.run({ caseId: overdue.id, from: '2026-12-01T10:00:00Z', until: '2026-12-04T00:00:00Z' });
    await keeper.run({ caseId: unconfirmed.id, from: unconfirmed.receivedAt, until: '2027-01-31T00:00:00Z' });
    const staff = await mailFor(overdue);
    expect(staff.map((m) => m.subject)).toEqual([
      `[${overdue.reference}] DUE TODAY - Wednesday 2 December 2026`,
      `[${overdue.reference}] OVERDUE by 1 working day - was due Wednesday 2 December 2026`,
    ]);
    for (const m of staff) expect(m.destination.to).toEqual([TEAM]);
    const requester = await mailFor(unconfirmed);
    expect(requester).toHaveLength(2);
    for (const m of requester) expect(m).toMatchObject({ destination: { to: [unconfirmed.requester.email] }, replyTo: [DPO] });
    // Everything the keeper has sent in this file: mail to the DPO mailbox would loop into the intake and be ignored.
    const all = await sentEmails(ses.url);
    expect(all.length).toBeGreaterThanOrEqual(staff.length + requester.length);
    expect(all.filter((m) => m.destination.to.some((to) => to.toLowerCase() === DPO))).toEqual([]);
  });

  it('a transient Lambda error is retried by the state machine; the notice goes once', async () => {
    const c = await newCase('2026-11-02T10:00:00Z');
    const { execution, calls } = await keeper.run({
      caseId: c.id,
      from: '2026-11-12T08:00:00Z',
      until: '2026-11-13T00:00:00Z',
      faults: {
        Evaluate: [namedError('Lambda.ServiceException')],
        Act: [namedError('Lambda.TooManyRequestsException'), namedError('ThrottlingException')],
      },
    });
    expect(execution.status).toBe('ABORTED'); // stopped at the scenario's end, still keeping
    expect(calls.Act).toBeGreaterThanOrEqual(3);
    expect((await mailFor(c)).map((m) => m.subject)).toEqual([`[${c.reference}] Reminder: 14 working days left - due Wednesday 2 December 2026`]);
    // Two failed Act attempts and one failed Evaluate were retried: each retry is a transition.
    expect(execution.transitions).toBeGreaterThanOrEqual(3 + 4);
  });

  it('a notice already recorded (an earlier attempt got that far) is not sent again', async () => {
    const c = await newCase('2026-11-02T10:00:00Z');
    const store = keeper.store({ now: () => new Date('2026-11-12T09:00:05Z') });
    await store.update(c.id, (x) =>
      recordEvent(x, '2026-11-12T09:00:05Z', 'system', 'KeeperNoticeSent', {
        checkpoint: 'dpo-reminder-14:2026-12-02',
        kind: 'dpo-reminder',
        level: 14,
        anchor: '2026-12-02',
      }),
    );
    await keeper.run({ caseId: c.id, from: '2026-11-12T09:00:00Z', until: '2026-11-20T00:00:00Z' });
    expect(await mailFor(c)).toEqual([]);
  });

  it('a case that no longer exists ends its keeper quietly (CaseGone); an error that outlives its retries fails it', async () => {
    const gone = newCaseId();
    const quiet = await keeper.run({ caseId: gone, from: '2026-11-02T10:00:00Z', until: '2026-12-31T00:00:00Z' });
    expect(quiet.execution.status).toBe('SUCCEEDED');
    expect(quiet.calls.Evaluate).toBe(1); // CaseNotFoundError is not retried

    const c = await newCase('2026-11-02T10:00:00Z');
    const broken = await keeper.run({
      caseId: c.id,
      from: c.receivedAt,
      until: '2026-12-31T00:00:00Z',
      faults: { Evaluate: Array.from({ length: 10 }, () => namedError('TypeError', 'a bug')) },
    });
    expect(broken.execution).toMatchObject({ status: 'FAILED', error: 'TypeError', cause: 'a bug' });
    expect(broken.calls.Evaluate).toBe(3); // the first attempt and two retries (States.ALL)
  });
});
