/**
 * The clock composition roots give their use cases. In AWS it is the system clock: the CDK
 * app never sets the variables below (an infra test checks).
 *
 * Locally, `RIGHTSDESK_TIME_SCALE=1440 npm start` makes a day pass in a minute, so a demo sees
 * the deadline keeper's reminders within minutes: from RIGHTSDESK_TIME_ORIGIN (an ISO instant
 * the local stack sets when it starts) every real millisecond counts `scale` milliseconds.
 * Every handler in the process reads the same two variables, so intake, the keeper and the
 * keeper runner's Wait states agree on what time it is.
 */
import { systemClock, type Clock } from '#shared/ports';

export const TIME_SCALE_VAR = 'RIGHTSDESK_TIME_SCALE';
export const TIME_ORIGIN_VAR = 'RIGHTSDESK_TIME_ORIGIN';

/** A clock that runs `scale` times faster than real time from `originMs` (where both agree). */
export function scaledClock(scale: number, originMs: number, realNow: () => number = Date.now): Clock & { readonly scale: number } {
  return { scale, now: () => new Date(originMs + (realNow() - originMs) * scale) };
}

/** Parses RIGHTSDESK_TIME_SCALE (a number ≥ 1; absent or 1: real time). Throws on nonsense. */
export function timeScaleFrom(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[TIME_SCALE_VAR];
  if (raw === undefined || raw === '') return 1;
  const scale = Number(raw);
  if (!Number.isFinite(scale) || scale < 1)
    throw new RangeError(`${TIME_SCALE_VAR} must be a number of at least 1 (e.g. 1440: a day a minute), not "${raw}".`);
  return scale;
}

/** The system clock, or the local stack's accelerated one when RIGHTSDESK_TIME_SCALE is above 1. */
export function clockFromEnv(env: NodeJS.ProcessEnv = process.env): Clock {
  const scale = timeScaleFrom(env);
  if (scale === 1) return systemClock;
  const origin = Date.parse(env[TIME_ORIGIN_VAR] ?? '');
  if (Number.isNaN(origin)) throw new RangeError(`${TIME_SCALE_VAR} needs ${TIME_ORIGIN_VAR} (an ISO instant) to count from.`);
  return scaledClock(scale, origin);
}
