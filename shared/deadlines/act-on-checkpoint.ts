/**
 * Use case (the keeper's Act step): do what a checkpoint asks, once.
 *
 * The case is read again first. If the checkpoint no longer applies (the case moved on since
 * Evaluate chose it: closed, extended, paused, confirmed) or its notice is already in the
 * audit trail, nothing happens; the loop goes back to Evaluate, which plans afresh.
 *
 * Delivery is at least once, recorded exactly once: the mail goes first, then
 * 'KeeperNoticeSent' with the checkpoint id is appended in a conditional write. A crash
 * between the two (or a retried task whose first attempt finished the send) re-sends that one
 * notice; a reminder twice is a nuisance, a missed escalation is a breach. Once recorded, no
 * retry sends it again. The closure is a lifecycle move (one conditional write, guarded by the
 * status) whose notice follows the same rule: a retry after the close still sends it.
 */
import type { Case } from '#domain/case';
import { recordEvent } from '#domain/audit';
import { londonDateOf } from '#domain/calendar';
import { closeUnverifiedCheckpoint, dueCheckpoints, noticeSent, type Checkpoint, type KeeperOffsets } from '#domain/checkpoints';
import { closeUnverified } from '#domain/lifecycle';
import type { CaseStore, Clock, Mailer, OutboundEmail } from '#shared/ports';
import { closedUnverifiedEmail, deadlineNoticeEmail, verifyReminderEmail, type RenderedEmail } from '#shared/templates/emails';
import { confirmationLink } from '#shared/core/acknowledge';
import type { ActInput } from './keeper-input';

export interface ActDeps {
  cases: CaseStore;
  mailer: Mailer;
  clock: Clock;
  offsets: KeeperOffsets;
  signingKey: () => Promise<Buffer>;
  /** dpoAddress: named to requesters and their Reply-To; teamAddress: where staff notices go. */
  settings: { dpoAddress: string; teamAddress: string; publicBaseUrl: string };
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
  const cp = dueCheckpoints(c, now, deps.offsets).find((x) => x.id === input.checkpoint.id);
  if (!cp) return { outcome: 'skipped' };
  await sendAndRecord(c, cp, await render(c, cp, deps), deps, now);
  return { outcome: 'sent' };
}

async function closeAndNotify(c: Case, checkpointId: string, deps: ActDeps, now: Date): Promise<{ outcome: ActOutcome }> {
  const at = now.toISOString();
  const due = (cur: Case) => dueCheckpoints(cur, now, deps.offsets).find((x) => x.id === checkpointId);
  let closed = c;
  if (c.status === 'awaiting_identity') {
    const cp = due(c);
    if (!cp) return { outcome: 'skipped' };
    try {
      closed = await deps.cases.update(c.id, (cur) => {
        if (cur.status !== 'awaiting_identity' || !due(cur)) throw new NothingToDo();
        const t = closeUnverified(cur, { at, actor: 'system' });
        return { case: t.case, entry: { ...t.entry, detail: { ...t.entry.detail, checkpoint: checkpointId } } };
      });
    } catch (err) {
      if (err instanceof NothingToDo) return { outcome: 'skipped' };
      throw err;
    }
  }
  // Closed by this checkpoint (now, or by an earlier attempt that failed before the notice).
  const closedHere = closed.audit.some((e) => e.action === 'ClosedUnverified' && e.detail?.checkpoint === checkpointId);
  if (!closedHere || noticeSent(closed, checkpointId)) return { outcome: 'skipped' };
  const cp: Checkpoint = { id: checkpointId, kind: 'close-unverified', at, on: londonDateOf(now) };
  await sendAndRecord(closed, cp, closedUnverifiedEmail(closed, deps.settings), deps, now);
  return { outcome: 'closed' };
}

/** Who a notice goes to: the requester for the identity track, the DPO team otherwise. */
const toRequester = (cp: Checkpoint) => cp.kind === 'verify-reminder' || cp.kind === 'close-unverified';

async function render(c: Case, cp: Checkpoint, deps: ActDeps): Promise<RenderedEmail> {
  switch (cp.kind) {
    case 'verify-reminder': {
      const closesAt = closeUnverifiedCheckpoint(c, deps.offsets);
      return verifyReminderEmail(c, {
        // A fresh link, valid until the case would be closed unverified (at least the usual 7 days).
        confirmUrl: askedByEmailLink(c) ? await confirmationLink(c.id, deps, Math.floor(Date.parse(closesAt.at) / 1000)) : undefined,
        closesOn: closesAt.on,
        dpoAddress: deps.settings.dpoAddress,
      });
    }
    case 'dpo-reminder':
      return deadlineNoticeEmail(c, { kind: 'dpo-reminder', workingDaysLeft: cp.level! });
    case 'extension-warning':
      return deadlineNoticeEmail(c, { kind: 'extension-warning', extensionNoticeBy: cp.anchor! });
    case 'due-today':
      return deadlineNoticeEmail(c, { kind: 'due-today' });
    case 'overdue':
      return deadlineNoticeEmail(c, { kind: 'overdue', workingDaysOverdue: cp.workingDaysOverdue! });
    default:
      throw new Error(`No notice for checkpoint kind ${cp.kind}.`);
  }
}

/** The last identity request was the email-address check (intake's confirmation link). */
function askedByEmailLink(c: Case): boolean {
  const asked = c.audit.filter((e) => e.action === 'IdentityRequested').at(-1);
  return asked?.detail?.method === 'email-link';
}

async function sendAndRecord(c: Case, cp: Checkpoint, email: RenderedEmail, deps: ActDeps, now: Date): Promise<void> {
  const requester = toRequester(cp);
  const message: OutboundEmail = requester
    ? { to: c.requester.email, ...email, replyTo: deps.settings.dpoAddress }
    : { to: deps.settings.teamAddress, ...email };
  const messageId = await deps.mailer.send(message);
  try {
    await deps.cases.update(c.id, (cur) => {
      if (noticeSent(cur, cp.id)) throw new NothingToDo();
      return recordEvent(cur, now.toISOString(), 'system', 'KeeperNoticeSent', {
        checkpoint: cp.id,
        kind: cp.kind,
        to: requester ? 'requester' : 'dpo',
        messageId,
        ...(cp.anchor !== undefined ? { anchor: cp.anchor } : {}),
        ...(cp.level !== undefined ? { level: cp.level } : {}),
      });
    });
  } catch (err) {
    if (!(err instanceof NothingToDo)) throw err;
  }
}
