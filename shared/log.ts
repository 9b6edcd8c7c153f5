/**
 * The structured logger for use cases outside the HTTP stack (the keeper, sweeps). Powertools
 * adds the service name and, in Lambda, the request id. Log names and ids, never personal data.
 */
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger();
