/**
 * The deadline keeper as `npm start` runs it: the intake handler starts it through the Step
 * Functions API (the production SfnKeeper adapter and SDK client, against the local endpoint);
 * the synthesised definition runs with its tasks on the production handler modules; the
 * clock runs a million times faster (RIGHTSDESK_TIME_SCALE), so a month passes in seconds.
 */
import { randomUUID } from 'node:crypto';
import { DescribeExecutionCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDynamoClient } from '#infra/local/emulators';
import { startLocalStack, type LocalStack } from '#infra/local/stack';
import { sfnClient } from '#adapters/aws-clients';
import { DynamoCaseStore } from '#adapters/dynamo-case-store';
import { SfnKeeper } from '#adapters/sfn-keeper';
import { askForIdentity, receive } from '#domain/lifecycle';
import { newCaseId, newReference } from '#shared/core/ids';
import { systemClock } from '#shared/ports';
import { lambdaContext } from '#infra/local/lambda-context';
import { emailsTo, freshClient, request } from '#test/support/http';

const SCALE = 1_000_000; // a day in 86 ms

let stack: LocalStack;
let cases: DynamoCaseStore;

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, sesPort: 0, memory: true, timeScale: SCALE, log: () => undefined });
  cases = new DynamoCaseStore({ client: localDynamoClient(stack.urls.dynamodb), tableName: stack.env.CASES_TABLE!, clock: systemClock });
});
afterAll(async () => {
  await stack?.stop();
});

async function submit(email: string): Promise<string> {
  const res = await request(`${stack.urls.api}/requests`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ rights: ['access'], fullName: 'Grace Hopper', email, relationship: 'customer' }),
    from: freshClient(),
  });
  expect(res.status).toBe(201);
  const [c] = await cases.listByRequesterEmail(email);
  return c!.id;
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the deadline keeper under npm start', () => {
  it('starts from the web form through the Step Functions API; starting it again is harmless', async () => {
    const id = await submit(`keeper-${randomUUID().slice(0, 8)}@example.org`);
    const c = await cases.get(id);
    expect(c.audit.map((e) => e.action)).toContain('KeeperStarted');

    const sfn = sfnClient();
    try {
      const arn = stack.keeper.runner.get(id)!.executionArn;
      const described = await sfn.send(new DescribeExecutionCommand({ executionArn: arn }));
      expect(described).toMatchObject({ name: id, input: JSON.stringify({ caseId: id }) });
      expect(['RUNNING', 'SUCCEEDED']).toContain(described.status);

      await new SfnKeeper(sfn, stack.env.KEEPER_STATE_MACHINE_ARN!).start(id); // the same execution, or "already exists"
      expect(stack.keeper.runner.list().filter((e) => e.name === id)).toHaveLength(1);
      await expect(
        sfn.send(new StartExecutionCommand({ stateMachineArn: stack.env.KEEPER_STATE_MACHINE_ARN, name: id, input: '{"caseId":"other"}' })),
      ).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
    } finally {
      sfn.destroy();
    }
  });

  it('reminds the requester a week on and closes the request unverified a month on, in seconds', async () => {
    const email = `unverified-${randomUUID().slice(0, 8)}@example.org`;
    const id = await submit(email);
    const execution = stack.keeper.runner.get(id)!;
    await until('the keeper to finish', async () => (execution.status === 'RUNNING' ? undefined : execution.status));
    expect(execution.status).toBe('SUCCEEDED');

    const mail = await emailsTo(stack.urls.ses, email);
    expect(mail.map((m) => m.subject.replace(/^\[RD-\w+\] /, ''))).toEqual([
      'We have received your request - please confirm your email address',
      'Reminder - please confirm your email address',
      'Your request has been closed - identity not confirmed',
    ]);
    const c = await cases.get(id);
    expect(c).toMatchObject({ status: 'closed', outcome: 'closed_unverified' });
    // Simulated time: closed on the 30th day, 09:00 London (or the next working day).
    const days = (Date.parse(c.closedAt!) - Date.parse(c.receivedAt)) / 86_400_000;
    expect(days).toBeGreaterThan(29);
    expect(days).toBeLessThan(35);
  });

  it('the hourly sweep starts a keeper for an open case that has none', async () => {
    const at = new Date().toISOString();
    const r = receive({
      id: newCaseId(),
      reference: newReference(),
      rights: ['erasure'],
      channel: 'post',
      requester: { fullName: 'Ada Example', email: `sweep-${randomUUID().slice(0, 8)}@example.org` },
      receivedAt: at,
      actor: 'staff:dpo',
    });
    const asked = askForIdentity(r.case, { at, actor: 'staff:dpo' });
    await cases.create(asked.case, r.entry, asked.entry);
    expect(stack.keeper.runner.get(asked.case.id)).toBeUndefined();

    const { handler } = await import('#lambdas/deadlines/sweep-keepers');
    const context = () => lambdaContext('lambdas/deadlines/sweep-keepers.ts', Date.now() + 60_000);
    const result = await handler({}, context());
    expect(result.started).toBeGreaterThanOrEqual(1);
    expect(result.failed).toBe(0);
    expect(stack.keeper.runner.get(asked.case.id)).toBeDefined();
    expect((await cases.get(asked.case.id)).audit.at(-1)).toMatchObject({ action: 'KeeperStarted', detail: { via: 'sweep' } });
    // A second sweep finds nothing to do.
    expect((await handler({}, context())).missing).toBe(0);
  });
});
