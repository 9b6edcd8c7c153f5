/**
 * The local keeper runner: Step Functions' execution-name semantics, aborts, transition
 * counting, and the Wait override that sleeps until the plan's instant (scaled). Runs the
 * synthesised definition with fake task handlers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { synthesizedKeeperDefinition } from '#infra/local/keeper-definition';
import { KeeperRunner, LocalSfnError, moduleHooks, type ExecutionHooks } from '#infra/local/keeper-runner';
import { REPO_ROOT } from '#infra/local/stack';

const ARN = 'arn:aws:states:eu-west-2:000000000000:stateMachine:test';
const runners: KeeperRunner[] = [];
afterEach(async () => {
  for (const r of runners.splice(0)) await r.stop();
});

function runner(hooks: (name: string) => ExecutionHooks): KeeperRunner {
  const r = new KeeperRunner({ definition: synthesizedKeeperDefinition(REPO_ROOT).definition, stateMachineArn: ARN, hooksFor: hooks, stopGraceMs: 100 });
  runners.push(r);
  return r;
}

/** Plans `checkpoints` one after the other, then done; records what Act saw and the waits asked for. */
function scripted(checkpoints: string[], waits: number[] = []) {
  const acted: string[] = [];
  let i = 0;
  const hooks: ExecutionHooks = {
    tasks: {
      Evaluate: async () => (i < checkpoints.length ? { kind: 'dpo-reminder', id: `cp-${i}`, at: checkpoints[i++]! } : { kind: 'done' }),
      Act: async (input) => {
        acted.push((input as { checkpoint: { id: string } }).checkpoint.id);
        return { outcome: 'sent' };
      },
    },
    waitMs: (target) => {
      waits.push(target.getTime());
      return 0;
    },
  };
  return { hooks, acted };
}

describe('KeeperRunner', () => {
  it('runs the loop to Done, handing Act the plan and the Wait its instant; counts every state entered', async () => {
    const waits: number[] = [];
    const s = scripted(['2026-11-12T09:00:00.000Z', '2026-11-23T09:00:00.000Z'], waits);
    const r = runner(() => s.hooks);
    r.start('case-1', '{"caseId":"case-1"}');
    const e = r.get('case-1')!;
    await e.done;
    expect(e.status).toBe('SUCCEEDED');
    expect(s.acted).toEqual(['cp-0', 'cp-1']);
    expect(waits).toEqual([Date.parse('2026-11-12T09:00:00Z'), Date.parse('2026-11-23T09:00:00Z')]);
    // Two loops of Evaluate, IsDone, Wait, Act; then Evaluate, IsDone, Done.
    expect(e.transitions).toBe(2 * 4 + 3);
    expect(e.executionArn).toBe('arn:aws:states:eu-west-2:000000000000:execution:test:case-1');
  });

  it('answers a repeated start of a running execution with the same execution; any other reuse of the name is refused', async () => {
    const never: ExecutionHooks = { tasks: { Evaluate: () => new Promise(() => undefined), Act: async () => ({}) } };
    const r = runner(() => never);
    const first = r.start('case-2', '{"caseId":"case-2"}');
    expect(r.start('case-2', '{"caseId":"case-2"}')).toEqual(first);
    expect(() => r.start('case-2', '{"caseId":"other"}')).toThrow(LocalSfnError);
    expect(() => r.start('bad name!', '{}')).toThrow(expect.objectContaining({ name: 'InvalidName' }));
    expect(() => r.start('case-3', 'not json')).toThrow(expect.objectContaining({ name: 'InvalidExecutionInput' }));

    const e = r.stopExecution(first.executionArn);
    await e.done;
    expect(e.status).toBe('ABORTED');
    expect(() => r.start('case-2', '{"caseId":"case-2"}')).toThrow(expect.objectContaining({ name: 'ExecutionAlreadyExists' }));
  });

  it('records a failed execution with the error and cause of the Fail state', async () => {
    const r = runner(() => ({
      tasks: {
        Evaluate: async () => {
          throw Object.assign(new Error('a bug'), { name: 'TypeError' });
        },
        Act: async () => ({}),
      },
      retryIntervalOverrides: { Evaluate: 0 },
    }));
    r.start('case-4', '{"caseId":"case-4"}');
    const e = r.get('case-4')!;
    await e.done;
    expect(e).toMatchObject({ status: 'FAILED', error: 'TypeError', cause: 'a bug' });
  });

  it('npm start’s Waits sleep until the plan’s instant on the local clock, divided by the time scale', () => {
    const now = Date.parse('2026-11-02T10:00:00Z');
    const hooks = moduleHooks({ rootDir: REPO_ROOT, tasks: {}, clock: { now: () => new Date(now) }, scale: 1440 });
    expect(hooks.waitMs!(new Date(now + 86_400_000))).toBe(60_000); // a day is a minute
    expect(hooks.waitMs!(new Date(now - 5000))).toBeLessThan(0); // past: the runner waits 0
  });
});
