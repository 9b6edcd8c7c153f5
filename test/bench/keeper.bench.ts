/**
 * The deadline keeper at scale: 1,000 open cases, each with its own keeper, through one
 * simulated month, in the local stack's dynalite and aws-ses-v2-local, running the state
 * machine the CDK app synthesises in aws-local-stepfunctions. Time is simulated per execution
 * (test/support/keeper.ts), so the figure is the processing a month takes, not a month.
 *
 * The cases are a plausible mix (seeded, so every run is the same): email confirmations that
 * come, late or never; cases answered early, on the day, late or not within the month;
 * clarification pauses; complex cases, some extended. State transitions are what Step
 * Functions bills for a standard workflow: every state entered, and every retry.
 */
import { DynamoCaseStore } from '#adapters/dynamo-case-store';
import type { Case } from '#domain/case';
import { addWorkingDays } from '#domain/calendar';
import {
  askForClarification,
  askForIdentity,
  clarificationAnswered,
  complete,
  extend,
  identityReceived,
  markComplex,
  receive,
  type Transition,
} from '#domain/lifecycle';
import { newCaseId, newReference } from '#shared/core/ids';
import type { CaseStore } from '#shared/ports';
import { localDynamoClient } from '#infra/local/emulators';
import { startLocalStack } from '#infra/local/stack';
import { KeeperFixture, TEAM, type Change, type Scenario } from '#test/support/keeper';

const CASES = 1_000;
const FROM = '2026-11-02T00:00:00.000Z'; // the keepers start (a Monday)
const UNTIL = '2026-12-02T00:00:00.000Z'; // one month on
const PRICE_PER_1000_TRANSITIONS = 0.025; // USD, standard workflows, eu-west-2
const DAY = 86_400_000;

/** A small seeded PRNG (mulberry32): the same mix of cases every run. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const iso = (ms: number) => new Date(ms).toISOString();
const staff = (at: string) => ({ at, actor: 'staff:dpo' as const });
const move = (id: string, at: string, fn: (c: Case, ctx: ReturnType<typeof staff>) => Transition): Change => ({
  at,
  apply: (cases: CaseStore) => cases.update(id, (c) => fn(c, staff(at))),
});

/** One case, received in the month before FROM, and what happens to it during the month. */
async function seed(store: (at: string) => DynamoCaseStore, rnd: () => number, n: number): Promise<Scenario> {
  const receivedAt = iso(Date.parse(FROM) - Math.floor(rnd() * 30 * DAY) - 3600_000);
  const confirmed = rnd() < 0.75;
  const r = receive({
    id: newCaseId(),
    reference: newReference(),
    rights: ['access'],
    channel: 'form',
    requester: { fullName: `Bench Person ${n}`, email: `bench-${n}@example.org` },
    receivedAt,
    actor: 'requester',
    identityConfirmed: confirmed,
  });
  const id = r.case.id;
  const changes: Change[] = [];
  if (!confirmed) {
    const asked = askForIdentity(r.case, { at: receivedAt, actor: 'system' });
    await store(receivedAt).create(asked.case, r.entry, { ...asked.entry, detail: { ...asked.entry.detail, method: 'email-link' } });
    const fate = rnd();
    if (fate < 0.5) {
      // Confirmed late; then worked and answered within the month, or not.
      const at = iso(Math.max(Date.parse(FROM), Date.parse(receivedAt) + (2 + Math.floor(rnd() * 12)) * DAY));
      changes.push({ at, apply: (cases) => cases.update(id, (c) => identityReceived(c, { at, actor: 'requester' })) });
      if (rnd() < 0.6) changes.push(move(id, iso(Date.parse(at) + (5 + Math.floor(rnd() * 20)) * DAY), complete));
    }
    return { caseId: id, from: FROM, until: UNTIL, changes };
  }

  const created = await store(receivedAt).create(r.case, r.entry);
  const dueOn = created.dueOn!;
  const t = rnd();
  if (t < 0.1) {
    // Complex: warned before the extension-notice limit; half are extended.
    changes.push(move(id, iso(Date.parse(FROM) + Math.floor(rnd() * 3) * DAY), markComplex));
    if (rnd() < 0.5) {
      const limit = Date.parse(`${created.extensionNoticeBy ?? ''}T12:00:00Z`);
      changes.push(
        move(id, iso(Math.max(Date.parse(FROM) + 4 * DAY, limit - 2 * DAY)), (c, ctx) => extend(c, { reason: 'Complex', severalRequests: true }, ctx)),
      );
    }
  } else if (t < 0.2) {
    // A clarification pause of 3-10 days.
    const asked = Date.parse(FROM) + Math.floor(rnd() * 10) * DAY + 10 * 3600_000;
    changes.push(move(id, iso(asked), askForClarification));
    changes.push(move(id, iso(asked + (3 + Math.floor(rnd() * 8)) * DAY), clarificationAnswered));
  }
  // Answered early (50%), within two working days of the due date (25%), late (15%), or not this month.
  const fate = rnd();
  const due = Date.parse(`${dueOn}T15:00:00Z`);
  if (t >= 0.1) {
    if (fate < 0.5) changes.push(move(id, iso(Math.max(Date.parse(FROM) + DAY, due - (3 + Math.floor(rnd() * 10)) * DAY)), complete));
    else if (fate < 0.75) changes.push(move(id, iso(due - Math.floor(rnd() * 2) * DAY), complete));
    else if (fate < 0.9) changes.push(move(id, `${addWorkingDays(dueOn, 1 + Math.floor(rnd() * 5))}T16:00:00Z`, complete));
  }
  return { caseId: id, from: FROM, until: UNTIL, changes };
}

export default async function bench(): Promise<void> {
  const stack = await startLocalStack({ port: 0, sesPort: 0, memory: true, log: () => undefined });
  const dynamo = localDynamoClient(stack.urls.dynamodb);
  const keeper = new KeeperFixture({ dynamo, tableName: stack.env.CASES_TABLE!, sesUrl: stack.urls.ses });
  try {
    const rnd = random(20261102);
    const store = (at: string) => new DynamoCaseStore({ client: dynamo, tableName: stack.env.CASES_TABLE!, clock: { now: () => new Date(at) } });
    const scenarios: Scenario[] = [];
    for (let i = 0; i < CASES; i++) scenarios.push(await seed(store, rnd, i));

    // The SES emulator's store is per process: count only what this run sent.
    const since = Math.floor(Date.now() / 1000);
    const t0 = performance.now();
    const runs = await Promise.all(scenarios.map((s) => keeper.run(s)));
    const seconds = (performance.now() - t0) / 1000;

    const transitions = runs.reduce((n, r) => n + r.execution.transitions, 0);
    const calls = (state: string) => runs.reduce((n, r) => n + (r.calls[state] ?? 0), 0);
    const ended = runs.filter((r) => r.execution.status === 'SUCCEEDED').length;
    const failed = runs.filter((r) => r.execution.status === 'FAILED').length;
    const mail = (await (await fetch(`${stack.urls.ses}/store?since=${since}`)).json()) as { emails: { destination: { to: string[] } }[] };
    const toTeam = mail.emails.filter((m) => m.destination.to.includes(TEAM)).length;
    const cost = (transitions / 1000) * PRICE_PER_1000_TRANSITIONS;
    const n = (x: number) => x.toLocaleString('en-GB');

    console.log(`deadline keeper: ${n(CASES)} concurrent open cases, one simulated month (${FROM.slice(0, 10)} to ${UNTIL.slice(0, 10)})`);
    console.log(`  wall time            ${seconds.toFixed(1)} s (${n(Math.round(transitions / seconds))} transitions/s)`);
    console.log(
      `  executions           ${n(runs.length)}: ${n(ended)} ended with their case, ${n(runs.length - ended - failed)} still keeping at the month's end, ${n(failed)} failed`,
    );
    console.log(`  state transitions    ${n(transitions)} (${(transitions / CASES).toFixed(1)} per case)`);
    console.log(`  task invocations     Evaluate ${n(calls('Evaluate'))}, Act ${n(calls('Act'))}`);
    console.log(`  notices sent         ${n(mail.emails.length)} (${n(toTeam)} to the DPO team, ${n(mail.emails.length - toTeam)} to requesters)`);
    console.log(
      `  Step Functions cost  $${cost.toFixed(2)} for the month at $${PRICE_PER_1000_TRANSITIONS} per 1,000 transitions (eu-west-2): $${(cost / CASES).toFixed(5)} per case`,
    );
  } finally {
    await keeper.close();
    dynamo.destroy();
    await stack.stop();
  }
}
