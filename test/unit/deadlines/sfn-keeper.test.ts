import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { SfnKeeper } from '#adapters/sfn-keeper';

const ARN = 'arn:aws:states:eu-west-2:111111111111:stateMachine:Rightsdesk-DeadlineKeeper-1A2B3C4D';
const sfn = mockClient(SFNClient);
afterEach(() => sfn.reset());

describe('SfnKeeper', () => {
  it('starts one execution named after the case, with only the case id as input', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: `${ARN}:x`, startDate: new Date() });
    await new SfnKeeper(new SFNClient({ region: 'eu-west-2' }), ARN).start('01JCASE0000000000000000000');
    expect(sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input).toEqual({
      stateMachineArn: ARN,
      name: '01JCASE0000000000000000000',
      input: '{"caseId":"01JCASE0000000000000000000"}',
    });
  });

  it('treats an execution that already exists as started', async () => {
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    await expect(new SfnKeeper(new SFNClient({ region: 'eu-west-2' }), ARN).start('c1')).resolves.toBeUndefined();
  });

  it('lets any other failure through (the caller leaves it to the sweep)', async () => {
    sfn.on(StartExecutionCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    await expect(new SfnKeeper(new SFNClient({ region: 'eu-west-2' }), ARN).start('c1')).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });
});
