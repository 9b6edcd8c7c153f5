/**
 * What the intake handlers use, one memoised factory per handler: each builds on first call
 * only the adapters and configuration its handler needs (lambdas/intake/manifest.ts grants
 * exactly those), and reuses them for the life of the execution environment.
 */
import { caseStore, clock, ids, keeper, outbox, rateLimiter, searchWorkflow, submissionLedger, verificationKeys } from '#adapters/from-env';
import { readConfig } from '#shared/core/config';
import { newRunId } from '#shared/core/ids';
import type { SearchDeps } from '#shared/core/start-search';
import { ICETRAK_REGISTER } from '#shared/fulfilment/icetrak-register';
import type { SubmitDeps } from '#shared/intake/submit-request';
import type { LinkDeps, VerifyDeps } from '#shared/intake/verify-email';
import type { SiteContext } from '#shared/templates/pages';

const memo: { site?: SiteContext; submit?: SubmitDeps; link?: LinkDeps; verify?: VerifyDeps; baseUrl?: string } = {};

/** Where the public pages are served, and the DPO address they name. */
export function site(): SiteContext {
  return (memo.site ??= (() => {
    const config = readConfig(['DPO_ADDRESS', 'PUBLIC_BASE_URL']);
    return { basePath: new URL(config.PUBLIC_BASE_URL).pathname.replace(/\/+$/, ''), dpoAddress: config.DPO_ADDRESS };
  })());
}

/** The origin browsers send with the site's own forms (scheme, host and port of PUBLIC_BASE_URL). */
export function publicOrigin(): string {
  return new URL(apiBaseUrl()).origin;
}

/** GET /openapi.json: the address the document names as its server. */
export function apiBaseUrl(): string {
  return (memo.baseUrl ??= readConfig(['PUBLIC_BASE_URL']).PUBLIC_BASE_URL.replace(/\/+$/, ''));
}

/** POST /requests. */
export function submitDeps(): SubmitDeps {
  return (memo.submit ??= (() => {
    const config = readConfig(['NATION']);
    return {
      cases: caseStore(),
      ledger: submissionLedger(),
      limiter: rateLimiter(),
      clock: clock(),
      keeper: keeper(),
      outbox: outbox(),
      ids,
      settings: { nation: config.NATION },
      search: intakeSearch(),
    };
  })());
}

/** The search of a processor request at intake (issue 15): the search workflow, against Icetrak's register. */
function intakeSearch(): SearchDeps {
  return { cases: caseStore(), clock: clock(), workflow: searchWorkflow(), register: ICETRAK_REGISTER, runId: newRunId };
}

/** GET /verify/{token}: reads the case a link names, changes nothing. */
export function linkDeps(): LinkDeps {
  return (memo.link ??= { cases: caseStore(), clock: clock(), verificationKeys: verificationKeys() });
}

/** POST /verify/{token}: confirms, and owes the requester's confirmation and the team's notice (TEAM_ADDRESS). */
export function verifyDeps(): VerifyDeps {
  return (memo.verify ??= { ...linkDeps(), outbox: outbox(), search: intakeSearch() });
}
