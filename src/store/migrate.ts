import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { DomainError } from '../core/index.ts';
import type { Db } from './database.ts';

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);
// Any fixed number: every process that migrates takes the same lock, so two starts never race.
const MIGRATION_LOCK = 7_340_021;

/** The migrations shipped with this version, in order: `NNNN_name.sql`. */
export function loadMigrations(dir: URL = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((file) => {
      const text = readFileSync(new URL(file, dir), 'utf8');
      return {
        version: Number(file.slice(0, 4)),
        name: file.slice(5, -4),
        sql: text,
        checksum: createHash('sha256').update(text).digest('hex'),
      };
    });
}

/**
 * Apply the missing migrations, forward only, all in one transaction under a lock. An applied
 * migration whose file has changed, or one this version does not know, stops everything.
 */
export async function migrate(db: Db, migrations: Migration[] = loadMigrations()): Promise<Migration[]> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK})`.execute(trx);
    await sql`create table if not exists schema_migrations (
      version integer primary key,
      name text not null,
      checksum text not null,
      applied_at timestamptz not null default now()
    )`.execute(trx);
    const applied = await trx.selectFrom('schema_migrations').selectAll().orderBy('version').execute();
    const known = new Map(migrations.map((m) => [m.version, m]));
    for (const row of applied) {
      const migration = known.get(row.version);
      if (!migration) {
        throw new DomainError(
          'migration_unknown',
          `the store has migration ${row.version} (${row.name}) that this version of Relais does not know; run a newer version`,
        );
      }
      if (migration.checksum !== row.checksum) {
        throw new DomainError(
          'migration_checksum_mismatch',
          `migration ${row.version} (${row.name}) was changed after it was applied; add a new migration instead`,
        );
      }
    }
    const done = new Set(applied.map((r) => r.version));
    const pending = migrations.filter((m) => !done.has(m.version));
    for (const migration of pending) {
      await sql.raw(migration.sql).execute(trx);
      await trx
        .insertInto('schema_migrations')
        .values({ version: migration.version, name: migration.name, checksum: migration.checksum })
        .execute();
    }
    return pending;
  });
}
