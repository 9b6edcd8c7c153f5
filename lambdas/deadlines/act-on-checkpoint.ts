/**
 * Step Functions task "Act" of the deadline keeper: `{ caseId, checkpoint }` in; sends the
 * checkpoint's notice (or closes the case unverified) if it still applies, once.
 */
import { actOnCheckpoint, type ActOutcome } from '../../shared/deadlines/act-on-checkpoint';
import { parseActInput } from '../../shared/deadlines/keeper-input';
import { actDeps } from './act-root';

export const handler = async (event: unknown): Promise<{ outcome: ActOutcome }> => actOnCheckpoint(parseActInput(event), actDeps);
