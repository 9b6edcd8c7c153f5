import type { AuditAction } from './audit';
import type { Clarification, Nation } from './deadlines';
import type { OutboxEntry } from './outbox';
import type { CaseExport } from './export';
import type { CasePlan } from './plan';
import type { CaseRestriction } from './restriction';
import type { CustomerForward } from './forwarding';
import type { CaseSearch } from './search';

/** The six rights (UK GDPR Arts. 15–21) plus a complaint to the controller (DPA 2018 s.164A). */
export const RIGHTS = ['access', 'rectification', 'erasure', 'restriction', 'objection', 'portability', 'complaint'] as const;
export type Right = (typeof RIGHTS)[number];

export const CHANNELS = ['form', 'email', 'phone', 'post', 'in-person'] as const;
export type Channel = (typeof CHANNELS)[number];

export const RELATIONSHIPS = ['customer', 'message-recipient', 'website-visitor', 'other'] as const;
export type Relationship = (typeof RELATIONSHIPS)[number];

/** How someone making a request for another person acts for them (the DPO checks the authority they claim). */
export const AGENT_CAPACITIES = ['parent-or-guardian', 'power-of-attorney', 'legal-representative', 'other'] as const;
export type AgentCapacity = (typeof AGENT_CAPACITIES)[number];

export const STATUSES = ['received', 'awaiting_identity', 'in_progress', 'awaiting_clarification', 'closed'] as const;
export type CaseStatus = (typeof STATUSES)[number];

export const OUTCOMES = ['completed', 'partially_completed', 'refused', 'forwarded', 'withdrawn', 'closed_unverified', 'merged'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Who we correspond with: the person the data is about, or someone acting for them (`onBehalfOf`). */
export interface Requester {
  fullName: string;
  /** Where mail goes; '' when there is none (no usable sender, or a postal requester: letters go to `postalAddress`). */
  email: string;
  postalAddress?: string;
  phone?: string;
  /** The connection to Icetrak of the person the data is about. */
  relationship?: Relationship;
  accountReference?: string;
  /** Set when the requester acts for someone else: who, and the authority claimed, which the DPO checks before disclosing anything. */
  onBehalfOf?: OnBehalfOf;
}

/** The person a request made on their behalf is about. */
export interface OnBehalfOf {
  fullName: string;
  email?: string;
  postalAddress?: string;
  capacity: AgentCapacity;
  /** The requester's own account of their authority (e.g. "I hold a lasting power of attorney"); written proof is asked for separately. */
  authority: string;
}

/** The controller a request was forwarded to when Icetrak is only its processor (docs/rules.md, Controller or processor). */
export interface ForwardedTo {
  controller: string; // the business customer's name
  contact: string; // its contract's privacy contact
}

/** The grounds on which a request may be refused or charged for (docs/rules.md, Refusals and fees). */
export const REFUSAL_GROUNDS = ['manifestly-unfounded', 'manifestly-excessive'] as const;
export type RefusalGround = (typeof REFUSAL_GROUNDS)[number];
export const FEE_GROUNDS = [...REFUSAL_GROUNDS, 'extra-copies'] as const;
export type FeeGround = (typeof FEE_GROUNDS)[number];

/**
 * Why something asked for was kept or withheld, for a partial completion (the compliance report
 * counts them): a legal obligation (e.g. customer-account records for 7 years after the account
 * closes), a legal hold, another person's data, a DPA 2018 exemption, or something else.
 */
export const KEPT_REASONS = ['legal-obligation', 'legal-hold', 'third-party-data', 'exemption', 'other'] as const;
export type KeptReason = (typeof KEPT_REASONS)[number];

/** What the desk records when it closes a case (docs/rules.md, Records of requests). */
export interface ClosingSummary {
  /** What was done or disclosed. */
  done: string;
  /** What was withheld and why (required for a partial completion). */
  withheld?: string;
  /** The kinds of reason for what was withheld (a partial completion; absent on cases closed before they were recorded). */
  keptBecause?: KeptReason[];
  /** The systems searched. */
  systemsSearched: string[];
}

/** Who did something: a requester, a named DPO-team member, or the system itself. */
export type Actor = 'requester' | 'system' | `staff:${string}`;

/** One line of the append-only audit trail. `detail` must not hold free text from the requester. */
export interface AuditEntry {
  at: string; // ISO instant
  actor: Actor;
  action: AuditAction; // past tense, e.g. RequestReceived
  detail?: Record<string, string | number | boolean | null>;
}

/** Why and since when a case is kept past its retention period, and when to look at the hold again. */
export interface LegalHold {
  since: string;
  reason: string;
  reviewOn?: string;
  placedBy: Actor;
}

/** A note the DPO team added to a case. */
export interface StaffNote {
  at: string;
  by: Actor;
  kind: string;
  text: string;
}

export interface Case {
  id: string; // opaque, unique (ULID-like), safe for S3 keys, SFN names and logs
  reference: string; // human-friendly, e.g. RD-7K4M9P, used in email subjects as [REF]
  version: number; // optimistic lock, starts at 1
  status: CaseStatus;
  outcome?: Outcome;
  outcomeReasons?: string;
  rights: Right[];
  channel: Channel;
  requester: Requester;
  details?: string;
  nation: Nation;
  receivedAt: string; // ISO instant
  receivedOn: string; // London date of receivedAt
  identityRequestedOn?: string;
  identityReceivedOn?: string;
  /** The last identity request was made after the due date: its answer does not restart the clock (docs/rules.md, The deadline, 7). */
  identityRequestedLate?: boolean;
  /** The day ID asked for late arrived (kept for the record; not a clock start). */
  lateIdentityReceivedOn?: string;
  feeRequestedOn?: string;
  feeReceivedOn?: string;
  feeGround?: FeeGround;
  refusalGround?: RefusalGround;
  clarifications: Clarification[];
  extended: boolean;
  extensionReason?: string;
  /** Why the case could be extended: marked complex, or one of several requests from the same person. */
  extensionGround?: 'complex' | 'several-requests';
  complex: boolean;
  clockStartsOn: string;
  dueOn: string | null;
  extensionNoticeBy: string | null;
  closedAt?: string; // ISO instant
  respondedOn?: string; // London date the case was answered (closed)
  closing?: ClosingSummary; // what the desk recorded when closing
  mergedInto?: string; // reference of the case a duplicate was merged into
  complaintAcknowledgedOn?: string; // London date a complaint was acknowledged
  forwardedTo?: ForwardedTo; // set when forwarded (outcome 'forwarded', or an open case whose Icetrak part remains)
  /** The customers (controllers) the request was forwarded to from the search, one each (issue 15; shared/domain/forwarding.ts). */
  forwards?: CustomerForward[];
  flags: string[]; // e.g. 'new-correspondence', 'spam-review', 'quarantined', 'reply-by-post', 'on-behalf' (MAIL_FLAGS, INTAKE_FLAGS)
  createdAt: string;
  updatedAt: string;
  expiresAt?: number; // TTL, epoch seconds; set on close, removed by a legal hold
  /** A legal hold (issue 13): nothing of the case is deleted while it is on. `since` an ISO instant, `reviewOn` a date. */
  legalHold?: LegalHold;
  /** What the DPO team recorded in its own words (a requester's answer taken by phone, reasons a request is complex). */
  notes?: StaffNote[];
  /** The latest search of Icetrak's systems (issue 14; shared/domain/search.ts); absent until the first search. */
  search?: CaseSearch;
  /** The latest access or portability answer prepared (issue 14; shared/domain/export.ts). */
  export?: CaseExport;
  /** The latest change plan for erasure, rectification, restriction or objection (issue 15; shared/domain/plan.ts). */
  plan?: CasePlan;
  /** The restriction an executed plan put on records, and its lifting (Art. 18(3); shared/domain/restriction.ts); kept after the case closes. */
  restriction?: CaseRestriction;
  /** Mail this case owes or has sent (shared/domain/outbox.ts); absent on cases that never owed any. */
  outbox?: OutboxEntry[];
  audit: AuditEntry[];
}

/**
 * A complaint to the controller (DPA 2018 s.164A) rather than a rights request: a case whose
 * only "right" is a complaint. No identity gate, never closed unverified (docs/rules.md, Complaints).
 */
export function isComplaint(c: Pick<Case, 'rights'>): boolean {
  return c.rights.length === 1 && c.rights[0] === 'complaint';
}
