/**
 * Every HTTP route, in one table read by both the CDK API construct and the local stack's
 * HTTP adapter, so the two cannot drift. `path` uses API Gateway resource syntax.
 */
export interface Route {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  /** Lambda entry, relative to the repository root; it exports `handler`. */
  readonly entry: string;
  /** public: behind WAF, no auth; admin: Cognito-authorised DPO dashboard routes. */
  readonly access: 'public' | 'admin';
}

export const ROUTES: readonly Route[] = [
  { method: 'GET', path: '/', entry: 'lambdas/intake/get-form.ts', access: 'public' },
  { method: 'POST', path: '/requests', entry: 'lambdas/intake/submit-request.ts', access: 'public' },
  { method: 'GET', path: '/verify/{token}', entry: 'lambdas/intake/verify-email.ts', access: 'public' },
];
