/**
 * Composition root of the keeper's Act task: the task root's table, clock and offsets, plus
 * what sending notices takes. Requesters' notices name the DPO mailbox and reply to it;
 * reminders and escalations go to the DPO team's inbox (TEAM_ADDRESS), never to the DPO
 * mailbox, whose mail Rightsdesk itself receives and ignores when it comes from our sender.
 */
import { sesClient } from '../../shared/adapters/aws-clients';
import { SesMailer } from '../../shared/adapters/ses-mailer';
import { signingKeySource } from '../../shared/adapters/signing-key';
import { readConfig } from '../../shared/config';
import type { ActDeps } from '../../shared/deadlines/act-on-checkpoint';
import { cases, clock, offsets } from './root';

const config = readConfig(['DPO_ADDRESS', 'TEAM_ADDRESS', 'SENDER_ADDRESS', 'PUBLIC_BASE_URL']);

export const actDeps: ActDeps = {
  cases,
  clock,
  offsets,
  mailer: new SesMailer(sesClient(), config.SENDER_ADDRESS),
  signingKey: signingKeySource(),
  settings: { dpoAddress: config.DPO_ADDRESS, teamAddress: config.TEAM_ADDRESS, publicBaseUrl: config.PUBLIC_BASE_URL },
};
