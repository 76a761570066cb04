import { afterEach, describe, expect, it } from 'vitest';
import { DomainError } from '../core/index.ts';
import { freshStore } from '../testing/index.ts';
import type { Store } from './database.ts';
import { loadMigrations, migrate } from './migrate.ts';

let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

describe('migrations', () => {
  it('apply once, forward only, and record their checksums', async () => {
    store = await freshStore();
    const again = await migrate(store.db);
    expect(again).toEqual([]);
    const rows = await store.db.selectFrom('schema_migrations').selectAll().orderBy('version').execute();
    expect(rows.map((r) => r.version)).toEqual(loadMigrations().map((m) => m.version));
    expect(rows[0]?.checksum).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuse a migration edited after it was applied, and change nothing', async () => {
    store = await freshStore();
    const edited = loadMigrations().map((m, i) =>
      i === 0 ? { ...m, sql: `${m.sql}\n-- edited`, checksum: 'x'.repeat(64) } : m,
    );
    const error = await migrate(store.db, edited).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('migration_checksum_mismatch');
    const rows = await store.db
      .selectFrom('schema_migrations')
      .select('checksum')
      .orderBy('version')
      .execute();
    expect(rows.map((r) => r.checksum)).toEqual(loadMigrations().map((m) => m.checksum));
  });

  it('refuse a store migrated by a newer version', async () => {
    store = await freshStore();
    const fewer = loadMigrations().slice(0, 0);
    const error = await migrate(store.db, fewer).catch((e: unknown) => e);
    expect((error as DomainError).code).toBe('migration_unknown');
  });

  it('apply a new migration in order and roll it back whole when it fails', async () => {
    store = await freshStore();
    const base = loadMigrations();
    const next = base.length + 1;
    const broken = [
      ...base,
      {
        version: next,
        name: 'broken',
        sql: 'create table probe (id int); select * from missing_table;',
        checksum: 'b'.repeat(64),
      },
    ];
    await expect(migrate(store.db, broken)).rejects.toThrow();
    const probe = await store.db
      .selectFrom('information_schema.tables' as never)
      .select('table_name' as never)
      .where('table_name' as never, '=', 'probe' as never)
      .execute();
    expect(probe).toEqual([]);
    const good = [
      ...base,
      { version: next, name: 'probe', sql: 'create table probe (id int);', checksum: 'c'.repeat(64) },
    ];
    expect((await migrate(store.db, good)).map((m) => m.name)).toEqual(['probe']);
  });

  it('let two starts race: each migration runs exactly once', async () => {
    store = await freshStore();
    const base = loadMigrations();
    const extra = [
      ...base,
      {
        version: base.length + 1,
        name: 'once',
        sql: 'create table once_only (id int);',
        checksum: 'd'.repeat(64),
      },
    ];
    const [a, b] = await Promise.all([migrate(store.db, extra), migrate(store.db, extra)]);
    expect([...(a ?? []), ...(b ?? [])].map((m) => m.name)).toEqual(['once']);
  });
});
