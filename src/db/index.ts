// The database: one pool, migrations, the embedded PostgreSQL for a bare machine, and the type of
// every table (`DB`, generated from the migrations by `npm run db:types`).

export {
  APP_ROLE,
  DataFolderInUse,
  type EmbeddedServer,
  holdInstance,
  instanceRunning,
  startEmbedded,
} from './embedded.ts';
export { ledgerOpenToApp, migrate, migrationFiles, pendingMigrations } from './migrate.ts';
export { connect, type Database, type Db, insertRows, type Pipelined } from './pool.ts';
export type { DB } from './schema.ts';
