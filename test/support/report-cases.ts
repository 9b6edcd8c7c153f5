/**
 * Hand-made cases for the compliance report's figures (issue 12), each built through the real
 * lifecycle at the dates given, so their due dates are the deadline engine's. The expected
 * figures for November 2026 are worked out by hand in test/unit/report-figures.test.ts.
 */
import type { Case, Channel, Right } from '#domain/case';
import {
  acknowledgeComplaint,
  askForClarification,
  askForIdentity,
  closeCase,
  closeComplaint,
  closeUnverified,
  extend,
  forwardToController,
  identityReceived,
  markComplex,
  receive,
  recordClarificationAnswer,
  refuse,
  type Transition,
} from '#domain/lifecycle';
import type { AuditEntry } from '#domain/case';

const staff = 'staff:dpo.lead@icetrak.net' as const;
/** 10:00 London on a date (GMT in the autumn dates used here, BST handled by the lifecycle). */
const at = (date: string, hour = 10) => `${date}T${String(hour).padStart(2, '0')}:00:00.000Z`;

export interface Built {
  case: Case;
  entries: AuditEntry[];
}

/** A case received on `receivedOn`, then each step applied in turn. */
export function build(
  reference: string,
  opts: { rights: Right[]; channel: Channel; receivedOn: string; confirmed?: boolean },
  ...steps: Array<(c: Case) => Transition>
): Built {
  const first = receive({
    id: `id-${reference}`,
    reference,
    rights: opts.rights,
    channel: opts.channel,
    requester: { fullName: 'Grace Hopper', email: `${reference.toLowerCase()}@example.org`, postalAddress: '1 Secret Lane, Malvern' },
    receivedAt: at(opts.receivedOn),
    actor: 'requester',
    identityConfirmed: opts.confirmed ?? true,
  });
  const entries = [first.entry];
  let c = first.case;
  for (const step of steps) {
    const t = step(c);
    c = t.case;
    entries.push(t.entry);
  }
  return { case: { ...c, audit: entries }, entries };
}

const ctx = (date: string) => ({ at: at(date, 14), actor: staff });
export const completeOn = (date: string) => (c: Case) =>
  closeCase(c, { outcome: 'completed', summary: { done: 'Sent a copy.', systemsSearched: ['Accounts'] } }, ctx(date));

/** The November 2026 fixture (reported as of 2 December 2026); references are the letters of the worked example. */
export function novemberCases(): Record<string, Built> {
  return {
    // A: received in October, answered in November (on time).
    A: build('RD-AAAAAA', { rights: ['access'], channel: 'form', receivedOn: '2026-10-20' }, completeOn('2026-11-10')),
    // B: erasure, partially completed: account records kept for a legal obligation.
    B: build('RD-BBBBBB', { rights: ['erasure'], channel: 'email', receivedOn: '2026-11-02' }, (c) =>
      closeCase(
        c,
        {
          outcome: 'partially-completed',
          summary: {
            done: 'Erased marketing data.',
            withheld: 'Account records kept until 2030.',
            keptBecause: ['legal-obligation'],
            systemsSearched: ['Accounts'],
          },
        },
        ctx('2026-11-30'),
      ),
    ),
    // C: complex, extended, still open.
    C: build(
      'RD-CCCCCC',
      { rights: ['access'], channel: 'email', receivedOn: '2026-11-03' },
      (c) => markComplex(c, ctx('2026-11-20')),
      (c) => extend(c, { reason: 'Eleven systems to search' }, ctx('2026-11-20')),
    ),
    // D: two rights; a clarification pause of 7 days; answered in November.
    D: build(
      'RD-DDDDDD',
      { rights: ['access', 'portability'], channel: 'form', receivedOn: '2026-11-04' },
      (c) => askForClarification(c, ctx('2026-11-05')),
      (c) => recordClarificationAnswer(c, { receivedOn: '2026-11-12' }, ctx('2026-11-12')),
      completeOn('2026-11-27'),
    ),
    // E: refused as manifestly unfounded the next day.
    E: build('RD-EEEEEE', { rights: ['objection'], channel: 'phone', receivedOn: '2026-11-05' }, (c) =>
      refuse(c, { ground: 'manifestly-unfounded', reasons: 'The same request, fifth time this week.' }, ctx('2026-11-06')),
    ),
    // F: a complaint, acknowledged the next day, answered.
    F: build(
      'RD-FFFFFF',
      { rights: ['complaint'], channel: 'email', receivedOn: '2026-11-09' },
      (c) => acknowledgeComplaint(c, ctx('2026-11-10')),
      (c) => closeComplaint(c, { outcome: 'Apologised; fixed the form.' }, ctx('2026-11-20')),
    ),
    // G: received 25 November: a month later is Christmas Day, then a weekend and the Boxing Day substitute: due 29 December.
    G: build('RD-GGGGGG', { rights: ['access'], channel: 'form', receivedOn: '2026-11-25' }),
    // H: received 1 October, answered 16 November: late.
    H: build('RD-HHHHHH', { rights: ['rectification'], channel: 'post', receivedOn: '2026-10-01' }, completeOn('2026-11-16')),
    // I: received 15 October, still open: overdue on 2 December.
    I: build('RD-PPPPPP', { rights: ['access'], channel: 'form', receivedOn: '2026-10-15' }),
    // J: identity asked for on receipt in October, never given: closed unverified in November.
    J: build(
      'RD-JJJJJJ',
      { rights: ['erasure'], channel: 'email', receivedOn: '2026-10-05', confirmed: false },
      (c) => askForIdentity(c, ctx('2026-10-05')),
      (c) => closeUnverified(c, ctx('2026-11-05')),
    ),
    // K: identity asked for, given 3 days later: the clock restarts; open.
    K: build(
      'RD-KKKKKK',
      { rights: ['access'], channel: 'form', receivedOn: '2026-11-16', confirmed: false },
      (c) => askForIdentity(c, ctx('2026-11-16')),
      (c) => identityReceived(c, ctx('2026-11-19')),
    ),
    // L: Icetrak is only the processor: forwarded two days after receipt.
    L: build('RD-MMMMMM', { rights: ['access'], channel: 'email', receivedOn: '2026-11-11' }, (c) =>
      forwardToController(c, { controller: 'Malvern Dental Practice', contact: 'privacy@malverndental.example' }, ctx('2026-11-13')),
    ),
  };
}
