import { sql } from 'kysely';
import { type Actor, type Context, DomainError, permissionsOf, SYSTEM_ACTOR } from '../core/index.ts';
import { isSiteOpen, type Presence, setPresence } from '../organisation/index.ts';
import {
  atomically,
  type ChannelCapacity,
  type Db,
  type LanguageSkill,
  type NamedSkill,
  type SiteCalendar,
} from '../store/index.ts';
import { type ChannelName, CUSTOMER_PROFILES } from './customers.ts';
import { arabicOf, latinOf, NAMES } from './names.ts';
import { DEMO_USERS, type SubsidiaryCode, type TierName } from './organisation.ts';
import { Random } from './random.ts';
import { fill, type Topic, textsFor } from './texts.ts';
import { arrivalRate, localClock } from './traffic-rate.ts';

/**
 * Demo traffic: simulated customers and agents on the demo world, so that whoever signs
 * in finds a live workspace. Customers write on their subsidiary's channels in their own
 * language, more in the day than at night; the agents of open sites come on shift; the
 * router assigns the work; simulated agents answer, put some on hold, escalate a few to
 * level 2 and resolve them; customers write back. Everything goes through the commands
 * the channels and agents use, only faster than life, and never more than a laptop can
 * carry: the rate is capped and the number of conversations in progress is bounded.
 *
 * The simulated agents' replies are marked delivered in the transaction that writes them,
 * so the outbound delivery worker never tries to send them: the demo's customers have
 * addresses under `.example` and nobody to read them.
 */

type Priority = 'low' | 'normal' | 'high' | 'urgent';
type Status = 'open' | 'assigned' | 'pending';

/** A customer's message as the channels store it. */
interface InboundMessage {
  direction: 'inbound';
  channel: ChannelName;
  text: string;
  attachments: never[];
  language: string;
  visibility?: 'private';
}

/** An agent's reply. */
interface OutboundMessage {
  direction: 'outbound';
  channel: ChannelName;
  text: string;
  attachments: never[];
  language: string;
  visibility?: 'private';
}

/** A new contact, as a channel opens a conversation. */
export interface NewContact {
  subsidiaryId: string;
  customerId?: string;
  customer?: { identity: { kind: 'email' | 'phone' | 'whatsapp' | 'facebook'; value: string } };
  channel: ChannelName;
  subject: string;
  language: string;
  tier: TierName;
  requiredSkills: string[];
  priority: Priority;
  endpointId?: string;
  message: InboundMessage;
}

/**
 * The commands the traffic uses, from the modules that own them (conversations, routing):
 * the server passes them in, so the demo does not depend on those modules.
 */
export interface DemoTrafficActions {
  createConversation: (db: Db, ctx: Context, input: NewContact) => Promise<{ conversation: { id: string } }>;
  addMessage: (
    db: Db,
    ctx: Context,
    conversationId: string,
    input: InboundMessage | OutboundMessage,
  ) => Promise<{ message: { id: string } }>;
  updateConversation: (
    db: Db,
    ctx: Context,
    id: string,
    expectedVersion: number | undefined,
    input: { status?: Status | 'resolved'; assigneeId?: string | null },
  ) => Promise<unknown>;
  escalateConversation: (
    db: Db,
    ctx: Context,
    conversationId: string,
    input: { tier: TierName; reason: string },
  ) => Promise<unknown>;
}

export interface DemoTrafficOptions {
  seed: number;
  /** New conversations per minute at the busiest hour of the busiest day. */
  perMinute: number;
  now: () => Date;
  /** Conversations in progress (open, assigned, pending) beyond which the oldest are resolved. Default 160. */
  maxActive?: number;
  /** Time between two rounds; default 5 s. */
  tickMs?: number;
  /** Runs `run` after `ms`; returns what cancels it. Default: an unref'd setTimeout. */
  schedule?: (run: () => void, ms: number) => () => void;
  /** A round failed; the next one runs anyway. */
  onError?: (error: unknown) => void;
  /** A round wrote something: publish its events now. */
  onCommitted?: () => void;
}

/** What one round did. */
export interface TrafficRound {
  arrived: number;
  /** Conversations opened for the demo sign-ins' agents and assigned to them. */
  handedToSignIns: number;
  agentReplies: number;
  customerReplies: number;
  onHold: number;
  escalated: number;
  resolved: number;
  /** Resolved because too many were in progress. */
  trimmed: number;
  presenceChanges: number;
  /** Actions that lost a race with a person or the router (the conversation had moved on). */
  skipped: number;
}

export interface DemoTraffic {
  /** Assignments of the demo world's history beyond an agent's capacity, given back to the router at the start. */
  readonly handedBack: number;
  /** One round now (what the timer runs). */
  round(): Promise<TrafficRound>;
  /** Stop: no round starts after this; resolves when the running one ended. */
  stop(): Promise<void>;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const PRESENCE_EVERY_MS = MINUTE;
const POOL_PER_SUBSIDIARY = 300;
const MOST_ARRIVALS_PER_ROUND = 6;
const MOST_TRIMMED_PER_ROUND = 10;
/** Conversations a demo sign-in's agent is kept busy with, and how often one is added. */
const SIGN_IN_WORK = 3;
const SIGN_IN_EVERY_MS = MINUTE;
/** The longest a customer answers a person signed in as a demo agent, and how many times. */
const HUMAN_FOLLOW_UPS = 3;
/** A conversation on hold that long without news is resolved, as agents do. */
const IDLE_RESOLVE_MS = 8 * MINUTE;

/** Mean seconds before an agent answers, by channel: life compressed, faster where the customer waits live. */
const AGENT_MEAN_MS: Record<ChannelName, number> = {
  voice: 25 * SECOND,
  chat: 20 * SECOND,
  whatsapp: 40 * SECOND,
  sms: 50 * SECOND,
  social: 60 * SECOND,
  email: 90 * SECOND,
  mail: 120 * SECOND,
};
/** Mean seconds before a customer writes back. */
const CUSTOMER_MEAN_MS: Record<ChannelName, number> = {
  voice: 60 * SECOND,
  chat: 30 * SECOND,
  whatsapp: 60 * SECOND,
  sms: 75 * SECOND,
  social: 90 * SECOND,
  email: 120 * SECOND,
  mail: 180 * SECOND,
};
const ON_HOLD_MEAN_MS = 150 * SECOND;

const SKILL_OF_TOPIC: Record<Topic, string> = {
  billing: 'billing',
  fibre: 'fibre',
  mobile: 'mobile',
  roaming: 'roaming',
  retention: 'retention',
  sales: 'sales',
  complaints: 'complaints',
};

const TOPIC_WEIGHTS: ReadonlyArray<readonly [Topic, number]> = [
  ['billing', 25],
  ['mobile', 20],
  ['fibre', 15],
  ['sales', 12],
  ['complaints', 12],
  ['roaming', 8],
  ['retention', 8],
];

/** Why a level-1 agent hands over, in the language the subsidiary's staff write in. */
const ESCALATION_REASONS: Record<'fr' | 'en', readonly string[]> = {
  fr: [
    'Le client a déjà redémarré son équipement deux fois : test de ligne à faire par le niveau 2.',
    'Geste commercial au-delà de ce que le niveau 1 peut accorder.',
    'Deuxième contact pour le même problème, client mécontent.',
    'Incident réseau probable dans son secteur : à confirmer par le niveau 2.',
  ],
  en: [
    'The customer restarted the equipment twice already: line test needed at level 2.',
    'Goodwill credit above what level 1 may grant.',
    'Second contact about the same problem, unhappy customer.',
    'Likely network incident in the area: level 2 to confirm.',
  ],
};
const STAFF_LANGUAGE: Record<SubsidiaryCode, 'fr' | 'en'> = {
  FR: 'fr',
  MA: 'fr',
  SN: 'fr',
  MG: 'fr',
  EG: 'en',
};

const WRITTEN: readonly ChannelName[] = ['email', 'whatsapp', 'sms', 'social'];

/** A Poisson draw (Knuth's method: fine for the small means of one round). */
function poisson(rng: Random, mean: number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  let p = rng.next();
  while (p > limit) {
    k++;
    p *= rng.next();
  }
  return k;
}

/** Whether something that happens on average every `meanMs` happens within `elapsedMs`. */
const happens = (rng: Random, elapsedMs: number, meanMs: number): boolean =>
  rng.chance(1 - Math.exp(-elapsedMs / meanMs));

// ---------------------------------------------------------------------------------------
// The world as the traffic sees it, read once from the store.

interface Site {
  id: string;
  timeZone: string;
  calendar: SiteCalendar;
  subsidiaryIds: string[];
}

interface Agent {
  id: string;
  actor: Actor;
  siteId: string;
  tier: TierName;
  languages: string[];
  skills: string[];
  channels: ChannelName[];
  capacity: ChannelCapacity;
  presence: Presence;
  /** Signs their messages with it. */
  givenName: string;
  /** A demo sign-in: a person plays this agent, the traffic never acts for them. */
  signIn: boolean;
}

interface Customer {
  id: string;
  subsidiaryId: string;
  language: string;
  greeting: string;
  identities: Partial<Record<'email' | 'phone' | 'whatsapp' | 'facebook', string>>;
}

interface Subsidiary {
  id: string;
  code: SubsidiaryCode;
  share: number;
  timeZone: string;
  channels: ReadonlyArray<readonly [ChannelName, number]>;
  customers: Customer[];
}

interface World {
  subsidiaries: Subsidiary[];
  sites: Site[];
  agents: Map<string, Agent>;
  endpoints: Map<string, string>;
}

/** Given names in Arabic script, by their Latin spelling: how a message written in Arabic names people. */
const ARABIC_NAMES = new Map(
  Object.values(NAMES).flatMap((pool) =>
    pool.given.flatMap((n) => {
      const arabic = arabicOf(n);
      return arabic ? [[latinOf(n), arabic] as const] : [];
    }),
  ),
);
/** A given name as a message in `language` writes it. */
const nameIn = (name: string, language: string): string =>
  language === 'ar' ? (ARABIC_NAMES.get(name) ?? name) : name;

const SIGN_IN_AGENTS = new Set(DEMO_USERS.filter((u) => u.agent).map((u) => u.email));

/** The demo world in the store, or undefined when the store holds another organisation. */
async function loadWorld(db: Db): Promise<World | undefined> {
  const signIns = await db
    .selectFrom('users')
    .select('email')
    .where('email', 'in', [...SIGN_IN_AGENTS])
    .execute();
  if (signIns.length !== SIGN_IN_AGENTS.size) return undefined;
  const subsidiaryRows = await db.selectFrom('subsidiaries').select(['id', 'code']).orderBy('code').execute();
  const subsidiaries: Subsidiary[] = [];
  for (const row of subsidiaryRows) {
    const profile = CUSTOMER_PROFILES.find((p) => p.code === row.code);
    if (!profile) continue;
    const customerRows = await db
      .selectFrom('customers')
      .select(['id', 'language', 'given_name', 'display_name'])
      .where('subsidiary_id', '=', row.id)
      .where('merged_into', 'is', null)
      .orderBy('id')
      .limit(POOL_PER_SUBSIDIARY)
      .execute();
    const identities = customerRows.length
      ? await db
          .selectFrom('customer_identities')
          .select(['customer_id', 'kind', 'value'])
          .where(
            'customer_id',
            'in',
            customerRows.map((c) => c.id),
          )
          .orderBy('id')
          .execute()
      : [];
    subsidiaries.push({
      id: row.id,
      code: profile.code,
      share: profile.share,
      timeZone: profile.timeZone,
      channels: profile.channels,
      customers: customerRows.map((c) => {
        const known: Customer['identities'] = {};
        for (const i of identities) {
          if (i.customer_id !== c.id) continue;
          if (i.kind === 'email' || i.kind === 'phone' || i.kind === 'whatsapp' || i.kind === 'facebook')
            known[i.kind] ??= i.value;
        }
        return {
          id: c.id,
          subsidiaryId: row.id,
          language: c.language,
          greeting: c.given_name ?? c.display_name.split(' ')[0] ?? c.display_name,
          identities: known,
        };
      }),
    });
  }
  const sites = (
    await db.selectFrom('sites').select(['id', 'time_zone', 'calendar', 'subsidiary_ids']).execute()
  ).map((s) => ({
    id: s.id,
    timeZone: s.time_zone,
    calendar: s.calendar as unknown as SiteCalendar,
    subsidiaryIds: s.subsidiary_ids,
  }));
  const agentRows = await db
    .selectFrom('agents')
    .innerJoin('users', 'users.id', 'agents.user_id')
    .select([
      'agents.id',
      'agents.user_id',
      'agents.site_id',
      'agents.tier',
      'agents.languages',
      'agents.skills',
      'agents.capacity',
      'agents.presence',
      'users.email',
      'users.display_name',
    ])
    .orderBy('agents.id')
    .execute();
  const agents = new Map<string, Agent>();
  for (const a of agentRows) {
    const languages = a.languages as unknown as LanguageSkill[];
    const capacity = a.capacity as unknown as ChannelCapacity;
    agents.set(a.id, {
      id: a.id,
      actor: {
        kind: 'user',
        id: a.user_id,
        role: 'agent',
        scope: { kind: 'site', siteId: a.site_id },
        permissions: new Set(permissionsOf('agent')),
        agentId: a.id,
      },
      siteId: a.site_id,
      tier: a.tier,
      languages: languages.filter((l) => l.proficiency >= 3).map((l) => l.tag),
      skills: (a.skills as unknown as NamedSkill[]).map((s) => s.name),
      channels: Object.entries(capacity.perChannel)
        .filter(([, n]) => (n ?? 0) > 0)
        .map(([c]) => c as ChannelName),
      capacity,
      presence: a.presence,
      givenName: a.display_name.split(' ')[0] ?? a.display_name,
      signIn: SIGN_IN_AGENTS.has(a.email),
    });
  }
  const endpoints = new Map<string, string>();
  for (const e of await db
    .selectFrom('endpoints')
    .select(['id', 'subsidiary_id', 'channel'])
    .where('active', '=', true)
    .orderBy('id')
    .execute()) {
    const key = `${e.subsidiary_id}:${e.channel}`;
    if (!endpoints.has(key)) endpoints.set(key, e.id);
  }
  return { subsidiaries, sites, agents, endpoints };
}

// ---------------------------------------------------------------------------------------
// The conversations in progress, read at every round.

interface Active {
  id: string;
  status: Status;
  channel: ChannelName;
  tier: TierName;
  subsidiary_id: string;
  assignee_id: string | null;
  customer_id: string;
  language: string;
  created_at: Date;
  last_message_at: Date;
  /** The last message the customer or an agent sent (notes aside). */
  last_direction: 'inbound' | 'outbound' | null;
  last_author_kind: 'customer' | 'agent' | 'system' | null;
  last_text: string | null;
  last_at: Date | null;
  agent_messages: number;
  customer_messages: number;
}

async function inProgress(db: Db): Promise<Active[]> {
  // A note for colleagues is an agent's message that was never to be sent: left out.
  const { rows } = await sql<Active>`
    select c.id, c.status, c.channel, c.tier, c.subsidiary_id, c.assignee_id, c.customer_id,
           c.language, c.created_at, c.last_message_at,
           last.direction as last_direction, last.author_kind as last_author_kind,
           last.text as last_text, last.created_at as last_at,
           coalesce(tally.agent_messages, 0)::int as agent_messages,
           coalesce(tally.customer_messages, 0)::int as customer_messages
    from conversations c
    left join lateral (
      select m.direction, m.author_kind, m.text, m.created_at from messages m
      where m.conversation_id = c.id
        and (m.author_kind = 'customer' or (m.direction = 'outbound' and m.delivery_status <> 'received'))
      order by m.created_at desc, m.id desc
      limit 1
    ) last on true
    left join lateral (
      select count(*) filter (where m.direction = 'outbound' and m.author_kind = 'agent'
                                and m.delivery_status <> 'received') as agent_messages,
             count(*) filter (where m.author_kind = 'customer') as customer_messages
      from messages m where m.conversation_id = c.id
    ) tally on true
    where c.status in ('open', 'assigned', 'pending')
    order by c.id`.execute(db);
  return rows.map((r) => ({
    ...r,
    created_at: new Date(r.created_at),
    last_message_at: new Date(r.last_message_at),
    last_at: r.last_at ? new Date(r.last_at) : null,
  }));
}

// ---------------------------------------------------------------------------------------

/** What each agent holds (assigned conversations) against their capacity, counted as the router counts. */
class Loads {
  readonly #total = new Map<string, number>();
  readonly #onChannel = new Map<string, number>();

  constructor(active: readonly Active[]) {
    for (const a of active) if (a.status === 'assigned' && a.assignee_id) this.add(a.assignee_id, a.channel);
  }

  fits(agent: Agent, channel: ChannelName): boolean {
    return (
      (this.#total.get(agent.id) ?? 0) < agent.capacity.total &&
      (this.#onChannel.get(`${agent.id}:${channel}`) ?? 0) < (agent.capacity.perChannel[channel] ?? 0)
    );
  }

  add(agentId: string, channel: ChannelName): void {
    this.#total.set(agentId, (this.#total.get(agentId) ?? 0) + 1);
    const key = `${agentId}:${channel}`;
    this.#onChannel.set(key, (this.#onChannel.get(key) ?? 0) + 1);
  }

  /** A conversation that was assigned is no longer. */
  release(c: Active): void {
    if (c.status !== 'assigned' || !c.assignee_id) return;
    const key = `${c.assignee_id}:${c.channel}`;
    this.#total.set(c.assignee_id, Math.max(0, (this.#total.get(c.assignee_id) ?? 0) - 1));
    this.#onChannel.set(key, Math.max(0, (this.#onChannel.get(key) ?? 0) - 1));
  }
}

const callLength = (rng: Random): string => {
  const seconds = rng.int(45, 540);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
};

/** A race lost to a person or the router: the conversation moved on, the action no longer applies. */
const RACES = new Set(['illegal_transition', 'not_found', 'conflict', 'precondition_failed']);
const lostRace = (error: unknown): boolean => error instanceof DomainError && RACES.has(error.code);

/**
 * Start the traffic on a store holding the demo world: a first round soon, then one every
 * `tickMs`. Resolves to undefined, doing nothing, when the store holds another organisation.
 * It first hands the router back what the router could not count (see handBack): start it
 * before the router, and the router never complains about the demo's history.
 */
export async function startDemoTraffic(
  db: Db,
  actions: DemoTrafficActions,
  options: DemoTrafficOptions,
): Promise<DemoTraffic | undefined> {
  const world = await loadWorld(db);
  if (!world) return undefined;
  const runner = new TrafficRunner(db, actions, world, options);
  const handedBack = await runner.handBack(options.now());
  return runner.start(handedBack);
}

class TrafficRunner {
  readonly #db: Db;
  readonly #actions: DemoTrafficActions;
  readonly #world: World;
  readonly #options: DemoTrafficOptions;
  readonly #rng: Random;
  readonly #tickMs: number;
  readonly #maxActive: number;
  #lastRound: number | undefined;
  #lastPresence: number | undefined;
  readonly #lastHandOver = new Map<string, number>();
  /** Conversations resolved in the current round. */
  readonly #resolvedNow = new Set<string>();
  /** What agents hold in the current round. */
  #loads = new Loads([]);
  #running: Promise<unknown> | undefined;
  #cancel: (() => void) | undefined;
  #stopped = false;

  constructor(db: Db, actions: DemoTrafficActions, world: World, options: DemoTrafficOptions) {
    this.#db = db;
    this.#actions = actions;
    this.#world = world;
    this.#options = options;
    // Its own stream, apart from the one that built the world from the same seed.
    this.#rng = new Random(options.seed ^ 0x7e_a1_f1_c0);
    this.#tickMs = options.tickMs ?? 5 * SECOND;
    this.#maxActive = options.maxActive ?? 160;
  }

  start(handedBack: number): DemoTraffic {
    this.#next(Math.min(this.#tickMs, SECOND));
    return {
      handedBack,
      round: () => this.#exclusive(() => this.round()),
      stop: async () => {
        this.#stopped = true;
        this.#cancel?.();
        this.#cancel = undefined;
        await this.#running?.catch(() => undefined);
      },
    };
  }

  #next(ms: number): void {
    if (this.#stopped) return;
    const schedule =
      this.#options.schedule ??
      ((run: () => void, after: number) => {
        const timer = setTimeout(run, after);
        timer.unref();
        return () => clearTimeout(timer);
      });
    this.#cancel = schedule(() => {
      this.#cancel = undefined;
      void this.#exclusive(() => this.round())
        .catch((error: unknown) => this.#options.onError?.(error))
        .finally(() => this.#next(this.#tickMs));
    }, ms);
  }

  /** Rounds never overlap: one waits for the other. */
  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = (this.#running ?? Promise.resolve()).catch(() => undefined).then(work);
    this.#running = run;
    return run;
  }

  async round(): Promise<TrafficRound> {
    const report: TrafficRound = {
      arrived: 0,
      handedToSignIns: 0,
      agentReplies: 0,
      customerReplies: 0,
      onHold: 0,
      escalated: 0,
      resolved: 0,
      trimmed: 0,
      presenceChanges: 0,
      skipped: 0,
    };
    if (this.#stopped) return report;
    const now = this.#options.now();
    const at = now.getTime();
    const last = this.#lastRound;
    const elapsed = Math.min(last === undefined ? this.#tickMs : at - last, MINUTE);
    this.#lastRound = at;
    const openSites = new Set(
      this.#world.sites.filter((s) => isSiteOpen(s.calendar, s.timeZone, now)).map((s) => s.id),
    );

    if (this.#lastPresence === undefined || at - this.#lastPresence >= PRESENCE_EVERY_MS) {
      report.presenceChanges = await this.#shifts(now, openSites, this.#lastPresence === undefined);
      this.#lastPresence = at;
    }
    this.#resolvedNow.clear();
    const active = await inProgress(this.#db);
    this.#loads = new Loads(active);
    const busyCustomers = new Set(active.map((a) => a.customer_id));
    await this.#arrivals(now, elapsed, openSites, busyCustomers, report);
    await this.#handToSignIns(now, active, busyCustomers, report);
    for (const conversation of active) {
      if (this.#stopped) break;
      await this.#work(now, elapsed, conversation, report);
    }
    await this.#trim(now, active, report);
    const wrote = Object.values(report).some((n) => n > 0);
    if (wrote) this.#options.onCommitted?.();
    return report;
  }

  /** Change a conversation as of the version it is at now, in the caller's transaction. */
  async #update(
    trx: Db,
    ctx: Context,
    id: string,
    input: { status?: Status | 'resolved'; assigneeId?: string | null },
  ): Promise<void> {
    const row = await trx
      .selectFrom('conversations')
      .select('version')
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw new DomainError('not_found', `conversation ${id} was not found`);
    await this.#actions.updateConversation(trx, ctx, id, row.version, input);
  }

  /**
   * The demo world's history assigned some conversations beyond their agent's capacity (a
   * voice-only agent holding an email), which the router refuses to count: at the start
   * they go back to it, the oldest kept first as the router restores them.
   */
  async handBack(now: Date): Promise<number> {
    const active = await inProgress(this.#db);
    const loads = new Loads([]);
    let handedBack = 0;
    const held = active
      .filter((a) => a.status === 'assigned' && a.assignee_id)
      .sort((a, b) => a.created_at.getTime() - b.created_at.getTime() || (a.id < b.id ? -1 : 1));
    const ctx = { actor: SYSTEM_ACTOR, now };
    for (const c of held) {
      const agent = this.#world.agents.get(c.assignee_id ?? '');
      if (!agent || loads.fits(agent, c.channel)) {
        if (c.assignee_id) loads.add(c.assignee_id, c.channel);
        continue;
      }
      await atomically(this.#db, (trx) => this.#update(trx, ctx, c.id, { status: 'open', assigneeId: null }));
      handedBack++;
    }
    return handedBack;
  }

  /** Run one action; a race lost to a person or the router is counted, not raised. */
  async #attempt(report: TrafficRound, action: () => Promise<unknown>): Promise<boolean> {
    try {
      await action();
      return true;
    } catch (error) {
      if (!lostRace(error)) throw error;
      report.skipped++;
      return false;
    }
  }

  /** The agents of open sites come on shift (a few take a break now and then); those of closed sites go. */
  async #shifts(now: Date, openSites: ReadonlySet<string>, first: boolean): Promise<number> {
    let changes = 0;
    // A supervisor may have changed someone's presence since: start from the store.
    for (const row of await this.#db.selectFrom('agents').select(['id', 'presence']).execute()) {
      const agent = this.#world.agents.get(row.id);
      if (agent) agent.presence = row.presence;
    }
    for (const agent of this.#world.agents.values()) {
      // The demo sign-ins set their own presence.
      if (agent.signIn) continue;
      const open = openSites.has(agent.siteId);
      let wanted: Presence = agent.presence;
      if (!open) wanted = 'offline';
      else if (agent.presence === 'offline' || first) wanted = 'available';
      else if (agent.presence === 'available' && this.#rng.chance(0.04)) wanted = 'away';
      else if (agent.presence !== 'available' && this.#rng.chance(0.5)) wanted = 'available';
      if (wanted === agent.presence) continue;
      const ctx = { actor: agent.actor, now };
      await atomically(this.#db, (trx) => setPresence(trx, ctx, agent.id, wanted));
      agent.presence = wanted;
      changes++;
    }
    return changes;
  }

  #subsidiaryServed(subsidiaryId: string, openSites: ReadonlySet<string>): boolean {
    return this.#world.sites.some((s) => openSites.has(s.id) && s.subsidiaryIds.includes(subsidiaryId));
  }

  async #arrivals(
    now: Date,
    elapsed: number,
    openSites: ReadonlySet<string>,
    busyCustomers: Set<string>,
    report: TrafficRound,
  ): Promise<void> {
    const subsidiaries = this.#world.subsidiaries;
    const pulls = subsidiaries.map((s) => ({
      share: s.share,
      ...localClock(now, s.timeZone),
      served: this.#subsidiaryServed(s.id, openSites),
    }));
    const rate = arrivalRate(this.#options.perMinute, pulls);
    const count = Math.min(MOST_ARRIVALS_PER_ROUND, poisson(this.#rng, (rate.perMinute * elapsed) / MINUTE));
    for (let k = 0; k < count && !this.#stopped; k++) {
      const subsidiary = this.#rng.weighted(subsidiaries.map((s, i) => [s, rate.weights[i] ?? 0] as const));
      const served = pulls[subsidiaries.indexOf(subsidiary)]?.served ?? false;
      const customer = this.#freeCustomer(subsidiary.customers, busyCustomers);
      if (!customer) continue;
      const contact = this.#contact(subsidiary, customer, served ? undefined : WRITTEN);
      await atomically(this.#db, (trx) =>
        this.#actions.createConversation(trx, { actor: SYSTEM_ACTOR, now }, contact),
      );
      busyCustomers.add(customer.id);
      report.arrived++;
    }
  }

  #freeCustomer(pool: readonly Customer[], busy: ReadonlySet<string>): Customer | undefined {
    for (let attempt = 0; attempt < 10; attempt++) {
      const customer = pool.length > 0 ? this.#rng.pick(pool) : undefined;
      if (customer && !busy.has(customer.id)) return customer;
    }
    return undefined;
  }

  /** A customer's first message on one of their channels (of `only`, when given), as the channel would store it. */
  #contact(
    subsidiary: Subsidiary,
    customer: Customer,
    only: readonly ChannelName[] | undefined,
    tier?: TierName,
  ): NewContact {
    const rng = this.#rng;
    const reachable = (c: ChannelName): boolean => {
      if (only && !only.includes(c)) return false;
      if (c === 'chat') return true;
      if (c === 'email') return Boolean(customer.identities.email);
      if (c === 'voice' || c === 'sms') return Boolean(customer.identities.phone);
      if (c === 'whatsapp') return Boolean(customer.identities.whatsapp);
      if (c === 'social') return Boolean(customer.identities.facebook);
      return false;
    };
    let level =
      tier ??
      rng.weighted<TierName>([
        ['level1', 88],
        ['level2', 12],
      ]);
    // The demo's work must be routable: a channel, and a required skill, only when some
    // simulated agent who serves the subsidiary in the customer's language at that tier
    // takes it (whether on shift now or not: work for a closed site waits, as it would).
    const able = (at: TierName, channel: ChannelName, skill?: string): boolean =>
      tier !== undefined ||
      [...this.#world.agents.values()].some(
        (a) =>
          !a.signIn &&
          a.tier === at &&
          a.languages.includes(customer.language) &&
          a.channels.includes(channel) &&
          (skill === undefined || a.skills.includes(skill)) &&
          this.#world.sites.some((s) => s.id === a.siteId && s.subsidiaryIds.includes(subsidiary.id)),
      );
    const channelsAt = (at: TierName) => subsidiary.channels.filter(([c]) => reachable(c) && able(at, c));
    let weights = channelsAt(level);
    if (weights.length === 0 && level !== 'level1' && tier === undefined) {
      level = 'level1';
      weights = channelsAt(level);
    }
    const channel: ChannelName =
      weights.length > 0 ? rng.weighted(weights) : customer.identities.email ? 'email' : 'chat';
    const topic = rng.weighted(TOPIC_WEIGHTS);
    const texts = textsFor(customer.language);
    const [subject, opening] = texts.topics[topic];
    const text = channel === 'voice' ? `${texts.call[0]} (${callLength(rng)}) — ${opening}` : opening;
    const skill = SKILL_OF_TOPIC[topic];
    const skilled = tier === undefined && rng.chance(0.4) && able(level, channel, skill);
    const identity =
      channel === 'email'
        ? { kind: 'email' as const, value: customer.identities.email }
        : channel === 'voice' || channel === 'sms'
          ? { kind: 'phone' as const, value: customer.identities.phone }
          : channel === 'whatsapp'
            ? { kind: 'whatsapp' as const, value: customer.identities.whatsapp }
            : channel === 'social'
              ? { kind: 'facebook' as const, value: customer.identities.facebook }
              : undefined;
    const endpointId = this.#world.endpoints.get(`${subsidiary.id}:${channel}`);
    return {
      subsidiaryId: subsidiary.id,
      // Known by the address they write from, as the channels find them; a chat from the signed-in web space.
      ...(identity?.value
        ? { customer: { identity: { kind: identity.kind, value: identity.value } } }
        : { customerId: customer.id }),
      channel,
      subject,
      language: customer.language,
      tier: level,
      requiredSkills: skilled ? [skill] : [],
      priority: rng.weighted<Priority>(
        topic === 'complaints' || topic === 'retention'
          ? [
              ['normal', 50],
              ['high', 40],
              ['urgent', 10],
            ]
          : [
              ['normal', 75],
              ['low', 12],
              ['high', 10],
              ['urgent', 3],
            ],
      ),
      ...(endpointId ? { endpointId } : {}),
      message: {
        direction: 'inbound',
        channel,
        text,
        attachments: [],
        language: customer.language,
        ...(channel === 'social' ? { visibility: 'private' as const } : {}),
      },
    };
  }

  /**
   * The agents a person plays (the demo sign-ins) always have a few conversations of their
   * own: one is opened for them and assigned at once, as a supervisor would, when they have
   * fewer than SIGN_IN_WORK.
   */
  async #handToSignIns(
    now: Date,
    active: readonly Active[],
    busyCustomers: Set<string>,
    report: TrafficRound,
  ): Promise<void> {
    for (const agent of this.#world.agents.values()) {
      if (!agent.signIn || this.#stopped) continue;
      const last = this.#lastHandOver.get(agent.id);
      if (last !== undefined && now.getTime() - last < SIGN_IN_EVERY_MS) continue;
      const load = active.filter((a) => a.assignee_id === agent.id && a.status === 'assigned').length;
      // Within their capacity, or the router could not count them.
      const room = agent.channels.filter((channel) => this.#loads.fits(agent, channel));
      if (load >= SIGN_IN_WORK || room.length === 0) continue;
      const site = this.#world.sites.find((s) => s.id === agent.siteId);
      const candidates = this.#world.subsidiaries.filter((s) => site?.subsidiaryIds.includes(s.id));
      const pool = candidates.flatMap((s) =>
        s.customers.filter((c) => agent.languages.includes(c.language)).map((c) => ({ s, c })),
      );
      if (pool.length === 0) continue;
      let picked: { s: Subsidiary; c: Customer } | undefined;
      for (let attempt = 0; attempt < 10 && !picked; attempt++) {
        const one = this.#rng.pick(pool);
        if (!busyCustomers.has(one.c.id)) picked = one;
      }
      if (!picked) continue;
      const contact = this.#contact(picked.s, picked.c, room, agent.tier);
      const { c } = picked;
      const ctx = { actor: SYSTEM_ACTOR, now };
      await atomically(this.#db, async (trx) => {
        const { conversation } = await this.#actions.createConversation(trx, ctx, {
          ...contact,
          // Their own work: no skill they might lack.
          requiredSkills: [],
        });
        await this.#update(trx, ctx, conversation.id, {
          assigneeId: agent.id,
        });
      });
      busyCustomers.add(c.id);
      this.#loads.add(agent.id, contact.channel);
      this.#lastHandOver.set(agent.id, now.getTime());
      report.handedToSignIns++;
    }
  }

  /** One step of a conversation in progress, when someone's turn has come. */
  async #work(now: Date, elapsed: number, c: Active, report: TrafficRound): Promise<void> {
    const rng = this.#rng;
    const agent = c.assignee_id ? this.#world.agents.get(c.assignee_id) : undefined;
    const sinceLast = now.getTime() - (c.last_at ?? c.last_message_at).getTime();
    const agentSpokeLast = c.last_direction === 'outbound' && c.last_author_kind === 'agent';

    if (agent?.signIn) {
      // A person answers here; their customer writes back, a few times at most.
      if (
        agentSpokeLast &&
        c.customer_messages <= HUMAN_FOLLOW_UPS &&
        sinceLast >= CUSTOMER_MEAN_MS[c.channel] / 3 &&
        happens(rng, elapsed, CUSTOMER_MEAN_MS[c.channel])
      ) {
        const text = this.#followUp(c);
        if (await this.#attempt(report, () => this.#customerWrites(now, c, text))) report.customerReplies++;
      }
      return;
    }

    if (c.status === 'pending') {
      // On hold, waiting on the customer: they answer and the agent takes it up again, or,
      // silent long enough, it is resolved by an agent on shift. Old ones too, one by one.
      if (sinceLast < ON_HOLD_MEAN_MS / 3 || !happens(rng, elapsed, ON_HOLD_MEAN_MS)) return;
      if (sinceLast >= IDLE_RESOLVE_MS && rng.chance(0.5)) {
        if (agent?.presence === 'offline') return;
        if (await this.#attempt(report, () => this.#resolve(now, c, agent, false))) report.resolved++;
        return;
      }
      const text = this.#followUp(c);
      // Their agent takes it up if they have room; else it goes back to the router.
      const takesUp = agent !== undefined && this.#loads.fits(agent, c.channel);
      const done = await this.#attempt(report, () =>
        atomically(this.#db, async (trx) => {
          await this.#actions.addMessage(trx, { actor: SYSTEM_ACTOR, now }, c.id, this.#inbound(c, text));
          await this.#update(
            trx,
            { actor: SYSTEM_ACTOR, now },
            c.id,
            takesUp ? { status: 'assigned' } : { status: 'open', assigneeId: null },
          );
        }),
      );
      if (done) {
        report.customerReplies++;
        if (takesUp) this.#loads.add(agent.id, c.channel);
      }
      return;
    }

    // Waiting work is the router's; simulated agents work what they hold while on shift.
    if (c.status !== 'assigned' || !agent || agent.presence === 'offline') return;

    if (!agentSpokeLast) {
      const mean = AGENT_MEAN_MS[c.channel];
      if (sinceLast < mean / 3 || !happens(rng, elapsed, mean)) return;
      const texts = textsFor(c.language);
      const solved = c.last_text === texts.customerFollowUps[texts.customerFollowUps.length - 1];
      const stuck = c.last_text === texts.customerFollowUps[2];
      if (c.channel === 'voice' || solved || c.agent_messages >= 3) {
        if (await this.#attempt(report, () => this.#resolve(now, c, agent, true))) report.resolved++;
        return;
      }
      if (c.tier === 'level1' && c.agent_messages >= 1 && (stuck ? rng.chance(0.6) : rng.chance(0.05))) {
        const code = this.#world.subsidiaries.find((s) => s.id === c.subsidiary_id)?.code ?? 'FR';
        const reason = rng.pick(ESCALATION_REASONS[STAFF_LANGUAGE[code]]);
        const done = await this.#attempt(report, () =>
          atomically(this.#db, (trx) =>
            this.#actions.escalateConversation(trx, { actor: agent.actor, now }, c.id, {
              tier: 'level2',
              reason,
            }),
          ),
        );
        if (done) {
          report.escalated++;
          this.#loads.release(c);
        }
        return;
      }
      const reply = texts.agentReplies[Math.min(c.agent_messages, texts.agentReplies.length - 1)] ?? '';
      const text = this.#words(reply, c, agent);
      const hold = WRITTEN.includes(c.channel) && rng.chance(0.2);
      const done = await this.#attempt(report, () =>
        atomically(this.#db, async (trx) => {
          await this.#reply(trx, now, c, agent, text);
          if (hold)
            await this.#update(trx, { actor: agent.actor, now }, c.id, {
              status: 'pending',
            });
        }),
      );
      if (done) {
        report.agentReplies++;
        if (hold) report.onHold++;
      }
      return;
    }

    // The agent spoke last: the customer answers, or went quiet and the agent closes.
    const mean = CUSTOMER_MEAN_MS[c.channel];
    if (sinceLast < mean / 3 || !happens(rng, elapsed, mean)) return;
    const idle = sinceLast >= IDLE_RESOLVE_MS;
    // Now and then a customer lets it rest; one silent long enough, the agent closes.
    if (rng.chance(idle ? 0.5 : 0.1)) {
      if (idle && (await this.#attempt(report, () => this.#resolve(now, c, agent, true)))) report.resolved++;
      return;
    }
    const text = this.#followUp(c);
    if (await this.#attempt(report, () => this.#customerWrites(now, c, text))) report.customerReplies++;
  }

  /** An agent's words to this customer, with both names as the conversation's language writes them. */
  #words(template: string, c: Active, agent: Agent): string {
    const given = this.#customerOf(c)?.greeting ?? '';
    return fill(template, { given: nameIn(given, c.language), agent: nameIn(agent.givenName, c.language) })
      .replace(/\s{2,}/g, ' ')
      .trim();
  }

  #customerOf(c: Active): Customer | undefined {
    return this.#world.subsidiaries
      .find((s) => s.id === c.subsidiary_id)
      ?.customers.find((x) => x.id === c.customer_id);
  }

  /** What the customer says next, as the exchange goes: details, patience, then it works (or not). */
  #followUp(c: Active): string {
    const said = textsFor(c.language).customerFollowUps;
    const pick = (i: number) => said[Math.min(i, said.length - 1)] ?? '';
    if (c.agent_messages <= 1) return pick(this.#rng.pick([0, 1]));
    if (c.agent_messages === 2) return pick(this.#rng.pick([0, 2, 3]));
    return pick(this.#rng.chance(0.75) ? 3 : 2);
  }

  #inbound(c: Active, text: string): InboundMessage {
    return {
      direction: 'inbound',
      channel: c.channel,
      text:
        c.channel === 'voice' ? `${textsFor(c.language).call[0]} (${callLength(this.#rng)}) — ${text}` : text,
      attachments: [],
      language: c.language,
      ...(c.channel === 'social' ? { visibility: 'private' as const } : {}),
    };
  }

  async #customerWrites(now: Date, c: Active, text: string): Promise<void> {
    await atomically(this.#db, (trx) =>
      this.#actions.addMessage(trx, { actor: SYSTEM_ACTOR, now }, c.id, this.#inbound(c, text)),
    );
  }

  /**
   * An agent's reply, written as they write it, and marked delivered in the same
   * transaction: the delivery worker never sees it queued, so nothing tries to reach the
   * demo's `.example` addresses. Its history says so.
   */
  async #reply(trx: Db, now: Date, c: Active, agent: Agent, text: string): Promise<void> {
    const { message } = await this.#actions.addMessage(trx, { actor: agent.actor, now }, c.id, {
      direction: 'outbound',
      channel: c.channel,
      text:
        c.channel === 'voice' ? `${textsFor(c.language).call[1]} (${callLength(this.#rng)}) — ${text}` : text,
      attachments: [],
      language: c.language,
      ...(c.channel === 'social' ? { visibility: 'private' as const } : {}),
    });
    await trx
      .updateTable('messages')
      .set({ delivery_status: 'delivered' })
      .where('id', '=', message.id)
      .where('delivery_status', '=', 'queued')
      .execute();
    await trx
      .insertInto('delivery_events')
      .values({
        message_id: message.id,
        status: 'delivered',
        detail: 'demo traffic: simulated, nothing was sent',
        at: now,
      })
      .execute();
  }

  /** The agent closes: a last word when the customer is there to read it, then resolved. */
  async #resolve(now: Date, c: Active, agent: Agent | undefined, closingWord: boolean): Promise<void> {
    const texts = textsFor(c.language);
    await atomically(this.#db, async (trx) => {
      if (agent && closingWord) {
        await this.#reply(trx, now, c, agent, this.#words(this.#rng.pick(texts.agentClosings), c, agent));
      }
      await this.#update(trx, { actor: agent?.actor ?? SYSTEM_ACTOR, now }, c.id, { status: 'resolved' });
    });
    this.#resolvedNow.add(c.id);
    this.#loads.release(c);
  }

  /**
   * Keep the demo usable for hours: beyond maxActive conversations in progress, the ones
   * idle longest are resolved — on hold first, then held by simulated agents, then waiting.
   * The sign-ins' own work is left to them.
   */
  async #trim(now: Date, active: readonly Active[], report: TrafficRound): Promise<void> {
    const live = active.filter(
      (a) =>
        !this.#resolvedNow.has(a.id) && !(a.assignee_id && this.#world.agents.get(a.assignee_id)?.signIn),
    );
    const excess =
      active.length + report.arrived + report.handedToSignIns - this.#resolvedNow.size - this.#maxActive;
    if (excess <= 0) return;
    const order: Record<Status, number> = { pending: 0, assigned: 1, open: 2 };
    const oldest = [...live].sort(
      (a, b) =>
        order[a.status] - order[b.status] || a.last_message_at.getTime() - b.last_message_at.getTime(),
    );
    const ctx = { actor: SYSTEM_ACTOR, now };
    for (const c of oldest.slice(0, Math.min(excess, MOST_TRIMMED_PER_ROUND))) {
      if (this.#stopped) return;
      const done = await this.#attempt(report, () =>
        atomically(this.#db, (trx) => this.#update(trx, ctx, c.id, { status: 'resolved' })),
      );
      if (done) {
        this.#resolvedNow.add(c.id);
        this.#loads.release(c);
        report.trimmed++;
      }
    }
  }
}
