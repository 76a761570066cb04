import type { Channel, Tier } from '../core/index.ts';
import { newId } from '../core/index.ts';
import type { Db, NewRow } from '../store/index.ts';
import type { Fixture } from './fixture.ts';

/** One kind of contact of the fixture's history: so many an hour on weekdays, 09:00–17:00 UTC. */
export interface HistoryStream {
  subsidiary: 'fr' | 'ma';
  language: string;
  channel: Channel;
  tier: Tier;
  perHour: number;
}

/** French email and chat at level 1, French email at level 2, Moroccan chat in Arabic. */
export const FIXTURE_HISTORY: HistoryStream[] = [
  { subsidiary: 'fr', language: 'fr', channel: 'email', tier: 'level1', perHour: 4 },
  { subsidiary: 'fr', language: 'fr', channel: 'chat', tier: 'level1', perHour: 3 },
  { subsidiary: 'fr', language: 'fr', channel: 'email', tier: 'level2', perHour: 1 },
  { subsidiary: 'ma', language: 'ar', channel: 'chat', tier: 'level1', perHour: 2 },
];

const DAY_MS = 86_400_000;

/**
 * Past weeks of closed conversations, each with its first inbound message, written as Relais
 * writes them, so that a forecast of the fixture's subsidiaries has something to learn from:
 * the whole weekdays of `weeks` weeks before `until`'s day.
 */
export async function writeContactHistory(
  db: Db,
  fixture: Fixture,
  options: { until: Date; weeks?: number; streams?: HistoryStream[] },
): Promise<number> {
  const streams = options.streams ?? FIXTURE_HISTORY;
  const lastDay = Math.floor(options.until.getTime() / DAY_MS) * DAY_MS - DAY_MS;
  const conversations: NewRow<'conversations'>[] = [];
  const messages: NewRow<'messages'>[] = [];
  for (let day = lastDay - ((options.weeks ?? 8) * 7 - 1) * DAY_MS; day <= lastDay; day += DAY_MS) {
    const weekday = new Date(day).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    for (let hour = 9; hour < 17; hour++)
      for (const stream of streams) {
        const subsidiaryId = fixture.subsidiaries[stream.subsidiary].id;
        const customerId =
          stream.subsidiary === 'fr'
            ? fixture.customers.frAtCasablanca.id
            : fixture.customers.maAtCasablanca.id;
        // A little more in the morning than in the afternoon, the same every week.
        const count = stream.perHour + (hour < 12 ? 1 : 0);
        for (let k = 0; k < count; k++) {
          const at = new Date(day + hour * 3_600_000 + Math.floor((k * 60) / count) * 60_000);
          const id = newId(at.getTime());
          conversations.push({
            id,
            subsidiary_id: subsidiaryId,
            customer_id: customerId,
            site_id: fixture.sites.casablanca.id,
            assignee_id: null,
            channel: stream.channel,
            channels: [stream.channel],
            subject: 'history',
            language: stream.language,
            tier: stream.tier,
            required_skills: [],
            priority: 'normal',
            status: 'closed',
            first_response_due_at: null,
            resolution_due_at: null,
            first_responded_at: null,
            resolved_at: null,
            last_message_at: at,
            created_at: at,
            updated_at: at,
          });
          messages.push({
            id: newId(at.getTime()),
            conversation_id: id,
            subsidiary_id: subsidiaryId,
            direction: 'inbound',
            channel: stream.channel,
            author_kind: 'customer',
            author_id: null,
            text: 'history',
            raw: null,
            raw_media_type: null,
            attachments: '[]',
            language: null,
            delivery_status: 'received',
            external_id: null,
            created_at: at,
          });
        }
      }
  }
  for (let i = 0; i < conversations.length; i += 500) {
    await db
      .insertInto('conversations')
      .values(conversations.slice(i, i + 500))
      .execute();
    await db
      .insertInto('messages')
      .values(messages.slice(i, i + 500))
      .execute();
  }
  return conversations.length;
}
