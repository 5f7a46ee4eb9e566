// Test runner settings: integration tests start real processes and sockets, so they get generous timeouts.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'data/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Most integration files wait on sockets, child processes and timers rather than the CPU: two at a time halve the
    // suite's wall time on a 2-core machine (vitest's default there is one worker).
    maxWorkers: 2,
  },
});
