/**
 * Use case (the keeper's Act step): do what a checkpoint asks, once.
 *
 * The case is read again first. If the checkpoint no longer applies (the case moved on since
 * Evaluate chose it: closed, extended, paused, confirmed) or its notice is already owed, nothing
 * happens; the loop goes back to Evaluate, which plans afresh.
 *
 * A notice is owed in one conditional write (an outbox entry `notice:<checkpoint id>`, with what
 * rendering it needs) and sent by the outbox (shared/core/outbox.ts): right away, or by the mail
 * sweep if SES is down. The send records 'KeeperNoticeSent' with the checkpoint id, as before.
 * A retried task finds the entry and owes nothing more. The closure is a lifecycle move (one
 * conditional write, guarded by the status) that owes its notice in the same write.
 */
import type { Case } from '#domain/case';
import { londonDateOf } from '#domain/calendar';
import { closeUnverifiedCheckpoint, dueCheckpoints, noticeSent, type Checkpoint, type KeeperOffsets } from '#domain/checkpoints';
import { closeUnverified } from '#domain/lifecycle';
import type { RetentionSchedule } from '#domain/retention';
import { owe, type MailParams } from '#domain/outbox';
import type { CaseStore, Clock } from '#shared/ports';
import { MAIL_IDS } from '#shared/core/acknowledge';
import { deliver, type OutboxDeps } from '#shared/core/outbox';
import type { ActInput } from './keeper-input';

export interface ActDeps {
  cases: CaseStore;
  clock: Clock;
  offsets: KeeperOffsets;
  /** Sends the notices the keeper owes. */
  outbox: OutboxDeps;
  /** The deployment's retention schedule (RETENTION_* settings): a case closed unverified expires by it. */
  retention: RetentionSchedule;
}

export type ActOutcome = 'sent' | 'closed' | 'skipped';

/** Thrown inside a conditional update to abandon it: someone else already did the thing. */
class NothingToDo extends Error {}

export async function actOnCheckpoint(input: ActInput, deps: ActDeps): Promise<{ outcome: ActOutcome }> {
  const now = deps.clock.now();
  const c = await deps.cases.get(input.caseId);
  if (input.checkpoint.kind === 'recheck') return { outcome: 'skipped' };
  if (input.checkpoint.kind === 'close-unverified') return closeAndNotify(c, input.checkpoint.id, deps, now);

  if (noticeSent(c, input.checkpoint.id)) return { outcome: 'skipped' };
  const due = (cur: Case) => dueCheckpoints(cur, now, deps.offsets).find((x) => x.id === input.checkpoint.id);
  const cp = due(c);
  if (!cp) return { outcome: 'skipped' };
  let owed: Case;
  try {
    owed = await deps.cases.update(
      c.id,
      (cur) => {
        const still = due(cur);
        if (!still || noticeSent(cur, still.id)) throw new NothingToDo();
        return { case: oweNotice(cur, still, now, deps.offsets) };
      },
      { current: c },
    );
  } catch (err) {
    if (err instanceof NothingToDo) return { outcome: 'skipped' };
    throw err;
  }
  await deliver(owed, [MAIL_IDS.keeperNotice(cp.id)], deps.outbox);
  return { outcome: 'sent' };
}

async function closeAndNotify(c: Case, checkpointId: string, deps: ActDeps, now: Date): Promise<{ outcome: ActOutcome }> {
  const at = now.toISOString();
  const due = (cur: Case) => dueCheckpoints(cur, now, deps.offsets).find((x) => x.id === checkpointId);
  if (c.status !== 'awaiting_identity' || !due(c)) return { outcome: 'skipped' };
  let closed: Case;
  try {
    closed = await deps.cases.update(c.id, (cur) => {
      if (cur.status !== 'awaiting_identity' || !due(cur)) throw new NothingToDo();
      const t = closeUnverified(cur, { at, actor: 'system', retention: deps.retention }, deps.offsets);
      const cp: Checkpoint = { id: checkpointId, kind: 'close-unverified', at, on: londonDateOf(now) };
      // The closure and its notice are one write: a crash after it loses neither.
      return { case: oweNotice(t.case, cp, now, deps.offsets), entry: { ...t.entry, detail: { ...t.entry.detail, checkpoint: checkpointId } } };
    });
  } catch (err) {
    if (err instanceof NothingToDo) return { outcome: 'skipped' };
    throw err;
  }
  await deliver(closed, [MAIL_IDS.keeperNotice(checkpointId)], deps.outbox);
  return { outcome: 'closed' };
}

/** Who a notice goes to: the requester for the identity track, the DPO team otherwise. */
const toRequester = (cp: Checkpoint) => cp.kind === 'verify-reminder' || cp.kind === 'close-unverified';

/** The case owing the checkpoint's notice, with the numbers rendering it needs (no free text). */
function oweNotice(c: Case, cp: Checkpoint, now: Date, offsets: KeeperOffsets): Case {
  const params: MailParams = { checkpoint: cp.id, checkpointKind: cp.kind };
  if (cp.anchor !== undefined) params.anchor = cp.anchor;
  if (cp.level !== undefined) params.level = cp.level;
  if (cp.workingDaysOverdue !== undefined) params.workingDaysOverdue = cp.workingDaysOverdue;
  if (cp.kind === 'verify-reminder') {
    const closesAt = closeUnverifiedCheckpoint(c, offsets);
    params.closesOn = closesAt.on;
    // A fresh link, valid until the case would be closed unverified (at least the usual 7 days); none unless the last identity step was the link.
    params.linkNotBefore = askedByEmailLink(c) ? Math.floor(Date.parse(closesAt.at) / 1000) : null;
  }
  return owe(c, { id: MAIL_IDS.keeperNotice(cp.id), kind: 'keeper-notice', to: toRequester(cp) ? 'requester' : 'team', params }, now.toISOString());
}

/** The last identity request was the email-address check (intake's confirmation link). */
function askedByEmailLink(c: Case): boolean {
  const asked = c.audit.filter((e) => e.action === 'IdentityRequested').at(-1);
  return asked?.detail?.method === 'email-link';
}
