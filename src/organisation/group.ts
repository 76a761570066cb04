import { newId } from '../core/index.ts';
import type { Db } from '../store/index.ts';

/** Create the group, the root every subsidiary and site hangs from: once per installation. */
export async function createGroup(trx: Db, name: string): Promise<{ id: string; name: string }> {
  const row = await trx
    .insertInto('groups')
    .values({ id: newId(), name })
    .returning(['id', 'name'])
    .executeTakeFirstOrThrow();
  return row;
}
