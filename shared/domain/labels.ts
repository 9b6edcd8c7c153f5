/** The words shown for each right and relationship: on the form, in emails, in the desk. */
import type { AgentCapacity, KeptReason, Relationship, Right } from './case';

export const RIGHT_LABELS: Record<Right, { label: string; hint: string }> = {
  access: { label: 'Get a copy of my data', hint: 'Right of access: a copy of the personal data we hold about you and how we use it.' },
  rectification: { label: 'Correct my data', hint: 'Right to rectification: fix data that is wrong or incomplete.' },
  erasure: { label: 'Delete my data', hint: 'Right to erasure: also called the right to be forgotten.' },
  restriction: { label: 'Limit how my data is used', hint: 'Right to restriction: we keep the data but stop using it.' },
  objection: { label: 'Object to how my data is used', hint: 'Right to object: for example to direct marketing.' },
  portability: { label: 'Move my data to another service', hint: 'Right to data portability: your data in a machine-readable file (JSON or CSV).' },
  complaint: { label: 'Make a complaint', hint: 'Tell us about a problem with how we handle your personal data.' },
};

export const RELATIONSHIP_LABELS: Record<Relationship, string> = {
  customer: 'I have an Icetrak customer account',
  'message-recipient': 'I received SMS or fax messages sent through Icetrak',
  'website-visitor': 'I visited an Icetrak website',
  other: 'Something else',
};

export const AGENT_CAPACITY_LABELS: Record<AgentCapacity, { label: string; hint: string }> = {
  'parent-or-guardian': { label: 'I am their parent or guardian', hint: 'For a child who cannot make the request themselves.' },
  'power-of-attorney': {
    label: 'I hold a power of attorney or am their deputy',
    hint: 'A lasting or enduring power of attorney, or a court-appointed deputy.',
  },
  'legal-representative': { label: 'I am their solicitor or legal representative', hint: 'Acting on their written instructions.' },
  other: { label: 'Something else', hint: 'For example a relative, friend or advocate they have asked in writing to act for them.' },
};

/** The form's "Who is the request for?" (shared/intake/submission.ts REQUEST_FOR). */
export const REQUEST_FOR_LABELS: Record<'myself' | 'someone-else', string> = {
  myself: 'Me',
  'someone-else': 'Someone else: I am making this request for them',
};

/** Why something asked for was kept or withheld (a partial completion; the compliance report counts them). */
export const KEPT_REASON_LABELS: Record<KeptReason, string> = {
  'legal-obligation': 'A legal obligation to keep it (e.g. account and billing records for 7 years after the account closes)',
  'legal-hold': 'A legal hold (litigation or an investigation)',
  'third-party-data': 'It is another person’s data',
  exemption: 'A DPA 2018 exemption (name it above)',
  other: 'Another reason (say which above)',
};
