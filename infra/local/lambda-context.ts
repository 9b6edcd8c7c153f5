/** The Lambda context every local invocation gets (HTTP routes, keeper tasks, schedules, SES), as Lambda would pass it. */
import { randomUUID } from 'node:crypto';
import { basename, extname } from 'node:path';
import type { Context } from 'aws-lambda';
import { LOCAL_REGION } from './emulators';

export const LOCAL_ACCOUNT = '000000000000';

/** The local function name of a handler entry, e.g. rightsdesk-local-receive-email. */
export const localFunctionName = (entry: string): string => `rightsdesk-local-${basename(entry, extname(entry))}`;

/** A context for one invocation of `entry` that must finish by `deadline` (epoch ms). */
export function lambdaContext(entry: string, deadline: number, memoryMb = 512): Context {
  const functionName = localFunctionName(entry);
  const unsupported = () => {
    throw new Error('Callback-style completion is not supported; return a promise.');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${functionName}`,
    memoryLimitInMB: String(memoryMb),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/[$LATEST]${randomUUID().replace(/-/g, '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    /* eslint-disable @typescript-eslint/no-deprecated -- the Context type still requires the callback-era members */
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
    /* eslint-enable @typescript-eslint/no-deprecated */
  };
}
