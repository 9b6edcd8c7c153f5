/** What the mail context's handlers use (lambdas/mail/manifest.ts grants exactly that). */
export { sweepOutboxDeps } from '#adapters/from-env';
