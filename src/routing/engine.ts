import { DomainError, type FieldIssue, invalid, notFound } from '../core/index.ts';
import { isSiteOpen } from '../organisation/index.ts';
import {
  costValue,
  DEFAULT_WEIGHTS,
  fairnessValue,
  type PartValues,
  qualityValue,
  scoreWithParts,
  shareValue,
} from './score.ts';
import type {
  Agent,
  Assignment,
  Decision,
  Instant,
  Presence,
  Priority,
  QueuePolicy,
  Ring,
  RoutingSite,
  RoutingWorld,
  ScoreWeights,
  SkillRequirement,
  Tier,
  Trigger,
  WaitReason,
  WorkItem,
} from './types.ts';

/** The tiers, in the order the engine indexes them. */
export const TIERS: readonly Tier[] = ['level1', 'level2', 'expert', 'back_office'];
const TIER_INDEX: Record<Tier, number> = { level1: 0, level2: 1, expert: 2, back_office: 3 };
const PRIORITY_RANK: Record<Priority, number> = { low: 0, normal: 1, high: 2, urgent: 3 };
const MINUTE = 60_000;

interface SiteState {
  site: RoutingSite;
  idx: number;
  cost: number;
  quality: number;
  alwaysFor: Set<string>;
  /** isSiteOpen is read once per site per minute: shifts are whole minutes. */
  openMinute: number;
  open: boolean;
  /** By tier: capacity of the site's available agents, and how much of it they use (utilisation). */
  capacity: Float64Array;
  used: Float64Array;
  /** The same by tier, then channel: [capacity, used]. */
  onChannel: Array<Map<string, [number, number]>>;
}

interface SubsidiaryState {
  id: string;
  weights: ScoreWeights;
  fallbacks: Map<string, { fallback: string; afterMs: number }>;
  serving: SiteState[];
  /** By site index: 1 when the site serves this subsidiary. */
  serves: Uint8Array;
  /** By site index: 1 when the site is another subsidiary's only site (see soleSitePremium). */
  reserved: Uint8Array;
  target: Float64Array;
  assigned: Float64Array;
  assignedTotal: number;
}

interface AgentState {
  agent: Agent;
  ord: number;
  site: SiteState;
  tierIdx: number;
  langs: Map<string, number>;
  skills: Map<string, number>;
  /** '' and the agent's skills: where their wait queues are filed. */
  lookups: string[];
  /** Every language + skill pair of theirs (langSkillKey): where they are indexed when free. */
  langSkills: string[];
  /** The sets of the free indexes (by language, by language + skill) they are in while free. */
  freeSets: Array<Set<AgentState>>;
  load: number;
  loadByChannel: Map<string, number>;
  lastFreedAt: Instant;
  items: Set<string>;
  inFree: boolean;
  /** What the agent adds to their site's capacity and use (available agents only). */
  countedCapacity: number;
  countedUsed: number;
  /** The same per channel: the entries it adds to, with what it added. */
  countedOnChannel: Array<{ channel: string; entry: [number, number]; capacity: number; used: number }>;
}

interface QueueState {
  rings: Array<{ afterMs: number; sites: Set<string> | null; optional: Ring['optionalSkills'] }>;
}

interface ItemState {
  item: WorkItem;
  seq: number;
  rank: number;
  due: number;
  queuedAt: Instant;
  /** When the engine last tried to place it. */
  routedAt: Instant;
  agent: AgentState | null;
  reason: WaitReason | null;
  /** Required skills as one string: items alike share a wait queue. */
  signature: string;
  /** When its ring or fallback next changes by itself (Infinity: never). */
  nextCheck: Instant;
  /** The wait queues the item sits in while it waits (its language's, and its fallback's once accepted). */
  listed: WaitQueue[];
}

/**
 * Items alike — language, tier, subsidiary, queue policy, required skills — wait in one
 * list kept in order. An agent checks once whether they can serve the list at all
 * (language, tier, site, required skills) and then only looks at its first items.
 */
interface WaitQueue {
  key: string;
  /** The first of its required skills by name, '' for none: where agents look it up. */
  firstSkill: string;
  language: string;
  tierIdx: number;
  sub: SubsidiaryState | undefined;
  required: SkillRequirement[];
  items: ItemState[];
}

/** A waiting item as a queue view shows it. */
export interface WaitingItem {
  item: WorkItem;
  queuedAt: Instant;
  reason: WaitReason;
}

/** A site route() may take an agent from, with the score its agents share and the most they can reach. */
interface Candidate {
  site: SiteState;
  set: Set<AgentState>;
  siteScore: number;
  bound: number;
}

/** Highest bound first (a module-level function: no closure per call on the hot path). */
const byBound = (a: { bound: number }, b: { bound: number }): number => b.bound - a.bound;

/** The key of a language and a skill together in the free agents' index. */
const langSkillKey = (tag: string, skill: string): string => `${tag}\u0000${skill}`;

/**
 * How full a site is for an item: the larger of the shares in use of its available agents'
 * capacity of the item's tier, in total and on the item's channel (1 when there is none).
 */
function utilisation(site: SiteState, tierIdx: number, channel: string): number {
  const capacity = site.capacity[tierIdx] as number;
  const entry = site.onChannel[tierIdx]?.get(channel);
  if (!(capacity > 0) || !entry || !(entry[0] > 0)) return 1;
  return Math.max((site.used[tierIdx] as number) / capacity, entry[1] / entry[0]);
}

/** Before: priority (highest first), then SLA due (soonest first, none last), then arrival, then submission. */
const before = (a: ItemState, b: ItemState): boolean =>
  a.rank !== b.rank
    ? a.rank > b.rank
    : a.due !== b.due
      ? a.due < b.due
      : a.item.arrivedAt !== b.item.arrivedAt
        ? a.item.arrivedAt < b.item.arrivedAt
        : a.seq < b.seq;

/** Position at which `x` goes in a list kept in `before` order. */
function insertionPoint(list: ItemState[], x: ItemState): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(list[mid] as ItemState, x)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const listKey = (language: string, tierIdx: number): string => `${language}|${tierIdx}`;
function signatureOf(skills: SkillRequirement[]): string {
  if (skills.length === 0) return '';
  const parts: string[] = [];
  for (const r of skills) parts.push(`${r.name}:${r.minProficiency}`);
  return parts.sort().join(',');
}

function requireValid(issues: FieldIssue[]): void {
  if (issues.length > 0)
    throw new DomainError(
      'validation_failed',
      issues.map((i) => `${i.path}: ${i.message}`).join('; '),
      issues,
    );
}

function everOpens(site: RoutingSite): boolean {
  if ((site.alwaysOpenFor ?? []).length > 0) return true;
  const weekly = Object.values(site.calendar.weekly).some((shifts) => (shifts ?? []).length > 0);
  return weekly || site.calendar.exceptions.some((e) => e.intervals.length > 0);
}

/**
 * The router: keeps waiting items and agents in memory with indexes and decides who
 * takes what. Pure — no IO, no clock: every call that depends on time takes `now`.
 * Not safe to share between processes: the assignment service claims in the store.
 */
export class Router {
  private readonly sites = new Map<string, SiteState>();
  private readonly siteList: SiteState[] = [];
  private readonly subsidiaries = new Map<string, SubsidiaryState>();
  private readonly queues = new Map<string, QueueState>();
  private readonly defaultQueue: QueueState = { rings: [{ afterMs: 0, sites: null, optional: 'none' }] };
  private readonly fairnessHorizonMs: number;
  private readonly premium: number;
  /** Scratch list of route(): the sites with someone free for the item being routed. */
  private readonly candidates: Candidate[] = [];
  private readonly candidatePool: Candidate[] = [];
  private readonly reserve: number;
  private readonly cheapest: number;
  private readonly agents = new Map<string, AgentState>();
  /** language → [siteIdx * 4 + tierIdx] → agents available with capacity left. */
  private readonly free = new Map<string, Array<Set<AgentState> | undefined>>();
  /** language → [siteIdx * 4 + tierIdx] → every agent, whatever their presence: for wait reasons. */
  private readonly roster = new Map<string, Array<Set<AgentState> | undefined>>();
  private readonly items = new Map<string, ItemState>();
  /**
   * language|tier → first required skill ('' for none) → the wait queues: an agent looks
   * only under the skills they have.
   */
  private readonly waiting = new Map<string, Map<string, Set<WaitQueue>>>();
  private readonly waitQueues = new Map<string, WaitQueue>();
  /** skill → [siteIdx * 4 + tierIdx] → agents available with capacity left: a narrower start than the language's set. */
  private readonly rosterBySkill = new Map<string, Array<Set<AgentState> | undefined>>();
  /** language + skill → [siteIdx * 4 + tierIdx] → agents available with capacity left who speak it and have it. */
  private readonly freeByLangSkill = new Map<string, Array<Set<AgentState> | undefined>>();
  /** Scratch list of route(): the language-and-skill sets of the item's required skills. */
  private readonly skillSets: Array<Array<Set<AgentState> | undefined>> = [];
  /** Agents with scheduled shifts: when a minute passes, those on shift and free look for work. */
  private readonly shifted = new Set<AgentState>();
  private waitingCount = 0;
  private seq = 0;
  private agentOrd = 0;
  private lastTickMinute = -1;
  private readonly values: PartValues = {
    cost: 0,
    quality: 0,
    share: 0,
    proficiency: 0,
    fairness: 0,
    preferred: 0,
  };

  /** Checks the world and refuses it, listing every problem, when it cannot route correctly. */
  constructor(world: RoutingWorld) {
    const issues: FieldIssue[] = [];
    const cheapest = Math.min(...world.sites.map((s) => s.costPerContact).filter((c) => c > 0), Infinity);
    world.sites.forEach((site, i) => {
      const path = `sites.${i}`;
      if (this.sites.has(site.id)) issues.push({ path, message: `site ${site.id} appears twice` });
      try {
        new Intl.DateTimeFormat('en-GB', { timeZone: site.timeZone });
      } catch {
        issues.push({ path: `${path}.timeZone`, message: `unknown time zone ${site.timeZone}` });
      }
      if (!everOpens(site))
        issues.push({ path: `${path}.calendar`, message: `site ${site.id}'s calendar never opens` });
      if (!(site.costPerContact >= 0))
        issues.push({ path: `${path}.costPerContact`, message: 'must be ≥ 0' });
      const state: SiteState = {
        site,
        idx: this.siteList.length,
        cost: site.costPerContact,
        quality: qualityValue(site.qualityIndex),
        alwaysFor: new Set(site.alwaysOpenFor ?? []),
        openMinute: Number.NaN,
        open: false,
        capacity: new Float64Array(TIERS.length),
        used: new Float64Array(TIERS.length),
        onChannel: TIERS.map(() => new Map<string, [number, number]>()),
      };
      this.sites.set(site.id, state);
      this.siteList.push(state);
    });
    // A site that is the only one serving some subsidiary counts as dearer for every other
    // subsidiary's work as it fills up: filling it with what other sites could take leaves
    // that subsidiary's customers waiting (see fillValues).
    const servingCount = new Map<string, number>();
    for (const site of world.sites)
      for (const id of site.subsidiaryIds) servingCount.set(id, (servingCount.get(id) ?? 0) + 1);
    this.premium = world.soleSitePremium ?? 1;
    if (!(this.premium >= 0)) issues.push({ path: 'soleSitePremium', message: 'must be ≥ 0' });
    this.reserve = world.soleSiteReserve ?? 0.35;
    if (!(this.reserve >= 0 && this.reserve <= 1))
      issues.push({ path: 'soleSiteReserve', message: 'must be between 0 and 1' });
    this.cheapest = Number.isFinite(cheapest) ? cheapest : 0;
    const reservedFor = (site: SiteState, subsidiaryId: string): boolean =>
      site.site.subsidiaryIds.some((id) => id !== subsidiaryId && servingCount.get(id) === 1);
    world.subsidiaries.forEach((sub, i) => {
      const path = `subsidiaries.${i}`;
      const serving = this.siteList.filter((s) => s.site.subsidiaryIds.includes(sub.id));
      const weights = { ...DEFAULT_WEIGHTS, ...sub.weights };
      for (const [name, w] of Object.entries(weights))
        if (!(w >= 0)) issues.push({ path: `${path}.weights.${name}`, message: 'a weight must be ≥ 0' });
      const fallbacks = new Map<string, { fallback: string; afterMs: number }>();
      (sub.fallbacks ?? []).forEach((f, j) => {
        if (f.fallback === f.language || !(f.afterSeconds >= 0) || fallbacks.has(f.language))
          issues.push({
            path: `${path}.fallbacks.${j}`,
            message: 'a fallback names another language, once per language, after a wait ≥ 0',
          });
        fallbacks.set(f.language, { fallback: f.fallback, afterMs: f.afterSeconds * 1000 });
      });
      const target = new Float64Array(this.siteList.length);
      if (sub.targetShares) {
        for (const [siteId, share] of Object.entries(sub.targetShares)) {
          const site = this.sites.get(siteId);
          if (!site || !serving.includes(site))
            issues.push({
              path: `${path}.targetShares.${siteId}`,
              message: `site ${siteId} does not serve ${sub.id}`,
            });
          else if (!(share >= 0 && share <= 1))
            issues.push({ path: `${path}.targetShares.${siteId}`, message: 'a share is between 0 and 1' });
          else target[site.idx] = share;
        }
      } else for (const s of serving) target[s.idx] = 1 / serving.length;
      this.subsidiaries.set(sub.id, {
        id: sub.id,
        weights,
        fallbacks,
        serving,
        serves: Uint8Array.from(this.siteList, (s) => (serving.includes(s) ? 1 : 0)),
        reserved: Uint8Array.from(this.siteList, (s) => (reservedFor(s, sub.id) ? 1 : 0)),
        target,
        assigned: new Float64Array(this.siteList.length),
        assignedTotal: 0,
      });
    });
    (world.queues ?? []).forEach((queue, i) => {
      this.queues.set(queue.id, this.checkQueue(queue, `queues.${i}`, issues));
    });
    this.fairnessHorizonMs = (world.fairnessHorizonSeconds ?? 600) * 1000;
    requireValid(issues);
  }

  private checkQueue(queue: QueuePolicy, path: string, issues: FieldIssue[]): QueueState {
    if (queue.rings.length === 0)
      issues.push({ path: `${path}.rings`, message: 'a queue needs at least one ring' });
    queue.rings.forEach((ring, j) => {
      const at = `${path}.rings.${j}`;
      const prev = queue.rings[j - 1];
      if (j === 0 && ring.afterSeconds !== 0)
        issues.push({ path: at, message: 'the first ring starts at 0 s' });
      if (prev && !(ring.afterSeconds > prev.afterSeconds))
        issues.push({ path: at, message: 'rings start later and later' });
      for (const id of ring.sites ?? [])
        if (!this.sites.has(id)) issues.push({ path: `${at}.sites`, message: `unknown site ${id}` });
      if (prev) {
        const widens = ring.sites === null || prev.sites?.every((s) => ring.sites?.includes(s)) === true;
        if (!widens)
          issues.push({ path: `${at}.sites`, message: 'a ring keeps every site of the ring before it' });
        const o = ring.optionalSkills;
        const p = prev.optionalSkills;
        const relaxes =
          o === 'none' ||
          p === 'all' ||
          (Array.isArray(o) && Array.isArray(p) && o.every((s) => p.includes(s)));
        if (!relaxes)
          issues.push({
            path: `${at}.optionalSkills`,
            message: 'a ring demands no optional skill the ring before dropped',
          });
      }
    });
    return {
      rings: queue.rings.map((r) => ({
        afterMs: r.afterSeconds * 1000,
        sites: r.sites ? new Set(r.sites) : null,
        optional: r.optionalSkills,
      })),
    };
  }

  // ---- agents ---------------------------------------------------------------------------

  /** Adds or updates an agent (their load is kept); an available agent with room then takes waiting work. */
  upsertAgent(agent: Agent, now: Instant): Decision[] {
    const issues: FieldIssue[] = [];
    const site = this.sites.get(agent.siteId);
    if (!site) issues.push({ path: 'siteId', message: `unknown site ${agent.siteId}` });
    if (agent.languages.length === 0)
      issues.push({ path: 'languages', message: 'an agent speaks at least one language' });
    for (const l of [...agent.languages, ...agent.skills])
      if (!(l.proficiency >= 1 && l.proficiency <= 5))
        issues.push({ path: 'proficiency', message: 'proficiency is between 1 and 5' });
    if (!(agent.capacity.total >= 0)) issues.push({ path: 'capacity.total', message: 'must be ≥ 0' });
    requireValid(issues);
    const previous = this.agents.get(agent.id);
    if (previous) this.unindex(previous);
    const state: AgentState = {
      agent,
      ord: previous?.ord ?? this.agentOrd++,
      site: site as SiteState,
      tierIdx: TIER_INDEX[agent.tier],
      langs: new Map(agent.languages.map((l) => [l.tag, l.proficiency])),
      skills: new Map(agent.skills.map((s) => [s.name, s.proficiency])),
      lookups: ['', ...agent.skills.map((s) => s.name)],
      langSkills: agent.languages.flatMap((l) => agent.skills.map((s) => langSkillKey(l.tag, s.name))),
      freeSets: [],
      load: previous?.load ?? 0,
      loadByChannel: previous?.loadByChannel ?? new Map(),
      lastFreedAt: previous?.lastFreedAt ?? now,
      items: previous?.items ?? new Set(),
      inFree: false,
      countedCapacity: 0,
      countedUsed: 0,
      countedOnChannel: Object.keys(agent.capacity.perChannel).map((channel) => {
        const byChannel = (site as SiteState).onChannel[TIER_INDEX[agent.tier]] as Map<
          string,
          [number, number]
        >;
        let entry = byChannel.get(channel);
        if (!entry) {
          entry = [0, 0];
          byChannel.set(channel, entry);
        }
        return { channel, entry, capacity: 0, used: 0 };
      }),
    };
    for (const id of state.items) {
      const held = this.items.get(id);
      if (held) held.agent = state;
    }
    this.agents.set(agent.id, state);
    for (const tag of state.langs.keys()) state.freeSets.push(this.slot(this.free, tag, state));
    for (const key of state.langSkills) state.freeSets.push(this.slot(this.freeByLangSkill, key, state));
    if (agent.shift) this.shifted.add(state);
    for (const tag of state.langs.keys()) this.slot(this.roster, tag, state).add(state);
    for (const name of state.skills.keys()) this.slot(this.rosterBySkill, name, state).add(state);
    this.refreshFree(state);
    return this.pull(state, now, 'agent_free');
  }

  /** Removes an agent; what they held goes back to waiting (keeping its arrival) and is routed again. */
  removeAgent(agentId: string, now: Instant): Decision[] {
    const state = this.agents.get(agentId);
    if (!state) throw notFound('agent', agentId);
    this.unindex(state);
    this.agents.delete(agentId);
    const decisions: Decision[] = [];
    for (const id of state.items) {
      const held = this.items.get(id);
      if (!held) continue;
      held.agent = null;
      held.queuedAt = now;
      decisions.push(this.route(held, now, 'escalation'));
    }
    return decisions;
  }

  /** Sets an agent's presence; becoming available lets them take waiting work. */
  setPresence(agentId: string, presence: Presence, now: Instant): Decision[] {
    const state = this.agents.get(agentId);
    if (!state) throw notFound('agent', agentId);
    state.agent = { ...state.agent, presence };
    this.refreshFree(state);
    return this.pull(state, now, 'agent_free');
  }

  // ---- items ----------------------------------------------------------------------------

  /** A new item: the best eligible agent takes it, or it waits with a reason. Refuses an id already held. */
  submit(item: WorkItem, now: Instant): Decision {
    if (this.items.has(item.id))
      throw new DomainError(
        'conflict',
        `item ${item.id} is already in the router; it is never assigned twice`,
      );
    if (item.queueId !== undefined && !this.queues.has(item.queueId))
      throw invalid('queueId', `unknown queue ${item.queueId}`);
    const state: ItemState = {
      item,
      seq: this.seq++,
      rank: PRIORITY_RANK[item.priority],
      due: item.slaDueAt ?? Number.POSITIVE_INFINITY,
      // Rings and fallback waits count from when the item entered its queue, also when it
      // comes back into a new router (a restart, a changed world) — never later than now.
      queuedAt: Math.min(item.queuedAt ?? now, now),
      routedAt: now,
      agent: null,
      reason: null,
      signature: signatureOf(item.requiredSkills),
      nextCheck: Number.POSITIVE_INFINITY,
      listed: [],
    };
    this.items.set(item.id, state);
    return this.route(state, now, 'arrival');
  }

  /**
   * Rebuilds an assignment that already exists in the store — made before a restart or by
   * another process — so the agent's load, per-channel load and the subsidiary's share
   * statistics count it, and `release` or `escalate` work on it later. No decision is
   * made and no waiting item moves: the agent's capacity only shrinks. Presence, language
   * and opening hours are not checked (the assignment is a fact); capacity is. Refuses an
   * unknown agent, subsidiary or queue, an item the router already holds, and an
   * assignment beyond the agent's capacity in total or on the item's channel.
   */
  restoreAssignment(item: WorkItem, agentId: string, now: Instant): void {
    const agent = this.agents.get(agentId);
    if (!agent) throw notFound('agent', agentId);
    if (this.items.has(item.id))
      throw new DomainError(
        'conflict',
        `item ${item.id} is already in the router; it is never assigned twice`,
      );
    const sub = this.subsidiaries.get(item.subsidiaryId);
    if (!sub) throw invalid('subsidiaryId', `unknown subsidiary ${item.subsidiaryId}`);
    if (item.queueId !== undefined && !this.queues.has(item.queueId))
      throw invalid('queueId', `unknown queue ${item.queueId}`);
    const capacity = agent.agent.capacity;
    const onChannel = agent.loadByChannel.get(item.channel) ?? 0;
    if (agent.load >= capacity.total || onChannel >= (capacity.perChannel[item.channel] ?? 0))
      throw new DomainError(
        'conflict',
        `agent ${agentId} holds ${agent.load} of ${capacity.total} (${onChannel} of ${
          capacity.perChannel[item.channel] ?? 0
        } on ${item.channel}): restoring ${item.id} would exceed their capacity`,
      );
    const state: ItemState = {
      item,
      seq: this.seq++,
      rank: PRIORITY_RANK[item.priority],
      due: item.slaDueAt ?? Number.POSITIVE_INFINITY,
      queuedAt: now,
      routedAt: now,
      agent,
      reason: null,
      signature: signatureOf(item.requiredSkills),
      nextCheck: Number.POSITIVE_INFINITY,
      listed: [],
    };
    this.items.set(item.id, state);
    agent.items.add(item.id);
    agent.load += 1;
    agent.loadByChannel.set(item.channel, onChannel + 1);
    this.refreshFree(agent);
    sub.assigned[agent.site.idx] = (sub.assigned[agent.site.idx] ?? 0) + 1;
    sub.assignedTotal += 1;
  }

  /** The agent is done with an item (resolved or handed back): capacity frees and they take the next waiting item. */
  release(itemId: string, now: Instant): Decision[] {
    const state = this.items.get(itemId);
    if (!state) throw notFound('item', itemId);
    const agent = state.agent;
    if (!agent) throw new DomainError('illegal_transition', `item ${itemId} is waiting, not assigned`);
    this.items.delete(itemId);
    // The free indexes are brought up to date once, after the agent took their next items:
    // an agent who frees a slot and fills it again at once is never re-indexed.
    this.unload(agent, state, now, false);
    return this.pull(agent, now, 'agent_free');
  }

  /** Withdraws a waiting item (the customer left). */
  withdraw(itemId: string): void {
    const state = this.items.get(itemId);
    if (!state) throw notFound('item', itemId);
    if (state.agent) throw new DomainError('illegal_transition', `item ${itemId} is assigned; release it`);
    this.unlist(state);
    this.items.delete(itemId);
  }

  /**
   * Re-queues an item with a new tier (escalation): it leaves its agent, keeps its arrival
   * time, and is routed again; the agent it left takes their next waiting item.
   */
  escalate(itemId: string, tier: Tier, now: Instant): Decision[] {
    const state = this.items.get(itemId);
    if (!state) throw notFound('item', itemId);
    const agent = state.agent;
    if (agent) this.unload(agent, state, now);
    else this.unlist(state);
    state.agent = null;
    state.item = { ...state.item, tier };
    state.queuedAt = now;
    const decisions = [this.route(state, now, 'escalation')];
    if (agent && this.agents.get(agent.agent.id) === agent)
      decisions.push(...this.pull(agent, now, 'agent_free'));
    return decisions;
  }

  /**
   * Time passes: items whose ring widened or whose fallback language became acceptable
   * are tried again; every waiting item when a site opened or closed since the last
   * minute; and free agents with shift windows look for work. Call it every few seconds.
   */
  tick(now: Instant): Decision[] {
    const minute = Math.floor(now / MINUTE);
    let all = false;
    let newMinute = false;
    if (minute !== this.lastTickMinute) {
      this.lastTickMinute = minute;
      newMinute = true;
      for (const site of this.siteList) {
        const was = site.open;
        site.openMinute = Number.NaN;
        if (this.openFor(site, '', now) !== was) all = true;
      }
    }
    const due: ItemState[] = [];
    for (const s of this.items.values()) if (!s.agent && (all || s.nextCheck <= now)) due.push(s);
    due.sort((a, b) => (before(a, b) ? -1 : 1));
    const decisions: Decision[] = [];
    for (const s of due) {
      this.unlist(s);
      const d = this.route(s, now, 'tick');
      if (d.kind === 'assigned') decisions.push(d);
    }
    if (newMinute)
      for (const agent of this.shifted) if (agent.inFree) decisions.push(...this.pull(agent, now, 'tick'));
    return decisions;
  }

  // ---- reading --------------------------------------------------------------------------

  /** Why an item waits, or null when it is assigned. */
  reasonFor(itemId: string): WaitReason | null {
    const state = this.items.get(itemId);
    if (!state) throw notFound('item', itemId);
    return state.agent ? null : state.reason;
  }

  /** The agent holding an item, or null while it waits. */
  assigneeOf(itemId: string): string | null {
    const state = this.items.get(itemId);
    if (!state) throw notFound('item', itemId);
    return state.agent?.agent.id ?? null;
  }

  /** Every waiting item in order (priority, SLA due, arrival), each with its reason. */
  waitingItems(): WaitingItem[] {
    return [...this.items.values()]
      .filter((s) => !s.agent)
      .sort((a, b) => (before(a, b) ? -1 : 1))
      .map((s) => ({
        item: s.item,
        queuedAt: s.queuedAt,
        reason: s.reason ?? { code: 'all_agents_busy', message: 'waiting' },
      }));
  }

  /** How many items wait. */
  get waitingSize(): number {
    return this.waitingCount;
  }

  /** An agent's current load, in total and per channel. */
  loadOf(agentId: string): { total: number; perChannel: Record<string, number> } {
    const state = this.agents.get(agentId);
    if (!state) throw notFound('agent', agentId);
    return { total: state.load, perChannel: Object.fromEntries(state.loadByChannel) };
  }

  // ---- the decision ----------------------------------------------------------------------

  private route(state: ItemState, now: Instant, trigger: Trigger): Decision {
    const item = state.item;
    state.routedAt = now;
    const sub = this.subsidiaries.get(item.subsidiaryId);
    if (sub) {
      const ringIdx = this.ringIndex(state, now);
      const ring = this.queueOf(item).rings[ringIdx];
      const optional = this.demanded(item, ring?.optional ?? 'none');
      const fb = this.activeFallback(sub, state, now);
      let best: AgentState | null = null;
      let bestScore = Number.NEGATIVE_INFINITY;
      let bestLang = item.language;
      const w = sub.weights;
      const tierIdx = TIER_INDEX[item.tier];
      const preferredSite = item.preferredAgentId ? this.agents.get(item.preferredAgentId)?.site : undefined;
      const skillCount = 5 * (1 + item.requiredSkills.length);
      const candidates = this.candidates;
      for (let l = 0; l < (fb ? 2 : 1); l++) {
        const lang = l === 0 ? item.language : (fb as string);
        const byKey = this.free.get(lang);
        if (!byKey) continue;
        // The sites that have someone free, each with the part of the score its agents
        // share and the most any of them can reach; the best bound is looked at first.
        candidates.length = 0;
        // Speakers of the language with each required skill: start from the smallest set.
        const skillSets = this.skillSets;
        skillSets.length = 0;
        let skilled = true;
        for (const r of item.requiredSkills) {
          const byKeySkill = this.freeByLangSkill.get(langSkillKey(lang, r.name));
          if (!byKeySkill) {
            skilled = false;
            break;
          }
          skillSets.push(byKeySkill);
        }
        if (!skilled) continue;
        for (const site of sub.serving) {
          if (ring?.sites && !ring.sites.has(site.site.id)) continue;
          const k = site.idx * 4 + tierIdx;
          let set = byKey[k];
          if (!set || set.size === 0 || !this.openFor(site, item.subsidiaryId, now)) continue;
          for (const byKeySkill of skillSets) {
            const bySkill = byKeySkill[k];
            if (!bySkill || bySkill.size === 0) {
              set = undefined;
              break;
            }
            if (bySkill.size < set.size) set = bySkill;
          }
          if (!set) continue;
          const siteScore = this.siteScore(site, item, sub);
          // Pooled: a decision allocates no candidate objects.
          let c = this.candidatePool[candidates.length];
          if (!c) {
            c = { site, set, siteScore: 0, bound: 0 };
            this.candidatePool.push(c);
          }
          c.site = site;
          c.set = set;
          c.siteScore = siteScore;
          c.bound = siteScore + w.proficiency + w.fairness + (preferredSite === site ? w.preferred : 0);
          candidates.push(c);
        }
        if (candidates.length > 1) candidates.sort(byBound);
        for (const c of candidates) {
          // No agent there can reach the best found: (siteScore + p + f + pr) ≤ bound.
          if (c.bound < bestScore) break;
          for (const agent of c.set) {
            if (l === 1 && agent.langs.has(item.language)) continue; // already seen as a speaker
            if (!this.fits(agent, item, optional, now)) continue;
            let p = agent.langs.get(lang) ?? 0;
            for (const r of item.requiredSkills) p += agent.skills.get(r.name) ?? 0;
            // The same sum, in the same order, as scoreTotal: equal scores compare equal.
            const total =
              c.siteScore +
              (p / skillCount) * w.proficiency +
              fairnessValue(
                now - agent.lastFreedAt,
                this.fairnessHorizonMs,
                agent.load,
                agent.agent.capacity.total,
              ) *
                w.fairness +
              (item.preferredAgentId === agent.agent.id ? 1 : 0) * w.preferred;
            if (total > bestScore || (total === bestScore && best && agent.ord < best.ord)) {
              best = agent;
              bestScore = total;
              bestLang = lang;
            }
          }
        }
      }
      if (best) return this.assign(state, best, bestLang, sub, ringIdx, now, trigger);
    }
    state.reason = this.explain(state, now);
    this.list(state, now);
    return { kind: 'waiting', itemId: item.id, at: now, trigger, reason: state.reason };
  }

  /** The agent takes waiting items while they have room: the first eligible in order across the lists they serve. */
  private pull(agent: AgentState, now: Instant, trigger: Trigger): Decision[] {
    const decisions: Decision[] = [];
    const a = agent.agent;
    while (a.presence === 'available' && agent.load < a.capacity.total && this.waitingCount > 0) {
      let pick: ItemState | null = null;
      let pickLang = '';
      for (const lang of agent.langs.keys()) {
        const bySkill = this.waiting.get(listKey(lang, agent.tierIdx));
        if (!bySkill) continue;
        for (const skill of agent.lookups) {
          const queues = bySkill.get(skill);
          if (!queues) continue;
          for (const q of queues) {
            if (!q.sub?.serves[agent.site.idx]) continue;
            if (pick && !before(q.items[0] as ItemState, pick)) continue;
            if (!this.hasSkills(agent, q.required)) continue;
            for (const s of q.items) {
              if (pick && !before(s, pick)) break;
              if (this.eligibleFor(agent, s, lang, now)) {
                pick = s;
                pickLang = lang;
                break;
              }
            }
          }
        }
      }
      if (!pick) break;
      const sub = this.subsidiaries.get(pick.item.subsidiaryId) as SubsidiaryState;
      this.unlist(pick);
      decisions.push(this.assign(pick, agent, pickLang, sub, this.ringIndex(pick, now), now, trigger, false));
    }
    this.refreshFree(agent);
    return decisions;
  }

  /** Every hard rule, for an agent pulling an item listed under `lang`. */
  private eligibleFor(agent: AgentState, s: ItemState, lang: string, now: Instant): boolean {
    const item = s.item;
    const sub = this.subsidiaries.get(item.subsidiaryId);
    if (!sub) return false;
    if (
      lang !== item.language &&
      (agent.langs.has(item.language) || this.activeFallback(sub, s, now) !== lang)
    )
      return false;
    const ring = this.queueOf(item).rings[this.ringIndex(s, now)];
    if (ring?.sites && !ring.sites.has(agent.site.site.id)) return false;
    if (!this.openFor(agent.site, item.subsidiaryId, now)) return false;
    if (!this.hasRoom(agent, item, now)) return false;
    return (
      ring === undefined ||
      ring.optional === 'none' ||
      this.hasSkills(agent, this.demanded(item, ring.optional))
    );
  }

  private hasSkills(agent: AgentState, needs: SkillRequirement[]): boolean {
    for (const r of needs) if ((agent.skills.get(r.name) ?? 0) < r.minProficiency) return false;
    return true;
  }

  private hasRoom(agent: AgentState, item: WorkItem, now: Instant): boolean {
    const a = agent.agent;
    if (a.presence !== 'available' || agent.load >= a.capacity.total) return false;
    if ((agent.loadByChannel.get(item.channel) ?? 0) >= (a.capacity.perChannel[item.channel] ?? 0))
      return false;
    if (!a.shift) return true;
    for (const w of a.shift) if (w.from <= now && now < w.to) return true;
    return false;
  }

  /** Capacity, shift and skills (language, site and tier are the index's). */
  private fits(agent: AgentState, item: WorkItem, optional: SkillRequirement[], now: Instant): boolean {
    return (
      this.hasRoom(agent, item, now) &&
      this.hasSkills(agent, item.requiredSkills) &&
      this.hasSkills(agent, optional)
    );
  }

  /** The parts every agent of a site shares for an item — cost, quality, share — weighted and summed as scoreTotal does. */
  private siteScore(site: SiteState, item: WorkItem, sub: SubsidiaryState): number {
    const w = sub.weights;
    return (
      this.costOf(site, item, sub) * w.cost +
      site.quality * w.quality +
      shareValue(
        sub.target[site.idx] ?? 0,
        sub.assignedTotal > 0 ? (sub.assigned[site.idx] ?? 0) / sub.assignedTotal : 0,
      ) *
        w.share
    );
  }

  /**
   * The cost part. Another subsidiary's only site is dearer for this work once its free
   * capacity for it falls to the reserve: what is left there is kept for that subsidiary's customers.
   */
  private costOf(site: SiteState, item: WorkItem, sub: SubsidiaryState): number {
    const reserved =
      sub.reserved[site.idx] === 1 &&
      utilisation(site, TIER_INDEX[item.tier], item.channel) > 1 - this.reserve;
    return costValue(reserved ? site.cost * (1 + this.premium) : site.cost, this.cheapest);
  }

  private fillValues(
    agent: AgentState,
    item: WorkItem,
    lang: string,
    sub: SubsidiaryState,
    now: Instant,
  ): void {
    const v = this.values;
    const site = agent.site;
    v.cost = this.costOf(site, item, sub);
    v.quality = site.quality;
    v.share = shareValue(
      sub.target[site.idx] ?? 0,
      sub.assignedTotal > 0 ? (sub.assigned[site.idx] ?? 0) / sub.assignedTotal : 0,
    );
    let p = agent.langs.get(lang) ?? 0;
    for (const r of item.requiredSkills) p += agent.skills.get(r.name) ?? 0;
    v.proficiency = p / (5 * (1 + item.requiredSkills.length));
    v.fairness = fairnessValue(
      now - agent.lastFreedAt,
      this.fairnessHorizonMs,
      agent.load,
      agent.agent.capacity.total,
    );
    v.preferred = item.preferredAgentId === agent.agent.id ? 1 : 0;
  }

  private assign(
    state: ItemState,
    agent: AgentState,
    lang: string,
    sub: SubsidiaryState,
    ring: number,
    now: Instant,
    trigger: Trigger,
    /** False when the caller brings the free indexes up to date itself (see pull). */
    refresh = true,
  ): Assignment {
    const item = state.item;
    this.fillValues(agent, item, lang, sub, now);
    const score = scoreWithParts(this.values, sub.weights);
    state.agent = agent;
    state.reason = null;
    agent.items.add(item.id);
    agent.load += 1;
    agent.loadByChannel.set(item.channel, (agent.loadByChannel.get(item.channel) ?? 0) + 1);
    if (refresh) this.refreshFree(agent);
    sub.assigned[agent.site.idx] = (sub.assigned[agent.site.idx] ?? 0) + 1;
    sub.assignedTotal += 1;
    return {
      kind: 'assigned',
      itemId: item.id,
      agentId: agent.agent.id,
      siteId: agent.site.site.id,
      at: now,
      trigger,
      ring,
      language: lang,
      fallbackLanguage: lang !== item.language,
      score,
    };
  }

  private unload(agent: AgentState, state: ItemState, now: Instant, refresh = true): void {
    agent.items.delete(state.item.id);
    agent.load -= 1;
    agent.loadByChannel.set(state.item.channel, (agent.loadByChannel.get(state.item.channel) ?? 1) - 1);
    agent.lastFreedAt = now;
    if (refresh) this.refreshFree(agent);
  }

  // ---- wait reasons -----------------------------------------------------------------------

  /** The first hard rule no agent passes, in the order the engine applies them. */
  private explain(state: ItemState, now: Instant): WaitReason {
    // Loops, not closures: this runs for every item that waits.
    const item = state.item;
    const sub = this.subsidiaries.get(item.subsidiaryId);
    if (!sub || sub.serving.length === 0)
      return { code: 'no_site_serves_subsidiary', message: `no site serves subsidiary ${item.subsidiaryId}` };
    const fb = this.activeFallback(sub, state, now);
    const langs = fb ? [item.language, fb] : [item.language];
    const pending = sub.fallbacks.get(item.language);
    const later =
      pending && !fb
        ? `; ${pending.fallback} is accepted after ${Math.round(pending.afterMs / 1000)} s of waiting`
        : '';
    const ring = this.queueOf(item).rings[this.ringIndex(state, now)];
    const tier = TIER_INDEX[item.tier];
    const needs = [...item.requiredSkills, ...this.demanded(item, ring?.optional ?? 'none')];
    let speaking = 0;
    let open = 0;
    let ofTier = 0;
    for (const site of sub.serving) {
      let speaks = false;
      for (const l of langs) {
        const byKey = this.roster.get(l);
        if (!byKey) continue;
        for (let t = 0; t < 4; t++) if ((byKey[site.idx * 4 + t]?.size ?? 0) > 0) speaks = true;
      }
      if (!speaks) continue;
      speaking++;
      if ((ring?.sites && !ring.sites.has(site.site.id)) || !this.openFor(site, item.subsidiaryId, now))
        continue;
      open++;
      const k = site.idx * 4 + tier;
      for (const l of langs) {
        let set = this.roster.get(l)?.[k];
        if (!set || set.size === 0) continue;
        ofTier++;
        // Scan the smallest roster among the language's and each needed skill's, not every speaker.
        for (const r of needs) {
          const bySkill = this.rosterBySkill.get(r.name)?.[k];
          if (!bySkill || bySkill.size < set.size) set = bySkill;
          if (!set) break;
        }
        if (!set) continue;
        for (const a of set)
          if (a.langs.has(l) && this.hasSkills(a, needs))
            return {
              code: 'all_agents_busy',
              message: `every qualified agent is busy, away, offline, out of shift or at capacity${later}`,
            };
      }
    }
    const spoken = langs.join(' or ');
    if (speaking === 0)
      return {
        code: 'language_not_served',
        message: `no agent at a site serving ${item.subsidiaryId} speaks ${spoken}${later}`,
      };
    if (open === 0)
      return {
        code: 'no_site_open',
        message: `no site with agents speaking ${spoken} is open now; the item waits for the first opening${later}`,
      };
    if (ofTier === 0)
      return {
        code: 'no_agent_of_tier',
        message: `no ${item.tier} agent speaking ${spoken} at an open site`,
      };
    const listed = needs.map((r) => `${r.name} ≥ ${r.minProficiency}`).join(', ');
    return {
      code: 'no_agent_with_skills',
      message: `no ${item.tier} agent at an open site has ${listed}${later}`,
    };
  }

  // ---- indexes and time ------------------------------------------------------------------

  private slot(
    index: Map<string, Array<Set<AgentState> | undefined>>,
    tag: string,
    a: AgentState,
  ): Set<AgentState> {
    let byKey = index.get(tag);
    if (!byKey) {
      byKey = new Array(this.siteList.length * 4);
      index.set(tag, byKey);
    }
    const k = a.site.idx * 4 + a.tierIdx;
    let set = byKey[k];
    if (!set) {
      set = new Set();
      byKey[k] = set;
    }
    return set;
  }

  private refreshFree(a: AgentState): void {
    const available = a.agent.presence === 'available';
    const capacity = available ? a.agent.capacity.total : 0;
    const used = available ? Math.min(a.load, capacity) : 0;
    (a.site.capacity[a.tierIdx] as number) += capacity - a.countedCapacity;
    (a.site.used[a.tierIdx] as number) += used - a.countedUsed;
    a.countedCapacity = capacity;
    a.countedUsed = used;
    const perChannel = a.agent.capacity.perChannel;
    for (const c of a.countedOnChannel) {
      const cap = available ? (perChannel[c.channel] ?? 0) : 0;
      const use = available ? Math.min(a.loadByChannel.get(c.channel) ?? 0, cap) : 0;
      c.entry[0] += cap - c.capacity;
      c.entry[1] += use - c.used;
      c.capacity = cap;
      c.used = use;
    }
    const want = a.agent.presence === 'available' && a.load < a.agent.capacity.total;
    if (want === a.inFree) return;
    a.inFree = want;
    if (want) for (const set of a.freeSets) set.add(a);
    else for (const set of a.freeSets) set.delete(a);
  }

  private unindex(a: AgentState): void {
    (a.site.capacity[a.tierIdx] as number) -= a.countedCapacity;
    (a.site.used[a.tierIdx] as number) -= a.countedUsed;
    a.countedCapacity = 0;
    a.countedUsed = 0;
    for (const c of a.countedOnChannel) {
      c.entry[0] -= c.capacity;
      c.entry[1] -= c.used;
      c.capacity = 0;
      c.used = 0;
    }
    if (a.inFree) for (const set of a.freeSets) set.delete(a);
    a.inFree = false;
    this.shifted.delete(a);
    for (const tag of a.langs.keys()) this.slot(this.roster, tag, a).delete(a);
    for (const name of a.skills.keys()) this.slot(this.rosterBySkill, name, a).delete(a);
  }

  private list(s: ItemState, now: Instant): void {
    const item = s.item;
    const sub = this.subsidiaries.get(item.subsidiaryId);
    const fb = sub ? this.activeFallback(sub, s, now) : null;
    const tier = TIER_INDEX[item.tier];
    for (const lang of fb ? [item.language, fb] : [item.language]) {
      const key = `${lang}|${tier}|${item.subsidiaryId}|${item.queueId ?? ''}|${s.signature}`;
      let q = this.waitQueues.get(key);
      if (!q) {
        let firstSkill = '';
        for (const r of item.requiredSkills)
          if (firstSkill === '' || r.name < firstSkill) firstSkill = r.name;
        q = { key, firstSkill, language: lang, tierIdx: tier, sub, required: item.requiredSkills, items: [] };
        this.waitQueues.set(key, q);
        const byLang = listKey(lang, tier);
        let bySkill = this.waiting.get(byLang);
        if (!bySkill) {
          bySkill = new Map();
          this.waiting.set(byLang, bySkill);
        }
        let set = bySkill.get(firstSkill);
        if (!set) {
          set = new Set();
          bySkill.set(firstSkill, set);
        }
        set.add(q);
      }
      q.items.splice(insertionPoint(q.items, s), 0, s);
      s.listed.push(q);
    }
    s.nextCheck = this.nextCheckAt(s);
    this.waitingCount += 1;
  }

  private unlist(s: ItemState): void {
    if (s.listed.length === 0) return;
    for (const q of s.listed) {
      const at = insertionPoint(q.items, s);
      if (q.items[at] === s) q.items.splice(at, 1);
      if (q.items.length === 0) {
        this.waitQueues.delete(q.key);
        const bySkill = this.waiting.get(listKey(q.language, q.tierIdx));
        const set = bySkill?.get(q.firstSkill);
        set?.delete(q);
        if (set?.size === 0) bySkill?.delete(q.firstSkill);
      }
    }
    s.listed = [];
    this.waitingCount -= 1;
  }

  private openFor(site: SiteState, subsidiaryId: string, now: Instant): boolean {
    if (site.alwaysFor.has(subsidiaryId)) return true;
    const minute = Math.floor(now / MINUTE);
    if (site.openMinute !== minute) {
      site.openMinute = minute;
      site.open = isSiteOpen(site.site.calendar, site.site.timeZone, new Date(minute * MINUTE));
    }
    return site.open;
  }

  private queueOf(item: WorkItem): QueueState {
    return (item.queueId !== undefined ? this.queues.get(item.queueId) : undefined) ?? this.defaultQueue;
  }

  private ringIndex(s: ItemState, now: Instant): number {
    const rings = this.queueOf(s.item).rings;
    const waited = now - s.queuedAt;
    let i = 0;
    while (i + 1 < rings.length && (rings[i + 1] as { afterMs: number }).afterMs <= waited) i++;
    return i;
  }

  private demanded(item: WorkItem, optional: Ring['optionalSkills']): SkillRequirement[] {
    if (optional === 'none' || item.optionalSkills.length === 0) return [];
    if (optional === 'all') return item.optionalSkills;
    const kept: SkillRequirement[] = [];
    for (const r of item.optionalSkills) if (optional.includes(r.name)) kept.push(r);
    return kept;
  }

  private activeFallback(sub: SubsidiaryState, s: ItemState, now: Instant): string | null {
    const f = sub.fallbacks.get(s.item.language);
    return f && now - s.queuedAt >= f.afterMs ? f.fallback : null;
  }

  /** When the item's situation next changes by itself: its next ring or its fallback language. */
  private nextCheckAt(s: ItemState): Instant {
    let next = Number.POSITIVE_INFINITY;
    for (const r of this.queueOf(s.item).rings) {
      const t = s.queuedAt + r.afterMs;
      if (t > s.routedAt && t < next) next = t;
    }
    const f = this.subsidiaries.get(s.item.subsidiaryId)?.fallbacks.get(s.item.language);
    if (f) {
      const t = s.queuedAt + f.afterMs;
      if (t > s.routedAt && t < next) next = t;
    }
    return next;
  }
}
