export { recordAudit, type AuditEntry } from './audit.ts';
export { openStore, type Db, type Store, type StoreOptions } from './database.ts';
export { loadMigrations, migrate, type Migration } from './migrate.ts';
export { type Page, PageQuery, paginate } from './page.ts';
export type * from './tables.ts';
export { assertVersion } from './versioned.ts';
export * from './visibility.ts';
