/**
 * The deadline keeper's executions, locally: each one runs the synthesised definition in
 * aws-local-stepfunctions, with every Task state overridden by a local handler. Executions are
 * keyed by name as in Step Functions: starting a running execution again with the same input
 * returns it; any other reuse of a name is ExecutionAlreadyExists (the SfnKeeper adapter
 * treats both as "this case has a keeper").
 *
 * Time is the caller's choice, per execution (`hooksFor`):
 *   - npm start: the real handler modules, and each Wait sleeps until the plan's instant by
 *     the local clock, divided by RIGHTSDESK_TIME_SCALE (see moduleHooks);
 *   - tests and the benchmark: handlers built on an injected clock, and Waits of 0 ms while the
 *     test moves its clock.
 * Every state entered and every retry is counted: Step Functions bills both as transitions.
 */
import { lambdaContext } from './lambda-context';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { StateMachine } from 'aws-local-stepfunctions';
import type { Clock } from '#shared/ports';
import { KEEPER_STATES } from '#infra/deadline-keeper';
import { MAX_TIMER_MS, type AslDefinition } from './keeper-definition';

/** A task's deadline: the Task state's timeout in the definition (1 minute). */
const TASK_TIMEOUT_MS = 60_000;

export type TaskHandler = (input: unknown) => Promise<unknown>;

export interface ExecutionHooks {
  /** Task state name → local handler (every Task state needs one). */
  readonly tasks: Readonly<Record<string, TaskHandler>>;
  /** Milliseconds the Wait state sleeps for a plan falling at `target`. @default 0 */
  readonly waitMs?: (target: Date) => number;
  /** Retry pauses per state (ms), e.g. `{ Act: 0 }` in tests. @default the definition's */
  readonly retryIntervalOverrides?: Record<string, number | number[]>;
}

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';

export interface Execution {
  readonly name: string;
  readonly executionArn: string;
  readonly input: string;
  readonly startDate: Date;
  status: ExecutionStatus;
  stopDate?: Date;
  output?: string;
  error?: string;
  cause?: string;
  /** States entered plus retries. */
  transitions: number;
  /** Settles when the execution ends (never rejects). */
  readonly done: Promise<void>;
}

export class LocalSfnError extends Error {
  constructor(
    override readonly name: 'ExecutionAlreadyExists' | 'ExecutionDoesNotExist' | 'InvalidName' | 'InvalidExecutionInput' | 'StateMachineDoesNotExist',
    message: string,
  ) {
    super(message);
  }
}

export interface KeeperRunnerOptions {
  readonly definition: AslDefinition;
  /**
   * The Wait state that sleeps until an instant a Task answered (`{ at }`), and that Task: the
   * keeper's WaitForCheckpoint and Evaluate. null for a state machine without one (the search).
   * @default the keeper's
   */
  readonly waitPlan?: { readonly task: string; readonly wait: string } | null;
  readonly stateMachineArn: string;
  readonly hooksFor: (executionName: string) => ExecutionHooks;
  /** Names the state machine in log lines. @default 'keeper' */
  readonly label?: string;
  /** One line per execution that fails (names and error names only). @default nothing */
  readonly log?: (line: string) => void;
  /** How long stop() waits for task invocations under way (a Lambda's timeout, in effect). @default 10 s */
  readonly stopGraceMs?: number;
}

const NAME = /^[A-Za-z0-9_-]{1,80}$/;

export class KeeperRunner {
  readonly stateMachineArn: string;
  private readonly machine: StateMachine;
  private readonly executions = new Map<string, Execution>();
  private readonly aborts = new Map<string, () => void>();
  private readonly aborted = new Set<string>();
  /** Task invocations under way: an abort does not cancel them, so stop() waits for them. */
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly opts: KeeperRunnerOptions) {
    this.stateMachineArn = opts.stateMachineArn;
    this.machine = new StateMachine(opts.definition as never, { validationOptions: { checkArn: true, checkPaths: true } });
  }

  /** StartExecution as Step Functions answers it for a standard workflow. */
  start(name: string = randomUUID(), input = '{}'): { executionArn: string; startDate: Date } {
    if (!NAME.test(name)) throw new LocalSfnError('InvalidName', 'Execution names are 1-80 letters, digits, - and _.');
    let parsed: unknown;
    try {
      parsed = JSON.parse(input);
    } catch {
      throw new LocalSfnError('InvalidExecutionInput', 'The execution input is not JSON.');
    }
    const existing = this.executions.get(name);
    if (existing) {
      if (existing.status === 'RUNNING' && existing.input === input) return { executionArn: existing.executionArn, startDate: existing.startDate };
      throw new LocalSfnError('ExecutionAlreadyExists', `Execution ${name} already exists.`);
    }

    const hooks = this.opts.hooksFor(name);
    let planAt: string | undefined;
    const tasks: Record<string, TaskHandler> = {};
    for (const [state, handler] of Object.entries(hooks.tasks)) {
      tasks[state] = (x) => {
        const p = handler(x);
        this.inFlight.add(p);
        void p.then(
          () => this.inFlight.delete(p),
          () => this.inFlight.delete(p),
        );
        return p;
      };
    }
    const waitPlan = this.opts.waitPlan === undefined ? { task: KEEPER_STATES.evaluate, wait: KEEPER_STATES.wait } : this.opts.waitPlan;
    const evaluate = waitPlan ? tasks[waitPlan.task] : undefined;
    if (waitPlan && evaluate) {
      // The Wait's TimestampPath reads Evaluate's answer; remember it for the wait override.
      tasks[waitPlan.task] = async (x) => {
        const plan = (await evaluate(x)) as { at?: string };
        planAt = plan?.at;
        return plan;
      };
    }
    const waitTimeOverrides = {};
    if (waitPlan) {
      Object.defineProperty(waitTimeOverrides, waitPlan.wait, {
        enumerable: true,
        // Read by aws-local-stepfunctions each time the Wait state is entered.
        get: () => (planAt && hooks.waitMs ? clampTimer(hooks.waitMs(new Date(planAt))) : 0),
      });
    }

    const run = this.machine.run(parsed as never, {
      overrides: {
        taskResourceLocalHandlers: tasks as never,
        waitTimeOverrides,
        ...(hooks.retryIntervalOverrides ? { retryIntervalOverrides: hooks.retryIntervalOverrides } : {}),
      },
      noThrowOnAbort: true,
      context: { Execution: { Id: `${this.executionPrefix()}${name}`, Name: name } },
    });

    const execution: Execution = {
      name,
      executionArn: `${this.executionPrefix()}${name}`,
      input,
      startDate: new Date(),
      status: 'RUNNING',
      transitions: 0,
      done: Promise.resolve(),
    };
    const counting = (async () => {
      for await (const event of run.eventLogs) {
        if (event.type === 'StateEntered' || event.type === 'StateRetried') execution.transitions += 1;
      }
    })().catch(() => undefined);
    const done = run.result.then(
      (output) => {
        if (execution.status === 'RUNNING') {
          execution.status = output === null && this.aborted.has(name) ? 'ABORTED' : 'SUCCEEDED';
          if (execution.status === 'SUCCEEDED') execution.output = JSON.stringify(output);
        }
      },
      (err: unknown) => {
        const cause = (err as { cause?: { name?: string; message?: string } }).cause;
        execution.status = 'FAILED';
        execution.error = cause?.name ?? (err as Error)?.name ?? 'Error';
        execution.cause = cause?.message ?? (err as Error)?.message;
        this.opts.log?.(`${this.opts.label ?? 'keeper'} execution ${name} failed: ${execution.error}`);
      },
    );
    (execution as { done: Promise<void> }).done = Promise.all([done, counting]).then(() => {
      execution.stopDate = new Date();
      this.aborts.delete(name);
    });
    this.executions.set(name, execution);
    this.aborts.set(name, () => {
      this.aborted.add(name);
      run.abort();
    });
    return { executionArn: execution.executionArn, startDate: execution.startDate };
  }

  describe(executionArn: string): Execution {
    const name = executionArn.startsWith(this.executionPrefix()) ? executionArn.slice(this.executionPrefix().length) : '';
    const execution = this.executions.get(name);
    if (!execution) throw new LocalSfnError('ExecutionDoesNotExist', 'No such execution.');
    return execution;
  }

  get(name: string): Execution | undefined {
    return this.executions.get(name);
  }

  list(): Execution[] {
    return [...this.executions.values()];
  }

  /** StopExecution: aborts a running execution (no-op for one that ended). */
  stopExecution(executionArn: string): Execution {
    const execution = this.describe(executionArn);
    this.aborts.get(execution.name)?.();
    return execution;
  }

  stats(): { executions: number; running: number; transitions: number } {
    const all = this.list();
    return { executions: all.length, running: all.filter((e) => e.status === 'RUNNING').length, transitions: all.reduce((n, e) => n + e.transitions, 0) };
  }

  /** Aborts every running execution and waits for all to settle, tasks under way included. */
  async stop(): Promise<void> {
    for (const abort of [...this.aborts.values()]) abort();
    await Promise.all(this.list().map((e) => e.done));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...this.inFlight]), new Promise((resolve) => (timer = setTimeout(resolve, this.opts.stopGraceMs ?? 10_000)))]);
    clearTimeout(timer);
  }

  private executionPrefix(): string {
    // arn:aws:states:region:account:stateMachine:NAME → arn:aws:states:region:account:execution:NAME:
    return `${this.stateMachineArn.replace(':stateMachine:', ':execution:')}:`;
  }
}

function clampTimer(ms: number): number {
  return Math.max(0, Math.min(MAX_TIMER_MS, Math.ceil(ms)));
}

/**
 * Hooks for `npm start`: the production handler modules (imported on first use, after the
 * local stack has set their environment), and Waits that sleep until the plan's instant by
 * `clock`, `scale` times faster than real time. A sleep longer than a timer can hold ends
 * early; the Act step then finds nothing due and the loop waits again.
 */
export function moduleHooks(opts: { rootDir: string; tasks: Readonly<Record<string, string>>; clock: Clock; scale: number }): ExecutionHooks {
  const handlers: Record<string, TaskHandler> = {};
  for (const [state, entry] of Object.entries(opts.tasks)) {
    const url = pathToFileURL(join(opts.rootDir, entry)).href;
    handlers[state] = async (input) => {
      const mod = (await import(url)) as { handler: (event: unknown, context: unknown) => Promise<unknown> };
      return mod.handler(input, lambdaContext(entry, Date.now() + TASK_TIMEOUT_MS));
    };
  }
  return { tasks: handlers, waitMs: (target) => (target.getTime() - opts.clock.now().getTime()) / opts.scale };
}

/** The parts of a Lambda context a handler may read. */
