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

export const STATUS_BY_ERROR: Readonly<Record<string, number>> = {
  MalformedBodyError: 400,
  ValidationError: 400,
  InvalidDateError: 422,
  InvalidClarificationError: 422,
  MissingReasonError: 422,
  ExtensionTooLateError: 422,
  InvalidTransitionError: 409,
  VersionConflictError: 409,
  CaseAlreadyExistsError: 409,
  CaseNotFoundError: 404,
  RouteNotFoundError: 404,
  PayloadTooLargeError: 413,
  UnsupportedMediaTypeError: 415,
  TooManyRequestsError: 429,
};

export function statusOf(err: unknown): number {
  return err instanceof DomainError ? (STATUS_BY_ERROR[err.name] ?? 500) : 500;
}
