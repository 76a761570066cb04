// Today's service level per subsidiary and channel, read from the store for the caller's scope.
import { sql } from 'kysely';
import { z } from 'zod';
import type { Actor, Context } from '../core/index.ts';
import {
  type Db,
  reachesSite,
  visibleConversations,
  visibleSubsidiaries,
  visibleWaitingConversations,
} from '../store/index.ts';
import { dayFigures, localDay, type SlaRow } from './service-level-figures.ts';
import { dueAt, type SlaKey, startSla } from './sla.ts';
import { getSlaPolicy, type SlaPolicyView } from './sla-watch.ts';

export const SupervisorFilter = z.object({
  subsidiaryId: z.uuid().optional().describe('only this subsidiary (or, on the board, the sites serving it)'),
  siteId: z.uuid().optional().describe('only this site'),
});
export type SupervisorFilter = z.infer<typeof SupervisorFilter>;

const FiguresView = z.object({
  arrived: z.number().int().describe('conversations that arrived today'),
  answered: z.number().int().describe('of those, answered (first response given)'),
  answeredInTarget: z.number().int().describe('of those, answered by their first-response due time'),
  serviceLevel: z.number().nullable().describe('answeredInTarget ÷ answered (0–1); null when none answered'),
  breaches: z.object({
    firstResponse: z.number().int().describe('first-response due times passed today without an answer'),
    resolution: z.number().int().describe('resolution due times passed today unresolved'),
  }),
  waiting: z.number().int().describe('open or assigned, no first response yet (whenever they arrived)'),
  atRisk: z.number().int().describe('waiting, with the first response due within the next 5 minutes'),
  averageSpeedOfAnswerSeconds: z
    .number()
    .int()
    .nullable()
    .describe('mean time from arrival to first response of the answered, in seconds'),
});

export const ServiceLevelToday = z.object({
  asOf: z.iso.datetime(),
  subsidiaries: z.array(
    z.object({
      subsidiaryId: z.uuid(),
      name: z.string(),
      timeZone: z.string(),
      /** Today in the subsidiary's time zone. */
      day: z.string(),
      dayStart: z.iso.datetime(),
      total: FiguresView,
      channels: z.array(FiguresView.extend({ channel: z.string() })),
    }),
  ),
});
export type ServiceLevelToday = z.infer<typeof ServiceLevelToday>;

const RUNNING = ['open', 'assigned', 'pending'] as const;
const ms = (d: Date | string | null): number | null => (d === null ? null : new Date(d).getTime());

/** The site the figures are narrowed to: the caller's own, or the one asked for if they reach it. */
async function siteOf(db: Db, actor: Actor, filter: SupervisorFilter): Promise<string | null | undefined> {
  if (filter.siteId === undefined) return actor.scope.kind === 'site' ? actor.scope.siteId : undefined;
  return (await reachesSite(db, actor, filter.siteId)) ? filter.siteId : null;
}

/**
 * Today's figures of every subsidiary the caller sees (see docs/supervisor-guide.md, "Today's
 * service level"): the conversations they see, each with the due times its SLA clocks count
 * to — those stored by the SLA watcher, or, for a conversation it has not reached, those its
 * subsidiary's policy gives. A site's view adds, as waiting only, the work the site could take.
 */
export async function serviceLevelToday(
  db: Db,
  ctx: Context,
  filter: SupervisorFilter,
): Promise<ServiceLevelToday> {
  const now = ctx.now.getTime();
  const siteId = await siteOf(db, ctx.actor, filter);
  let subsidiaries = visibleSubsidiaries(db, ctx.actor)
    .select(['id', 'name', 'time_zone'])
    .orderBy('name')
    .orderBy('id');
  if (filter.subsidiaryId) subsidiaries = subsidiaries.where('id', '=', filter.subsidiaryId);
  if (siteId === null) return { asOf: ctx.now.toISOString(), subsidiaries: [] };
  if (siteId)
    subsidiaries = subsidiaries.where(
      'id',
      'in',
      sql<string>`(select unnest(subsidiary_ids) from sites where id = ${siteId})`,
    );
  const result: ServiceLevelToday['subsidiaries'] = [];
  for (const s of await subsidiaries.execute()) {
    const day = localDay(now, s.time_zone);
    const rows = await slaRows(db, ctx, s.id, day.start, siteId);
    const figures = dayFigures(rows, day, now);
    result.push({
      subsidiaryId: s.id,
      name: s.name,
      timeZone: s.time_zone,
      day: day.date,
      dayStart: new Date(day.start).toISOString(),
      total: figures.total,
      channels: figures.channels,
    });
  }
  return { asOf: ctx.now.toISOString(), subsidiaries: result };
}

type DueTimes = (r: {
  channel: string;
  priority: string;
  tier: string;
  created_at: Date;
}) => Promise<{ firstResponse: number | null; resolution: number | null }>;

/** Due times from the subsidiary's policy, for conversations without clocks (its policy read once). */
function policyDueTimes(db: Db, ctx: Context, subsidiaryId: string): DueTimes {
  let view: Promise<SlaPolicyView> | undefined;
  return async (r) => {
    view ??= getSlaPolicy(db, ctx, subsidiaryId);
    const { policy, businessHours } = await view;
    const key = { channel: r.channel, priority: r.priority, tier: r.tier } as SlaKey;
    const { firstResponse, resolution } = startSla(
      policy,
      key,
      new Date(r.created_at).getTime(),
      businessHours,
    );
    return {
      firstResponse: dueAt(firstResponse.startedAt, firstResponse.targetMs, firstResponse.counting),
      resolution: dueAt(resolution.startedAt, resolution.targetMs, resolution.counting),
    };
  };
}

/**
 * The subsidiary's conversations that can count today: arrived since the day began, still
 * running, or with a due time today or later.
 */
async function slaRows(
  db: Db,
  ctx: Context,
  subsidiaryId: string,
  dayStart: number,
  siteId: string | undefined,
): Promise<SlaRow[]> {
  const start = new Date(dayStart);
  let q = visibleConversations(db, ctx.actor)
    .leftJoin('sla_clocks', 'sla_clocks.conversation_id', 'conversations.id')
    .select([
      'conversations.channel',
      'conversations.priority',
      'conversations.tier',
      'conversations.status',
      'conversations.created_at',
      'conversations.first_responded_at',
      'conversations.first_response_due_at',
      'conversations.resolved_at',
      'conversations.resolution_due_at',
      'sla_clocks.conversation_id as clock',
    ])
    .where('conversations.subsidiary_id', '=', subsidiaryId)
    .where((eb) =>
      eb.or([
        eb('conversations.created_at', '>=', start),
        eb('conversations.status', 'in', RUNNING),
        eb('conversations.first_response_due_at', '>=', start),
        eb('conversations.resolution_due_at', '>=', start),
      ]),
    );
  if (siteId) q = q.where('conversations.site_id', '=', siteId);
  const dueTimes = policyDueTimes(db, ctx, subsidiaryId);
  const rows: SlaRow[] = [];
  for (const r of await q.execute()) {
    let firstDue = ms(r.first_response_due_at);
    let resolutionDue = ms(r.resolution_due_at);
    // No clocks yet (the watcher has not reached it, or routing is off): the policy's due times.
    // A pending conversation's resolution clock stands still: it has no resolution due time.
    if (r.clock === null && (firstDue === null || (resolutionDue === null && r.status !== 'pending'))) {
      const policy = await dueTimes(r);
      firstDue ??= policy.firstResponse;
      if (r.status !== 'pending') resolutionDue ??= policy.resolution;
    }
    rows.push({
      channel: r.channel,
      status: r.status,
      createdAt: new Date(r.created_at).getTime(),
      firstRespondedAt: ms(r.first_responded_at),
      firstResponseDueAt: firstDue,
      resolvedAt: ms(r.resolved_at),
      resolutionDueAt: resolutionDue,
    });
  }
  if (siteId) rows.push(...(await couldTake(db, ctx, subsidiaryId, siteId, dueTimes)));
  return rows;
}

/** Work waiting for an agent, routed to no site yet, that the site could take (as its queue view shows). */
async function couldTake(
  db: Db,
  ctx: Context,
  subsidiaryId: string,
  siteId: string,
  dueTimes: DueTimes,
): Promise<SlaRow[]> {
  const asSite: Actor = { ...ctx.actor, scope: { kind: 'site', siteId } };
  const found = await visibleWaitingConversations(db, asSite)
    .select([
      'conversations.channel',
      'conversations.priority',
      'conversations.tier',
      'conversations.created_at',
      'conversations.first_response_due_at',
    ])
    .where('conversations.subsidiary_id', '=', subsidiaryId)
    .where('conversations.site_id', 'is', null)
    .where('conversations.first_responded_at', 'is', null)
    .execute();
  const rows: SlaRow[] = [];
  for (const r of found) {
    rows.push({
      channel: r.channel,
      status: 'open',
      createdAt: new Date(r.created_at).getTime(),
      firstRespondedAt: null,
      firstResponseDueAt: ms(r.first_response_due_at) ?? (await dueTimes(r)).firstResponse,
      resolvedAt: null,
      resolutionDueAt: null,
      waitingOnly: true,
    });
  }
  return rows;
}
