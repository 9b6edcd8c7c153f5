/** The email context: mail to the DPO mailbox becomes a case, or threads into one. */
import { OUTBOX_USES, type ContextManifest } from '#lambdas/manifest';

export const EMAIL: ContextManifest = {
  context: 'email',
  handlers: [
    {
      id: 'ReceiveEmail',
      entry: 'lambdas/email/receive-email.ts',
      description: 'Rightsdesk: inbound email to the DPO mailbox becomes a case (SES receipt rule)',
      trigger: { kind: 'ses' },
      // Owes and sends (the outbox) the acknowledgement and, for a DKIM-verified request, the team's notice.
      uses: { ...OUTBOX_USES, rawMail: 'read', files: 'write', keeper: 'start', settings: [...OUTBOX_USES.settings, 'NATION'] },
      // A 40 MB message, its decoded attachments and the parsed text fit with room to spare.
      memoryMb: 1024,
      timeoutSeconds: 60,
    },
  ],
};
