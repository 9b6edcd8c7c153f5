/**
 * SfnPlanExecution: the PlanExecution port on Step Functions (the local runner under `npm start`).
 * One execution per attempt at a plan, named `<caseId>-<planId>-<attempt>` (ids only: at most
 * 26 + 1 + 40 + 4 characters, within the 80 Step Functions allows), input `{ caseId, planId }`.
 * A retried start is harmless: ExecutionAlreadyExists means this attempt's execution exists.
 */
import { ExecutionAlreadyExists, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { PlanExecution } from '#shared/ports';

/** The execution name of an attempt at a plan. */
export const planExecutionName = (caseId: string, planId: string, attempt: number): string => `${caseId}-${planId}-${attempt}`;

export class SfnPlanExecution implements PlanExecution {
  constructor(
    private readonly client: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  async start(caseId: string, planId: string, attempt: number): Promise<void> {
    try {
      await this.client.send(
        new StartExecutionCommand({
          stateMachineArn: this.stateMachineArn,
          name: planExecutionName(caseId, planId, attempt),
          input: JSON.stringify({ caseId, planId }),
        }),
      );
    } catch (err) {
      if (err instanceof ExecutionAlreadyExists || (err as Error)?.name === 'ExecutionAlreadyExists') return;
      throw err;
    }
  }
}
