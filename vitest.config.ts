// The tests in three tiers, told apart by their file names so that a file can move between
// folders without an edit here:
//   *.test.ts                   unit: pure code, no database, no browser, no other process;
//   *.int.test.ts               integration: the test PostgreSQL (or Flagstone's own processes);
//   *.browser.test.ts, test/e2e Chromium, mostly driving the app end to end.
// `npm run test:unit` runs the first tier alone, without the global setup; `npm test` all three.
import { configDefaults, defineConfig } from 'vitest/config';
import { LongestFirst } from './test/sequencer.ts';

const notUnit = ['**/*.int.test.ts', '**/*.browser.test.ts', 'test/e2e/**'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    sequence: { sequencer: LongestFirst },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...notUnit],
        },
      },
      {
        test: {
          name: 'integration',
          include: [
            'src/**/*.int.test.ts',
            'test/**/*.int.test.ts',
            'src/**/*.browser.test.ts',
            'test/e2e/**/*.test.ts',
          ],
          // One embedded PostgreSQL with the migrated demo template for the run (test/support.ts
          // copies it for each file).
          globalSetup: ['test/global-setup.ts'],
          pool: 'forks',
          maxWorkers: 3,
          // A worker runs file after file in one process: the app's code is loaded and compiled
          // once a worker, not once a file, which halves the suite's CPU time. Each file still
          // has its own database and app; stubbed environment variables and globals are put back.
          isolate: false,
          setupFiles: ['test/mocks-reload.ts'],
          unstubEnvs: true,
          unstubGlobals: true,
        },
      },
    ],
  },
});
