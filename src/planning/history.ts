import { type RawBuilder, sql } from 'kysely';
import {
  type Actor,
  assertCan,
  type Channel,
  type Context,
  DomainError,
  invalid,
  type Tier,
} from '../core/index.ts';
import { type Db, visibleConversations, visibleSubsidiaries } from '../store/index.ts';
import {
  addDays,
  type ContactHistory,
  forecastSegments,
  localMidnight,
  type SegmentCount,
  type SegmentForecastSet,
  type SegmentHandlingTime,
  type SegmentKey,
  type SubsidiaryHistory,
  wallClock,
} from './segment-forecast.ts';

// Contact history read from the store, per subsidiary × language × channel × tier and interval,
// and the forecast of the weeks ahead made from it. What counts as a contact, and how handling
// time is measured, is told in docs/planning.md ("Forecasting from conversation history").

export const MAX_FORECAST_WEEKS = 8;
export const DEFAULT_HISTORY_WEEKS = 8;
export const MAX_HISTORY_WEEKS = 52;
/** The shortest interval a forecast is made in: finer ones are noise for staffing. */
export const MIN_INTERVAL_MINUTES = 15;
/** A segment's handling time is given when it was measured on at least this many contacts. */
export const MIN_HANDLING_SAMPLES = 5;
/** An agent's sitting on a work item ends at the first pause longer than this between two messages. */
const SITTING_GAP_MS = 30 * 60_000;
/** Messages later than this after an assignment are never part of its sitting. */
const SITTING_LIMIT = sql.lit('4 hours');

const DAY_MS = 86_400_000;

/** Forecasts cover whole subsidiaries: a site's people see the work routed to their site, not a subsidiary's volume. */
function assertMayForecast(actor: Actor): void {
  assertCan(actor, 'conversations:read');
  if (actor.scope.kind === 'site')
    throw new DomainError(
      'forbidden',
      'contact forecasts cover whole subsidiaries; a site account sees only the work routed to its site',
    );
}

/** A local interval of a subsidiary, as the number of intervals since 1970-01-01T00:00 wall time. */
const bucket = (column: string, intervalMinutes: number): RawBuilder<number> =>
  sql<number>`floor(extract(epoch from (${sql.ref(column)} at time zone subsidiaries.time_zone)) / ${sql.lit(intervalMinutes * 60)})::bigint`;

/** The tier a conversation arrived at: the one it left at its first escalation, else its tier now. */
const arrivalTier = sql<Tier>`coalesce((
  select a.changes->>'from' from audit_log a
  where a.entity = 'conversation' and a.entity_id = conversations.id::text and a.action = 'escalate'
  order by a.id limit 1), conversations.tier)`;

/** The tier a conversation was at at an instant: its latest escalation by then, else its arrival tier. */
const tierAt = (column: string): RawBuilder<Tier> => sql<Tier>`coalesce((
  select e.tier from routing_decisions e
  where e.conversation_id = conversations.id and e.kind = 'escalated' and e.at <= ${sql.ref(column)}
  order by e.at desc limit 1), ${arrivalTier})`;

/** A voice message's call event as the telephony platform sent it, or null for any other message. */
const callEvent = sql`(case when m.channel = 'voice' and m.raw_media_type = 'application/json' and m.raw like '{%' then m.raw::jsonb end)`;

interface CountRow {
  subsidiaryId: string;
  language: string;
  channel: string;
  tier: string;
  bucket: number;
  contacts: number;
}

const GROUP_BY_SEGMENT_AND_BUCKET = [sql`1`, sql`2`, sql`3`, sql`4`, sql`5`];

/**
 * Contacts per segment and local interval in [from, to): new conversations (at the tier they
 * arrived at), escalations (at the tier escalated to) and inbound messages that reopened a
 * resolved conversation (at the tier it was then).
 */
async function readCounts(
  db: Db,
  actor: Actor,
  subsidiaryIds: string[],
  from: Date,
  to: Date,
  intervalMinutes: number,
): Promise<CountRow[]> {
  const scoped = () =>
    visibleConversations(db, actor)
      .innerJoin('subsidiaries', 'subsidiaries.id', 'conversations.subsidiary_id')
      .where('conversations.subsidiary_id', 'in', subsidiaryIds);
  const contacts = sql<number>`count(*)::int`;
  const arrivals = scoped()
    .where('conversations.created_at', '>=', from)
    .where('conversations.created_at', '<', to)
    .select([
      'conversations.subsidiary_id as subsidiaryId',
      'conversations.language',
      'conversations.channel',
      arrivalTier.as('tier'),
      bucket('conversations.created_at', intervalMinutes).as('bucket'),
      contacts.as('contacts'),
    ])
    .groupBy(GROUP_BY_SEGMENT_AND_BUCKET);
  const escalations = scoped()
    .innerJoin('routing_decisions as r', 'r.conversation_id', 'conversations.id')
    .where('r.kind', '=', 'escalated')
    .where('r.at', '>=', from)
    .where('r.at', '<', to)
    .select([
      'conversations.subsidiary_id as subsidiaryId',
      'conversations.language',
      'conversations.channel',
      'r.tier',
      bucket('r.at', intervalMinutes).as('bucket'),
      contacts.as('contacts'),
    ])
    .groupBy(GROUP_BY_SEGMENT_AND_BUCKET);
  // Reopening is recorded only in the audit row of the message that did it.
  const reopens = scoped()
    .innerJoin('messages as m', 'm.conversation_id', 'conversations.id')
    .innerJoin('audit_log as a', (join) =>
      join
        .on('a.entity', '=', 'conversation')
        .on(sql<boolean>`a.entity_id = conversations.id::text`)
        .on('a.action', '=', 'add_message')
        .on(sql<boolean>`a.changes->>'messageId' = m.id::text`),
    )
    .where('m.direction', '=', 'inbound')
    .where('m.created_at', '>=', from)
    .where('m.created_at', '<', to)
    .where(sql<boolean>`a.changes->>'status' = 'open'`)
    .select([
      'conversations.subsidiary_id as subsidiaryId',
      'conversations.language',
      'm.channel',
      tierAt('m.created_at').as('tier'),
      bucket('m.created_at', intervalMinutes).as('bucket'),
      contacts.as('contacts'),
    ])
    .groupBy(GROUP_BY_SEGMENT_AND_BUCKET);
  const rows = await Promise.all([arrivals.execute(), escalations.execute(), reopens.execute()]);
  return rows.flat() as CountRow[];
}

interface HandlingRow {
  subsidiaryId: string;
  language: string;
  channel: string;
  tier: string;
  seconds: number;
  samples: number;
}

/** Voice: the call durations the telephony platform reported when calls ended. */
async function readCallDurations(
  db: Db,
  actor: Actor,
  subsidiaryIds: string[],
  from: Date,
  to: Date,
): Promise<HandlingRow[]> {
  const rows = await visibleConversations(db, actor)
    .innerJoin('messages as m', 'm.conversation_id', 'conversations.id')
    .where('conversations.subsidiary_id', 'in', subsidiaryIds)
    .where('m.channel', '=', 'voice')
    .where('m.created_at', '>=', from)
    .where('m.created_at', '<', to)
    .where(sql<boolean>`${callEvent}->>'event' = 'ended'`)
    .where(sql<boolean>`jsonb_typeof(${callEvent}->'durationSeconds') = 'number'`)
    .where(sql<boolean>`(${callEvent}->>'durationSeconds')::float8 > 0`)
    .select([
      'conversations.subsidiary_id as subsidiaryId',
      'conversations.language',
      'm.channel',
      tierAt('m.created_at').as('tier'),
      sql<number>`avg((${callEvent}->>'durationSeconds')::float8)::float8`.as('seconds'),
      sql<number>`count(*)::int`.as('samples'),
    ])
    .groupBy([sql`1`, sql`2`, sql`3`, sql`4`])
    .execute();
  return rows as HandlingRow[];
}

/**
 * Work the router gave an agent: the sitting from the assignment to the agent's last message of
 * it — messages of the conversation until a pause of more than 30 minutes, the next routing
 * decision, or four hours. Measured only when the agent wrote in that sitting.
 */
async function readSittings(
  db: Db,
  actor: Actor,
  subsidiaryIds: string[],
  from: Date,
  to: Date,
): Promise<HandlingRow[]> {
  const rows = await visibleConversations(db, actor)
    .innerJoin('routing_decisions as r', 'r.conversation_id', 'conversations.id')
    .where('conversations.subsidiary_id', 'in', subsidiaryIds)
    .where('r.kind', '=', 'assigned')
    .where('r.agent_id', 'is not', null)
    .where('r.at', '>=', from)
    .where('r.at', '<', to)
    .select([
      'conversations.subsidiary_id as subsidiaryId',
      'conversations.language',
      'conversations.channel',
      'r.tier',
      sql<number>`extract(epoch from r.at)::float8 * 1000`.as('assignedAt'),
      sql<Array<{ at: number; agent: boolean }> | null>`(
        select jsonb_agg(jsonb_build_object(
          'at', extract(epoch from m.created_at)::float8 * 1000,
          'agent', m.author_kind = 'agent' and m.author_id = r.agent_id) order by m.created_at)
        from messages m
        where m.conversation_id = r.conversation_id
          and m.created_at >= r.at
          and m.created_at < r.at + interval ${SITTING_LIMIT}
          and not exists (
            select 1 from routing_decisions n
            where n.conversation_id = r.conversation_id and n.at > r.at and n.at <= m.created_at))`.as(
        'messages',
      ),
    ])
    .execute();
  const sittings = new Map<string, HandlingRow>();
  for (const row of rows) {
    const seconds = sittingSeconds(Number(row.assignedAt), row.messages ?? []);
    if (seconds === null) continue;
    const key = `${row.subsidiaryId}|${row.language}|${row.channel}|${row.tier}`;
    const found = sittings.get(key) ?? {
      subsidiaryId: row.subsidiaryId,
      language: row.language,
      channel: row.channel,
      tier: row.tier,
      seconds: 0,
      samples: 0,
    };
    found.seconds = (found.seconds * found.samples + seconds) / (found.samples + 1);
    found.samples += 1;
    sittings.set(key, found);
  }
  return [...sittings.values()];
}

/** Seconds from an assignment to the agent's last message of the sitting, or null when the agent wrote none. */
export function sittingSeconds(
  assignedAt: number,
  messages: Array<{ at: number; agent: boolean }>,
): number | null {
  let previous = assignedAt;
  let lastByAgent: number | null = null;
  for (const m of [...messages].sort((a, b) => a.at - b.at)) {
    if (m.at - previous > SITTING_GAP_MS) break;
    previous = m.at;
    if (m.agent) lastByAgent = m.at;
  }
  if (lastByAgent === null || lastByAgent <= assignedAt) return null;
  return (lastByAgent - assignedAt) / 1000;
}

/**
 * Mean handling time per segment: the telephony platform's call durations for voice when it
 * reported them, else the agents' sittings on routed work; only segments measured often enough.
 */
function handlingTimes(calls: HandlingRow[], sittings: HandlingRow[]): SegmentHandlingTime[] {
  const key = (r: HandlingRow) => `${r.subsidiaryId}|${r.language}|${r.channel}|${r.tier}`;
  const chosen = new Map<string, HandlingRow>();
  for (const r of sittings) if (r.samples >= MIN_HANDLING_SAMPLES) chosen.set(key(r), r);
  for (const r of calls) if (r.samples >= MIN_HANDLING_SAMPLES) chosen.set(key(r), r);
  return [...chosen.values()].map((r) => ({
    subsidiaryId: r.subsidiaryId,
    language: r.language,
    channel: r.channel as Channel,
    tier: r.tier as Tier,
    ahtSeconds: Math.round(r.seconds),
    samples: r.samples,
  }));
}

/**
 * The contacts of the `days` whole local days before the day of `until`, per segment and
 * interval of each subsidiary's local time, and the handling times measured over the same days,
 * for the subsidiaries the caller sees (a site account is refused).
 */
export async function readContactHistory(
  db: Db,
  ctx: Context,
  options: { until: Date; days: number; intervalMinutes: number },
): Promise<ContactHistory> {
  assertMayForecast(ctx.actor);
  const { until, days, intervalMinutes } = options;
  const rows = await visibleSubsidiaries(db, ctx.actor)
    .select(['id', 'code', 'time_zone'])
    .orderBy('code')
    .execute();
  const subsidiaries: Array<SubsidiaryHistory & { from: number; to: number }> = rows.map((s) => {
    const lastDay = addDays(wallClock(until.getTime(), s.time_zone).date, -1);
    const firstDay = addDays(lastDay, -(days - 1));
    return {
      id: s.id,
      code: s.code,
      timeZone: s.time_zone,
      firstDay,
      lastDay,
      from: localMidnight(firstDay, s.time_zone),
      to: localMidnight(addDays(lastDay, 1), s.time_zone),
    };
  });
  if (subsidiaries.length === 0)
    return { intervalMinutes, subsidiaries: [], counts: [], handlingTimes: [], from: until, to: until };
  const from = new Date(Math.min(...subsidiaries.map((s) => s.from)));
  const to = new Date(Math.max(...subsidiaries.map((s) => s.to)));
  const ids = subsidiaries.map((s) => s.id);
  const [countRows, calls, sittings] = await Promise.all([
    readCounts(db, ctx.actor, ids, from, to, intervalMinutes),
    readCallDurations(db, ctx.actor, ids, from, to),
    readSittings(db, ctx.actor, ids, from, to),
  ]);
  const byId = new Map(subsidiaries.map((s) => [s.id, s]));
  const merged = new Map<string, SegmentCount>();
  for (const row of countRows) {
    const subsidiary = byId.get(row.subsidiaryId);
    const wall = new Date(Number(row.bucket) * intervalMinutes * 60_000).toISOString();
    const date = wall.slice(0, 10);
    // The window was read in UTC around every subsidiary's days: keep each one's own local days.
    if (!subsidiary || date < subsidiary.firstDay || date > subsidiary.lastDay) continue;
    const minute = Number(wall.slice(11, 13)) * 60 + Number(wall.slice(14, 16));
    const key = `${row.subsidiaryId}|${row.language}|${row.channel}|${row.tier}|${date}|${minute}`;
    const found = merged.get(key);
    if (found) found.contacts += row.contacts;
    else
      merged.set(key, {
        subsidiaryId: row.subsidiaryId,
        language: row.language,
        channel: row.channel as Channel,
        tier: row.tier as Tier,
        date,
        minute,
        contacts: row.contacts,
      });
  }
  return {
    intervalMinutes,
    subsidiaries: subsidiaries.map(({ from: _f, to: _t, ...s }) => s),
    counts: [...merged.values()],
    handlingTimes: handlingTimes(calls, sittings),
    from,
    to,
  };
}

/** Contacts per segment over a history: the sum of its intervals. */
export function contactsBySegment(history: ContactHistory): Array<SegmentKey & { contacts: number }> {
  const totals = new Map<string, SegmentKey & { contacts: number }>();
  for (const c of history.counts) {
    const key = `${c.subsidiaryId}|${c.language}|${c.channel}|${c.tier}`;
    const found = totals.get(key);
    if (found) found.contacts += c.contacts;
    else
      totals.set(key, {
        subsidiaryId: c.subsidiaryId,
        language: c.language,
        channel: c.channel,
        tier: c.tier,
        contacts: c.contacts,
      });
  }
  return [...totals.values()];
}

/** The coming Monday at 00:00 UTC, tomorrow at the earliest: where a forecast starts by default. */
export function comingMonday(now: Date): Date {
  const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  const weekday = new Date(today).getUTCDay();
  return new Date(today + ((8 - weekday) % 7 || 7) * DAY_MS);
}

export interface HistoryForecastOptions {
  /** The first interval: an instant on an interval boundary (a UTC midnight always is). */
  start: Date;
  /** Weeks ahead, 1 to 8. */
  weeks: number;
  /** 15, 30, 60 or any length of at least 15 minutes that divides the day. */
  intervalMinutes: number;
  /** Weeks of history to learn from (default 8): the whole days before `start`, or before today when it is later. */
  historyWeeks?: number;
}

/** Refuses forecast options out of range, naming the field. */
export function checkOptions(options: HistoryForecastOptions): void {
  const { start, weeks, intervalMinutes } = options;
  const historyWeeks = options.historyWeeks ?? DEFAULT_HISTORY_WEEKS;
  if (!Number.isInteger(weeks) || weeks < 1 || weeks > MAX_FORECAST_WEEKS)
    throw invalid('weeks', `must be a whole number of weeks from 1 to ${MAX_FORECAST_WEEKS}, got ${weeks}`);
  if (
    !Number.isInteger(intervalMinutes) ||
    intervalMinutes < MIN_INTERVAL_MINUTES ||
    1440 % intervalMinutes !== 0
  )
    throw invalid(
      'intervalMinutes',
      `must be a number of minutes of at least ${MIN_INTERVAL_MINUTES} that divides the day (15, 30 or 60), got ${intervalMinutes}`,
    );
  if (!Number.isInteger(historyWeeks) || historyWeeks < 1 || historyWeeks > MAX_HISTORY_WEEKS)
    throw invalid(
      'historyWeeks',
      `must be a whole number of weeks from 1 to ${MAX_HISTORY_WEEKS}, got ${historyWeeks}`,
    );
  if (!(start instanceof Date) || Number.isNaN(start.getTime()))
    throw invalid('start', 'must be a date and time');
  if (start.getTime() % (intervalMinutes * 60_000) !== 0)
    throw invalid('start', `${start.toISOString()} is not the start of a ${intervalMinutes}-minute interval`);
}

/**
 * Forecast of the contacts of the weeks ahead per subsidiary × language × channel × tier, from
 * the conversation history of the subsidiaries the caller sees, with each segment's measured
 * handling time. Refuses bad options, a site account, and a history without any contact.
 */
export async function forecastFromHistory(
  db: Db,
  ctx: Context,
  options: HistoryForecastOptions,
): Promise<SegmentForecastSet> {
  assertMayForecast(ctx.actor);
  checkOptions(options);
  const historyWeeks = options.historyWeeks ?? DEFAULT_HISTORY_WEEKS;
  const until = new Date(Math.min(options.start.getTime(), ctx.now.getTime()));
  const history = await readContactHistory(db, ctx, {
    until,
    days: historyWeeks * 7,
    intervalMinutes: options.intervalMinutes,
  });
  if (history.counts.length === 0) {
    const before = new Date(Math.floor(until.getTime() / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
    throw invalid(
      'historyWeeks',
      `no contacts in the ${historyWeeks} weeks before ${before} in the subsidiaries you see: nothing to forecast from`,
    );
  }
  return forecastSegments(history, { start: options.start, weeks: options.weeks });
}
