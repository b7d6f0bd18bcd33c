import { defineConfig } from 'vitest/config';

// Timeouts only guard against a hang; they are not a speed check (speed is `npm run bench`). They are
// generous because CI and the fresh-clone check run the suite on two cores that other work keeps busy:
// there a hook that copies the program for the permission tests (test/cli/faults.test.ts) or removes a
// scratch directory took longer than vitest's default 10 s and failed a run whose tests all passed.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
