// Durable background work in the same PostgreSQL (pg-boss, schema `pgboss`): modules define
// their jobs when they are built; `flagstone start` runs them. A job outlives a restart; work
// that must exist exactly when a change does is kept in the change's own tables (the outbox), and
// the job that does it is nudged after the commit and scheduled besides.
import { PgBoss } from 'pg-boss';

export interface JobDefinition {
  name: string;
  /** Runs one job; throwing has pg-boss try again later. */
  run: (data: Record<string, unknown>) => Promise<unknown>;
  /** Also run on this schedule (cron, UTC). */
  cron?: string;
  /** Run once each time the jobs start, with no schedule: work that ends when it is done. */
  atStart?: boolean;
  /** `stately`: at most one waiting and one running, so repeated nudges collapse into one. */
  policy?: 'standard' | 'stately';
  retryLimit?: number;
}

export interface JobsLog {
  error(object: object, message: string): void;
  /** What a job did, in counts and ids (never personal data); a log without it stays quiet. */
  info?(object: object, message: string): void;
  warn?(object: object, message: string): void;
}

export const JOBS_SCHEMA = 'pgboss';

/** The job queue of this process: definitions first, then `start` (and `stop`) with the app. */
export function jobQueue(connectionString: string | undefined) {
  const definitions = new Map<string, JobDefinition>();
  let boss: PgBoss | null = null;

  return {
    define(...jobs: JobDefinition[]) {
      for (const job of jobs) definitions.set(job.name, job);
    },

    get running() {
      return boss !== null;
    },

    /** Starts pg-boss (creating its schema on first use); `work: false` queues without working. */
    async start(log: JobsLog, options: { work?: boolean; pollingIntervalSeconds?: number } = {}) {
      if (boss) return;
      // The schema is made by `migrate`, owned by the role the app connects as (decision 0022),
      // which may not create schemas itself; pg-boss makes and changes the tables in it.
      const started = new PgBoss({ connectionString, schema: JOBS_SCHEMA, max: 4, createSchema: false });
      started.on('error', (error: Error) => log.error({ err: error.name }, 'job queue error'));
      await started.start();
      for (const job of definitions.values()) {
        await started.createQueue(job.name, {
          policy: job.policy ?? 'standard',
          retryLimit: job.retryLimit ?? 5,
          retryDelay: 30,
          retryBackoff: true,
        });
        // A schedule also runs once at start: it catches up on what waited while jobs were stopped.
        if (job.cron) await started.schedule(job.name, job.cron, {}, { tz: 'UTC' });
        if (job.cron || job.atStart) await started.send(job.name, {});
        if (options.work === false) continue;
        await started.work<Record<string, unknown>>(
          job.name,
          { pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2 },
          async (batch) => {
            for (const item of batch) await job.run(item.data ?? {});
          },
        );
      }
      boss = started;
    },

    /** Adds a job (outside any transaction); before `start` (the command line, a test without jobs) it throws. */
    async now(name: string, data: object = {}): Promise<string | null> {
      if (!boss) throw new Error('The job queue is not running');
      return boss.send(name, data);
    },

    /** The state of one job, for tests and operators. */
    async state(name: string, id: string): Promise<string | null> {
      return ((await boss?.getJobById(name, id)) as { state?: string } | null)?.state ?? null;
    },

    /** Stops taking jobs and waits for those running to finish. */
    async stop() {
      const stopping = boss;
      boss = null;
      await stopping?.stop({ graceful: true, timeout: 20_000 });
    },
  };
}

export type JobQueue = ReturnType<typeof jobQueue>;
