/**
 * AWS_ENDPOINT_URL_SFN under `npm start`: the part of the Step Functions API (awsJson1_0) the
 * application uses, answered by the local runners, so the production SfnKeeper and
 * SfnSearchWorkflow adapters and SDK client run unchanged. StartExecution, DescribeExecution and
 * StopExecution on the keeper and search state machines; anything else is refused with a clear, non-retryable error, so
 * nothing can reach real AWS by accident.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Running } from './emulators';
import { LocalSfnError, type Execution, type KeeperRunner } from './keeper-runner';

const epochSeconds = (d: Date) => d.getTime() / 1000;

function send(res: ServerResponse, status: number, body: unknown, errorType?: string): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.0',
    'content-length': Buffer.byteLength(text),
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  res.end(text);
}

const fail = (res: ServerResponse, status: number, type: string, message: string) => send(res, status, { __type: type, message }, type);

function describe(e: Execution, stateMachineArn: string) {
  return {
    executionArn: e.executionArn,
    stateMachineArn,
    name: e.name,
    status: e.status,
    startDate: epochSeconds(e.startDate),
    ...(e.stopDate ? { stopDate: epochSeconds(e.stopDate) } : {}),
    input: e.input,
    ...(e.output !== undefined ? { output: e.output } : {}),
    ...(e.error ? { error: e.error } : {}),
    ...(e.cause ? { cause: e.cause } : {}),
  };
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const value: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

/** Serves one or more local state machines (the keeper, the search), each by its ARN. */
export function startSfnEndpoint(served: KeeperRunner | readonly KeeperRunner[]): Promise<Running> {
  const runners: readonly KeeperRunner[] = Array.isArray(served) ? served : [served as KeeperRunner];
  const byExecution = (arn: string): KeeperRunner =>
    runners.find((r) => arn.startsWith(`${r.stateMachineArn.replace(':stateMachine:', ':execution:')}:`)) ?? runners[0]!;
  const server = createServer((req, res) => {
    void (async () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const op = target.startsWith('AWSStepFunctions.') ? target.slice('AWSStepFunctions.'.length) : '';
      let body: Record<string, unknown>;
      try {
        body = await readJson(req);
      } catch {
        return fail(res, 400, 'SerializationException', 'The request body is not JSON.');
      }
      try {
        switch (op) {
          case 'StartExecution': {
            const runner = runners.find((r) => r.stateMachineArn === body.stateMachineArn);
            if (!runner) {
              return fail(res, 400, 'StateMachineDoesNotExist', 'Only the deadline keeper and search state machines run locally.');
            }
            const started = runner.start(typeof body.name === 'string' ? body.name : undefined, typeof body.input === 'string' ? body.input : '{}');
            return send(res, 200, { executionArn: started.executionArn, startDate: epochSeconds(started.startDate) });
          }
          case 'DescribeExecution': {
            const arn = typeof body.executionArn === 'string' ? body.executionArn : '';
            const runner = byExecution(arn);
            return send(res, 200, describe(runner.describe(arn), runner.stateMachineArn));
          }
          case 'StopExecution': {
            const arn = typeof body.executionArn === 'string' ? body.executionArn : '';
            const e = byExecution(arn).stopExecution(arn);
            await e.done;
            return send(res, 200, { stopDate: epochSeconds(e.stopDate ?? new Date()) });
          }
          default:
            return fail(res, 400, 'UnknownOperationException', `${op || 'This operation'} is not emulated by the local stack.`);
        }
      } catch (err) {
        if (err instanceof LocalSfnError) return fail(res, 400, err.name, err.message);
        return fail(res, 500, 'InternalFailure', 'The local keeper runner failed.');
      }
    })();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
