import type { Socket } from 'node:net';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { DB } from './schema.ts';

/** A query builder that knows every table, as the migrations make them (src/db/schema.ts). */
export type Db = Kysely<DB>;

// Dates stay as the strings PostgreSQL sends for `date`; timestamps become Date.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

/**
 * Runs `work` in a transaction whose statements are written to PostgreSQL as soon as they are
 * made, without waiting for the answer to the one before (the protocol's pipelining). Statements
 * made together (Promise.all) cost one round trip between them, not one each, and BEGIN goes with
 * the first. PostgreSQL still runs them one at a time in the order they were made; once one fails,
 * the rest fail and nothing is committed. `work` must await every statement it makes: COMMIT is
 * sent when it returns, and a statement made after that is refused.
 *
 * `work` may send COMMIT sooner, with its last statements, by calling `commit()` once it has made
 * them (in the same turn of the event loop): COMMIT then goes in their write, and the answer to it
 * comes with theirs, one round trip instead of two. The transaction then commits unless one of
 * those statements fails, so `work` must only await them after calling it: a decision to roll back
 * taken on their answers would come too late. A statement made after it is refused.
 */
export type Pipelined = <T>(work: (trx: Db, commit: () => void) => Promise<T>) => Promise<T>;

export interface Database {
  pool: pg.Pool;
  db: Db;
  pipelined: Pipelined;
  close(): Promise<void>;
}

function newPool(connectionString: string, max: number, pipeline = false) {
  const pool = new pg.Pool({ connectionString, max, application_name: 'flagstone', pipeline });
  // A connection losing its server (a failover, a restart, an ended session) must not crash the
  // process, idle or in use: the pool listens only while a client is idle, so each client gets a
  // listener of its own. The query in flight fails on its own; the pool discards the connection
  // when it is released, and the next query opens a new one.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  return pool;
}

export function connect(connectionString: string, max = 10): Database {
  const pool = newPool(connectionString, max);
  const db = builderOn(pool);
  const pipelining = pipelinedTransactions(connectionString, 4);
  return {
    pool,
    db,
    pipelined: pipelining.run,
    close: async () => {
      await Promise.all([db.destroy(), pipelining.close()]);
      // The query builder ends the pool only if it was used: a command that used the pool alone
      // (migrate) would otherwise wait for its idle connections to time out before exiting.
      if (!pool.ended) await pool.end();
    },
  };
}

/** A query builder whose statements go to the pool's connections. */
const builderOn = (pool: pg.Pool): Db => new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });

/**
 * Sends statements made together in one write: the client's socket is held (corked) until the
 * promise jobs running now are done, so the statements of a Promise.all, each made a few jobs
 * later than the call, still share the write. (The socket is the driver's `connection.stream`.)
 */
const corked = (client: pg.PoolClient, names: StatementNames) => {
  const { stream } = (client as unknown as { connection: { stream: Socket } }).connection;
  return (text: string, values?: unknown[]) => {
    stream.cork();
    process.nextTick(() => stream.uncork());
    const name = names(text);
    return name ? client.query({ name, text, values }) : client.query(text, values);
  };
};

/**
 * The name a statement is prepared under on each connection, so that PostgreSQL parses and plans
 * it once per connection instead of at every use: for the batches of the front door, whose few
 * statements (one text each, however many rows) cost more to plan than to run for a small batch.
 * Numbered in the order first seen; beyond the first MOST_NAMED texts, statements go unnamed, so a
 * statement made with a varying text cannot fill the server's memory.
 */
type StatementNames = (text: string) => string | null;
const MOST_NAMED = 64;
function statementNames(): StatementNames {
  const names = new Map<string, string>();
  return (text) => {
    const known = names.get(text);
    if (known || names.size >= MOST_NAMED) return known ?? null;
    const name = `flagstone_${names.size}`;
    names.set(text, name);
    return name;
  };
}

/** Pipelined transactions, on a few connections of their own (opened when first needed). */
function pipelinedTransactions(connectionString: string, max: number) {
  let pool: pg.Pool | null = null;
  const names = statementNames();
  // Each connection has a query builder of its own that sends each statement at once, and only
  // while `work` runs: a statement it did not await could otherwise land after the COMMIT.
  const builders = new WeakMap<pg.PoolClient, { db: Db; send: ReturnType<typeof corked>; open: boolean }>();
  const builder = (client: pg.PoolClient) => {
    const send = corked(client, names);
    const refuse = () =>
      Promise.reject(new Error('A statement was made after its pipelined transaction ended'));
    const connection = {
      query: (text: string, values?: unknown[]) => (made.open ? send(text, values) : refuse()),
      release() {},
    };
    const made = {
      send,
      open: false,
      db: builderOn({ connect: async () => connection, end: async () => {} } as unknown as pg.Pool),
    };
    builders.set(client, made);
    return made;
  };
  const run: Pipelined = async (work) => {
    pool ??= newPool(connectionString, max, true);
    const client = await pool.connect();
    const trx = builders.get(client) ?? builder(client);
    let broken = false;
    const begin = trx.send('BEGIN');
    // Awaited below; until then a connection lost mid-work must not make it an unhandled rejection.
    begin.catch(() => {});
    let committing: Promise<pg.QueryResult> | null = null;
    // The statements `work` has just made reach the driver a few promise jobs later; a tick runs
    // once those jobs are done and before the socket is uncorked, so COMMIT follows them in order
    // and in the same write.
    const commit = () => {
      committing ??= new Promise<pg.QueryResult>((resolve, reject) =>
        process.nextTick(() => {
          trx.open = false;
          trx.send('COMMIT').then(resolve, reject);
        }),
      );
      committing.catch(() => {});
    };
    trx.open = true;
    try {
      const result = await work(trx.db, commit);
      trx.open = false;
      await begin;
      // After a failed statement PostgreSQL answers COMMIT by rolling back.
      if ((await (committing ?? client.query('COMMIT'))).command !== 'COMMIT')
        throw new Error('The transaction was rolled back');
      return result;
    } catch (error) {
      trx.open = false;
      await begin.catch(() => {});
      // A COMMIT sent already ended the transaction (rolled back, as a statement failed).
      await (committing ?? client.query('ROLLBACK')).catch(() => {
        broken = true;
      });
      throw error;
    } finally {
      client.release(broken);
    }
  };
  return { run, close: async () => pool?.end() };
}

/**
 * An INSERT of many rows that sends them as one JSON parameter, read by PostgreSQL against the
 * table's own row type (`json_populate_recordset`). A VALUES list would have the query builder
 * compile, and the driver send, one parameter for each column of each row: for the batches the
 * front door stores, that cost more than the rest of the request. The columns are the first row's
 * keys, and every row must give each of them (null, not undefined); the table's defaults fill the
 * others. Values are as JSON has them: dates become ISO strings, and a jsonb column takes the
 * object itself, a bytea column a `\x` hex string. Append ON CONFLICT or RETURNING as needed.
 * The table is one of the schema's, and the type checker holds the rows' keys to its columns.
 */
export function insertRows<T extends keyof DB & string>(
  table: T,
  rows: readonly Partial<Record<keyof DB[T] & string, unknown>>[],
) {
  const names = Object.keys(rows[0] ?? {});
  // A row without one of the columns would store null there, not the table's default.
  const uneven = (row: Partial<Record<string, unknown>>) =>
    Object.keys(row).length !== names.length || names.some((name) => row[name] === undefined);
  if (rows.some(uneven))
    throw new Error(`Rows for ${table} must all give the same columns: ${names.join(', ')}`);
  const columns = sql.join(names.map((column) => sql.ref(column)));
  return sql`INSERT INTO ${sql.table(table)} (${columns}) SELECT ${columns} FROM json_populate_recordset(NULL::${sql.table(table)}, ${JSON.stringify(rows)}::json)`;
}
