import type { Kysely } from 'kysely';
import type { Database } from '../store/index.ts';

/** Record a domain event in the caller's transaction; it is published only after commit. */
export async function recordEvent(trx: Kysely<Database>, name: string, payload: unknown): Promise<void> {
  await trx
    .insertInto('outbox')
    .values({ name, payload: JSON.stringify(payload) })
    .execute();
}

export interface DomainEvent {
  name: string;
  payload: unknown;
}

/** Outbox rows of events, for callers that write them in a statement of their own. */
export const eventRows = (events: DomainEvent[]) =>
  events.map((e) => ({ name: e.name, payload: JSON.stringify(e.payload) }));

/** Record several events in one statement. */
export async function recordEvents(trx: Kysely<Database>, events: DomainEvent[]): Promise<void> {
  if (events.length === 0) return;
  await trx.insertInto('outbox').values(eventRows(events)).execute();
}
