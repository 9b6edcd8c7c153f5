/**
 * Composition root of GET /verify/{token}: the intake root's adapters, plus where the staff
 * notice of a newly verified request goes. Only this handler sends one, so only it reads
 * TEAM_ADDRESS (infra/api.ts HANDLER_NEEDS `teamNotices`); POST /requests starts cold without it.
 */
import { readConfig } from '../../shared/config';
import type { VerifyDeps } from '../../shared/intake/verify-email';
import { cases, clock, mailer, settings, signingKey } from './root';

const config = readConfig(['TEAM_ADDRESS']);

export const verifyDeps: VerifyDeps = {
  cases,
  mailer,
  clock,
  signingKey,
  settings: { dpoAddress: settings.dpoAddress, teamAddress: config.TEAM_ADDRESS },
};
