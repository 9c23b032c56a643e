import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';

// Each module names its own tables with `db.withTables<ItsTables>()`; the shared handle knows none.
// biome-ignore lint/complexity/noBannedTypes: an empty table map is the point
export type Db = Kysely<{}>;

// Dates stay as the strings PostgreSQL sends for `date`; timestamps become Date.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export interface Database {
  pool: pg.Pool;
  db: Db;
  close(): Promise<void>;
}

export function connect(connectionString: string, max = 10): Database {
  const pool = new pg.Pool({ connectionString, max, application_name: 'flagstone' });
  // An idle client losing its server must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  // biome-ignore lint/complexity/noBannedTypes: see Db
  const db = new Kysely<{}>({ dialect: new PostgresDialect({ pool }) });
  return { pool, db, close: () => db.destroy() };
}
