/**
 * What is left of a case once its retention has ended (issue 13): the facts reports and audits
 * count (reference, rights, channel, dates, outcome, how it was closed) and how many stored object
 * versions were deleted with it. Never personal data: no requester name, address, email, details,
 * notes or reasons in the requester's or the team's words.
 *
 * Reports count a purged case from its tombstone (tombstoneAsReportCase): a month's report re-run
 * after some of its cases were deleted still gives the same "closed in the period" figures.
 */
import type { Case, Channel, KeptReason, Outcome, RefusalGround, Right } from './case';
import type { Nation } from './calendar';

export interface Tombstone {
  caseId: string;
  reference: string;
  rights: Right[];
  channel: Channel;
  receivedOn: string;
  dueOn: string | null;
  respondedOn: string | null;
  outcome: Outcome | null;
  closedAt: string | null;
  /** When the case's retention ended (its TTL, `expiresAt`), ISO. */
  expiredAt: string;
  /** When its objects were deleted and this tombstone written, ISO. */
  purgedAt: string;
  /** Object versions (and delete markers) deleted with the case, by the purge that wrote this tombstone. */
  objectsDeleted: number;
  // What the reports' closed figures read (absent from tombstones written before they were kept).
  nation?: Nation;
  clockStartsOn?: string;
  extended?: boolean;
  extensionGround?: 'complex' | 'several-requests' | null;
  refusalGround?: RefusalGround | null;
  keptBecause?: KeptReason[];
  complaintAcknowledgedOn?: string | null;
}

/** The tombstone of `c`: a fixed list of fields, so nothing personal can slip in with a new case field. */
export function tombstoneOf(c: Case, at: { expiredAt: string; purgedAt: string; objectsDeleted: number }): Tombstone {
  return {
    caseId: c.id,
    reference: c.reference,
    rights: [...c.rights],
    channel: c.channel,
    receivedOn: c.receivedOn,
    dueOn: c.dueOn,
    respondedOn: c.respondedOn ?? null,
    outcome: c.outcome ?? null,
    closedAt: c.closedAt ?? null,
    expiredAt: at.expiredAt,
    purgedAt: at.purgedAt,
    objectsDeleted: at.objectsDeleted,
    nation: c.nation,
    clockStartsOn: c.clockStartsOn,
    extended: c.extended,
    extensionGround: c.extended ? (c.extensionGround ?? 'complex') : null,
    refusalGround: c.refusalGround ?? null,
    keptBecause: c.closing?.keptBecause ? [...c.closing.keptBecause] : [],
    complaintAcknowledgedOn: c.complaintAcknowledgedOn ?? null,
  };
}
