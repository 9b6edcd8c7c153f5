import { Stack } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { StateMachine } from 'aws-local-stepfunctions';
import { describe, expect, it } from 'vitest';
import { newCaseId } from '#shared/core/ids';
import { InvalidTrafficQueryIdError, TRAFFIC_QUERY_TEMPLATE, TRAFFIC_RESULT_COLUMNS, trafficQuery } from '#shared/fulfilment/traffic-query';

const CASE_ID = '01KBCDEFGH0123456789ABCDEF';
const RUN_ID = 'r20261202abc123';

describe('the traffic query', () => {
  it('has exactly two placeholders, and no other character States.Format would read', () => {
    expect(TRAFFIC_QUERY_TEMPLATE.match(/\{\}/g)).toHaveLength(2);
    expect(TRAFFIC_QUERY_TEMPLATE.replace(/\{\}/g, '')).not.toMatch(/[{}\\]/);
  });

  it('joins the traffic with the run’s identifiers by case and run id, selecting the answer’s columns in order', () => {
    const q = trafficQuery(CASE_ID, RUN_ID);
    expect(q).toBe(
      'SELECT t."message_id", t."account_id", t."channel", t."sender", t."recipient", t."sent_at", t."status", t."day" ' +
        'FROM traffic t JOIN search_identifiers i ON t.recipient = i.phone ' +
        `WHERE i.case_id = '${CASE_ID}' AND i.run_id = '${RUN_ID}' ORDER BY t.sent_at, t.message_id`,
    );
    expect(TRAFFIC_RESULT_COLUMNS).toEqual(['message_id', 'account_id', 'channel', 'sender', 'recipient', 'sent_at', 'status', 'day']);
  });

  it('holds ids only: no phone number, no email address', () => {
    const caseId = newCaseId();
    const rest = trafficQuery(caseId, RUN_ID).replace(caseId, '').replace(RUN_ID, '');
    expect(rest).not.toMatch(/[\d+@]/);
  });

  it.each([
    ['a lower-case case id', CASE_ID.toLowerCase(), RUN_ID],
    ['a case id with a quote', `${CASE_ID.slice(0, 25)}'`, RUN_ID],
    ['SQL in the case id', "X' OR '1'='1", RUN_ID],
    ['a phone number as case id', '+447700900456', RUN_ID],
    ['a short run id', CASE_ID, 'r1'],
    ['an upper-case run id', CASE_ID, 'R20261202ABC123'],
    ['SQL in the run id', CASE_ID, "r20261202abc123' OR 'x'='x"],
    ['a run id with a brace', CASE_ID, 'r20261202abc{}'],
  ])('refuses %s', (_what, caseId, runId) => {
    expect(() => trafficQuery(caseId, runId)).toThrow(InvalidTrafficQueryIdError);
  });

  it('is what the workflow’s States.Format (CDK JsonPath.format, run by aws-local-stepfunctions) makes of the template', async () => {
    const stack = new Stack();
    const pass = new sfn.Pass(stack, 'Query', {
      parameters: { QueryString: sfn.JsonPath.format(TRAFFIC_QUERY_TEMPLATE, sfn.JsonPath.stringAt('$.caseId'), sfn.JsonPath.stringAt('$.runId')) },
    });
    const definition = stack.resolve(pass.toStateJson()) as Record<string, unknown>;
    const machine = new StateMachine({ StartAt: 'Query', States: { Query: { ...definition, End: true } } } as never);
    const out = (await machine.run({ caseId: CASE_ID, runId: RUN_ID }).result) as { QueryString: string };
    expect(out.QueryString).toBe(trafficQuery(CASE_ID, RUN_ID));
  });
});
