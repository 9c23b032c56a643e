// The database: one pool, migrations, and the embedded PostgreSQL for a bare machine.

export { DataFolderInUse, type EmbeddedServer, startEmbedded } from './embedded.ts';
export { migrate, migrationFiles, pendingMigrations } from './migrate.ts';
export { connect, type Database, type Db, insertRows, type Pipelined } from './pool.ts';
