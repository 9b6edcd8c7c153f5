/**
 * One case as the desk shows it (issue 11): the case, why its due date is what it is, the
 * timeline newest first, the correspondence in and out, and the actions allowed now.
 */
import type { AuditEntry, Case } from '#domain/case';
import { addDays, formatLongDate, isBankHoliday, isWeekend, londonDateOf } from '#domain/calendar';
import { CaseNotFoundError } from '#domain/errors';
import { explainDeadline } from '#domain/deadlines';
import { exportActions, type ExportAction } from '#domain/export';
import { fulfilmentActions, type FulfilmentAction } from '#domain/fulfilment-actions';
import { allowedActions, deadlineInputOf, type DeskAction } from '#domain/lifecycle';
import { outboxOf, type MailRecipient, type MailState, type OutboxEntry } from '#domain/outbox';
import { workingDaysLeft } from '#domain/queue';
import { isReference } from '#domain/reference';
import { LETTER_TITLES, isLetterKind } from '#shared/templates/letters';
import type { DeskReadDeps } from './deps';

export interface TimelineEntry {
  at: string;
  action: string;
  actor: string;
  detail?: AuditEntry['detail'];
}

/** A message in or out. `in`: an email that arrived (its stored message id); `out`: mail the case owed. */
export type CorrespondenceItem =
  | { direction: 'in'; at: string; sesMessageId: string; fromRequester: boolean; attachments: number; joined: 'request' | 'reply' }
  | { direction: 'out'; at: string; id: string; kind: string; title: string; to: MailRecipient; state: MailState; sentAt?: string };

export interface CaseView {
  case: Case;
  today: string;
  workingDaysLeft: number | null;
  /** The deadline engine's working, as sentences (docs/rules.md, The deadline). */
  dueExplanation: string[];
  timeline: TimelineEntry[];
  correspondence: CorrespondenceItem[];
  /** The lifecycle's actions allowed now, then the answer's (prepare-export, release-export). */
  actions: Array<DeskAction | ExportAction | FulfilmentAction>;
}

export async function caseByReference(reference: string, deps: DeskReadDeps): Promise<Case> {
  const ref = reference.trim().toUpperCase();
  const found = isReference(ref) ? await deps.cases.findByReference(ref) : undefined;
  if (!found) throw new CaseNotFoundError(`No case ${isReference(ref) ? ref : 'with that reference'}.`);
  return found;
}

export async function viewCase(reference: string, deps: DeskReadDeps): Promise<CaseView> {
  return viewOf(await caseByReference(reference, deps), deps.clock.now());
}

export function viewOf(c: Case, now: Date): CaseView {
  const today = londonDateOf(now);
  return {
    case: c,
    today,
    workingDaysLeft: c.status === 'closed' || c.dueOn == null ? null : workingDaysLeft(today, c.dueOn, c),
    dueExplanation: explainDue(c),
    timeline: [...c.audit].reverse().map((e) => ({ at: e.at, action: e.action, actor: e.actor, ...(e.detail ? { detail: e.detail } : {}) })),
    correspondence: correspondenceOf(c),
    actions: [...allowedActions(c), ...exportActions(c), ...fulfilmentActions(c, today)],
  };
}

/** Why this date: clock start, pauses, extension, and the weekend and bank-holiday days skipped. */
export function explainDue(c: Case): string[] {
  const w = explainDeadline(deadlineInputOf(c));
  const out: string[] = [`Received ${formatLongDate(c.receivedOn)} (${c.channel}).`];
  if (w.clockStartsOn !== c.receivedOn) {
    const why =
      c.identityReceivedOn === w.clockStartsOn
        ? 'the identity information we asked for arrived'
        : c.feeReceivedOn === w.clockStartsOn
          ? 'the fee was paid'
          : 'a later event';
    out.push(`The clock started again on ${formatLongDate(w.clockStartsOn)}, when ${why}.`);
  } else {
    out.push(`The clock started on ${formatLongDate(w.clockStartsOn)}, the day it was received.`);
  }
  if (w.stopped) {
    out.push('The clock is stopped: a clarification we asked for has not been answered, so there is no due date until it is.');
    return out;
  }
  out.push(c.extended ? 'Extended: three months from the clock start.' : 'One month from the clock start.');
  if (w.pausedDays > 0) out.push(`Plus ${w.pausedDays} day${w.pausedDays === 1 ? '' : 's'} the clock was stopped for clarification.`);
  if (w.dueBeforeRoll && w.dueOn && w.dueBeforeRoll !== w.dueOn) {
    const skipped: string[] = [];
    for (let d = w.dueBeforeRoll; d < w.dueOn; d = addDays(d, 1)) {
      skipped.push(`${formatLongDate(d)} (${isBankHoliday(d, c.nation) ? 'bank holiday' : isWeekend(d) ? 'weekend' : 'not a working day'})`);
    }
    out.push(`That is ${formatLongDate(w.dueBeforeRoll)}, which is not a working day; skipped ${skipped.join(', ')}.`);
  }
  if (w.dueOn) out.push(`Due ${formatLongDate(w.dueOn)} (bank holidays of ${c.nation.replace(/-/g, ' ')}).`);
  if (!c.extended && w.extensionNoticeBy && c.status !== 'closed') out.push(`An extension must be notified by ${formatLongDate(w.extensionNoticeBy)}.`);
  return out;
}

const NOTICE_TITLES: Record<string, string> = {
  'verify-reminder': 'Reminder to confirm the email address',
  'close-unverified': 'Closed: identity never confirmed',
  'dpo-reminder': 'Deadline reminder to the DPO team',
  'extension-warning': 'Extension decision needed (to the DPO team)',
  'due-today': 'Due today (to the DPO team)',
  overdue: 'Overdue escalation (to the DPO team)',
  'complaint-ack-reminder': 'Complaint to acknowledge (to the DPO team)',
};

/** What a person calls a mail: a letter's title, or the automatic mail's purpose. */
function titleOf(e: OutboxEntry): string {
  switch (e.kind) {
    case 'letter':
      return isLetterKind(e.params?.letter) ? LETTER_TITLES[e.params.letter] : 'Letter';
    case 'acknowledgement':
      return 'Acknowledgement of the request';
    case 'confirmation':
      return 'Email address confirmed: the due date';
    case 'team-notice':
      return 'New-request notice to the DPO team';
    case 'recipient-notice':
      return `Art. 19 notice to ${String(e.params?.recipient ?? 'a recipient')}`;
    case 'keeper-notice':
      return NOTICE_TITLES[String(e.params?.checkpointKind)] ?? 'Deadline notice';
    case 'customer-forward':
      return `Request forwarded to the customer (${String(e.params?.accountId ?? '')})`;
  }
}

function correspondenceOf(c: Case): CorrespondenceItem[] {
  const inbound: CorrespondenceItem[] = c.audit.flatMap((e): CorrespondenceItem[] => {
    if (e.action !== 'EmailReceived' && e.action !== 'CorrespondenceReceived') return [];
    const id = e.detail?.sesMessageId;
    if (typeof id !== 'string') return [];
    return [
      {
        direction: 'in',
        at: e.at,
        sesMessageId: id,
        fromRequester: e.action === 'EmailReceived' || e.detail?.fromRequester === true,
        attachments: Number(e.detail?.attachmentsStored ?? e.detail?.attachments ?? 0),
        joined: e.action === 'EmailReceived' ? 'request' : 'reply',
      },
    ];
  });
  const outbound: CorrespondenceItem[] = outboxOf(c).map((e) => ({
    direction: 'out',
    at: e.createdAt,
    id: e.id,
    kind: e.kind,
    title: titleOf(e),
    to: e.to,
    state: e.state,
    ...(e.sentAt ? { sentAt: e.sentAt } : {}),
  }));
  return [...inbound, ...outbound].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
}
