/**
 * Realistic report figures for the renderers' tests (issue 12): cases made by the lifecycle's
 * own transitions (received, paused, extended, closed in each way a case can end), then counted
 * by monthlyFigures / weeklyFigures. References are fixed so a test can name them; requesters
 * have names, emails and postal addresses so a test can prove none of them reaches a report.
 *
 * Monthly: November 2026, as of Tuesday 1 December 2026. Weekly: week 48 of 2026 (23 to 29
 * November), as of Monday 23 November.
 */
import type { Actor, Case, Channel, KeptReason, Right } from '#domain/case';
import type { Transition } from '#domain/lifecycle';
import {
  acknowledgeComplaint,
  askForClarification,
  askForIdentity,
  closeCase,
  closeComplaint,
  closeUnverified,
  extend,
  forwardToController,
  markComplex,
  receive,
  recordClarificationAnswer,
  refuse,
} from '#domain/lifecycle';
import { monthlyFigures, trendPoint, weeklyFigures, type MonthlyFigures, type TrendPoint, type WeeklyFigures } from '#domain/report-figures';
import { monthPeriod, monthsEndingWith, weekPeriod } from '#domain/report-period';

const STAFF: Actor = 'staff:dpo-team';

/** Personal data the requesters of the sample cases gave; none of it may appear in a report, its CSV or its mail. */
export const SAMPLE_PERSONAL_DATA = {
  fullName: 'Philippa Quennell-Orbison',
  email: 'p.quennell@example.org',
  postalAddress: '17 Larkspur Terrace, Malvern WR14 3ZZ',
  phone: '+44 7700 900123',
  accountReference: 'ICE-CUST-884211',
  details: 'Please send everything about my account 884211 and my SMS history',
} as const;

/** The extension reason recorded on the sample's extended case (the DPO team's words). */
export const SAMPLE_EXTENSION_REASON = 'Data held in 3 systems & the archive: "billing", <usage> and support';

interface Start {
  at: string;
  rights?: Right[];
  channel?: Channel;
  confirmed?: boolean;
}

/** A case received at `at` through the lifecycle, with a requester who has every kind of personal data. */
export function receivedCase(reference: string, start: Start): Case {
  const { case: c } = receive({
    id: `case-${reference}`,
    reference,
    rights: start.rights ?? ['access'],
    channel: start.channel ?? 'form',
    requester: {
      fullName: SAMPLE_PERSONAL_DATA.fullName,
      email: SAMPLE_PERSONAL_DATA.email,
      postalAddress: SAMPLE_PERSONAL_DATA.postalAddress,
      phone: SAMPLE_PERSONAL_DATA.phone,
      accountReference: SAMPLE_PERSONAL_DATA.accountReference,
      relationship: 'customer',
    },
    details: SAMPLE_PERSONAL_DATA.details,
    receivedAt: start.at,
    actor: 'requester',
    identityConfirmed: start.confirmed ?? true,
  });
  return c;
}

/** Applies one transition at `at` by the DPO team, appending its audit entry as the store would. */
export function applyMove(c: Case, at: string, move: (c: Case, ctx: { at: string; actor: Actor }) => Transition): Case {
  const { case: next, entry } = move(c, { at, actor: STAFF });
  return { ...next, version: c.version + 1, audit: [...c.audit, entry] };
}

const summary = (keptBecause?: KeptReason[]) => ({
  done: 'Sent the data held in the account and billing systems.',
  systemsSearched: ['accounts', 'billing'],
  ...(keptBecause ? { withheld: 'Invoices kept for HMRC.', keptBecause } : {}),
});
const completed = (c: Case, at: string) => applyMove(c, at, (x, ctx) => closeCase(x, { outcome: 'completed', summary: summary() }, ctx));

/**
 * The November 2026 cases, as they stand on 1 December 2026: `received` (in November), `closed`
 * (in November, some received before), `open` (open now, any month).
 */
export function sampleCases(): { received: Case[]; closed: Case[]; open: Case[] } {
  const at = (day: string, time = '10:00:00') => `2026-${day}T${time}.000Z`;

  // Received in November.
  const onTime = completed(receivedCase('RD-NVAAA2', { at: at('11-02') }), at('11-20'));
  let partial = receivedCase('RD-NVAAA3', { at: at('11-03'), rights: ['access', 'erasure'], channel: 'email' });
  partial = applyMove(partial, at('11-25'), (x, ctx) =>
    closeCase(x, { outcome: 'partially-completed', summary: summary(['legal-obligation', 'legal-hold']) }, ctx),
  );
  // The store keeps what the desk records (closeCase records the kinds of reason since issue 12).
  partial = { ...partial, closing: { ...summary(['legal-obligation', 'legal-hold']) } };
  const openRectification = receivedCase('RD-NVAAA4', { at: at('11-05'), rights: ['rectification'], channel: 'phone' });
  let extended = receivedCase('RD-NVAAA5', { at: at('11-10'), rights: ['erasure'] });
  extended = applyMove(extended, at('11-12'), markComplex);
  extended = applyMove(extended, at('11-12'), (x, ctx) => extend(x, { reason: SAMPLE_EXTENSION_REASON }, ctx));
  let clarified = receivedCase('RD-NVAAA6', { at: at('11-12'), rights: ['portability'], channel: 'post' });
  clarified = applyMove(clarified, at('11-13'), askForClarification);
  clarified = applyMove(clarified, at('11-18'), (x, ctx) => recordClarificationAnswer(x, { receivedOn: '2026-11-18' }, ctx));
  clarified = completed(clarified, at('11-28', '09:00:00'));
  let refused = receivedCase('RD-NVAAA7', { at: at('11-16'), rights: ['objection'], channel: 'in-person' });
  refused = applyMove(refused, at('11-27'), (x, ctx) =>
    refuse(x, { ground: 'manifestly-excessive', reasons: 'The same request was answered last week.' }, ctx),
  );
  let complaint = receivedCase('RD-NVAAA8', { at: at('11-04'), rights: ['complaint'], channel: 'email' });
  complaint = applyMove(complaint, at('11-10'), acknowledgeComplaint);
  complaint = applyMove(complaint, at('11-24'), (x, ctx) => closeComplaint(x, { outcome: 'Apologised; the marketing flag was removed.' }, ctx));
  const complaintWaiting = receivedCase('RD-NVAAA9', { at: at('11-26'), rights: ['complaint'], channel: 'form' });
  let awaitingId = receivedCase('RD-NVAAAB', { at: at('11-18'), rights: ['access'], confirmed: true });
  awaitingId = applyMove(awaitingId, at('11-18', '11:00:00'), askForIdentity);
  let forwarded = receivedCase('RD-NVAAAC', { at: at('11-20'), rights: ['restriction'], channel: 'email' });
  forwarded = applyMove(forwarded, at('11-23'), (x, ctx) =>
    forwardToController(x, { controller: 'Acme Parcels Ltd', contact: 'privacy@acme.example' }, ctx),
  );
  // Due on a bank holiday's doorstep: received 25 November, a month later is Christmas Day.
  const christmas = receivedCase('RD-NVAAAD', { at: at('11-25'), rights: ['access', 'portability'] });

  // Received before November, closed in it.
  const late = completed(receivedCase('RD-CTAAA2', { at: at('10-01') }), at('11-05'));
  let unverified = receivedCase('RD-SPAAA2', { at: at('09-01'), rights: ['erasure'], confirmed: false });
  unverified = applyMove(unverified, at('09-02'), askForIdentity);
  unverified = applyMove(unverified, at('11-02'), (x, ctx) => closeUnverified(x, ctx));

  // Open and overdue on 1 December (received in October).
  const overdue = receivedCase('RD-CTAAA3', { at: at('10-01'), rights: ['access', 'rectification'] });

  const received = [onTime, partial, openRectification, extended, clarified, refused, complaint, complaintWaiting, awaitingId, forwarded, christmas];
  const closed = [onTime, partial, clarified, refused, complaint, forwarded, late, unverified];
  const open = [openRectification, extended, complaintWaiting, awaitingId, christmas, overdue];
  return { received, closed, open };
}

/** The eleven months before November 2026, with made-up but plausible figures, and November from the sample. */
export function sampleTrend(received: Case[], closed: Case[]): TrendPoint[] {
  const months = monthsEndingWith('2026-11', 12);
  const earlier = [
    [14, 12, 11],
    [11, 12, 12],
    [16, 13, 10],
    [9, 10, 10],
    [18, 15, 13],
    [0, 0, 0],
    [21, 19, 17],
    [15, 17, 16],
    [13, 12, 12],
    [19, 18, 14],
    [24, 20, 18],
  ] as const;
  return months.map((month, i) => {
    const row = earlier[i];
    if (!row) return trendPoint(month, received, closed);
    const [rec, answered, onTime] = row;
    return { month, received: rec, answered, onTime, onTimeRate: answered ? onTime / answered : null };
  });
}

/** The monthly report for November 2026 as of 1 December 2026. */
export function sampleMonthlyFigures(): MonthlyFigures {
  const { received, closed, open } = sampleCases();
  return monthlyFigures({
    period: monthPeriod('2026-11'),
    received,
    closed,
    overdue: open,
    trend: sampleTrend(received, closed),
    asOf: '2026-12-01',
    generatedAt: '2026-12-01T07:00:04.000Z',
  });
}

/** The weekly digest for week 48 of 2026 (23 to 29 November) as of Monday 23 November. */
export function sampleWeeklyFigures(): WeeklyFigures {
  const at = (day: string) => `2026-${day}T09:30:00.000Z`;
  const overdue = receivedCase('RD-WKAAA2', { at: at('10-01'), rights: ['access'] });
  const overdueToo = receivedCase('RD-WKAAA3', { at: at('10-14'), rights: ['erasure', 'objection'], channel: 'email' });
  const dueMonday = receivedCase('RD-WKAAA4', { at: at('10-23'), rights: ['rectification'], channel: 'phone' });
  const dueFriday = receivedCase('RD-WKAAA5', { at: at('10-27'), rights: ['portability'] });
  let waiting = receivedCase('RD-WKAAA6', { at: at('11-09'), rights: ['access'] });
  waiting = applyMove(waiting, at('11-10'), askForClarification);
  const triage = { ...receivedCase('RD-WKAAA7', { at: at('11-20'), rights: [], channel: 'email', confirmed: false }) };
  const newMail = { ...receivedCase('RD-WKAAA8', { at: at('11-16'), rights: ['access'] }), flags: ['new-correspondence'] };
  const open = [overdue, overdueToo, dueMonday, dueFriday, waiting, triage, newMail];
  return weeklyFigures({
    period: weekPeriod('2026-W48'),
    open,
    triage: [triage, newMail],
    asOf: '2026-11-23',
    generatedAt: '2026-11-23T07:00:02.000Z',
  });
}
