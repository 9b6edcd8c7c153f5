/**
 * The retention schedule is a deploy-time setting (issue 13): the handlers read RETENTION_CASE_YEARS,
 * RETENTION_REJECTED_DAYS and RETENTION_ACCOUNTABILITY_YEARS at cold start (CDK context in AWS; the
 * local stack keeps a developer's values and otherwise sets the defaults). Here the local stack runs
 * with a 2-year case period and a 3-year accountability period: closing a case through the staff API
 * and running a report write those TTLs, not the defaults.
 */
import { randomUUID } from 'node:crypto';
import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoCaseStore } from '#adapters/dynamo-case-store';
import { londonDateOf } from '#domain/calendar';
import { accountabilityExpiry, rejectedExpiry, retentionExpiry, type RetentionSchedule } from '#domain/retention';
import { localDynamoClient } from '#infra/local/emulators';
import { LOCAL_RESOURCES, startLocalStack, type LocalStack } from '#infra/local/stack';
import { systemClock } from '#shared/ports';
import { bearerFor, staffCall } from '#test/support/staff';

const SCHEDULE: RetentionSchedule = { caseYears: 2, rejectedDays: 30, accountabilityYears: 3 };
const DPO = 'dpo.lead@icetrak.net';

let stack: LocalStack;
let dynamo: DynamoDBClient;
let dpo: string;
let cases: DynamoCaseStore;

beforeAll(async () => {
  process.env.RETENTION_CASE_YEARS = String(SCHEDULE.caseYears);
  process.env.RETENTION_REJECTED_DAYS = String(SCHEDULE.rejectedDays);
  process.env.RETENTION_ACCOUNTABILITY_YEARS = String(SCHEDULE.accountabilityYears);
  stack = await startLocalStack({ port: 0, sesPort: 0, oidcPort: 0, memory: true, outboxSweepSeconds: 3600, log: () => undefined });
  dynamo = localDynamoClient(stack.urls.dynamodb);
  dpo = await bearerFor(stack, DPO);
  cases = new DynamoCaseStore({ client: dynamo, tableName: LOCAL_RESOURCES.casesTable, clock: systemClock });
});
afterAll(async () => {
  dynamo?.destroy();
  await stack?.stop();
  delete process.env.RETENTION_CASE_YEARS;
  delete process.env.RETENTION_REJECTED_DAYS;
  delete process.env.RETENTION_ACCOUNTABILITY_YEARS;
});

const ttlOf = async (pk: string, sk: string): Promise<number | undefined> => {
  const { Item } = await dynamo.send(new GetItemCommand({ TableName: LOCAL_RESOURCES.casesTable, Key: { pk: { S: pk }, sk: { S: sk } } }));
  return Item?.expiresAt?.N === undefined ? undefined : Number(Item.expiresAt.N);
};

describe('the local stack runs the handlers with the schedule it is given', () => {
  it('keeps the developer’s values (defaults only where none is set)', () => {
    expect(stack.env).toMatchObject({ RETENTION_CASE_YEARS: '2', RETENTION_REJECTED_DAYS: '30', RETENTION_ACCOUNTABILITY_YEARS: '3' });
  });

  it('a case closed through the staff API expires caseYears (2) after closing, not the default 6', async () => {
    const logged = await staffCall(stack, '/api/cases', dpo, {
      method: 'POST',
      body: {
        channel: 'phone',
        receivedOn: londonDateOf(new Date()),
        rights: ['access'],
        fullName: 'Pat Caller',
        email: `ttl-${randomUUID()}@example.org`,
      },
    });
    expect(logged.status, logged.text).toBe(201);
    const ref = logged.json<{ reference: string }>().reference;
    const closed = await staffCall(stack, `/api/cases/${ref}/actions`, dpo, {
      method: 'POST',
      body: { action: 'close', outcome: 'withdrawn', summary: 'Withdrawn by phone.' },
    });
    expect(closed.status, closed.text).toBe(200);
    const c = (await cases.findByReference(ref))!;
    const ttl = await ttlOf(`CASE#${c.id}`, 'CASE');
    expect(ttl).toBe(retentionExpiry(c.closedAt!, SCHEDULE));
    expect(ttl).not.toBe(retentionExpiry(c.closedAt!));
    expect(new Date(ttl! * 1000).getUTCFullYear()).toBe(new Date(c.closedAt!).getUTCFullYear() + 2);
    expect(rejectedExpiry(c.closedAt!, SCHEDULE)).toBeLessThan(ttl!);
  });

  it('a report made through the staff API is kept accountabilityYears (3) after its period', async () => {
    const made = await staffCall(stack, '/api/reports', dpo, { method: 'POST', body: { kind: 'monthly', period: '2026-10' } });
    expect(made.status, made.text).toBe(201);
    const ttl = await ttlOf('REPORT#monthly-2026-10', 'REPORT');
    expect(ttl).toBe(accountabilityExpiry('2026-10-31', SCHEDULE));
    expect(new Date(ttl! * 1000).toISOString()).toBe('2029-11-01T00:00:00.000Z');
  });
});
