/**
 * What is left of a case once its retention has ended (issue 13): the facts reports and audits
 * count (reference, rights, channel, dates, outcome) and how many stored object versions were
 * deleted with it. Never personal data: no requester name, address, email, details or notes.
 */
import type { Case, Channel, Outcome, Right } from '#domain/case';

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
  };
}

export interface Tombstones {
  /** Writes the tombstone once: 'existed' (and nothing written) when the case already has one (a retried purge). */
  put(t: Tombstone): Promise<'written' | 'existed'>;
  find(caseId: string): Promise<Tombstone | undefined>;
}
