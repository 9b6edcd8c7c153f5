/**
 * What the email handler uses: built on first call from exactly the configuration and grants
 * lambdas/email/manifest.ts gives it, and reused for the life of the execution environment.
 */
import {
  caseObjects,
  caseStore,
  clock,
  filesStore,
  ids,
  keeper,
  outbox,
  rateLimiter,
  rawMailStore,
  searchWorkflow,
  submissionLedger,
} from '#adapters/from-env';
import { readConfig } from '#shared/core/config';
import { newRunId } from '#shared/core/ids';
import { ICETRAK_REGISTER } from '#shared/fulfilment/icetrak-register';
import { logger } from '#shared/core/log';
import type { ReceiveEmailDeps } from '#shared/email/receive-email';

let receive: ReceiveEmailDeps | undefined;

/** SES receipt rule → receive-email. */
export function receiveDeps(): ReceiveEmailDeps {
  return (receive ??= (() => {
    const config = readConfig(['DPO_ADDRESS', 'SENDER_ADDRESS', 'NATION']);
    return {
      rawMail: rawMailStore(),
      files: filesStore(),
      cases: caseStore(),
      ledger: submissionLedger(),
      limiter: rateLimiter(),
      clock: clock(),
      keeper: keeper(),
      outbox: outbox(),
      objects: caseObjects(),
      ids,
      settings: { nation: config.NATION, dpoAddress: config.DPO_ADDRESS, senderAddress: config.SENDER_ADDRESS },
      log: logger,
      // A phone number in the text starts the search at intake (issue 15).
      search: { cases: caseStore(), clock: clock(), workflow: searchWorkflow(), register: ICETRAK_REGISTER, runId: newRunId },
    };
  })());
}
