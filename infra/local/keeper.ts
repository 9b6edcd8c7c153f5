/**
 * The deadline keeper under `npm start` (DESIGN.md, Local stack): the state machine the CDK
 * app synthesises, run by aws-local-stepfunctions with its Task states calling the production
 * handler modules, behind a Step Functions endpoint the SDK talks to (AWS_ENDPOINT_URL_SFN).
 *
 * - Waits honour real time, or `scale` times faster (RIGHTSDESK_TIME_SCALE) on the clock every
 *   handler in the process shares, so a demo sees a week's reminder within minutes.
 * - Executions live in memory. On start the keeper resumes every open case of a persisted
 *   table (in AWS they would still be running), and the sweep runs hourly as it does in AWS.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { DynamoCaseStore } from '#adapters/dynamo-case-store';
import type { Clock } from '#shared/ports';
import { DEADLINES } from '#lambdas/deadlines/manifest';
import { onlyTriggeredBy } from '#lambdas/manifest';
import { LOCAL_REGION } from './emulators';
import { synthesizedKeeperDefinition } from './keeper-definition';
import { LOCAL_ACCOUNT, lambdaContext } from './lambda-context';
import { KeeperRunner, moduleHooks } from './keeper-runner';
import { startSfnEndpoint } from './sfn-endpoint';

export const LOCAL_KEEPER_ARN = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:rightsdesk-deadline-keeper`;
const SWEEP_INTERVAL_MS = 3600_000;
/** The keeper sweep's manifest entry: hourly in AWS (its cron fires at a quarter past), hourly from start here. */
const sweep = onlyTriggeredBy(DEADLINES.handlers, 'schedule', DEADLINES.context);

export interface LocalKeeperOptions {
  readonly rootDir: string;
  readonly clock: Clock;
  /** Simulated milliseconds per real millisecond (1: real time). */
  readonly scale: number;
  readonly log: (line: string) => void;
  /** Other local state machines served on the same Step Functions endpoint (the search workflow). */
  readonly alsoServe?: readonly KeeperRunner[];
}

export interface LocalKeeper {
  /** The Step Functions endpoint (AWS_ENDPOINT_URL_SFN). */
  readonly url: string;
  readonly stateMachineArn: string;
  readonly runner: KeeperRunner;
  /** Starts a keeper for every open case (their executions did not survive a restart). */
  resume(dynamo: DynamoDBClient, tableName: string): Promise<number>;
  /** Runs the sweep handler every hour from now. */
  scheduleSweep(): void;
  close(): Promise<void>;
}

export async function startLocalKeeper(opts: LocalKeeperOptions): Promise<LocalKeeper> {
  const { definition, tasks } = synthesizedKeeperDefinition(opts.rootDir);
  const hooks = moduleHooks({ rootDir: opts.rootDir, tasks, clock: opts.clock, scale: opts.scale });
  // Tasks under way get 3 s to finish on stop (the emulators close next), well within npm start's 10 s.
  const runner = new KeeperRunner({ definition, stateMachineArn: LOCAL_KEEPER_ARN, hooksFor: () => hooks, log: opts.log, stopGraceMs: 3000 });
  const endpoint = await startSfnEndpoint([runner, ...(opts.alsoServe ?? [])]);
  let timer: NodeJS.Timeout | undefined;

  const runSweep = async () => {
    try {
      const mod = (await import(pathToFileURL(join(opts.rootDir, sweep.entry)).href)) as {
        handler: (event: unknown, context: Context) => Promise<{ started: number }>;
      };
      const { started } = await mod.handler({}, lambdaContext(sweep.entry, Date.now() + (sweep.timeoutSeconds ?? 10) * 1000));
      if (started) opts.log(`keeper sweep: started ${started} keeper(s)`);
    } catch (err) {
      opts.log(`keeper sweep failed: ${(err as Error)?.name ?? 'error'}`);
    }
  };

  return {
    url: endpoint.url,
    stateMachineArn: LOCAL_KEEPER_ARN,
    runner,
    async resume(dynamo, tableName) {
      const open = await new DynamoCaseStore({ client: dynamo, tableName, clock: opts.clock }).listOpen();
      for (const c of open) runner.start(c.id, JSON.stringify({ caseId: c.id }));
      return open.length;
    },
    scheduleSweep() {
      timer ??= setInterval(() => void runSweep(), SWEEP_INTERVAL_MS).unref();
    },
    async close() {
      if (timer) clearInterval(timer);
      await runner.stop();
      await endpoint.close();
    },
  };
}
