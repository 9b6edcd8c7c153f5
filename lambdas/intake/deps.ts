/**
 * What the intake handlers use, one memoised factory per handler: each builds on first call
 * only the adapters and configuration its handler needs (lambdas/intake/manifest.ts grants
 * exactly those), and reuses them for the life of the execution environment.
 */
import { caseStore, clock, ids, keeper, mailer, rateLimiter, signingKey, submissionLedger, verificationKeys } from '#adapters/from-env';
import { readConfig } from '#shared/core/config';
import type { SubmitDeps } from '#shared/intake/submit-request';
import type { VerifyDeps } from '#shared/intake/verify-email';
import type { SiteContext } from '#shared/templates/pages';

const memo: { site?: SiteContext; submit?: SubmitDeps; verify?: VerifyDeps } = {};

/** Where the public pages are served, and the DPO address they name. */
export function site(): SiteContext {
  return (memo.site ??= (() => {
    const config = readConfig(['DPO_ADDRESS', 'PUBLIC_BASE_URL']);
    return { basePath: new URL(config.PUBLIC_BASE_URL).pathname.replace(/\/+$/, ''), dpoAddress: config.DPO_ADDRESS };
  })());
}

/** POST /requests. */
export function submitDeps(): SubmitDeps {
  return (memo.submit ??= (() => {
    const config = readConfig(['DPO_ADDRESS', 'NATION', 'PUBLIC_BASE_URL']);
    return {
      cases: caseStore(),
      ledger: submissionLedger(),
      limiter: rateLimiter(),
      mailer: mailer(),
      clock: clock(),
      keeper: keeper(),
      signingKey: signingKey(),
      ids,
      settings: { nation: config.NATION, publicBaseUrl: config.PUBLIC_BASE_URL, dpoAddress: config.DPO_ADDRESS },
    };
  })());
}

/** GET /verify/{token}: the only intake handler that tells the team (TEAM_ADDRESS). */
export function verifyDeps(): VerifyDeps {
  return (memo.verify ??= (() => {
    const config = readConfig(['DPO_ADDRESS', 'TEAM_ADDRESS']);
    return {
      cases: caseStore(),
      mailer: mailer(),
      clock: clock(),
      verificationKeys: verificationKeys(),
      settings: { dpoAddress: config.DPO_ADDRESS, teamAddress: config.TEAM_ADDRESS },
    };
  })());
}
