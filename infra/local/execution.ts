/**
 * The plan execution under `npm start` (issue 15): the state machine the CDK app synthesises
 * (infra/plan-execution.ts), run by the same runner as the deadline keeper and the search
 * (keeper-runner.ts), its Lambda Task states calling the production handler modules, served on the
 * keeper's Step Functions endpoint so the SfnPlanExecution adapter starts it unchanged.
 */
import { LOCAL_REGION } from './emulators';
import { synthesizedDefinition } from './keeper-definition';
import { LOCAL_ACCOUNT } from './lambda-context';
import { KeeperRunner, moduleHooks } from './keeper-runner';
import type { Clock } from '#shared/ports';

export const LOCAL_EXECUTION_ARN = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:rightsdesk-plan-execution`;

export interface LocalExecutionOptions {
  readonly rootDir: string;
  readonly clock: Clock;
  readonly log: (line: string) => void;
}

/** The plan execution's runner (served by the keeper's endpoint: pass it as `alsoServe`). */
export function createLocalExecution(opts: LocalExecutionOptions): KeeperRunner {
  const { definition, tasks, serviceTasks } = synthesizedDefinition(opts.rootDir, 'execution');
  const unknown = Object.keys(serviceTasks);
  if (unknown.length) throw new Error(`The local stack cannot run ${unknown.join(', ')} of the plan execution.`);
  const hooks = moduleHooks({ rootDir: opts.rootDir, tasks, clock: opts.clock, scale: 1 });
  return new KeeperRunner({
    definition,
    stateMachineArn: LOCAL_EXECUTION_ARN,
    hooksFor: () => hooks,
    waitPlan: null,
    label: 'plan execution',
    log: opts.log,
    stopGraceMs: 3000,
  });
}
