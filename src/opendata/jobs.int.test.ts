// The scheduled publication as Flagstone runs it: a durable pg-boss job, run once when the jobs
// start (catching up on what was due while they were stopped) and every hour after, publishes
// each dataset that is due.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestContext, testApp } from '../../test/support.ts';
import { startJobs } from '../compose.ts';
import { PUBLISH_JOB } from './index.ts';

let t: TestContext;
const log = { error: () => {}, info: () => {} };

beforeAll(async () => {
  t = await testApp();
});
afterAll(async () => {
  await t.services.jobs.stop();
  await t.close();
});

describe('the publication job', () => {
  it('publishes every dataset when the jobs start, and nothing more while none is due', async () => {
    expect(await t.services.openData.allReleases()).toEqual([]);
    await startJobs(t.services, { notify: null }, log, { pollingIntervalSeconds: 0.5 });
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && (await t.services.openData.allReleases()).length < 7)
      await new Promise((resolve) => setTimeout(resolve, 250));
    const first = await t.services.openData.allReleases();
    expect(first.map((r) => r.dataset).sort()).toEqual([
      'audit-ledger-heads',
      'contracts-over-5000',
      'maturity-benchmark',
      'outcome-kpis',
      'service-requests',
      'service-statistics',
      'spending-over-500',
    ]);
    // Nudged again (as the hourly schedule does): nothing is due yet.
    const id = await t.services.jobs.now(PUBLISH_JOB);
    const until = Date.now() + 30_000;
    while (Date.now() < until && (await t.services.jobs.state(PUBLISH_JOB, id as string)) !== 'completed')
      await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await t.services.jobs.state(PUBLISH_JOB, id as string)).toBe('completed');
    expect(await t.services.openData.allReleases()).toHaveLength(7);
  });
});
