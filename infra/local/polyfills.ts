/** Node 20 lacks Promise.withResolvers (Node 22+); aws-local-stepfunctions needs it. */
if (typeof (Promise as { withResolvers?: unknown }).withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value<T>() {
      let resolve!: (value: T | PromiseLike<T>) => void;
      let reject!: (reason?: unknown) => void;
      const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}
export {};

// Node 20 is the development toolchain (TOOLCHAIN.md); the deployed Lambda runtime is current.
// Silence the SDK's once-per-process Node 20 notice locally (an explicit setting wins).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
