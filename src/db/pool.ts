import { Kysely, PostgresDialect, sql } from 'kysely';
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

/**
 * An INSERT of many rows that sends them as one JSON parameter, read by PostgreSQL against the
 * table's own row type (`json_populate_recordset`). A VALUES list would have the query builder
 * compile, and the driver send, one parameter for each column of each row: for the batches the
 * front door stores, that cost more than the rest of the request. The columns are the first row's
 * keys, and every row must give each of them (null, not undefined); the table's defaults fill the
 * others. Values are as JSON has them: dates become ISO strings, and a jsonb column takes the
 * object itself, a bytea column a `\x` hex string. Append ON CONFLICT or RETURNING as needed.
 */
export function insertRows(table: string, rows: readonly Record<string, unknown>[]) {
  const names = Object.keys(rows[0] ?? {});
  // A row without one of the columns would store null there, not the table's default.
  const uneven = (row: Record<string, unknown>) =>
    Object.keys(row).length !== names.length || names.some((name) => row[name] === undefined);
  if (rows.some(uneven))
    throw new Error(`Rows for ${table} must all give the same columns: ${names.join(', ')}`);
  const columns = sql.join(names.map((column) => sql.ref(column)));
  return sql`INSERT INTO ${sql.table(table)} (${columns}) SELECT ${columns} FROM json_populate_recordset(NULL::${sql.table(table)}, ${JSON.stringify(rows)}::json)`;
}
