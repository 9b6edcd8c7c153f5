/**
 * The one query that searches Icetrak's message traffic (issue 14): Athena runs it in AWS
 * (started by the search workflow's `athena:startQueryExecution.sync` task), DuckDB runs it
 * locally (infra/local/athena-local.ts) over the same Parquet files. It is written in the SQL both
 * engines share (Trino's and DuckDB's), and it holds ids only: the phone numbers searched for are
 * in the run's identifiers file (shared/fulfilment/traffic-identifiers.ts), which the
 * `search_identifiers` table reads through partition projection on case_id and run_id. So no
 * phone number enters the query text, the Step Functions payload or Athena's query history.
 */
import { RUN_ID } from '#domain/search';
import { isCaseId } from '#shared/core/ids';

/** The columns the query answers with, in order (the header of the results CSV). */
export const TRAFFIC_RESULT_COLUMNS = ['message_id', 'account_id', 'channel', 'sender', 'recipient', 'sent_at', 'status', 'day'] as const;
export type TrafficResultColumn = (typeof TRAFFIC_RESULT_COLUMNS)[number];

/** Glue/DuckDB table names the query reads. */
export const TRAFFIC_TABLE = 'traffic';
export const SEARCH_IDENTIFIERS_TABLE = 'search_identifiers';

/**
 * The query as a States.Format template: the first `{}` is the case id, the second the run id.
 * No `{`, `}` or backslash elsewhere (States.Format would read them); the single quotes are
 * escaped by CDK's JsonPath.format. `day` is quoted: a keyword in both dialects' grammars.
 * Every day partition is read: an access request covers all the traffic held, however old.
 */
export const TRAFFIC_QUERY_TEMPLATE =
  `SELECT ${TRAFFIC_RESULT_COLUMNS.map((c) => `t."${c}"`).join(', ')} ` +
  `FROM ${TRAFFIC_TABLE} t JOIN ${SEARCH_IDENTIFIERS_TABLE} i ON t.recipient = i.phone ` +
  `WHERE i.case_id = '{}' AND i.run_id = '{}' ` +
  `ORDER BY t.sent_at, t.message_id`;

export class InvalidTrafficQueryIdError extends Error {
  override readonly name = 'InvalidTrafficQueryIdError';
}

/**
 * The query for one run, as States.Format fills the template in the workflow. The ids are
 * validated first (a case id in ULID form, a run id of lower-case letters and digits): nothing
 * else can reach the SQL text.
 */
export function trafficQuery(caseId: string, runId: string): string {
  if (!isCaseId(caseId)) throw new InvalidTrafficQueryIdError('The traffic query needs a case id (26 Crockford base32 symbols).');
  if (!RUN_ID.test(runId)) throw new InvalidTrafficQueryIdError('The traffic query needs a run id (10 to 40 lower-case letters and digits).');
  const ids = [caseId, runId];
  return TRAFFIC_QUERY_TEMPLATE.replace(/\{\}/g, () => ids.shift()!);
}
