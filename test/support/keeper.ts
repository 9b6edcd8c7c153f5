/**
 * Runs the deadline keeper as the CDK app synthesises it, in aws-local-stepfunctions, against
 * dynalite and aws-ses-v2-local, on simulated time: each execution has its own clock, which
 * jumps to a checkpoint's instant when the execution reaches the Act step (its Wait is
 * overridden to 0 ms). Changes a test schedules ("extend on 25 November") are applied at their
 * instants while the keeper sleeps, as staff would make them, and the execution is stopped
 * when it would sleep past the scenario's end.
 *
 * The tasks call the same use cases and input parsers as the deployed handlers, with adapters
 * built on the execution's clock (the handler modules build theirs on the system clock).
 * Used by test/integration/deadlines and test/bench.
 */
import { RETENTION } from '#domain/retention';
import { randomBytes } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { KEEPER_STATES } from '#infra/deadline-keeper';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '#infra/local/emulators';
import { synthesizedKeeperDefinition } from '#infra/local/keeper-definition';
import { KeeperRunner, type Execution, type ExecutionHooks, type TaskHandler } from '#infra/local/keeper-runner';
import { REPO_ROOT } from '#infra/local/stack';
import { DynamoCaseStore } from '#adapters/dynamo-case-store';
import { SesMailer } from '#adapters/ses-mailer';
import { DynamoRateLimiter } from '#adapters/dynamo-intake-guards';
import { keeperOffsets, type KeeperOffsets } from '#domain/checkpoints';
import { ExtensionTooLateError, InvalidTransitionError } from '#domain/errors';
import { actOnCheckpoint } from '#shared/deadlines/act-on-checkpoint';
import { evaluateCase } from '#shared/deadlines/evaluate-case';
import { parseActInput, parseKeeperInput } from '#shared/deadlines/keeper-input';
import type { CaseStore, Clock, Mailer } from '#shared/ports';
import type { OutboxDeps } from '#shared/core/outbox';

/** The DPO mailbox: named to requesters, and the Reply-To of what they get; never sent to. */
export const DPO = 'dpo@icetrak.test';
/** The DPO team's inbox, where reminders and escalations go. */
export const TEAM = 'dpo-team@icetrak.test';
export const SENDER = 'no-reply@privacy.icetrak.test';
export const PUBLIC_BASE_URL = 'http://localhost:3999';
export const STATE_MACHINE_ARN = 'arn:aws:states:eu-west-2:000000000000:stateMachine:keeper-test';

/** A clock a test moves by hand. */
export class SimClock implements Clock {
  private t: number;
  constructor(start: string | Date) {
    this.t = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.t);
  }
  set(to: string | Date | number): void {
    this.t = Math.max(this.t, new Date(to).getTime());
  }
}

/** Something staff do to the case at an instant, with the store on the simulated clock. */
export interface Change {
  at: string;
  apply: (cases: CaseStore, at: string) => Promise<unknown>;
}

export interface Scenario {
  caseId: string;
  /** When the keeper starts. */
  from: string;
  /** The execution is stopped once it would sleep past this instant. */
  until: string;
  changes?: Change[];
  /** Errors the given task throws on its first calls, one per call, then it works. */
  faults?: Partial<Record<string, Error[]>>;
}

export interface KeeperFixtureOptions {
  dynamo: DynamoDBClient;
  tableName: string;
  sesUrl: string;
  offsets?: Partial<KeeperOffsets>;
  /** Wraps the mailer (e.g. to count or fail sends). */
  mailer?: (inner: Mailer) => Mailer;
}

export interface Run {
  execution: Execution;
  clock: SimClock;
  /** Task calls per state (including failed attempts). */
  calls: Record<string, number>;
}

/** An error with a given name, as a Lambda or an AWS SDK would raise it. */
export function namedError(name: string, message = `${name} (injected)`): Error {
  const err = new Error(message);
  err.name = name;
  return err;
}

export class KeeperFixture {
  readonly signingKey = randomBytes(32);
  readonly offsets: KeeperOffsets;
  readonly runner: KeeperRunner;
  private readonly scenarios = new Map<string, { scenario: Scenario; clock: SimClock; calls: Record<string, number> }>();
  private readonly ses: SESv2Client;

  constructor(private readonly opts: KeeperFixtureOptions) {
    this.offsets = keeperOffsets(opts.offsets);
    this.ses = new SESv2Client({ endpoint: opts.sesUrl, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    const { definition } = synthesizedKeeperDefinition(REPO_ROOT);
    this.runner = new KeeperRunner({ definition, stateMachineArn: STATE_MACHINE_ARN, hooksFor: (name) => this.hooksFor(name) });
  }

  /** The store as staff see it at `clock`. */
  store(clock: Clock): DynamoCaseStore {
    return new DynamoCaseStore({ client: this.opts.dynamo, tableName: this.opts.tableName, clock });
  }

  /** Starts the case's keeper and waits until it ends or is stopped at `until`. */
  async run(scenario: Scenario): Promise<Run> {
    const clock = new SimClock(scenario.from);
    const calls: Record<string, number> = {};
    this.scenarios.set(scenario.caseId, { scenario, clock, calls });
    this.runner.start(scenario.caseId, JSON.stringify({ caseId: scenario.caseId }));
    const execution = this.runner.get(scenario.caseId)!;
    await execution.done;
    return { execution, clock, calls };
  }

  /** What the outbox sends with at `clock`: the fixture's mailer (wrapped as the options say), real SES emulator, real table. */
  outbox(clock: Clock): OutboxDeps {
    const inner = new SesMailer(this.ses, SENDER);
    return {
      cases: this.store(clock),
      clock,
      mailer: this.opts.mailer ? this.opts.mailer(inner) : inner,
      limiter: new DynamoRateLimiter({ client: this.opts.dynamo, tableName: this.opts.tableName, clock }),
      signingKey: async () => this.signingKey,
      // Scenarios run months of notices to one address in seconds of real time: no daily cap here.
      settings: { dpoAddress: DPO, teamAddress: TEAM, publicBaseUrl: PUBLIC_BASE_URL, mailDailyLimit: 100 },
    };
  }

  close(): Promise<void> {
    this.ses.destroy();
    return this.runner.stop();
  }

  private hooksFor(name: string): ExecutionHooks {
    const entry = this.scenarios.get(name);
    if (!entry) throw new Error(`No scenario for execution ${name}.`);
    const { scenario, clock, calls } = entry;
    const cases = this.store(clock);
    const deps = { cases, clock, offsets: this.offsets, outbox: this.outbox(clock), retention: RETENTION };
    const pending = [...(scenario.changes ?? [])].sort((a, b) => a.at.localeCompare(b.at));
    const faults = Object.fromEntries(Object.entries(scenario.faults ?? {}).map(([k, v]) => [k, [...(v ?? [])]]));

    // Sleeping until `target`: staff changes happen on the way; past the end, stop.
    const advance = async (target: number): Promise<boolean> => {
      while (pending.length && Date.parse(pending[0]!.at) <= target) {
        const change = pending.shift()!;
        clock.set(change.at);
        try {
          await change.apply(this.store(clock), change.at);
        } catch (err) {
          // A move the case no longer allows (it closed first) simply does not happen.
          if (!(err instanceof InvalidTransitionError || err instanceof ExtensionTooLateError)) throw err;
        }
      }
      if (target > Date.parse(scenario.until)) {
        this.runner.stopExecution(this.runner.get(name)!.executionArn);
        return false;
      }
      clock.set(target);
      return true;
    };
    const counted =
      (state: string, fn: TaskHandler): TaskHandler =>
      async (input) => {
        calls[state] = (calls[state] ?? 0) + 1;
        const fault = faults[state]?.shift();
        if (fault) throw fault;
        return fn(input);
      };
    return {
      tasks: {
        [KEEPER_STATES.evaluate]: counted(KEEPER_STATES.evaluate, (input) => evaluateCase(parseKeeperInput(input), deps)),
        [KEEPER_STATES.act]: counted(KEEPER_STATES.act, async (input) => {
          const act = parseActInput(input);
          if (!(await advance(Date.parse(act.checkpoint.at)))) return { outcome: 'skipped' };
          return actOnCheckpoint(act, deps);
        }),
      },
      waitMs: () => 0,
      retryIntervalOverrides: { [KEEPER_STATES.evaluate]: 0, [KEEPER_STATES.act]: 0 },
    };
  }
}
