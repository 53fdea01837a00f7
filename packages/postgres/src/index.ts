export { startEmbeddedPostgres, type EmbeddedOptions, type EmbeddedServer } from './embedded-postgres.js';
export { migrate } from './migrate.js';
export { inTransaction, openDatabase, type Database, type DatabaseOptions } from './database.js';
