/**
 * What the deadline keeper's handlers use, one memoised factory per handler, each built from
 * exactly the configuration and grants lambdas/deadlines/manifest.ts gives it.
 */
import { caseStore, clock, keeper, outbox, retentionSchedule } from '#adapters/from-env';
import type { KeeperOffsets } from '#domain/checkpoints';
import { readConfig } from '#shared/core/config';
import type { StartKeeperDeps } from '#shared/core/start-keeper';
import type { ActDeps } from '#shared/deadlines/act-on-checkpoint';
import type { EvaluateDeps } from '#shared/deadlines/evaluate-case';
import { parseKeeperOffsets } from '#shared/deadlines/offsets';

const memo: { offsets?: KeeperOffsets; evaluate?: EvaluateDeps; act?: ActDeps; sweep?: StartKeeperDeps } = {};

function offsets(): KeeperOffsets {
  return (memo.offsets ??= parseKeeperOffsets(readConfig(['KEEPER_OFFSETS']).KEEPER_OFFSETS));
}

/** Task "Evaluate": reads the case, plans its next checkpoint. */
export function evaluateDeps(): EvaluateDeps {
  return (memo.evaluate ??= { cases: caseStore(), clock: clock(), offsets: offsets() });
}

/**
 * Task "Act": owes and sends notices (the outbox). Requesters' notices name the DPO mailbox and
 * reply to it; reminders and escalations go to the team's inbox (TEAM_ADDRESS), never to the DPO
 * mailbox, whose mail Rightsdesk itself receives and ignores when it comes from our sender.
 */
export function actDeps(): ActDeps {
  return (memo.act ??= { cases: caseStore(), clock: clock(), offsets: offsets(), outbox: outbox(), retention: retentionSchedule() });
}

/** The hourly sweep: starts keepers, so it alone here reads KEEPER_STATE_MACHINE_ARN. */
export function sweepDeps(): StartKeeperDeps {
  return (memo.sweep ??= { cases: caseStore(), keeper: keeper(), clock: clock() });
}
