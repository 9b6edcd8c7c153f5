/**
 * What the desk's handlers use, one memoised factory per need: each builds on first call only
 * the adapters and configuration its handlers need (lambdas/cases/manifest.ts grants exactly
 * those), and reuses them for the life of the execution environment.
 */
import { clock, idTokens, sessionStore, staffIssuer, staffTokens } from '#adapters/from-env';
import type { SignInDeps } from '#shared/auth/sign-in';
import { readConfig } from '#shared/core/config';

const memo: { staffAuth?: SignInDeps; basePath?: string } = {};

/** Staff sign-in and authentication: the issuer, its token checks, the sessions (cases table) and the desk's address. */
export function staffAuthDeps(): SignInDeps {
  return (memo.staffAuth ??= {
    ...staffIssuer(),
    verifyToken: staffTokens(),
    verifyIdToken: idTokens(),
    sessions: sessionStore(),
    clock: clock(),
    publicBaseUrl: readConfig(['PUBLIC_BASE_URL']).PUBLIC_BASE_URL.replace(/\/+$/, ''),
  });
}

/** PUBLIC_BASE_URL's path ('' or a stage such as /prod): links in pages start with it. */
export function basePath(): string {
  return (memo.basePath ??= new URL(readConfig(['PUBLIC_BASE_URL']).PUBLIC_BASE_URL).pathname.replace(/\/+$/, ''));
}
