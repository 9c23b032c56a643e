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

/**
 * Applies every migration not yet applied, as the owner of the schema `pool` connects as; returns
 * the names it applied. With `appRole` (the role the app connects as, when it is another), then
 * gives that role what it may do: every table but the ledger's, which it may only add to
 * (migration 0115 and decision 0022).
 */
export async function migrate(pool: pg.Pool, { appRole }: { appRole?: string } = {}): Promise<string[]> {
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
    // One role for both (an external database set up before decision 0022) has nothing to grant.
    if (appRole && appRole !== (await client.query('SELECT current_user AS me')).rows[0].me)
      await client.query('SELECT flagstone_grant_app($1)', [appRole]);
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

/**
 * What the role `pool` connects as could do to the audit ledger that it should not (decision
 * 0022), in words, or null: a superuser or the ledger's owner can turn its triggers off, and a
 * role with UPDATE, DELETE or TRUNCATE, or INSERT of its own, can rewrite it.
 */
export async function ledgerOpenToApp(pool: pg.Pool): Promise<string | null> {
  const { rows } = await pool.query<{ superuser: boolean; owner: boolean; rights: string[] }>(
    `SELECT r.rolsuper AS superuser, pg_has_role(c.relowner, 'USAGE') AS owner,
            array_remove(ARRAY[
              CASE WHEN has_table_privilege(c.oid, 'INSERT') THEN 'insert' END,
              CASE WHEN has_table_privilege(c.oid, 'UPDATE') THEN 'update' END,
              CASE WHEN has_table_privilege(c.oid, 'DELETE') THEN 'delete' END,
              CASE WHEN has_table_privilege(c.oid, 'TRUNCATE') THEN 'truncate' END], NULL) AS rights
       FROM pg_class c, pg_roles r WHERE c.oid = 'audit_ledger'::regclass AND r.rolname = current_user`,
  );
  const role = rows[0];
  if (!role) return null;
  if (role.superuser) return 'turn off the audit ledger’s triggers (it is a superuser)';
  if (role.owner) return 'turn off the audit ledger’s triggers (it owns the ledger)';
  if (role.rights.length) return `${role.rights.join(', ')} the audit ledger’s entries directly`;
  return null;
}
