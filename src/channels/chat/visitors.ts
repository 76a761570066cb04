import { createHash, randomBytes } from 'node:crypto';
import { newId } from '../../core/index.ts';
import type { Db } from '../../store/index.ts';

/** Who is chatting through a widget: known once they wrote, else only in this connection. */
export interface ChatVisitor {
  id: string;
  /** The secret the widget keeps to come back as this visitor; stored only as a hash. */
  token: string;
  subsidiaryId: string;
  endpointId: string;
  language: string;
}

const hash = (token: string): string => createHash('sha256').update(token).digest('hex');

/** A new visitor: a random id and a 256-bit token. Nothing is stored until they write. */
export function newVisitor(endpoint: { id: string; subsidiary_id: string }, language: string): ChatVisitor {
  return {
    id: newId(),
    token: randomBytes(32).toString('base64url'),
    subsidiaryId: endpoint.subsidiary_id,
    endpointId: endpoint.id,
    language,
  };
}

/** The visitor a token belongs to on this widget; a token of another widget finds nobody. */
export async function findVisitor(
  db: Db,
  endpoint: { id: string; subsidiary_id: string },
  token: string,
  language: string,
): Promise<ChatVisitor | undefined> {
  const row = await db
    .selectFrom('chat_visitors')
    .select(['id'])
    .where('token_hash', '=', hash(token))
    .where('endpoint_id', '=', endpoint.id)
    .executeTakeFirst();
  if (!row) return undefined;
  return { id: row.id, token, subsidiaryId: endpoint.subsidiary_id, endpointId: endpoint.id, language };
}

/** Keep the visitor, in the transaction of their first write, so their token works from then on. */
export async function keepVisitor(trx: Db, visitor: ChatVisitor, now: Date): Promise<void> {
  await trx
    .insertInto('chat_visitors')
    .values({
      id: visitor.id,
      subsidiary_id: visitor.subsidiaryId,
      endpoint_id: visitor.endpointId,
      token_hash: hash(visitor.token),
      language: visitor.language,
      created_at: now,
      last_seen_at: now,
    })
    .onConflict((oc) => oc.column('id').doUpdateSet({ last_seen_at: now, language: visitor.language }))
    .execute();
}
