import type { SelectQueryBuilder } from 'kysely';
import { z } from 'zod';
import { DomainError, isUuid } from '../core/index.ts';

/** Query parameters every list accepts. */
export const PageQuery = z.object({
  cursor: z.string().max(200).optional().describe('the nextCursor of the previous page'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type PageQuery = z.infer<typeof PageQuery>;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

const encodeCursor = (id: string): string => Buffer.from(id, 'utf8').toString('base64url');

function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!isUuid(id) && !/^\d{1,18}$/.test(id)) {
    throw new DomainError('validation_failed', 'cursor: is not a cursor this API returned', [
      { path: 'cursor', message: 'is not a cursor this API returned' },
    ]);
  }
  return id;
}

/**
 * Keyset pagination on a time-ordered uuid (or serial) column: stable under inserts, no offsets.
 * The query must already select the id column named by `idColumn`.
 */
export async function paginate<DB, TB extends keyof DB, O extends { id: string | number }>(
  query: SelectQueryBuilder<DB, TB, O>,
  idColumn: string,
  page: PageQuery,
): Promise<Page<O>> {
  let q = query;
  if (page.cursor) q = q.where(idColumn as never, '>', decodeCursor(page.cursor) as never);
  const rows = await q
    .orderBy(idColumn as never)
    .limit(page.limit + 1)
    .execute();
  const more = rows.length > page.limit;
  const items = more ? rows.slice(0, page.limit) : rows;
  const last = items.at(-1);
  return { items, nextCursor: more && last ? encodeCursor(String(last.id)) : null };
}
