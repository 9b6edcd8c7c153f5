/** The email context: mail to the DPO mailbox becomes a case, or threads into one. */
import { OUTBOX_USES, type ContextManifest } from '#lambdas/manifest';
import { RAW_MAIL_PREFIX } from '#shared/email/keys';

export const EMAIL: ContextManifest = {
  context: 'email',
  handlers: [
    {
      id: 'ReceiveEmail',
      entry: 'lambdas/email/receive-email.ts',
      description: 'Rightsdesk: inbound email to the DPO mailbox becomes a case (SES receipt rule)',
      trigger: { kind: 'ses' },
      // Owes and sends (the outbox) the acknowledgement and, for a DKIM-verified request, the team's notice.
      // Raw mail: only what SES stores (inbound/<SES message id>), nothing else in the bucket.
      uses: {
        ...OUTBOX_USES,
        rawMail: { access: 'read', prefix: RAW_MAIL_PREFIX },
        files: 'write',
        // Mail threaded into a case under legal hold is held with the rest of the case (issue 13).
        holds: true,
        keeper: 'start',
        // A phone number in the text starts the search at intake (issue 15).
        search: 'start',
        settings: [...OUTBOX_USES.settings, 'NATION'],
      },
      // A 40 MB message, its decoded attachments and the parsed text fit with room to spare.
      memoryMb: 1024,
      timeoutSeconds: 60,
    },
  ],
};
