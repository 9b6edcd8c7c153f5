import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // quiet-output first, so it captures everything the other setup files and the tests print.
    setupFiles: ['test/support/quiet-output.ts', 'test/support/setup.ts'],
    // Console output only for failing tests; quiet-output.ts does the same for what bypasses the console.
    silent: 'passed-only',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Emulators bind real ports; forks keep each file's emulators in its own process.
    pool: 'forks',
    env: {
      // Quiet, not blind: warnings and errors are still logged, and print if the test fails (quiet-output.ts).
      POWERTOOLS_LOG_LEVEL: 'WARN',
      // Node 20 is this project's toolchain (TOOLCHAIN.md); Lambda runs a current runtime.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
  },
});
