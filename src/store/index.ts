export { type AuditEntry, auditRow, recordAudit } from './audit.ts';
export { atomically, type Db, openStore, type Store, type StoreOptions } from './database.ts';
export { directoryFileStore, type FileStore } from './files.ts';
export { loadMigrations, type Migration, migrate } from './migrate.ts';
export { type Page, PageQuery, paginate } from './page.ts';
export type * from './tables.ts';
export { assertVersion } from './versioned.ts';
export * from './visibility.ts';
