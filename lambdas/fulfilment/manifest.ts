/**
 * The fulfilment context (issue 14): Icetrak's systems searched per case, and the access or
 * portability answer. Each part declares its handlers beside its code and is spread in here.
 */
import type { ContextManifest } from '#lambdas/manifest';
import { EXPORT_HANDLERS } from './export-manifest';

export const FULFILMENT: ContextManifest = {
  context: 'fulfilment',
  handlers: [...EXPORT_HANDLERS],
};
