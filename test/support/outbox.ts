/** Outbox dependencies for use-case tests: the real DynamoDB adapters, and a mailer that records what it is given (no SES in these tests). */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoCaseStore } from '#adapters/dynamo-case-store';
import { DynamoRateLimiter } from '#adapters/dynamo-intake-guards';
import type { OutboxDeps } from '#shared/core/outbox';
import type { Clock, OutboundEmail } from '#shared/ports';

export const TEST_TEAM_ADDRESS = 'team@icetrak.test';

export function recordingOutbox(table: { client: DynamoDBClient; tableName: string; clock: Clock }, sent: OutboundEmail[]): OutboxDeps {
  return {
    cases: new DynamoCaseStore(table),
    limiter: new DynamoRateLimiter(table),
    mailer: { send: async (m: OutboundEmail) => (sent.push(m), `msg-${sent.length}`) },
    clock: table.clock,
    signingKey: async () => Buffer.alloc(32, 7),
    settings: { publicBaseUrl: 'http://localhost:3000', dpoAddress: 'dpo@icetrak.test', teamAddress: TEST_TEAM_ADDRESS, mailDailyLimit: 4 },
  };
}
