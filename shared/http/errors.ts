/**
 * HTTP-layer errors (the request itself is malformed) and the one table that maps every named error to a status code
 * (STYLE.md: one small class per error, one table). Unknown errors become 500 with a
 * generic message and a correlation id, never the error's own text.
 */
import { DomainError } from '#domain/errors';

export abstract class HttpError extends DomainError {}

export class MalformedBodyError extends HttpError {
  override readonly name = 'MalformedBodyError';
}
export class PayloadTooLargeError extends HttpError {
  override readonly name = 'PayloadTooLargeError';
}
export class UnsupportedMediaTypeError extends HttpError {
  override readonly name = 'UnsupportedMediaTypeError';
}
export class RouteNotFoundError extends HttpError {
  override readonly name = 'RouteNotFoundError';
}
export class ForbiddenError extends HttpError {
  override readonly name = 'ForbiddenError';
}

export const STATUS_BY_ERROR: Readonly<Record<string, number>> = {
  MalformedBodyError: 400,
  ValidationError: 400,
  InvalidDateError: 422,
  InvalidClarificationError: 422,
  MissingReasonError: 422,
  ExtensionTooLateError: 422,
  InvalidTransitionError: 409,
  NotComplexError: 409,
  IdentityWindowOpenError: 409,
  NotForComplaintsError: 409,
  NotAComplaintError: 409,
  AlreadyOnHoldError: 409,
  NotOnHoldError: 409,
  AccountAlreadyHeldError: 409,
  AccountNotHeldError: 409,
  SearchNotFinishedError: 409,
  ExportNotReleasableError: 409,
  MissingGroundError: 422,
  InvalidMergeError: 422,
  InvalidIntakeError: 422,
  MissingControllerError: 422,
  VersionConflictError: 409,
  CaseAlreadyExistsError: 409,
  CaseNotFoundError: 404,
  RouteNotFoundError: 404,
  ForbiddenError: 403,
  UnauthenticatedError: 401,
  NotPermittedError: 403,
  PayloadTooLargeError: 413,
  UnsupportedMediaTypeError: 415,
  TooManyRequestsError: 429,
};

/** Error names AWS services use for "slow down" and "not now": a retry may well succeed. */
const UNAVAILABLE_ERRORS = new Set([
  'ThrottlingException',
  'Throttling',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'LimitExceededException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalServerError',
  'InternalFailure',
  'InternalServerException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'TransactionConflictException',
]);
/** Network failures reaching a dependency at all. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * A known dependency failure (DynamoDB throttling, SES or S3 down, the network): the answer is
 * 503 with Retry-After, never 500, because trying again shortly is the right thing to do.
 */
export function isDependencyFailure(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { name?: unknown; code?: unknown; $fault?: unknown; $metadata?: { httpStatusCode?: unknown }; cause?: unknown };
  if (typeof e.name === 'string' && UNAVAILABLE_ERRORS.has(e.name)) return true;
  if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return true;
  const status = e.$metadata?.httpStatusCode;
  if (e.$fault === 'server' || (typeof status === 'number' && status >= 500)) return true;
  return e.cause !== undefined && e.cause !== err && isDependencyFailure(e.cause);
}

/** Seconds a client should wait before retrying after a 503. */
export const RETRY_AFTER_SECONDS = 30;

export function statusOf(err: unknown): number {
  if (err instanceof DomainError) return STATUS_BY_ERROR[err.name] ?? 500;
  return isDependencyFailure(err) ? 503 : 500;
}
