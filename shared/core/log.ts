/**
 * The one logger (Powertools Logger) every handler and use case writes through. Each handler's
 * middy wrapper (shared/http/middleware.ts, shared/events/middleware.ts) injects the Lambda
 * context, so every line carries the same keys: level, message, timestamp, service (the
 * context, POWERTOOLS_SERVICE_NAME), function_name, function_request_id, cold_start.
 * Log names and ids, never personal data: no addresses, names, subjects or message text.
 */
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger();

/**
 * What the log may say about an error: its class and its stack frames. Never its message (the
 * stack's first line), which may quote personal data from the input.
 */
export function errorFields(err: unknown): { errorName: string; frames?: string } {
  const e = err as { name?: unknown; stack?: unknown } | undefined;
  const errorName = typeof e?.name === 'string' ? e.name : 'Error';
  const frames = typeof e?.stack === 'string' ? e.stack.split('\n').slice(1).join('\n') : undefined;
  return frames ? { errorName, frames } : { errorName };
}
