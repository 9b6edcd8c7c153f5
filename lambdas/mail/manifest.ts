/** The mail context: the outbox sweep, which sends whatever mail cases still owe (shared/core/outbox.ts). */
import { OUTBOX_USES, type ContextManifest } from '#lambdas/manifest';

export const MAIL: ContextManifest = {
  context: 'mail',
  handlers: [
    {
      id: 'SweepOutbox',
      entry: 'lambdas/mail/sweep-outbox.ts',
      description: 'Rightsdesk outbox: send the mail cases still owe',
      // Every minute: after an SES outage or a crash, owed mail goes out within a minute or so of its retry time.
      trigger: { kind: 'schedule', cron: { minute: '*' }, description: 'Rightsdesk: send the mail cases still owe (the outbox sweep)' },
      // The outbox's uses, and recipients' APIs: only the sweep sends Art. 19 notices by API (the fast path leaves them to it).
      uses: { ...OUTBOX_USES, recipientApis: true },
      // A backlog of 500 cases at 8 at a time, each a claim, a send and a record, with room to spare.
      timeoutSeconds: 120,
    },
  ],
};
