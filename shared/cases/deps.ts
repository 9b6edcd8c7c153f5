/**
 * What the desk's use cases use (issue 11): the store, the clock, the outbox (every letter goes
 * through it), the keeper (staff-entered cases get one) and the files bucket (inbound messages
 * and their attachments, read by staff).
 */
import type { Nation } from '#domain/calendar';
import type { Register } from '#domain/register';
import type { RetentionSchedule } from '#domain/retention';
import type { OutboxDeps } from '#shared/core/outbox';
import type { BlobStore, CaseObjects, CaseStore, Clock, Keeper, PlanExecution } from '#shared/ports';
import type { PlanDeps } from '#shared/fulfilment/plan';
import type { SearchDeps } from '#shared/fulfilment/search';

export interface DeskReadDeps {
  cases: CaseStore;
  clock: Clock;
}

export interface DeskActDeps extends DeskReadDeps {
  outbox: OutboxDeps;
  /** The case's stored objects, for the S3 side of a legal hold (issue 13); absent until the S3 adapter is wired, when only the case item is held. */
  objects?: CaseObjects;
  /** Starts the keeper of a reopened case; absent, the hourly sweep starts it (needsKeeper). */
  keeper?: Keeper;
  /** The search workflow and the register (issue 14); absent on handlers that do not start searches. */
  search?: Omit<SearchDeps, 'cases' | 'clock'>;
  /**
   * Preparing the access or portability answer (issue 14): the files bucket (the search's records
   * under searches/, the ZIP written under exports/) and the processing register. Absent, the
   * prepare-export action fails (the act handlers have it; logging a case does not need it).
   */
  fulfilment?: { files: BlobStore; register: Register };
  /**
   * Change plans (issue 15): the files bucket (the search's records read, the plan's lines written
   * under plans/), the register, the accounts' legal holds, new plan ids, and the plan execution.
   * Absent, the plan actions fail (the act handlers have it).
   */
  plans?: Omit<PlanDeps, 'cases' | 'clock'> & { execution: PlanExecution };
  /**
   * The deployment's retention schedule (RETENTION_* settings): closing a case and releasing a hold
   * take its expiry from it. The act handlers have it; absent (logging a case closes nothing), the defaults.
   */
  retention?: RetentionSchedule;
}

export interface DeskEntryDeps extends DeskActDeps {
  keeper: Keeper;
  ids: { caseId: () => string; reference: () => string };
  settings: { nation: Nation };
}

export interface DeskFilesDeps extends DeskReadDeps {
  files: BlobStore;
}
