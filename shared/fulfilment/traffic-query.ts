/**
 * PLACEHOLDER until the traffic context's file of this name is merged (it replaces this one
 * whole): the traffic search's SQL as a States.Format template, `{}` for the case id and the run
 * id, so the query text holds ids only, never a phone number. Kept tiny on purpose: the real
 * query joins `traffic` with `search_identifiers` (Glue, partition projection on case_id/run_id).
 */
export const TRAFFIC_QUERY_TEMPLATE =
  "SELECT t.message_id, t.account_id, t.channel, t.sender, t.recipient, t.sent_at, t.status, t.parts FROM traffic t JOIN search_identifiers i ON t.recipient = i.phone WHERE i.case_id = '{}' AND i.run_id = '{}'";

/** The template filled in (DuckDB locally runs the same text). */
export function trafficQuery(caseId: string, runId: string): string {
  const values = [caseId, runId];
  return TRAFFIC_QUERY_TEMPLATE.replace(/\{\}/g, () => values.shift() ?? '');
}
