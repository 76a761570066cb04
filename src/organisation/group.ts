import { DomainError, newId, SYSTEM_ACTOR, Text } from '../core/index.ts';
import type { Db } from '../store/index.ts';
import { insertUser, UserCreate } from './users.ts';

/** Create the group, the root every subsidiary and site hangs from: once per installation. */
export async function createGroup(trx: Db, name: string): Promise<{ id: string; name: string }> {
  const row = await trx
    .insertInto('groups')
    .values({ id: newId(), name })
    .returning(['id', 'name'])
    .executeTakeFirstOrThrow();
  return row;
}

/**
 * First start without the demo: create the group and its first group administrator,
 * together. Refused when the store already has a group.
 */
export async function initialiseGroup(
  db: Db,
  input: { groupName: string; email: string; displayName: string; password: string; now: Date },
): Promise<{ groupId: string; userId: string }> {
  const account = UserCreate.safeParse({
    email: input.email,
    displayName: input.displayName,
    password: input.password,
    role: 'admin',
    scope: { kind: 'group' },
  });
  const name = Text(200).safeParse(input.groupName);
  const issues = [
    ...(account.success
      ? []
      : account.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }))),
    ...(name.success ? [] : [{ path: 'group', message: name.error.issues[0]?.message ?? 'is not valid' }]),
  ];
  if (!account.success || !name.success) {
    throw new DomainError(
      'validation_failed',
      issues.map((i) => `${i.path}: ${i.message}`).join('; '),
      issues,
    );
  }
  return db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom('groups').select('name').executeTakeFirst();
    if (existing) throw new DomainError('conflict', `the store already holds the group "${existing.name}"`);
    const group = await createGroup(trx, name.data);
    const user = await insertUser(trx, { actor: SYSTEM_ACTOR, now: input.now }, account.data);
    return { groupId: group.id, userId: user.id };
  });
}
