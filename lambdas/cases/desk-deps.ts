/**
 * What the desk's and the staff API's handlers use, one memoised factory per need: each builds
 * on first call only what its handlers' manifest entries grant (lambdas/cases/manifest.ts).
 */
import {
  accountHolds,
  caseObjects,
  caseStore,
  clock,
  filesStore,
  ids,
  keeper,
  outbox,
  planExecution,
  retentionSchedule,
  searchWorkflow,
} from '#adapters/from-env';
import { newPlanId, newRunId } from '#shared/core/ids';
import { ICETRAK_REGISTER } from '#shared/fulfilment/icetrak-register';
import type { DeskActDeps, DeskEntryDeps, DeskFilesDeps, DeskReadDeps } from '#shared/cases/deps';
import { readConfig } from '#shared/core/config';
import type { Register } from '#domain/register';
import type { BlobStore } from '#shared/ports';

const memo: {
  page?: DeskReadDeps & { fulfilment: { files: BlobStore; register: Register } };
  read?: DeskReadDeps;
  act?: DeskActDeps;
  holds?: DeskActDeps;
  entry?: DeskEntryDeps;
  files?: DeskFilesDeps;
  site?: DeskSite;
} = {};

/** Where the desk is served, and the DPO address its letters name. */
export interface DeskSite {
  basePath: string;
  dpoAddress: string;
}

export function deskSite(): DeskSite {
  return (memo.site ??= (() => {
    const config = readConfig(['DPO_ADDRESS', 'PUBLIC_BASE_URL']);
    return { basePath: new URL(config.PUBLIC_BASE_URL).pathname.replace(/\/+$/, ''), dpoAddress: config.DPO_ADDRESS };
  })());
}

export function deskReadDeps(): DeskReadDeps {
  return (memo.read ??= { cases: caseStore(), clock: clock() });
}

/** The case page: the case, and the search's records files (searches/ only) for the DPO's review against the register. */
export function deskCasePageDeps(): DeskReadDeps & { fulfilment: { files: BlobStore; register: Register } } {
  return (memo.page ??= { ...deskReadDeps(), fulfilment: { files: filesStore(), register: ICETRAK_REGISTER } });
}

export function deskActDeps(): DeskActDeps {
  return (memo.act ??= { ...deskReadDeps(), outbox: outbox() });
}

/**
 * Acting on a case with its stored objects (a legal hold places and lifts S3 Object Lock holds on
 * them), its keeper (a reopened case gets a new one), searches of Icetrak's systems and the case's
 * answer (the search's records read and the ZIP written in the files bucket, against Icetrak's
 * register): the act handlers.
 */
export function deskActWithHoldsDeps(): DeskActDeps {
  return (memo.holds ??= {
    ...deskActDeps(),
    objects: caseObjects(),
    keeper: keeper(),
    search: { workflow: searchWorkflow(), register: ICETRAK_REGISTER, runId: newRunId },
    fulfilment: { files: filesStore(), register: ICETRAK_REGISTER },
    plans: { files: filesStore(), register: ICETRAK_REGISTER, holds: accountHolds(), planId: newPlanId, execution: planExecution() },
    retention: retentionSchedule(),
  });
}

export function deskEntryDeps(): DeskEntryDeps {
  return (memo.entry ??= (() => {
    const config = readConfig(['NATION']);
    return { ...deskActDeps(), keeper: keeper(), ids, settings: { nation: config.NATION } };
  })());
}

/** Reading a case with its change plan's lines (plans/ of the files bucket): the case page and the API's case. */
export function deskPlanReadDeps(): DeskFilesDeps {
  return deskFilesDeps();
}

export function deskFilesDeps(): DeskFilesDeps {
  return (memo.files ??= { ...deskReadDeps(), files: filesStore() });
}
