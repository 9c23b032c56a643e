import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { jobQueue } from '../platform/index.ts';
import {
  APP_ROLE,
  connect,
  DataFolderInUse,
  type DB,
  holdInstance,
  insertRows,
  instanceRunning,
  ledgerOpenToApp,
  migrate,
  migrationFiles,
  pendingMigrations,
  startEmbedded,
} from './index.ts';

async function emptyDatabase() {
  const name = `empty_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  const admin = new pg.Client({ connectionString: `${inject('serverUrl')}/postgres` });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return `${inject('serverUrl')}/${name}`;
}

describe('migrations', () => {
  it('apply once each even when two instances start together', async () => {
    const url = await emptyDatabase();
    const a = connect(url, 2);
    const b = connect(url, 2);
    try {
      const all = (await migrationFiles()).map((m) => m.name);
      expect(all.length).toBeGreaterThan(1);
      const [first, second] = await Promise.all([migrate(a.pool), migrate(b.pool)]);
      expect([...first, ...second].sort()).toEqual(all);
      expect(await pendingMigrations(a.pool)).toEqual([]);
      const { rows } = await a.pool.query('SELECT name FROM schema_migrations ORDER BY name');
      expect(rows.map((r) => r.name)).toEqual(all);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe('inserting many rows as one JSON parameter', () => {
  // A table of these tests' own: insertRows takes the schema's table names, and the schema has no such table.
  const things = 'things' as keyof DB;

  it('stores each row as given, with the defaults for the columns no row names', async () => {
    const database = connect(await emptyDatabase(), 1);
    try {
      await database.pool.query(
        `CREATE TABLE things (id serial PRIMARY KEY, name text NOT NULL, at timestamptz, tags jsonb,
           raw bytea, status text NOT NULL DEFAULT 'open')`,
      );
      const at = new Date('2026-12-06T10:00:00.123Z');
      const rows = [
        { name: 'O\'Brien "quoted"', at, tags: { a: [1, 'x'] }, raw: '\\x00ff' },
        { name: 'plain', at: null, tags: null, raw: null },
      ];
      const { rows: stored } = await insertRows(things, rows)
        .execute(database.db)
        .then(() => database.pool.query('SELECT name, at, tags, raw, status FROM things ORDER BY id'));
      expect(stored).toEqual([
        { name: 'O\'Brien "quoted"', at, tags: { a: [1, 'x'] }, raw: Buffer.from([0, 255]), status: 'open' },
        { name: 'plain', at: null, tags: null, raw: null, status: 'open' },
      ]);
    } finally {
      await database.close();
    }
  });

  it('refuses rows that do not all name the same columns, which would store null for a default', () => {
    expect(() => insertRows(things, [{ name: 'a', status: 'closed' }, { name: 'b' }])).toThrow(
      'Rows for things must all give the same columns: name, status',
    );
    expect(() => insertRows(things, [{ name: 'a' }, { name: 'b', status: 'closed' }])).toThrow(
      'must all give the same columns',
    );
    expect(() => insertRows(things, [{ name: 'a', status: undefined }])).toThrow(
      'must all give the same columns',
    );
  });
});

describe('pipelined transactions', () => {
  it('answers each statement made together with its own rows, and commits them together', async () => {
    const database = connect(await emptyDatabase(), 1);
    try {
      await database.pool.query('CREATE TABLE things (id int PRIMARY KEY, name text NOT NULL)');
      const answers = await database.pipelined((trx) =>
        Promise.all([
          sql`INSERT INTO things VALUES (1, 'one') RETURNING name`.execute(trx),
          sql<{ n: number }>`SELECT generate_series(1, 3) AS n`.execute(trx),
          sql`INSERT INTO things VALUES (2, 'two') RETURNING name`.execute(trx),
          // Run in the order made: this sees both rows.
          sql<{ count: string }>`SELECT count(*) FROM things`.execute(trx),
        ]),
      );
      expect(answers.map((a) => a.rows)).toEqual([
        [{ name: 'one' }],
        [{ n: 1 }, { n: 2 }, { n: 3 }],
        [{ name: 'two' }],
        [{ count: 2 }],
      ]);
      const { rows } = await database.pool.query('SELECT id, name FROM things ORDER BY id');
      expect(rows).toEqual([
        { id: 1, name: 'one' },
        { id: 2, name: 'two' },
      ]);
    } finally {
      await database.close();
    }
  });

  it('prepares a statement once on its connection and uses it again, whatever the values', async () => {
    const database = connect(await emptyDatabase(), 1);
    try {
      for (const n of [1, 2, 3])
        expect(
          (await database.pipelined((trx) => sql<{ n: number }>`SELECT ${n}::int AS n`.execute(trx))).rows,
        ).toEqual([{ n }]);
      const prepared = await database.pipelined((trx) =>
        sql<{ statement: string }>`SELECT statement FROM pg_prepared_statements ORDER BY statement`.execute(
          trx,
        ),
      );
      expect(prepared.rows.map((r) => r.statement)).toEqual([
        'BEGIN',
        'SELECT $1::int AS n',
        'SELECT statement FROM pg_prepared_statements ORDER BY statement',
      ]);
    } finally {
      await database.close();
    }
  });

  it('commits nothing when a statement fails or the work throws, and goes on working after', async () => {
    const database = connect(await emptyDatabase(), 1);
    try {
      await database.pool.query('CREATE TABLE things (id int PRIMARY KEY, name text NOT NULL)');
      // The second statement breaks the key: the first is undone, the third refused.
      for (let i = 0; i < 6; i++) {
        const made: Promise<unknown>[] = [];
        await expect(
          database.pipelined((trx) => {
            made.push(
              sql`INSERT INTO things VALUES (1, 'one')`.execute(trx),
              sql`INSERT INTO things VALUES (1, 'again')`.execute(trx),
              sql`INSERT INTO things VALUES (3, 'three')`.execute(trx),
            );
            return Promise.all(made);
          }),
        ).rejects.toThrow('duplicate key value violates unique constraint');
        const settled = await Promise.allSettled(made);
        expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
        expect((settled[2] as PromiseRejectedResult).reason.message).toContain(
          'current transaction is aborted',
        );
      }
      await expect(
        database.pipelined(async (trx) => {
          await sql`INSERT INTO things VALUES (4, 'four')`.execute(trx);
          throw new Error('changed my mind');
        }),
      ).rejects.toThrow('changed my mind');
      expect((await database.pool.query('SELECT count(*) FROM things')).rows).toEqual([{ count: 0 }]);
      // A statement made once the work has returned would miss the transaction: it is refused.
      const kept = await database.pipelined(async (trx) => {
        await sql`INSERT INTO things VALUES (5, 'five')`.execute(trx);
        return trx;
      });
      await expect(sql`INSERT INTO things VALUES (6, 'late')`.execute(kept)).rejects.toThrow(
        'A statement was made after its pipelined transaction ended',
      );
      expect((await database.pool.query('SELECT id FROM things')).rows).toEqual([{ id: 5 }]);
    } finally {
      await database.close();
    }
  });

  it('sends COMMIT after the statements made when the work asks, and commits nothing when one of them fails', async () => {
    const database = connect(await emptyDatabase(), 1);
    try {
      await database.pool.query('CREATE TABLE things (id int PRIMARY KEY, name text NOT NULL)');
      // Were COMMIT sent before the statements, the first two would each commit on their own.
      for (let i = 0; i < 3; i++)
        await expect(
          database.pipelined((trx, commit) => {
            const made = Promise.all([
              sql`INSERT INTO things VALUES (1, 'one')`.execute(trx),
              sql`INSERT INTO things VALUES (2, 'two')`.execute(trx),
              sql`INSERT INTO things VALUES (1, 'again')`.execute(trx),
            ]);
            commit();
            return made;
          }),
        ).rejects.toThrow('duplicate key value violates unique constraint');
      expect((await database.pool.query('SELECT count(*) FROM things')).rows).toEqual([{ count: 0 }]);
      let late: Promise<unknown> = Promise.resolve();
      const answers = await database.pipelined(async (trx, commit) => {
        const made = Promise.all([
          sql`INSERT INTO things VALUES (1, 'one') RETURNING name`.execute(trx),
          sql`INSERT INTO things VALUES (2, 'two') RETURNING name`.execute(trx),
        ]);
        commit();
        const answered = await made;
        // After the COMMIT, a statement would miss the transaction: it is refused.
        late = sql`INSERT INTO things VALUES (3, 'late')`.execute(trx);
        late.catch(() => {});
        return answered;
      });
      expect(answers.map((a) => a.rows)).toEqual([[{ name: 'one' }], [{ name: 'two' }]]);
      await expect(late).rejects.toThrow('A statement was made after its pipelined transaction ended');
      expect((await database.pool.query('SELECT id FROM things ORDER BY id')).rows).toEqual([
        { id: 1 },
        { id: 2 },
      ]);
    } finally {
      await database.close();
    }
  });
});

describe('the embedded PostgreSQL', () => {
  it('lets one instance hold the data folder, with commands beside it, and keeps data across restarts', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'flagstone-embedded-'));
    const port = 20000 + Math.floor(Math.random() * 20000);
    try {
      const first = await startEmbedded({ dataDir, port });
      const release = await holdInstance(first.url, dataDir);
      // A second start finds the server running (on its own port, whatever it was told) ...
      const second = await startEmbedded({ dataDir, port: port + 1 });
      expect(second.url).toBe(first.url);
      // ... and may run commands beside the instance, but is not a second instance.
      await expect(holdInstance(second.url, dataDir)).rejects.toThrow(DataFolderInUse);
      await expect(holdInstance(second.url, dataDir)).rejects.toThrow(/already running on the data folder/);
      const db = connect(second.url, 1);
      await db.pool.query('CREATE TABLE kept (v text)');
      await db.pool.query(`INSERT INTO kept VALUES ('still here')`);
      // The instance finishing first leaves the server to the command still connected.
      await release();
      await first.stop({ unlessInUse: true });
      expect((await db.pool.query('SELECT v FROM kept')).rows).toEqual([{ v: 'still here' }]);
      await db.close();
      await second.stop({ unlessInUse: true });
      await expect(connect(first.url, 1).pool.query('SELECT 1')).rejects.toThrow();

      const third = await startEmbedded({ dataDir, port });
      const again = connect(third.url, 1);
      expect((await again.pool.query('SELECT v FROM kept')).rows).toEqual([{ v: 'still here' }]);
      await again.close();
      await third.stop();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('sets up the app role on a data folder made before it, and hands it the job queue made by the owner', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'flagstone-roles-'));
    const port = 20000 + Math.floor(Math.random() * 20000);
    const quiet = { error: () => {} };
    try {
      // A data folder as the versions before the app role left it: everything, the job queue
      // included, made and owned by the cluster's superuser, and no app role.
      const before = await startEmbedded({ dataDir, port });
      const owner = connect(before.url, 1);
      await migrate(owner.pool);
      const oldJobs = jobQueue(before.url);
      oldJobs.define({ name: 'roles-test', run: async () => {} });
      await oldJobs.start(quiet, { work: false });
      await oldJobs.stop();
      await owner.pool.query(`DROP ROLE ${APP_ROLE}`);
      await owner.close();
      await rm(path.join(dataDir, 'db-app-password'));
      await before.stop();

      const after = await startEmbedded({ dataDir, port });
      const app = connect(after.appUrl, 1);
      try {
        expect((await app.pool.query('SELECT current_user AS me')).rows).toEqual([{ me: APP_ROLE }]);
        // Until migrate grants it its part, the app role reads nothing.
        await expect(app.pool.query('SELECT count(*) FROM organisations')).rejects.toThrow(
          /permission denied/,
        );
        const ownerAgain = connect(after.url, 1);
        expect(await ledgerOpenToApp(ownerAgain.pool)).toMatch(/superuser/);
        expect(await migrate(ownerAgain.pool, { appRole: APP_ROLE })).toEqual([]);
        // A table a later migration makes is the app role's to use by default privileges.
        await ownerAgain.pool.query('CREATE TABLE made_later (id serial PRIMARY KEY, v text)');
        await ownerAgain.close();
        await app.pool.query(`INSERT INTO made_later (v) VALUES ('granted')`);
        expect((await app.pool.query('SELECT v FROM made_later')).rows).toEqual([{ v: 'granted' }]);
        expect(await ledgerOpenToApp(app.pool)).toBeNull();
        expect(await pendingMigrations(app.pool)).toEqual([]);
        // The job queue works as the app role: its tables, made by the owner, are the app role's now.
        const jobs = jobQueue(after.appUrl);
        jobs.define({ name: 'roles-test', run: async () => {} }, { name: 'roles-new', run: async () => {} });
        await jobs.start(quiet, { work: false });
        expect(await jobs.now('roles-new')).toEqual(expect.any(String));
        await jobs.stop();
        // And the running instance is seen from the app role's connections.
        const release = await holdInstance(after.appUrl, dataDir);
        expect(await instanceRunning(app.pool)).toBe(true);
        await release();
      } finally {
        await app.close();
        await after.stop();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
