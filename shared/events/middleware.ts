/**
 * The middy wrappers of every handler that is not an HTTP route: Step Functions tasks,
 * schedules, SES receipt rules, Secrets Manager rotations and Cognito triggers. Each injects the Lambda context into the one logger and logs
 * a failure the same way as the HTTP stack does (shared/http/middleware.ts): a known domain
 * error by name at INFO, anything else with its frames at ERROR, never the error's message.
 * The error is then rethrown, so the trigger's own retries, catches and dead-letter queue apply
 * (a Task state matches on the error's name).
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent, SESEvent } from 'aws-lambda';
import { DomainError } from '#domain/errors';
import { errorFields, logger } from '#shared/core/log';

const logFailure = <E, R>(): MiddlewareObj<E, R> => ({
  onError: ({ error, context }) => {
    if (error instanceof DomainError) logger.info('Rejected', { errorName: error.name, correlationId: context.awsRequestId });
    else logger.error('Unhandled error', { ...errorFields(error), correlationId: context.awsRequestId });
  },
});

function wrap<E, R>(fn: (event: E, context: Context) => Promise<R>) {
  return middy<E, R>({ timeoutEarlyInMillis: 0 }).use(injectLambdaContext(logger)).use(logFailure<E, R>()).handler(fn);
}

/**
 * A Step Functions Task state's function: `parse` validates the state input (throwing a
 * permanent error the definition does not retry), `fn` runs the use case; its answer is the
 * task's result.
 */
export function taskHandler<I, R>(parse: (event: unknown) => I, fn: (input: I) => Promise<R>) {
  return wrap<unknown, R>(async (event) => fn(parse(event)));
}

/** An EventBridge Scheduler target: no input worth reading; the answer is logged by `fn` as it sees fit. */
export function scheduleHandler<R>(fn: () => Promise<R>) {
  return wrap<unknown, R>(async () => fn());
}

/** An SES receipt rule's Lambda action (asynchronous): each record in turn. */
export function sesHandler<R>(fn: (record: SESEvent['Records'][number]) => Promise<R>) {
  return wrap<SESEvent, R[]>(async (event) => {
    const results: R[] = [];
    for (const record of event.Records ?? []) results.push(await fn(record));
    return results;
  });
}

/**
 * A DynamoDB stream's function (event source mapping with ReportBatchItemFailures): `fn` takes the
 * batch's records and answers with the ones that failed; a thrown error fails the whole batch.
 */
export function streamHandler(fn: (records: readonly DynamoDBRecord[]) => Promise<DynamoDBBatchResponse>) {
  return wrap<DynamoDBStreamEvent, DynamoDBBatchResponse>(async (event) => fn(event.Records ?? []));
}

/**
 * A Secrets Manager rotation function: one step of the four per invocation. `parse` validates
 * the event; an error fails the step, and Secrets Manager retries the rotation later.
 */
export function rotationHandler<I, R>(parse: (event: unknown) => I, fn: (input: I) => Promise<R>) {
  return wrap<unknown, R>(async (event) => fn(parse(event)));
}

/**
 * A Cognito user pool trigger: `fn` answers with the event, its response filled in. The event
 * holds the user's attributes, so a failure is logged by its class alone (no frames, no
 * message); rethrown, it fails the sign-in, which the user may retry.
 */
export function cognitoTriggerHandler<E>(fn: (event: E) => E | Promise<E>) {
  const logClass: MiddlewareObj<E, E> = {
    onError: ({ error, context }) => {
      logger.error('Unhandled error', { errorName: errorFields(error).errorName, correlationId: context.awsRequestId });
    },
  };
  return middy<E, E>({ timeoutEarlyInMillis: 0 })
    .use(injectLambdaContext(logger))
    .use(logClass)
    .handler(async (event: E) => fn(event));
}
