/** Every context's manifest: what the CDK app deploys and the local stack runs. */
import { CASES } from '#lambdas/cases/manifest';
import { DEADLINES } from '#lambdas/deadlines/manifest';
import { EMAIL } from '#lambdas/email/manifest';
import { FULFILMENT } from '#lambdas/fulfilment/manifest';
import { INTAKE } from '#lambdas/intake/manifest';
import { KEYS } from '#lambdas/keys/manifest';
import { MAIL } from '#lambdas/mail/manifest';
import { REPORTS } from '#lambdas/reports/manifest';
import { RETENTION } from '#lambdas/retention/manifest';
import type { ContextManifest, HandlerSpec } from './manifest';

export const MANIFESTS: readonly ContextManifest[] = [INTAKE, CASES, EMAIL, DEADLINES, MAIL, KEYS, REPORTS, RETENTION, FULFILMENT];

export const HANDLERS: readonly HandlerSpec[] = MANIFESTS.flatMap((m) => m.handlers);

/** The manifest entry of `entry`; throws for an entry no manifest declares. */
export function handlerSpec(entry: string): HandlerSpec {
  const spec = HANDLERS.find((h) => h.entry === entry);
  if (!spec) throw new Error(`${entry} is in no context manifest (lambdas/<context>/manifest.ts).`);
  return spec;
}

/** The context (POWERTOOLS_SERVICE_NAME) whose manifest declares `entry`, or undefined. */
export function contextOf(entry: string): string | undefined {
  return MANIFESTS.find((m) => m.handlers.some((h) => h.entry === entry))?.context;
}
