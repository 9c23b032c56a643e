// The database: one pool, migrations, and the embedded PostgreSQL for a bare machine.
export { connect, type Database, type Db } from './pool.ts';
export { migrate, pendingMigrations } from './migrate.ts';
export { DataFolderInUse, startEmbedded, type EmbeddedServer } from './embedded.ts';
