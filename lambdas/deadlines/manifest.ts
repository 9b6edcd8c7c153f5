/**
 * The deadlines context: the keeper's task functions and the sweep that starts missing keepers.
 * The task functions cannot read KEEPER_STATE_MACHINE_ARN: the state machine names them, so
 * they cannot name it back (a CloudFormation cycle).
 */
import { OUTBOX_USES, RETENTION_SETTINGS, type ContextManifest } from '#lambdas/manifest';

export const DEADLINES: ContextManifest = {
  context: 'deadlines',
  handlers: [
    {
      id: 'EvaluateFunction',
      entry: 'lambdas/deadlines/evaluate-case.ts',
      description: 'Rightsdesk keeper: next checkpoint of a case',
      trigger: { kind: 'task', stateMachine: 'keeper', state: 'Evaluate' },
      uses: { cases: 'read', settings: ['KEEPER_OFFSETS'] },
    },
    {
      id: 'ActFunction',
      entry: 'lambdas/deadlines/act-on-checkpoint.ts',
      description: 'Rightsdesk keeper: send a checkpoint notice',
      trigger: { kind: 'task', stateMachine: 'keeper', state: 'Act' },
      // Requesters' notices name the DPO mailbox and reply to it; reminders and escalations go to
      // the team's inbox; the verify reminder carries a freshly signed link.
      // A case closed unverified gets its expiry from the deployment's retention schedule.
      uses: { ...OUTBOX_USES, settings: ['KEEPER_OFFSETS', ...OUTBOX_USES.settings, ...RETENTION_SETTINGS] },
      timeoutSeconds: 20,
    },
    {
      id: 'SweepFunction',
      entry: 'lambdas/deadlines/sweep-keepers.ts',
      description: 'Rightsdesk keeper: start keepers for open cases without one',
      trigger: { kind: 'schedule', cron: { minute: '15' }, description: 'Rightsdesk: start a deadline keeper for every open case without one' },
      uses: { cases: 'readWrite', keeper: 'start' },
      timeoutSeconds: 300,
    },
  ],
};
