/**
 * SfnKeeper: the Keeper port on Step Functions (the local keeper runner under `npm start`).
 * The execution is named after the case id (and, for a reopened case, its round: `<caseId>-r<n>`)
 * and its input is only `{ caseId }`, so starting
 * twice is harmless: a running execution with the same name and input is returned as is, and
 * any other use of the name is ExecutionAlreadyExists, which here means "has a keeper".
 * Throttling and 5xx answers are retried by the SDK (standard mode, with backoff).
 */
import { ExecutionAlreadyExists, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { Keeper } from '#shared/ports';

export class SfnKeeper implements Keeper {
  constructor(
    private readonly client: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  async start(caseId: string, round = 0): Promise<void> {
    const name = round > 0 ? `${caseId}-r${String(round)}` : caseId;
    try {
      await this.client.send(new StartExecutionCommand({ stateMachineArn: this.stateMachineArn, name, input: JSON.stringify({ caseId }) }));
    } catch (err) {
      if (err instanceof ExecutionAlreadyExists || (err as Error)?.name === 'ExecutionAlreadyExists') return;
      throw err;
    }
  }
}
