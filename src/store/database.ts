import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, type PostgresPool, type PostgresPoolClient } from 'kysely';
import pg from 'pg';
import { PGliteDialect } from './pglite-dialect.ts';
import type { Database } from './tables.ts';

export type Db = Kysely<Database>;

export interface Store {
  db: Db;
  kind: 'embedded' | 'postgres';
  /** Where the embedded store keeps its files, or the PostgreSQL URL without its password. */
  location: string;
  close(): Promise<void>;
}

export type StoreOptions =
  | { kind: 'postgres'; url: string; poolSize?: number }
  | { kind: 'embedded'; dataDir?: string | undefined };

const INT8 = 20;
const NUMERIC = 1700;

/** Open the store: PostgreSQL when a URL is given, the embedded PGlite otherwise (in memory without a data dir). */
export async function openStore(options: StoreOptions): Promise<Store> {
  if (options.kind === 'postgres') {
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize ?? 10,
      types: {
        getTypeParser: ((oid: number, format?: string) => {
          // Counts and ids from bigserial fit a double; numeric columns are small decimals (quality index).
          if (oid === INT8 || oid === NUMERIC) return (value: string) => Number(value);
          return pg.types.getTypeParser(oid, format as 'text');
        }) as typeof pg.types.getTypeParser,
      },
    });
    // An idle connection that the server closes (restart, failover) is dropped and replaced
    // by the pool; without a listener the error would end the process.
    pool.on('error', () => undefined);
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: preparing(pool) }) });
    return { db, kind: 'postgres', location: redact(options.url), close: () => db.destroy() };
  }
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const pglite = await PGlite.create(options.dataDir ?? 'memory://', {
    parsers: { [INT8]: (v: string) => Number(v), [NUMERIC]: (v: string) => Number(v) },
    serializers: { [pgliteTypes.INT8]: (v: unknown) => String(v) },
  });
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  return {
    db,
    kind: 'embedded',
    location: options.dataDir ?? 'memory',
    close: async () => {
      await db.destroy();
      await pglite.close();
    },
  };
}

const statementNames = new Map<string, string>();

/**
 * Every parameterised query runs as a named prepared statement: PostgreSQL parses and
 * plans each distinct statement once per connection instead of on every call.
 */
function preparing(pool: pg.Pool): PostgresPool {
  const nameOf = (text: string): string => {
    let name = statementNames.get(text);
    if (!name) {
      name = `r${createHash('sha1').update(text).digest('hex')}`;
      if (statementNames.size > 10_000) statementNames.clear();
      statementNames.set(text, name);
    }
    return name;
  };
  return {
    async connect() {
      const client = await pool.connect();
      const query = (text: string, values: unknown[]) =>
        values.length > 0 ? client.query({ name: nameOf(text), text, values }) : client.query(text);
      return { query, release: () => client.release() } as unknown as PostgresPoolClient;
    },
    end: () => pool.end(),
  };
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres';
  }
}

/** Run in the caller's transaction if there is one, else in a new one. */
export function atomically<T>(db: Db, work: (trx: Db) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}
