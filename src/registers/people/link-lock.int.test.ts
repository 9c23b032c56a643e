// One `flagstone link` at a time: a second run while one holds the lock is refused with a
// clear message and writes nothing, in process and between two real command-line runs. And
// linking by itself: an import nudges the job that links what changed, without anyone running it.
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestContext, testApp } from '../../../test/support.ts';
import { startJobs } from '../../compose.ts';

const main = path.resolve(import.meta.dirname, '../../main.ts');
let t: TestContext;
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t.close());

const finishedRuns = async () =>
  Number(
    (await t.services.database.pool.query('SELECT count(*) FROM link_runs WHERE finished_at IS NOT NULL'))
      .rows[0].count,
  );

function flagstone(args: string[]) {
  let output = '';
  const child: ChildProcess = spawn(process.execPath, [main, ...args], {
    env: { ...process.env, DATABASE_URL: t.databaseUrl, LOG_LEVEL: 'silent' },
  });
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const until = async (text: string) => {
    const deadline = Date.now() + 60_000;
    while (!output.includes(text)) {
      if (Date.now() > deadline || child.exitCode !== null)
        throw new Error(`never saw "${text}":\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  return { child, exit, until, output: () => output };
}

describe('one linkage run at a time', () => {
  it('refuses a second run in the same process while the first is running, and the first completes', async () => {
    const before = await finishedRuns();
    let second: Promise<Error | null> | undefined;
    const first = t.services.linking.run({
      force: true,
      onProgress: (stage) => {
        if (stage === 'normalise' && !second)
          second = t.services.linking.run({ force: true }).then(
            () => null,
            (error: Error) => error,
          );
      },
    });
    expect((await first).ran).toBe(true);
    expect((await second)?.message).toContain('Another "flagstone link" is running on this database');
    expect(await finishedRuns()).toBe(before + 1);
    expect((await t.services.linking.run({ force: true })).ran).toBe(true);
  }, 120_000);

  it('refuses a second `flagstone link` while another is running, and writes nothing twice', async () => {
    const before = await finishedRuns();
    const first = flagstone(['link', '--force']);
    await first.until('training population…'); // it holds the lock now
    first.child.kill('SIGSTOP'); // and keeps holding it while the second starts
    try {
      const second = flagstone(['link', '--force']);
      expect(await second.exit).toBe(1);
      expect(second.output()).toContain(
        'flagstone: Another "flagstone link" is running on this database: nothing was changed.',
      );
    } finally {
      first.child.kill('SIGCONT');
    }
    expect(await first.exit).toBe(0);
    expect(first.output()).toMatch(/Linked \d+ records .* in [\d.]+ s/);
    expect(first.output()).toMatch(/time: load [\d.]+ s, training population [\d.]+ s, normalise/);
    expect(await finishedRuns()).toBe(before + 1);
  }, 120_000);
});

describe('linking by itself', () => {
  it('links the records an import changed, through the job the import nudges', async () => {
    const linkedRecords = async (refs: string[]) =>
      Number(
        (
          await t.services.database.pool.query(
            `SELECT count(*) FROM person_links l JOIN local_records r ON r.id = l.record_id
              WHERE r.local_ref = ANY($1)`,
            [refs],
          )
        ).rows[0].count,
      );
    const logged: string[] = [];
    const jobs = await startJobs(
      t.services,
      { notify: null },
      { error: (_o, message) => logged.push(message), info: (_o, message) => logged.push(message) },
      { pollingIntervalSeconds: 0.5 },
    );
    const waiting = async () =>
      Number(
        (
          await t.services.database.pool.query(
            `SELECT count(*) FROM pgboss.job WHERE name = 'link-records' AND state IN ('created', 'retry', 'active')`,
          )
        ).rows[0].count,
      );
    try {
      // The run at start is over before the import, so only the import's nudge can link its rows.
      for (const deadline = Date.now() + 30_000; Date.now() < deadline && (await waiting()) > 0; )
        await new Promise((resolve) => setTimeout(resolve, 250));
      expect(await waiting()).toBe(0);
      const refs = ['BY-ITSELF-1', 'BY-ITSELF-2'];
      const report = await t.services.importing.importPeople({
        organisation: 'northmoor-dc',
        csv: Readable.from([
          `local_ref,given_names,family_name,date_of_birth,postcode\n${refs[0]},Odile,Brandreth,1966-02-11,NM1 4RT\n${refs[1]},Piers,Maddox,1990-08-23,NM2 5BB\n`,
        ]),
      });
      expect(report.inserted).toBe(2);
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline && (await linkedRecords(refs)) < 2)
        await new Promise((resolve) => setTimeout(resolve, 250));
      expect(await linkedRecords(refs)).toBe(2);
      expect(logged).toContain('linked records');
      expect(logged).not.toContain('job queue error');
    } finally {
      await jobs.stop();
    }
  }, 90_000);
});
