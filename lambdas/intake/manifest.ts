/** The intake context: the public web form, its submissions and the confirmation link. */
import { OUTBOX_USES, type ContextManifest } from '#lambdas/manifest';

export const INTAKE: ContextManifest = {
  context: 'intake',
  handlers: [
    {
      id: 'GetForm',
      entry: 'lambdas/intake/get-form.ts',
      description: 'Rightsdesk GET /',
      trigger: { kind: 'http', method: 'GET', path: '/', access: 'public' },
      // The page names the DPO and links within the site; nothing else.
      uses: { settings: ['DPO_ADDRESS', 'PUBLIC_BASE_URL'] },
    },
    {
      id: 'SubmitRequest',
      entry: 'lambdas/intake/submit-request.ts',
      description: 'Rightsdesk POST /requests',
      trigger: { kind: 'http', method: 'POST', path: '/requests', access: 'public' },
      // Creates the case owing the acknowledgement with a signed link, starts its keeper and sends
      // what it owes (the outbox); the team hears of a request only once it is verified.
      // search: a processor request from a postal requester is searched at intake (issue 15).
      uses: { ...OUTBOX_USES, keeper: 'start', search: 'start', settings: [...OUTBOX_USES.settings, 'NATION'] },
    },
    {
      id: 'GetReceipt',
      entry: 'lambdas/intake/get-receipt.ts',
      description: 'Rightsdesk GET /requests/{reference}/received',
      trigger: { kind: 'http', method: 'GET', path: '/requests/{reference}/received', access: 'public' },
      // Where the form redirects after a POST (post/redirect/get): the reference from the path and
      // generic next steps; it reads no case, so a guessed address learns nothing.
      uses: { settings: ['DPO_ADDRESS', 'PUBLIC_BASE_URL'] },
    },
    {
      id: 'GetOpenApi',
      entry: 'lambdas/intake/get-openapi.ts',
      description: 'Rightsdesk GET /openapi.json',
      trigger: { kind: 'http', method: 'GET', path: '/openapi.json', access: 'public' },
      // The published contract of POST /requests (docs/openapi.json, embedded at build time), naming this deployment as its server.
      uses: { settings: ['PUBLIC_BASE_URL'] },
    },
    {
      id: 'VerifyEmail',
      entry: 'lambdas/intake/verify-email.ts',
      description: 'Rightsdesk GET /verify/{token}',
      trigger: { kind: 'http', method: 'GET', path: '/verify/{token}', access: 'public' },
      // Checks the link and shows the confirm button; reads only (a link scanner confirms nothing).
      uses: { cases: 'read', signingKey: true, settings: ['DPO_ADDRESS', 'PUBLIC_BASE_URL'] },
    },
    {
      id: 'ConfirmEmail',
      entry: 'lambdas/intake/confirm-email.ts',
      description: 'Rightsdesk POST /verify/{token}',
      trigger: { kind: 'http', method: 'POST', path: '/verify/{token}', access: 'public' },
      // Confirms, owing the requester's confirmation and the team's notice (TEAM_ADDRESS), and sends them.
      // search: a processor request is searched once its address is confirmed (issue 15).
      uses: { ...OUTBOX_USES, search: 'start' },
    },
  ],
};
