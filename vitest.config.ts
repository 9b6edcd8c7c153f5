import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/support/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Emulators bind real ports; forks keep each file's emulators in its own process.
    pool: 'forks',
    env: {
      // Quiet, not blind: warnings and errors still print.
      POWERTOOLS_LOG_LEVEL: 'WARN',
      // Node 20 is this project's toolchain (TOOLCHAIN.md); Lambda runs a current runtime.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
  },
});
