import { sql } from 'kysely';
import { isSiteOpen } from '../../organisation/index.ts';
import type { Db, SiteCalendar } from '../../store/index.ts';

export interface SiteHours {
  calendar: SiteCalendar;
  timeZone: string;
}

const MINUTE = 60_000;
const STEP = 5 * MINUTE;
/** How far ahead to look for the next opening: past a long holiday weekend. */
const HORIZON = 15 * 24 * 60 * MINUTE;

/** Live chat is open when at least one site serving the subsidiary is open now. */
export const anySiteOpen = (sites: SiteHours[], at: Date): boolean =>
  sites.some((s) => isSiteOpen(s.calendar, s.timeZone, at));

/**
 * The first minute, after `at`, at which a site serving the subsidiary opens; null when
 * none opens within two weeks. Steps by five minutes, then finds the minute.
 */
export function nextOpening(sites: SiteHours[], at: Date): Date | null {
  if (sites.length === 0) return null;
  const start = Math.ceil(at.getTime() / MINUTE) * MINUTE;
  for (let t = start; t <= start + HORIZON; t += STEP) {
    if (!anySiteOpen(sites, new Date(t))) continue;
    let first = t;
    while (first - MINUTE > start && anySiteOpen(sites, new Date(first - MINUTE))) first -= MINUTE;
    return new Date(first);
  }
  return null;
}

/** The hours of every site that serves a subsidiary. */
export async function sitesServing(db: Db, subsidiaryId: string): Promise<SiteHours[]> {
  const rows = await db
    .selectFrom('sites')
    .select(['calendar', 'time_zone'])
    .where(sql<boolean>`${subsidiaryId}::uuid = any(subsidiary_ids)`)
    .execute();
  return rows.map((r) => ({ calendar: r.calendar, timeZone: r.time_zone }));
}

/** How far back the average time to a first reply is taken. */
const HISTORY_DAYS = 7;

/**
 * The estimated wait, in seconds, of a visitor whose chat waits for a first answer: the
 * chats of the subsidiary waiting longer than this one, plus this one, times the recent
 * average time to a first agent reply. Null without history to go on. A crude, honest
 * estimate from the store, used when the router's figure (position ÷ its queue's service
 * rate) has nothing to go on because the queue served nobody in the last hour.
 */
export async function estimateWait(
  db: Db,
  subsidiaryId: string,
  conversationId: string | null,
  now: Date,
): Promise<number | null> {
  const since = new Date(now.getTime() - HISTORY_DAYS * 24 * 60 * MINUTE);
  const history = await db
    .selectFrom('conversations')
    .select([
      sql<number | null>`avg(extract(epoch from first_responded_at - created_at))`.as('seconds'),
      sql<number>`count(*)`.as('n'),
    ])
    .where('subsidiary_id', '=', subsidiaryId)
    .where('channel', '=', 'chat')
    .where('first_responded_at', 'is not', null)
    .where('first_responded_at', '>=', since)
    .executeTakeFirst();
  const average =
    history?.seconds === null || history?.seconds === undefined ? null : Number(history.seconds);
  if (average === null || Number(history?.n ?? 0) === 0) return null;
  let ahead = db
    .selectFrom('conversations')
    .select(sql<number>`count(*)`.as('n'))
    .where('subsidiary_id', '=', subsidiaryId)
    .where('channel', '=', 'chat')
    .where('status', '=', 'open')
    .where('first_responded_at', 'is', null);
  if (conversationId) ahead = ahead.where('id', '<', conversationId);
  const waiting = Number((await ahead.executeTakeFirst())?.n ?? 0);
  return Math.max(0, Math.round((waiting + 1) * average));
}
