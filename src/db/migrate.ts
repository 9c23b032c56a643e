// Plain ordered .sql files, each applied once in its own transaction and recorded.
// A session advisory lock makes instances that start together take turns.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';

const folder = path.join(import.meta.dirname, 'migrations');
const LOCK_KEY = 7_461_023_551; // any constant shared by every Flagstone instance

export interface Migration {
  name: string;
  sql: string;
}

export async function migrationFiles(): Promise<Migration[]> {
  const names = (await readdir(folder)).filter((n) => /^\d{4}_[a-z0-9_]+\.sql$/.test(n)).sort();
  return Promise.all(
    names.map(async (name) => ({ name, sql: await readFile(path.join(folder, name), 'utf8') })),
  );
}

async function applied(client: pg.PoolClient | pg.Pool): Promise<Set<string>> {
  const exists = await client.query(`SELECT to_regclass('schema_migrations') IS NOT NULL AS ok`);
  if (!exists.rows[0].ok) return new Set();
  const { rows } = await client.query<{ name: string }>('SELECT name FROM schema_migrations');
  return new Set(rows.map((r) => r.name));
}

/** Applies every migration not yet applied; returns the names it applied. */
export async function migrate(pool: pg.Pool): Promise<string[]> {
  const client = await pool.connect();
  const done: string[] = [];
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
         name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const already = await applied(client);
    for (const migration of await migrationFiles()) {
      if (already.has(migration.name)) continue;
      try {
        await client.query('BEGIN');
        await client.query(migration.sql);
        await client.query('INSERT INTO schema_migrations (name) VALUES ($1)', [migration.name]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new Error(`Migration ${migration.name} failed: ${(error as Error).message}`);
      }
      done.push(migration.name);
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => {});
    client.release();
  }
  return done;
}

/** The migrations on disk that the database has not applied. */
export async function pendingMigrations(pool: pg.Pool): Promise<string[]> {
  const already = await applied(pool);
  return (await migrationFiles()).map((m) => m.name).filter((name) => !already.has(name));
}
