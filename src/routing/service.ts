import { sql } from 'kysely';
import { type Bus, type DomainEvent, recordEvent, recordEvents } from '../bus/index.ts';
import { newId, SYSTEM_ACTOR } from '../core/index.ts';
import { auditRow, type Db, type Row, recordAudit } from '../store/index.ts';
import { sendClosedNotice } from './closed-notice-send.ts';
import { queuePolicy, subsidiaryPolicy } from './config.ts';
import { Router } from './engine.ts';
import { createOffer, expireOffers, type OfferMode, pendingOffers, recentRefusals } from './offers.ts';
import type {
  Agent,
  Assignment,
  Decision,
  RoutingSite,
  RoutingWorld,
  SkillRequirement,
  Tier,
  WorkItem,
} from './types.ts';

/**
 * The assignment service: the pure Router kept in step with the store. The store is the
 * truth — conversations open and unassigned are the waiting work, conversations assigned
 * are agents' load, agents' rows hold their presence — and every `sync` reconciles the
 * router with it, so a restart (a new service) rebuilds everything and forgets nothing.
 * An assignment counts only once claimed in the store by a conditional update, so several
 * processes, each with its own Router, never assign one conversation twice.
 * With offers `auto` (the default) the claim is the assignment; with `offer` the router's
 * choice is stored as an offer (src/routing/offers.ts) that the agent accepts, declines or
 * lets expire; a conversation with a pending offer is held by that agent's capacity here
 * and skipped by every other process.
 */
export interface RoutingServiceOptions {
  now: () => Date;
  onError?: (error: unknown) => void;
  /** How a choice becomes an assignment; default auto. */
  offers?: { mode: OfferMode; seconds: number } | undefined;
}

export interface SyncReport {
  assigned: number;
  /** Offers made (offer mode). */
  offered: number;
  lost: number;
  waiting: number;
}

type ConversationRow = Pick<
  Row<'conversations'>,
  | 'id'
  | 'subsidiary_id'
  | 'channel'
  | 'language'
  | 'tier'
  | 'required_skills'
  | 'priority'
  | 'status'
  | 'assignee_id'
  | 'first_response_due_at'
  | 'resolution_due_at'
  | 'first_responded_at'
  | 'created_at'
  | 'queue_id'
> & {
  /** The queue's own skills, when the conversation is routed through a queue. */
  queue_required_skills: SkillRequirement[] | null;
  queue_optional_skills: SkillRequirement[] | null;
  /** The last agent assigned a conversation of the same customer (waiting conversations only). */
  preferred_agent_id: string | null;
  /** When it was last escalated, if ever: it entered its current queue then. */
  escalated_at: Date | string | null;
};

const ms = (d: Date | string): number => new Date(d).getTime();

/** A site as the router sees it. Cost per hour stands for the cost per contact: the score compares sites only. */
export function routingSite(row: Row<'sites'>): RoutingSite {
  return {
    id: row.id,
    timeZone: row.time_zone,
    calendar: row.calendar,
    subsidiaryIds: row.subsidiary_ids,
    costPerContact: row.cost_per_hour_minor,
    qualityIndex: Number(row.quality_index),
    alwaysOpenFor: row.always_open_for,
  };
}

/**
 * The world of the store: its sites, the subsidiaries with their routing policies, and the
 * queues. The signature changes whenever any of them changes, so the service rebuilds its router.
 */
export async function loadRoutingWorld(db: Db): Promise<{ world: RoutingWorld; signature: string }> {
  const sites = await db.selectFrom('sites').selectAll().orderBy('id').execute();
  const subsidiaries = await db
    .selectFrom('subsidiaries')
    .leftJoin('routing_policies', 'routing_policies.subsidiary_id', 'subsidiaries.id')
    .select([
      'subsidiaries.id',
      'routing_policies.weights',
      'routing_policies.fallbacks',
      'routing_policies.target_shares',
      'routing_policies.version',
    ])
    .orderBy('subsidiaries.id')
    .execute();
  const queues = await db
    .selectFrom('routing_queues')
    .select(['id', 'optional_skills', 'rings', 'version'])
    .orderBy('id')
    .execute();
  const serving = (id: string) =>
    new Set(sites.filter((s) => s.subsidiary_ids.includes(id)).map((s) => s.id));
  return {
    world: {
      sites: sites.map(routingSite),
      subsidiaries: subsidiaries.map((s) =>
        subsidiaryPolicy(
          s.id,
          s.version === null || !s.weights || !s.fallbacks || !s.target_shares
            ? undefined
            : { weights: s.weights, fallbacks: s.fallbacks, target_shares: s.target_shares },
          serving(s.id),
        ),
      ),
      queues: queues.map(queuePolicy),
    },
    signature: [
      ...sites.map((s) => `${s.id}:${s.version}`),
      ...subsidiaries.map((s) => `${s.id}:${s.version ?? 0}`),
      ...queues.map((q) => `q${q.id}:${q.version}`),
    ].join(','),
  };
}

/** Required skills by name, the stricter least proficiency winning. */
function mergeSkills(...lists: SkillRequirement[][]): SkillRequirement[] {
  const byName = new Map<string, number>();
  for (const list of lists)
    for (const s of list) byName.set(s.name, Math.max(byName.get(s.name) ?? 1, s.minProficiency));
  return [...byName].map(([name, minProficiency]) => ({ name, minProficiency }));
}

function workItem(row: ConversationRow): WorkItem {
  const due = row.first_responded_at ? row.resolution_due_at : row.first_response_due_at;
  // The conversation's own required skills and its queue's: none of them relaxes.
  const required = mergeSkills(
    row.required_skills.map((name) => ({ name, minProficiency: 1 })),
    row.queue_required_skills ?? [],
  );
  return {
    id: row.id,
    subsidiaryId: row.subsidiary_id,
    channel: row.channel,
    language: row.language,
    requiredSkills: required,
    optionalSkills: (row.queue_optional_skills ?? []).filter((s) => !required.some((r) => r.name === s.name)),
    tier: row.tier,
    priority: row.priority,
    slaDueAt: due ? ms(due) : null,
    segment: null,
    preferredAgentId: row.preferred_agent_id,
    arrivedAt: ms(row.created_at),
    queuedAt: ms(row.escalated_at ?? row.created_at),
    ...(row.queue_id ? { queueId: row.queue_id } : {}),
  };
}

/** An agent as the router sees them: their own capacity; what they hold is restored as load. */
function routingAgent(row: Row<'agents'>): Agent {
  return {
    id: row.id,
    siteId: row.site_id,
    languages: row.languages,
    skills: row.skills,
    tier: row.tier,
    capacity: row.capacity,
    presence: row.presence,
    shift: null,
  };
}

/**
 * Claim an assignment in the store: the agent's row is locked (claims for one agent
 * queue up, so their capacity holds across processes), then the conversation changes
 * only if it is still open and nobody's. False when another claim won.
 */
export async function claimAssignment(db: Db, decision: Assignment, tier: Tier, now: Date): Promise<boolean> {
  return db.transaction().execute((trx) => claimWithin(trx, decision, tier, now));
}

/**
 * The claim inside the caller's transaction (an accepted offer claims with it too). With
 * `ignorePresence` the agent need not be available: they are answering an offer right now.
 */
export async function claimWithin(
  trx: Db,
  decision: Assignment,
  tier: Tier,
  now: Date,
  options: { ignorePresence?: boolean } = {},
): Promise<boolean> {
  const agent = await trx
    .selectFrom('agents')
    .select(['capacity', 'site_id', 'presence'])
    .where('id', '=', decision.agentId)
    .forUpdate()
    .executeTakeFirst();
  if (!agent || (agent.presence !== 'available' && !options.ignorePresence)) return false;
  const conversation = await trx
    .selectFrom('conversations')
    .select(['channel', 'subsidiary_id'])
    .where('id', '=', decision.itemId)
    .executeTakeFirst();
  if (!conversation) return false;
  const held = await trx
    .selectFrom('conversations')
    .select('channel')
    .where('assignee_id', '=', decision.agentId)
    .where('status', '=', 'assigned')
    .execute();
  const onChannel = held.filter((h) => h.channel === conversation.channel).length;
  if (held.length >= agent.capacity.total) return false;
  if (onChannel >= (agent.capacity.perChannel[conversation.channel] ?? 0)) return false;
  const result = await trx
    .updateTable('conversations')
    .set((eb) => ({
      assignee_id: decision.agentId,
      site_id: agent.site_id,
      status: 'assigned',
      version: eb('version', '+', 1),
      updated_at: now,
    }))
    .where('id', '=', decision.itemId)
    .where('status', '=', 'open')
    .where('assignee_id', 'is', null)
    .executeTakeFirst();
  if (result.numUpdatedRows !== 1n) return false;
  await trx
    .insertInto('routing_decisions')
    .values({
      id: newId(),
      conversation_id: decision.itemId,
      subsidiary_id: conversation.subsidiary_id,
      kind: 'assigned',
      trigger: decision.trigger,
      tier,
      agent_id: decision.agentId,
      site_id: decision.siteId,
      ring: decision.ring,
      language: decision.language,
      fallback_language: decision.fallbackLanguage,
      score_total: decision.score.total,
      score_parts: JSON.stringify(decision.score.parts),
      reason_code: null,
      reason: null,
      actor_id: null,
      at: now,
    })
    .execute();
  await recordAudit(trx, SYSTEM_ACTOR, undefined, {
    action: 'route',
    entity: 'conversation',
    entityId: decision.itemId,
    subsidiaryId: conversation.subsidiary_id,
    siteId: agent.site_id,
    changes: { assigneeId: decision.agentId, status: 'assigned' },
  });
  await recordEvent(trx, 'conversation.assigned', {
    conversationId: decision.itemId,
    subsidiaryId: conversation.subsidiary_id,
    agentId: decision.agentId,
    siteId: agent.site_id,
  });
  await recordEvent(trx, 'conversation.status_changed', {
    conversationId: decision.itemId,
    from: 'open',
    to: 'assigned',
  });
  return true;
}

/** How many of a sync's choices are claimed in one transaction. */
export const CLAIM_BATCH = 200;

/**
 * Claims many of the router's choices in one transaction, with the same guarantees as
 * claimAssignment one by one: the agents' rows are locked (in id order, so two batches
 * never wait on each other in a circle), their load is counted once and every choice is
 * checked against it in order, and a conversation changes only if it is still open and
 * nobody's — one another process is claiming right now is skipped, not waited for. Then
 * one statement each for the conversations, the routing decisions, the audit rows and
 * the events. Returns the ids of the conversations claimed.
 */
export async function claimAssignments(
  db: Db,
  claims: ReadonlyArray<{ decision: Assignment; tier: Tier }>,
  now: Date,
): Promise<Set<string>> {
  if (claims.length === 0) return new Set();
  return db.transaction().execute(async (trx) => {
    const agentIds = [...new Set(claims.map((c) => c.decision.agentId))].sort();
    const agents = await trx
      .selectFrom('agents')
      .select(['id', 'capacity', 'site_id', 'presence'])
      .where('id', 'in', agentIds)
      .orderBy('id')
      .forUpdate()
      .execute();
    const open = await trx
      .selectFrom('conversations')
      .select(['id', 'channel', 'subsidiary_id'])
      .where(
        'id',
        'in',
        claims.map((c) => c.decision.itemId),
      )
      .where('status', '=', 'open')
      .where('assignee_id', 'is', null)
      .forUpdate()
      .skipLocked()
      .execute();
    const held = await trx
      .selectFrom('conversations')
      .select(['assignee_id', 'channel', sql<number>`count(*)::int`.as('n')])
      .where('assignee_id', 'in', agentIds)
      .where('status', '=', 'assigned')
      .groupBy(['assignee_id', 'channel'])
      .execute();
    const agentById = new Map(agents.map((a) => [a.id, a]));
    const openById = new Map(open.map((c) => [c.id, c]));
    const load = new Map<string, { total: number; byChannel: Map<string, number> }>();
    for (const id of agentIds) load.set(id, { total: 0, byChannel: new Map() });
    for (const h of held) {
      const l = load.get(h.assignee_id as string);
      if (!l) continue;
      l.total += Number(h.n);
      l.byChannel.set(h.channel, (l.byChannel.get(h.channel) ?? 0) + Number(h.n));
    }
    const won: Array<{ decision: Assignment; tier: Tier; siteId: string; subsidiaryId: string }> = [];
    for (const { decision, tier } of claims) {
      const agent = agentById.get(decision.agentId);
      const conversation = openById.get(decision.itemId);
      if (agent?.presence !== 'available' || !conversation) continue;
      const l = load.get(agent.id) as { total: number; byChannel: Map<string, number> };
      const onChannel = l.byChannel.get(conversation.channel) ?? 0;
      if (l.total >= agent.capacity.total) continue;
      if (onChannel >= (agent.capacity.perChannel[conversation.channel] ?? 0)) continue;
      l.total += 1;
      l.byChannel.set(conversation.channel, onChannel + 1);
      openById.delete(decision.itemId);
      won.push({ decision, tier, siteId: agent.site_id, subsidiaryId: conversation.subsidiary_id });
    }
    if (won.length === 0) return new Set();
    const values = sql.join(
      won.map((w) => sql`(${w.decision.itemId}::uuid, ${w.decision.agentId}::uuid, ${w.siteId}::uuid)`),
    );
    await sql`
      UPDATE conversations AS c
      SET assignee_id = v.agent_id, site_id = v.site_id, status = 'assigned',
          version = c.version + 1, updated_at = ${now}
      FROM (VALUES ${values}) AS v(id, agent_id, site_id)
      WHERE c.id = v.id AND c.status = 'open' AND c.assignee_id IS NULL`.execute(trx);
    await trx
      .insertInto('routing_decisions')
      .values(
        won.map(({ decision, tier, subsidiaryId }) => ({
          id: newId(),
          conversation_id: decision.itemId,
          subsidiary_id: subsidiaryId,
          kind: 'assigned' as const,
          trigger: decision.trigger,
          tier,
          agent_id: decision.agentId,
          site_id: decision.siteId,
          ring: decision.ring,
          language: decision.language,
          fallback_language: decision.fallbackLanguage,
          score_total: decision.score.total,
          score_parts: JSON.stringify(decision.score.parts),
          reason_code: null,
          reason: null,
          actor_id: null,
          at: now,
        })),
      )
      .execute();
    await trx
      .insertInto('audit_log')
      .values(
        won.map(({ decision, siteId, subsidiaryId }) =>
          auditRow(SYSTEM_ACTOR, undefined, {
            action: 'route',
            entity: 'conversation',
            entityId: decision.itemId,
            subsidiaryId,
            siteId,
            changes: { assigneeId: decision.agentId, status: 'assigned' },
          }),
        ),
      )
      .execute();
    const events: DomainEvent[] = won.flatMap(({ decision, siteId, subsidiaryId }) => [
      {
        name: 'conversation.assigned',
        payload: { conversationId: decision.itemId, subsidiaryId, agentId: decision.agentId, siteId },
      },
      {
        name: 'conversation.status_changed',
        payload: { conversationId: decision.itemId, from: 'open', to: 'assigned' },
      },
    ]);
    await recordEvents(trx, events);
    return new Set(won.map((w) => w.decision.itemId));
  });
}

export class RoutingService {
  readonly #db: Db;
  readonly #options: RoutingServiceOptions;
  #router: Router | undefined;
  #signature = '';
  /** Items this router holds as assigned (claimed), with their agent and tier. */
  readonly #mine = new Map<string, { agentId: string; tier: Tier }>();
  /** Items waiting in this router, with their tier. */
  readonly #waiting = new Map<string, Tier>();
  /** The work item each waiting item was submitted as: when the store's differs, it is routed again. */
  readonly #submitted = new Map<string, string>();
  /** The last wait reason recorded per item: a new one is recorded only when it changes. */
  readonly #lastReason = new Map<string, string>();
  readonly #agents = new Map<string, string>();
  /** Items this router offered and the store still holds as pending offers. */
  readonly #offered = new Map<string, { offerId: string; agentId: string; tier: Tier; expiresAt: number }>();
  #expiryTimer: NodeJS.Timeout | undefined;
  #chain: Promise<unknown> = Promise.resolve();
  #kicked = false;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  readonly #cleanups: Array<() => Promise<void>> = [];

  constructor(db: Db, options: RoutingServiceOptions) {
    this.#db = db;
    this.#options = options;
  }

  /**
   * Start: rebuild from the store, then reconcile every `everyMs` and whenever kicked. A
   * world the router refuses (say, a site whose calendar never opens) is reported through
   * `onError` and tried again at each sync, rather than stopping the server.
   */
  async start(everyMs = 5000): Promise<SyncReport | undefined> {
    this.#timer = setInterval(() => this.kick(), everyMs);
    this.#timer.unref();
    try {
      return await this.sync();
    } catch (error) {
      this.#options.onError?.(error);
      return undefined;
    }
  }

  /** Run this when the service stops (e.g. leave the bus). */
  onStop(cleanup: () => Promise<void>): void {
    this.#cleanups.push(cleanup);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    if (this.#expiryTimer) clearTimeout(this.#expiryTimer);
    for (const cleanup of this.#cleanups) await cleanup();
    await this.#chain.catch(() => undefined);
  }

  /** Something changed in the store (an event came): reconcile soon, once for many kicks. */
  kick(): void {
    if (this.#kicked || this.#stopped) return;
    this.#kicked = true;
    setImmediate(() => {
      this.#kicked = false;
      this.sync().catch((error) => this.#options.onError?.(error));
    });
  }

  /** Reconcile the router with the store and claim what it assigns. Calls run one at a time. */
  sync(): Promise<SyncReport> {
    const run = this.#chain.then(() =>
      this.#reconcile().catch((error: unknown) => {
        // A sync that failed half-way leaves this router unsure of what it holds: the next
        // sync builds a new one from the store rather than trusting it.
        this.#router = undefined;
        throw error;
      }),
    );
    this.#chain = run.catch(() => undefined);
    return run;
  }

  /** The router, for reading (wait reasons, positions); undefined before the first sync. */
  get router(): Router | undefined {
    return this.#router;
  }

  async #reconcile(): Promise<SyncReport> {
    const now = this.#options.now();
    const at = now.getTime();
    const db = this.#db;
    const { world, signature } = await loadRoutingWorld(db);
    if (!this.#router || signature !== this.#signature) {
      // Sites changed (or first start): a new router; every assignment in the store is restored into it below.
      this.#router = new Router(world);
      this.#signature = signature;
      this.#mine.clear();
      this.#waiting.clear();
      this.#submitted.clear();
      this.#agents.clear();
      this.#offered.clear();
    }
    const offering = this.#options.offers?.mode === 'offer';
    if (offering) await expireOffers(db, now);
    const pending = await pendingOffers(db);
    const refusals = offering ? await recentRefusals(db, now) : new Map<string, Set<string>>();
    const router = this.#router;
    // One statement: the work, its queue's skills, and for waiting work the customer's last agent.
    const rows: ConversationRow[] = await db
      .selectFrom('conversations')
      .leftJoin('routing_queues', 'routing_queues.id', 'conversations.queue_id')
      .select([
        'conversations.id',
        'conversations.subsidiary_id',
        'conversations.channel',
        'conversations.language',
        'conversations.tier',
        'conversations.required_skills',
        'conversations.priority',
        'conversations.status',
        'conversations.assignee_id',
        'conversations.first_response_due_at',
        'conversations.resolution_due_at',
        'conversations.first_responded_at',
        'conversations.created_at',
        'conversations.queue_id',
        'routing_queues.required_skills as queue_required_skills',
        'routing_queues.optional_skills as queue_optional_skills',
      ])
      .select((eb) =>
        eb
          .case()
          .when('conversations.status', '=', 'open')
          .then(
            eb
              .selectFrom('conversations as earlier')
              .select('earlier.assignee_id')
              .whereRef('earlier.customer_id', '=', 'conversations.customer_id')
              .whereRef('earlier.id', '<>', 'conversations.id')
              .where('earlier.assignee_id', 'is not', null)
              .orderBy('earlier.created_at', 'desc')
              .limit(1)
              .$asScalar(),
          )
          .end()
          .as('preferred_agent_id'),
      )
      .select((eb) =>
        eb
          .selectFrom('routing_decisions')
          .select((e) => e.fn.max('routing_decisions.at').as('at'))
          .whereRef('routing_decisions.conversation_id', '=', 'conversations.id')
          .where('routing_decisions.kind', '=', 'escalated')
          .$asScalar()
          .as('escalated_at'),
      )
      .where('conversations.status', 'in', ['open', 'assigned'])
      .orderBy('conversations.created_at')
      .orderBy('conversations.id')
      .execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    const decisions: Decision[] = [];

    // What this router holds and the store no longer agrees with.
    for (const [id, held] of [...this.#mine]) {
      const row = byId.get(id);
      if (row?.status === 'assigned' && row.assignee_id === held.agentId) continue;
      if (row?.status === 'open' && row.assignee_id === null) {
        // Escalated or handed back: routed again with its tier, keeping its arrival.
        this.#mine.delete(id);
        this.#waiting.set(id, row.tier);
        decisions.push(...router.escalate(id, row.tier, at));
      } else {
        this.#mine.delete(id);
        decisions.push(...router.release(id, at));
      }
    }
    // Offers this router made that were answered (accepted, declined, expired) since.
    for (const [id, held] of [...this.#offered]) {
      if (pending.get(id)?.offerId === held.offerId) continue;
      this.#offered.delete(id);
      const row = byId.get(id);
      if (row?.status === 'assigned' && row.assignee_id === held.agentId) {
        this.#mine.set(id, { agentId: held.agentId, tier: held.tier });
      } else {
        // Declined or expired: it leaves this agent; still waiting, it is submitted again below.
        decisions.push(...router.release(id, at));
      }
    }
    for (const [id, tier] of [...this.#waiting]) {
      // Taken by an agent who freed capacity above: its decision is claimed below, and a
      // claim that no longer fits the store is lost and released there.
      if (router.assigneeOf(id) !== null) continue;
      const row = byId.get(id);
      if (row?.status !== 'open' || row.assignee_id !== null || pending.has(id)) {
        router.withdraw(id);
        this.#waiting.delete(id);
        this.#submitted.delete(id);
        this.#lastReason.delete(id);
      } else if (row.tier !== tier) {
        this.#waiting.set(id, row.tier);
        this.#submitted.set(id, JSON.stringify(workItem(row)));
        decisions.push(...router.escalate(id, row.tier, at));
      } else {
        const item = workItem(row);
        const key = JSON.stringify(item);
        if (this.#submitted.get(id) !== key) {
          // Its queue, skills, priority, language or due time changed: routed again as it
          // now is, its rings still counting from when it was queued.
          router.withdraw(id);
          this.#submitted.set(id, key);
          decisions.push(router.submit(item, at));
        }
      }
    }

    // Assignments this router did not make (before a restart, or by another process) become
    // its own load: first for agents it knows, so an agent who changed pulls only into real
    // room; then, after the agents are in, for the rest. Refused (unknown agent, over
    // capacity): reported; the router sees that agent as full or absent anyway.
    const restore = (knownOnly: boolean): void => {
      for (const row of rows) {
        if (row.status !== 'assigned' || !row.assignee_id || this.#mine.has(row.id)) continue;
        if (knownOnly && !this.#agents.has(row.assignee_id)) continue;
        try {
          router.restoreAssignment(workItem(row), row.assignee_id, at);
          this.#mine.set(row.id, { agentId: row.assignee_id, tier: row.tier });
        } catch (error) {
          if (!knownOnly) this.#options.onError?.(error);
        }
      }
    };
    restore(true);
    const agents = await db.selectFrom('agents').selectAll().orderBy('id').execute();
    const presenceOf = new Map(agents.map((a) => [a.id, a.presence]));
    for (const row of agents) {
      const agent = routingAgent(row);
      const key = JSON.stringify(agent);
      if (this.#agents.get(row.id) === key) continue;
      try {
        decisions.push(...router.upsertAgent(agent, at));
        this.#agents.set(row.id, key);
      } catch (error) {
        // An agent the router refuses (no languages…) takes no work; the others still do.
        this.#options.onError?.(error);
      }
    }
    restore(false);

    // New work: open and nobody's.
    for (const row of rows) {
      if (row.status !== 'open' || row.assignee_id !== null) continue;
      if (this.#waiting.has(row.id) || this.#mine.has(row.id) || this.#offered.has(row.id)) continue;
      if (pending.has(row.id)) continue;
      this.#waiting.set(row.id, row.tier);
      const item = workItem(row);
      this.#submitted.set(row.id, JSON.stringify(item));
      decisions.push(router.submit(item, at));
    }
    decisions.push(...router.tick(at));

    const report: SyncReport = { assigned: 0, offered: 0, lost: 0, waiting: 0 };
    // Choices to claim, in batches: one transaction for many (see claimAssignments).
    const batch: Array<{ decision: Assignment; tier: Tier }> = [];
    const claim = async (): Promise<void> => {
      const claims = batch.splice(0);
      let won: Set<string>;
      try {
        won = await claimAssignments(db, claims, now);
      } catch (error) {
        // Nothing of the batch was claimed, and this router believes otherwise: the next
        // sync builds a new one from the store.
        this.#router = undefined;
        throw error;
      }
      for (const { decision, tier } of claims) {
        if (won.has(decision.itemId)) {
          this.#mine.set(decision.itemId, { agentId: decision.agentId, tier });
          report.assigned += 1;
        } else {
          // Another claim won (or the agent went away): the item leaves this router; the next sync sees the truth.
          report.lost += 1;
          decisions.push(...router.release(decision.itemId, at));
          this.#agents.delete(decision.agentId);
        }
      }
    };
    while (decisions.length > 0 || batch.length > 0) {
      if (decisions.length === 0 || batch.length >= CLAIM_BATCH) {
        await claim();
        continue;
      }
      const decision = decisions.shift() as Decision;
      const tier = this.#waiting.get(decision.itemId) ?? byId.get(decision.itemId)?.tier ?? 'level1';
      if (decision.kind === 'waiting') {
        await this.#recordWait(decision, tier, byId.get(decision.itemId)?.subsidiary_id, now);
        continue;
      }
      this.#waiting.delete(decision.itemId);
      this.#submitted.delete(decision.itemId);
      this.#lastReason.delete(decision.itemId);
      if (offering) {
        const refused = refusals.get(decision.itemId);
        const row = byId.get(decision.itemId);
        if (refused?.has(decision.agentId) && row) {
          decisions.push(...this.#routeAround(row, refused, presenceOf, at));
          continue;
        }
        const offerId = await createOffer(db, decision, tier, now, this.#options.offers?.seconds ?? 20);
        if (offerId) {
          const expiresAt = at + (this.#options.offers?.seconds ?? 20) * 1000;
          this.#offered.set(decision.itemId, { offerId, agentId: decision.agentId, tier, expiresAt });
          report.offered += 1;
        } else {
          report.lost += 1;
          decisions.push(...router.release(decision.itemId, at));
          this.#agents.delete(decision.agentId);
        }
        continue;
      }
      batch.push({ decision, tier });
    }
    report.waiting = this.#waiting.size;
    this.#wakeForExpiry(at);
    return report;
  }

  /**
   * The router chose an agent who declined this item (or let its offer expire) lately: route
   * it again with those agents held away for this one decision — the engine has no notion of
   * "anyone but", so their presence in this router is set away, the item re-submitted, and
   * their presence restored. If nobody else can take it, it leaves the router until the next
   * sync, which tries again (and, once the hold is over, may offer it to them again).
   */
  #routeAround(
    row: ConversationRow,
    refused: Set<string>,
    presenceOf: Map<string, string>,
    at: number,
  ): Decision[] {
    const router = this.#router as Router;
    const held: string[] = [];
    for (const agentId of refused)
      if (presenceOf.get(agentId) === 'available' && this.#agents.has(agentId)) {
        router.setPresence(agentId, 'away', at);
        held.push(agentId);
      }
    const decisions: Decision[] = [...router.release(row.id, at)];
    const next = router.submit(workItem(row), at);
    if (next.kind === 'assigned') {
      this.#waiting.set(row.id, row.tier);
      decisions.push(next);
    } else router.withdraw(row.id);
    for (const agentId of held) decisions.push(...router.setPresence(agentId, 'available', at));
    return decisions;
  }

  /** Sync again when the first offer of this router is due to expire. */
  #wakeForExpiry(at: number): void {
    if (this.#expiryTimer) clearTimeout(this.#expiryTimer);
    this.#expiryTimer = undefined;
    if (this.#stopped || this.#offered.size === 0) return;
    const first = Math.min(...[...this.#offered.values()].map((o) => o.expiresAt));
    this.#expiryTimer = setTimeout(() => this.kick(), Math.max(0, first - at) + 100);
    this.#expiryTimer.unref();
  }

  async #recordWait(
    decision: Extract<Decision, { kind: 'waiting' }>,
    tier: Tier,
    subsidiaryId: string | undefined,
    now: Date,
  ): Promise<void> {
    if (!subsidiaryId || this.#lastReason.get(decision.itemId) === decision.reason.code) return;
    this.#lastReason.set(decision.itemId, decision.reason.code);
    await this.#db
      .insertInto('routing_decisions')
      .values({
        id: newId(),
        conversation_id: decision.itemId,
        subsidiary_id: subsidiaryId,
        kind: 'waiting',
        trigger: decision.trigger,
        tier,
        agent_id: null,
        site_id: null,
        ring: null,
        language: null,
        score_total: null,
        score_parts: '[]',
        reason_code: decision.reason.code,
        reason: decision.reason.message,
        actor_id: null,
        at: now,
      })
      .execute();
    // The customer of a written channel is told once when the team opens (src/routing/closed-notice-send.ts);
    // a failure is reported, and the rest of the sync goes on.
    if (decision.reason.code === 'no_site_open')
      await sendClosedNotice(this.#db, decision.itemId, now).catch((error) => this.#options.onError?.(error));
  }
}

/** Start the service on a store; a bus, when given, kicks it on every event that changes routing. */
export async function startRouting(
  db: Db,
  options: RoutingServiceOptions & {
    bus?: Bus | undefined;
    everyMs?: number | undefined;
  },
): Promise<RoutingService> {
  const service = new RoutingService(db, options);
  await service.start(options.everyMs);
  if (options.bus)
    service.onStop(
      await options.bus.subscribe(
        'routing',
        [
          'conversation.created',
          'conversation.status_changed',
          'conversation.escalated',
          'message.received',
          'agent.presence_changed',
          'agent.updated',
        ],
        async () => service.kick(),
      ),
    );
  return service;
}
