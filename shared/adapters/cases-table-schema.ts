/**
 * The cases table's physical shape, in one place: the CDK storage construct and the
 * local stack both build the table from this, and only DynamoCaseStore knows what the
 * key values look like. Every GSI is sparse: an item carries a GSI's key attributes
 * only when it belongs in that index.
 */
export const CASES_TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
  indexes: {
    /** case by human reference (RD-XXXXXX) */
    byReference: { partitionKey: 'gsi1pk', sortKey: undefined },
    /**
     * open cases by due date: pk is a constant 'OPEN', sk `${dueOn}#${id}` (`~PAUSED#${id}` while the clock is stopped); removed when
     * closed, except that a closed case on legal hold sits in pk 'HOLDS', sk `${reviewOn}#${id}` (`~NONE#${id}` without a review date)
     */
    openByDue: { partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
    /** cases received in a month (reports): pk `YYYY-MM`, sk receivedAt */
    byReceivedMonth: { partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
    /** cases by requester email hash (duplicates, repeated requests): pk hash, sk receivedAt */
    byRequester: { partitionKey: 'gsi4pk', sortKey: 'gsi4sk' },
    /** cases owing mail (the outbox sweep): pk a constant 'MAIL', sk `${earliest claimable instant}#${id}`; removed when nothing is pending */
    mailDue: { partitionKey: 'gsi5pk', sortKey: 'gsi5sk' },
    /**
     * the desk's work queues other than by due date: pk the case's one queue (`COMPLAINTS`, `TRIAGE`, `AWAITING` while open,
     * `CLOSED` once closed; shared/cases/queue.ts says which), sk `${receivedAt}#${id}` (`${closedAt}#${id}` when closed).
     * One index for all of them: CloudFormation adds one GSI per table update.
     */
    queue: { partitionKey: 'gsi6pk', sortKey: 'gsi6sk' },
  },
} as const;

export type CasesIndexName = keyof typeof CASES_TABLE.indexes;
