/**
 * Step Functions task "Act" of the deadline keeper: `{ caseId, checkpoint }` in; sends the
 * checkpoint's notice (or closes the case unverified) if it still applies, once.
 */
import { taskHandler } from '#shared/events/middleware';
import { actOnCheckpoint } from '#shared/deadlines/act-on-checkpoint';
import { parseActInput } from '#shared/deadlines/keeper-input';
import { actDeps } from './deps';

const deps = actDeps();

export const handler = taskHandler(parseActInput, async (input) => actOnCheckpoint(input, deps));
