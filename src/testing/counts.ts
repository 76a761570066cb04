import { sql } from 'kysely';
import type { Db } from '../store/index.ts';

/**
 * Row counts of every table of the store, read from the catalogue so a table added
 * later is counted too: "nothing written" means these stay the same. The migrations'
 * own table and sign-in sessions (tests sign in between two counts) are left out.
 */
export async function rowCounts(db: Db): Promise<Record<string, number>> {
  const tables = await sql<{ tablename: string }>`
    select tablename from pg_tables where schemaname = current_schema() and tablename not in ('schema_migrations', 'sessions')
    order by tablename`.execute(db);
  const query = tables.rows
    .map((t) => `select '${t.tablename}' as t, count(*) as n from "${t.tablename}"`)
    .join(' union all ');
  const result = await sql.raw<{ t: string; n: string | number }>(query).execute(db);
  return Object.fromEntries(result.rows.map((r) => [r.t, Number(r.n)]));
}
