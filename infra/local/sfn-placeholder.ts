/**
 * Where AWS_ENDPOINT_URL_SFN points until the local stack runs the deadline keeper in
 * aws-local-stepfunctions: every call fails at once with a clear, non-retryable error, so a
 * handler that starts an execution locally can never reach real AWS by accident.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Running } from './emulators';

export const SFN_NOT_EMULATED =
  'Step Functions is not emulated by the local stack yet (it comes with the deadline-keeper issue).';

export function startSfnPlaceholder(): Promise<Running> {
  const server = createServer((req, res) => {
    req.resume();
    // awsJson1_0: the SDK names the error from x-amzn-errortype; 501 is not retried.
    const body = JSON.stringify({ __type: 'NotEmulatedLocally', message: SFN_NOT_EMULATED });
    res.writeHead(501, {
      'content-type': 'application/x-amz-json-1.0',
      'x-amzn-errortype': 'NotEmulatedLocally',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
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
