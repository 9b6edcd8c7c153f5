/**
 * SfnSearchWorkflow: the SearchWorkflow port on Step Functions (the local runner under `npm start`).
 * One execution per search run, named `<caseId>-<runId>` (ids only: both are lower/upper-case
 * letters and digits, 67 characters at most, within the 80 Step Functions allows), input
 * `{ caseId, runId }`. Like SfnKeeper, a retried start is harmless: ExecutionAlreadyExists means
 * this run's execution exists.
 */
import { ExecutionAlreadyExists, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { SearchWorkflow } from '#shared/ports';

/** The execution name of a run. */
export const searchExecutionName = (caseId: string, runId: string): string => `${caseId}-${runId}`;

export class SfnSearchWorkflow implements SearchWorkflow {
  constructor(
    private readonly client: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  async start(caseId: string, runId: string): Promise<void> {
    try {
      await this.client.send(
        new StartExecutionCommand({
          stateMachineArn: this.stateMachineArn,
          name: searchExecutionName(caseId, runId),
          input: JSON.stringify({ caseId, runId }),
        }),
      );
    } catch (err) {
      if (err instanceof ExecutionAlreadyExists || (err as Error)?.name === 'ExecutionAlreadyExists') return;
      throw err;
    }
  }
}
