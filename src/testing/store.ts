import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { loadConfig } from '../core/index.ts';
import { migrate, openStore, type Store } from '../store/index.ts';

/**
 * A fresh, migrated store for one test file: the embedded PGlite in memory, or, when
 * DATABASE_URL is set, a new PostgreSQL database of its own that is dropped afterwards.
 */
export async function freshStore(): Promise<Store & { url?: string }> {
  const config = loadConfig(process.env);
  if (!config.DATABASE_URL) {
    const store = await openStore({ kind: 'embedded' });
    await migrate(store.db);
    return store;
  }
  const name = `relais_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: config.DATABASE_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(config.DATABASE_URL);
  url.pathname = `/${name}`;
  const store = await openStore({ kind: 'postgres', url: url.toString(), poolSize: 8 });
  await migrate(store.db);
  return {
    ...store,
    url: url.toString(),
    close: async () => {
      await store.close();
      const again = new pg.Client({ connectionString: config.DATABASE_URL });
      await again.connect();
      await again.query(`drop database if exists ${name} with (force)`);
      await again.end();
    },
  };
}

export const onPostgres = (): boolean => Boolean(loadConfig(process.env).DATABASE_URL);
