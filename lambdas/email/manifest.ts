/** The email context: mail to the DPO mailbox becomes a case, or threads into one. */
import type { ContextManifest } from '#lambdas/manifest';
import { RAW_MAIL_PREFIX } from '#shared/email/keys';

export const EMAIL: ContextManifest = {
  context: 'email',
  handlers: [
    {
      id: 'ReceiveEmail',
      entry: 'lambdas/email/receive-email.ts',
      description: 'Rightsdesk: inbound email to the DPO mailbox becomes a case (SES receipt rule)',
      trigger: { kind: 'ses' },
      uses: {
        cases: 'readWrite',
        // Only what SES stores (inbound/<SES message id>): nothing else in the bucket.
        rawMail: { access: 'read', prefix: RAW_MAIL_PREFIX },
        files: 'write',
        signingKey: true,
        mail: true,
        keeper: 'start',
        settings: ['DPO_ADDRESS', 'TEAM_ADDRESS', 'NATION', 'PUBLIC_BASE_URL'],
      },
      // A 40 MB message, its decoded attachments and the parsed text fit with room to spare.
      memoryMb: 1024,
      timeoutSeconds: 60,
    },
  ],
};
