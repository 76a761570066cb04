// The routing simulator: pure (no IO, no clock) and deterministic from its seed.
import { type Channel, invalid } from '../core/index.ts';
import { isSiteOpen } from '../organisation/index.ts';
import type { SiteCalendar } from '../store/index.ts';
import { Router } from './engine.ts';
import { DEFAULT_SLA_POLICY, dueAt, slaTargetFor } from './sla.ts';
import type { Agent, Decision, Instant, RoutingSite, RoutingWorld, ScoreWeights } from './types.ts';

const SEC = 1000;
const MINUTE = 60 * SEC;
const DAY = 86_400 * SEC;

/** A site as the simulator needs it: the router's view plus a name for the tables. */
export interface SimSite extends RoutingSite {
  name: string;
}

/** A subsidiary: its customers' languages (shares adding up to 1) and its share of the group's traffic. */
export interface SimSubsidiary {
  id: string;
  timeZone: string;
  /** Share of the contacts in each language, e.g. `{ fr: 0.94, en: 0.06 }`. */
  languages: Record<string, number>;
  /** Share of the group's contacts (shares are normalised over subsidiaries). */
  share: number;
  /** Whose calendar counts business time for the SLA clocks; default: the first site serving it. */
  homeSiteId?: string | undefined;
  /** The plan's target shares per site, passed to the router (missing: equal shares). */
  targetShares?: Record<string, number> | undefined;
  /** The subsidiary's own score weights for the bestshore policy (missing: the defaults). */
  weights?: Partial<ScoreWeights> | undefined;
}

export interface SimWorld {
  sites: SimSite[];
  subsidiaries: SimSubsidiary[];
  agents: Agent[];
}

/** Channels of simulated contacts: share of traffic, answer target, service time, patience. */
export interface ChannelProfile {
  channel: Channel;
  share: number;
  /** Answered within this many seconds counts for the service level. */
  targetSeconds: number;
  /** Handling time: lognormal with this mean and standard deviation, in seconds. */
  serviceMeanSeconds: number;
  serviceSdSeconds: number;
  /** Customer patience: exponential with this mean (seconds); null: never abandons. */
  patienceMeanSeconds: number | null;
}

export const DEFAULT_CHANNELS: readonly ChannelProfile[] = [
  {
    channel: 'voice',
    share: 0.3,
    targetSeconds: 20,
    serviceMeanSeconds: 300,
    serviceSdSeconds: 180,
    patienceMeanSeconds: 180,
  },
  {
    channel: 'chat',
    share: 0.35,
    targetSeconds: 60,
    serviceMeanSeconds: 600,
    serviceSdSeconds: 300,
    patienceMeanSeconds: 300,
  },
  {
    channel: 'whatsapp',
    share: 0.15,
    targetSeconds: 300,
    serviceMeanSeconds: 900,
    serviceSdSeconds: 600,
    patienceMeanSeconds: 3600,
  },
  {
    channel: 'email',
    share: 0.2,
    targetSeconds: 4 * 3600,
    serviceMeanSeconds: 480,
    serviceSdSeconds: 240,
    patienceMeanSeconds: null,
  },
];

/**
 * An intraday curve: relative arrival rates of the 288 five-minute slots of a day, in each
 * subsidiary's own time zone, and relative volumes of the days of the week (0 = Sunday).
 */
export interface IntradayCurve {
  slots: number[];
  weekdays: number[];
}

const WEEKDAY_FACTORS = [0.45, 1.1, 1.05, 1, 1, 0.95, 0.65];

/** The built-in curve: quiet nights, a morning peak at 10:00–11:00, a second one at 14:00–16:00. */
export function builtInCurve(): IntradayCurve {
  const slots: number[] = [];
  for (let i = 0; i < 288; i++) {
    const h = i / 12;
    const bump = (centre: number, width: number, height: number) =>
      height * Math.exp(-((h - centre) ** 2) / (2 * width ** 2));
    slots.push(0.03 + bump(10.5, 1.6, 1) + bump(15, 1.8, 0.8) + bump(19.5, 1.2, 0.3));
  }
  return { slots, weekdays: [...WEEKDAY_FACTORS] };
}

/**
 * A curve from a CSV of arrivals per interval with columns `DateTime` (ISO 8601, the local
 * time of day is read as written) and `Calls` (a count ≥ 0), such as the bank call-centre
 * data set: the mean of each five-minute slot over the days it holds. Days of the week the
 * file does not cover keep the built-in factors. Refuses a malformed file, naming the line.
 */
export function curveFromCsv(text: string): IntradayCurve {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = (lines[0] ?? '').split(',').map((h) => h.trim().replace(/^"|"$/g, ''));
  const timeCol = header.indexOf('DateTime');
  const countCol = header.indexOf('Calls');
  if (timeCol < 0 || countCol < 0)
    throw invalid(
      'csv',
      `line 1: expected a header with the columns DateTime and Calls, got "${lines[0] ?? ''}"`,
    );
  if (lines.length < 2) throw invalid('csv', 'the file has a header but no rows');
  const sums = new Array<number>(288).fill(0);
  const counts = new Array<number>(288).fill(0);
  const dayTotals = new Map<string, { weekday: number; total: number }>();
  for (let n = 1; n < lines.length; n++) {
    const cells = (lines[n] as string).split(',').map((c) => c.trim().replace(/^"|"$/g, ''));
    const time = cells[timeCol] ?? '';
    const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})/.exec(time);
    if (!m || Number.isNaN(Date.parse(`${m[1]}T00:00:00Z`)))
      throw invalid('csv', `line ${n + 1}: DateTime "${time}" is not an ISO 8601 date and time`);
    const count = Number(cells[countCol]);
    if (cells[countCol] === '' || !Number.isFinite(count) || count < 0)
      throw invalid('csv', `line ${n + 1}: Calls "${cells[countCol] ?? ''}" is not a number ≥ 0`);
    const slot = Math.floor((Number(m[2]) * 60 + Number(m[3])) / 5);
    if (slot >= 288) throw invalid('csv', `line ${n + 1}: time of day ${m[2]}:${m[3]} is past 23:59`);
    sums[slot] = (sums[slot] as number) + count;
    counts[slot] = (counts[slot] as number) + 1;
    const day = m[1] as string;
    const d = dayTotals.get(day) ?? { weekday: new Date(`${day}T12:00:00Z`).getUTCDay(), total: 0 };
    d.total += count;
    dayTotals.set(day, d);
  }
  const days = [...dayTotals.values()];
  const slots = sums.map((s, i) => ((counts[i] as number) > 0 ? s / (counts[i] as number) : 0));
  if (slots.every((s) => s === 0)) throw invalid('csv', 'every interval has 0 calls: no curve to scale');
  // Weekday factors relative to the mean day the file holds; days it lacks keep the built-in factors.
  const meanDay = days.reduce((a, d) => a + d.total, 0) / days.length;
  const weekdays = WEEKDAY_FACTORS.map((f, w) => {
    const of = days.filter((d) => d.weekday === w);
    return of.length > 0 && meanDay > 0 ? of.reduce((a, d) => a + d.total, 0) / of.length / meanDay : f;
  });
  return { slots, weekdays };
}

export type PolicyName = 'round-robin' | 'skills-only' | 'bestshore';
export const POLICIES: readonly PolicyName[] = ['round-robin', 'skills-only', 'bestshore'];

/** Skills-only: the engine's hard rules, with cost, quality and the plan's shares left out of the score. */
export const SKILLS_ONLY_WEIGHTS: Partial<ScoreWeights> = { cost: 0, quality: 0, share: 0 };

export interface SimulationOptions {
  seed: number;
  /** Midnight UTC of the first simulated day. */
  start: Instant;
  days: number;
  /** Contacts on an average weekday across the group. */
  volume: number;
  curve?: IntradayCurve | undefined;
  channels?: readonly ChannelProfile[] | undefined;
  policies?: readonly PolicyName[] | undefined;
  /** After the last arrival, how long work still waiting may be answered (default 24 h). */
  drainHours?: number | undefined;
}

export interface SiteOccupancy {
  siteId: string;
  name: string;
  contacts: number;
  /** Busy capacity over open capacity (0–1): handling time ÷ agent capacity, over agents × open time. */
  occupancy: number;
}

export interface PolicyResult {
  name: PolicyName;
  offered: number;
  answered: number;
  abandoned: number;
  /** Neither answered nor abandoned when the simulation ended. */
  unanswered: number;
  /** Share of offered contacts answered within their channel's target (0–1). */
  serviceLevel: number;
  /** Share of offered contacts whose customer left before an answer (0–1). */
  abandonment: number;
  avgWaitSeconds: number;
  p90WaitSeconds: number;
  /** Share of answered contacts answered in the customer's own language (0–1). */
  languageMatch: number;
  /** Mean cost of an answered contact, in minor units of the sites' currency. */
  costPerContact: number;
  /** Contacts whose first response came after the SLA due time, or never came and was due. */
  slaBreaches: number;
  sites: SiteOccupancy[];
  /** Per subsidiary: contacts offered, service level and abandonment (0–1). */
  subsidiaries: Array<{ id: string; offered: number; serviceLevel: number; abandonment: number }>;
}

export interface SimulationResult {
  seed: number;
  start: string;
  days: number;
  volume: number;
  contacts: number;
  policies: PolicyResult[];
}

interface Arrival {
  id: string;
  subsidiaryId: string;
  language: string;
  channel: Channel;
  at: Instant;
  serviceMs: number;
  patienceMs: number;
  targetMs: number;
  slaDue: Instant;
}

/** mulberry32: small, seeded, the same on every machine. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function poisson(rng: () => number, mean: number): number {
  if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * normal(rng)));
  const limit = Math.exp(-mean);
  let k = 0;
  for (let p = rng(); p > limit; p *= rng()) k++;
  return k;
}

function normal(rng: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

function lognormal(rng: () => number, mean: number, sd: number): number {
  const s2 = Math.log(1 + (sd * sd) / (mean * mean));
  return Math.exp(Math.log(mean) - s2 / 2 + Math.sqrt(s2) * normal(rng));
}

function pick(rng: () => number, weights: Array<[string, number]>): string {
  const total = weights.reduce((a, [, w]) => a + w, 0);
  let r = rng() * total;
  for (const [k, w] of weights) {
    r -= w;
    if (r < 0) return k;
  }
  return (weights[weights.length - 1] as [string, number])[0];
}

/** Minutes east of UTC of a time zone at an instant. */
function offsetMinutes(timeZone: string, at: Instant): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
  }).formatToParts(new Date(at));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const local = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'));
  return Math.round((local - Math.floor(at / MINUTE) * MINUTE) / MINUTE);
}

/** The contacts of the period: Poisson arrivals per subsidiary × five-minute slot, in the subsidiary's local time. */
export function generateArrivals(world: SimWorld, options: SimulationOptions): Arrival[] {
  const rng = random(options.seed);
  const curve = options.curve ?? builtInCurve();
  const channels = options.channels ?? DEFAULT_CHANNELS;
  const slotSum = curve.slots.reduce((a, b) => a + b, 0);
  const weekdayMean = [1, 2, 3, 4, 5].reduce((a, d) => a + (curve.weekdays[d] ?? 0), 0) / 5;
  const shareSum = world.subsidiaries.reduce((a, s) => a + s.share, 0);
  const channelWeights = channels.map((c): [string, number] => [c.channel, c.share]);
  const byChannel = new Map(channels.map((c) => [c.channel as string, c]));
  const sites = new Map(world.sites.map((s) => [s.id, s]));
  const arrivals: Arrival[] = [];
  let n = 0;
  for (const sub of world.subsidiaries) {
    const home = sites.get(sub.homeSiteId ?? '') ?? world.sites.find((s) => s.subsidiaryIds.includes(sub.id));
    const languages = Object.entries(sub.languages);
    // Walk the period in UTC five-minute steps; the slot is the subsidiary's local time of day.
    for (let t = options.start; t < options.start + options.days * DAY; t += 5 * MINUTE) {
      const local = t + offsetMinutes(sub.timeZone, t) * MINUTE;
      const slot = Math.floor((local % DAY) / (5 * MINUTE));
      const weekday = new Date(local).getUTCDay();
      const mean =
        (options.volume *
          (sub.share / shareSum) *
          (curve.slots[slot] ?? 0) *
          (curve.weekdays[weekday] ?? 0)) /
        (slotSum * (weekdayMean || 1));
      const count = poisson(rng, mean);
      for (let k = 0; k < count; k++) {
        const channel = pick(rng, channelWeights) as Channel;
        const profile = byChannel.get(channel) as ChannelProfile;
        const at = t + Math.floor(rng() * 5 * MINUTE);
        const target = slaTargetFor(DEFAULT_SLA_POLICY, { channel, priority: 'normal', tier: 'level1' });
        const slaDue =
          target.clock === 'always' || !home
            ? at + target.firstResponseSeconds * SEC
            : (dueAt(at, target.firstResponseSeconds * SEC, {
                calendar: home.calendar,
                timeZone: home.timeZone,
                clock: target.clock,
              }) ?? Number.POSITIVE_INFINITY);
        arrivals.push({
          id: `c${++n}`,
          subsidiaryId: sub.id,
          language: pick(rng, languages),
          channel,
          at,
          serviceMs: Math.max(
            10 * SEC,
            Math.round(lognormal(rng, profile.serviceMeanSeconds, profile.serviceSdSeconds) * SEC),
          ),
          patienceMs:
            profile.patienceMeanSeconds === null
              ? Number.POSITIVE_INFINITY
              : Math.round(-Math.log(1 - rng()) * profile.patienceMeanSeconds * SEC),
          targetMs: profile.targetSeconds * SEC,
          slaDue,
        });
      }
    }
  }
  arrivals.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1));
  return arrivals;
}

// ---- policies -----------------------------------------------------------------------------

interface Answer {
  itemId: string;
  agentId: string;
  siteId: string;
  inLanguage: boolean;
}

/** What the simulator drives: the engine, or round-robin written here. */
interface PolicyRunner {
  submit(a: Arrival, now: Instant): Answer | null;
  release(itemId: string, now: Instant): Answer[];
  withdraw(itemId: string): void;
  tick(now: Instant): Answer[];
}

function engineRunner(
  world: SimWorld,
  weights: Partial<ScoreWeights> | undefined,
  start: Instant,
): PolicyRunner {
  const routingWorld: RoutingWorld = {
    sites: world.sites,
    subsidiaries: world.subsidiaries.map((s) => ({
      id: s.id,
      targetShares: s.targetShares,
      // Skills-only overrides the subsidiary's cost, quality and share weights with zeros.
      weights: weights ? { ...s.weights, ...weights } : s.weights,
    })),
  };
  const router = new Router(routingWorld);
  const answers = (ds: Decision[]): Answer[] =>
    ds.flatMap((d) =>
      d.kind === 'assigned'
        ? [{ itemId: d.itemId, agentId: d.agentId, siteId: d.siteId, inLanguage: !d.fallbackLanguage }]
        : [],
    );
  for (const agent of world.agents) router.upsertAgent({ ...agent, presence: 'available' }, start);
  return {
    submit(a, now) {
      const d = router.submit(
        {
          id: a.id,
          subsidiaryId: a.subsidiaryId,
          channel: a.channel,
          language: a.language,
          requiredSkills: [],
          optionalSkills: [],
          tier: 'level1',
          priority: 'normal',
          slaDueAt: a.slaDue,
          segment: null,
          preferredAgentId: null,
          arrivedAt: a.at,
        },
        now,
      );
      return answers([d])[0] ?? null;
    },
    release: (id, now) => answers(router.release(id, now)),
    withdraw: (id) => router.withdraw(id),
    tick: (now) => answers(router.tick(now)),
  };
}

/**
 * Round-robin within a team, as Chatwoot and Rocket.Chat assign: the team is the level-1
 * agents of the sites serving the subsidiary; the next one in turn whose site is open and
 * who has room on the channel takes the contact, whatever language they speak and whatever
 * their site costs. Waiting contacts go first come, first served.
 */
function roundRobinRunner(world: SimWorld): PolicyRunner {
  const sites = new Map(world.sites.map((s) => [s.id, s]));
  const openCache = new Map<string, { minute: number; open: boolean }>();
  const isOpen = (siteId: string, now: Instant): boolean => {
    const minute = Math.floor(now / MINUTE);
    const c = openCache.get(siteId);
    if (c && c.minute === minute) return c.open;
    const site = sites.get(siteId) as SimSite;
    const open = isSiteOpen(site.calendar as SiteCalendar, site.timeZone, new Date(minute * MINUTE));
    openCache.set(siteId, { minute, open });
    return open;
  };
  const teams = new Map(
    world.subsidiaries.map((sub) => [
      sub.id,
      {
        agents: world.agents.filter(
          (a) => a.tier === 'level1' && sites.get(a.siteId)?.subsidiaryIds.includes(sub.id),
        ),
        next: 0,
      },
    ]),
  );
  const load = new Map(world.agents.map((a) => [a.id, { total: 0, byChannel: new Map<string, number>() }]));
  const holding = new Map<string, { agent: Agent; channel: string }>();
  const waiting: Arrival[] = [];
  const hasRoom = (agent: Agent, channel: string, now: Instant): boolean => {
    const l = load.get(agent.id) as { total: number; byChannel: Map<string, number> };
    return (
      l.total < agent.capacity.total &&
      (l.byChannel.get(channel) ?? 0) < (agent.capacity.perChannel[channel] ?? 0) &&
      isOpen(agent.siteId, now)
    );
  };
  const give = (a: Arrival, agent: Agent): Answer => {
    const l = load.get(agent.id) as { total: number; byChannel: Map<string, number> };
    l.total++;
    l.byChannel.set(a.channel, (l.byChannel.get(a.channel) ?? 0) + 1);
    holding.set(a.id, { agent, channel: a.channel });
    return {
      itemId: a.id,
      agentId: agent.id,
      siteId: agent.siteId,
      inLanguage: agent.languages.some((x) => x.tag === a.language),
    };
  };
  const inTurn = (a: Arrival, now: Instant): Answer | null => {
    const team = teams.get(a.subsidiaryId);
    if (!team || team.agents.length === 0) return null;
    for (let k = 0; k < team.agents.length; k++) {
      const i = (team.next + k) % team.agents.length;
      const agent = team.agents[i] as Agent;
      if (hasRoom(agent, a.channel, now)) {
        team.next = (i + 1) % team.agents.length;
        return give(a, agent);
      }
    }
    return null;
  };
  const dispatch = (now: Instant): Answer[] => {
    const out: Answer[] = [];
    for (let i = 0; i < waiting.length; ) {
      const answer = inTurn(waiting[i] as Arrival, now);
      if (answer) {
        out.push(answer);
        waiting.splice(i, 1);
      } else i++;
    }
    return out;
  };
  return {
    submit(a, now) {
      const answer = waiting.length === 0 ? inTurn(a, now) : null;
      if (answer) return answer;
      waiting.push(a);
      return dispatch(now).find((x) => x.itemId === a.id) ?? null;
    },
    release(id, now) {
      const held = holding.get(id);
      if (!held) throw new Error(`item ${id} is not held`);
      holding.delete(id);
      const l = load.get(held.agent.id) as { total: number; byChannel: Map<string, number> };
      l.total--;
      l.byChannel.set(held.channel, (l.byChannel.get(held.channel) ?? 1) - 1);
      return dispatch(now);
    },
    withdraw(id) {
      const i = waiting.findIndex((a) => a.id === id);
      if (i >= 0) waiting.splice(i, 1);
    },
    tick: (now) => (waiting.length > 0 ? dispatch(now) : []),
  };
}

// ---- the event loop -----------------------------------------------------------------------

type SimEvent = { at: Instant; seq: number; kind: 'arrival' | 'done' | 'abandon' | 'tick'; index: number };

/** A binary heap of events by time, then by the order they were scheduled. */
class EventQueue {
  private readonly heap: SimEvent[] = [];
  private seq = 0;
  get size(): number {
    return this.heap.length;
  }
  push(at: Instant, kind: SimEvent['kind'], index: number): void {
    const h = this.heap;
    h.push({ at, seq: this.seq++, kind, index });
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i] as SimEvent, h[p] as SimEvent)) break;
      [h[i], h[p]] = [h[p] as SimEvent, h[i] as SimEvent];
      i = p;
    }
  }
  pop(): SimEvent | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l] as SimEvent, h[m] as SimEvent)) m = l;
        if (r < h.length && this.less(h[r] as SimEvent, h[m] as SimEvent)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m] as SimEvent, h[i] as SimEvent];
        i = m;
      }
    }
    return top;
  }
  private less(a: SimEvent, b: SimEvent): boolean {
    return a.at !== b.at ? a.at < b.at : a.seq < b.seq;
  }
}

function runPolicy(
  name: PolicyName,
  world: SimWorld,
  arrivals: Arrival[],
  options: SimulationOptions,
): PolicyResult {
  const runner =
    name === 'round-robin'
      ? roundRobinRunner(world)
      : engineRunner(world, name === 'skills-only' ? SKILLS_ONLY_WEIGHTS : undefined, options.start);
  const end = options.start + options.days * DAY + (options.drainHours ?? 24) * 3600 * SEC;
  const index = new Map(arrivals.map((a, i) => [a.id, i]));
  const answeredAt = new Float64Array(arrivals.length).fill(Number.NaN);
  const abandoned = new Uint8Array(arrivals.length);
  const inLanguage = new Uint8Array(arrivals.length);
  const siteOf: string[] = new Array(arrivals.length);
  const sites = new Map(world.sites.map((s) => [s.id, s]));
  const capacityOf = new Map(world.agents.map((a) => [a.id, a.capacity.total]));
  const busyMs = new Map(world.sites.map((s) => [s.id, 0]));
  const openMs = new Map(world.sites.map((s) => [s.id, 0]));
  const agentsAt = new Map(
    world.sites.map((s) => [s.id, world.agents.filter((a) => a.siteId === s.id).length]),
  );
  const events = new EventQueue();
  arrivals.forEach((a, i) => {
    events.push(a.at, 'arrival', i);
  });
  for (let t = options.start; t < end; t += MINUTE) events.push(t, 'tick', -1);
  const record = (answers: Answer[], now: Instant) => {
    for (const x of answers) {
      const i = index.get(x.itemId) as number;
      const a = arrivals[i] as Arrival;
      answeredAt[i] = now;
      inLanguage[i] = x.inLanguage ? 1 : 0;
      siteOf[i] = x.siteId;
      busyMs.set(x.siteId, (busyMs.get(x.siteId) ?? 0) + a.serviceMs / (capacityOf.get(x.agentId) || 1));
      events.push(now + a.serviceMs, 'done', i);
    }
  };
  for (let e = events.pop(); e && e.at < end; e = events.pop()) {
    const now = e.at;
    if (e.kind === 'tick') {
      record(runner.tick(now), now);
      for (const site of world.sites)
        if (isSiteOpen(site.calendar, site.timeZone, new Date(now)))
          openMs.set(site.id, (openMs.get(site.id) ?? 0) + MINUTE * (agentsAt.get(site.id) ?? 0));
      continue;
    }
    const a = arrivals[e.index] as Arrival;
    if (e.kind === 'arrival') {
      const answer = runner.submit(a, now);
      if (answer) record([answer], now);
      else if (Number.isFinite(a.patienceMs)) events.push(now + a.patienceMs, 'abandon', e.index);
    } else if (e.kind === 'abandon') {
      if (Number.isNaN(answeredAt[e.index] as number)) {
        runner.withdraw(a.id);
        abandoned[e.index] = 1;
      }
    } else record(runner.release(a.id, now), now);
  }
  return measure(name, arrivals, answeredAt, abandoned, inLanguage, siteOf, sites, busyMs, openMs, end);
}

function measure(
  name: PolicyName,
  arrivals: Arrival[],
  answeredAt: Float64Array,
  abandoned: Uint8Array,
  inLanguage: Uint8Array,
  siteOf: string[],
  sites: Map<string, SimSite>,
  busyMs: Map<string, number>,
  openMs: Map<string, number>,
  end: Instant,
): PolicyResult {
  const offered = arrivals.length;
  let answered = 0;
  let left = 0;
  let withinTarget = 0;
  let matched = 0;
  let cost = 0;
  let breaches = 0;
  const waits: number[] = [];
  const contactsAt = new Map<string, number>();
  const bySub = new Map<string, { offered: number; within: number; left: number }>();
  arrivals.forEach((a, i) => {
    const at = answeredAt[i] as number;
    const sub = bySub.get(a.subsidiaryId) ?? { offered: 0, within: 0, left: 0 };
    bySub.set(a.subsidiaryId, sub);
    sub.offered++;
    if (!Number.isNaN(at) && at - a.at <= a.targetMs) sub.within++;
    if (abandoned[i]) sub.left++;
    if (!Number.isNaN(at)) {
      answered++;
      const wait = at - a.at;
      waits.push(wait);
      if (wait <= a.targetMs) withinTarget++;
      if (inLanguage[i]) matched++;
      const site = siteOf[i] as string;
      cost += sites.get(site)?.costPerContact ?? 0;
      contactsAt.set(site, (contactsAt.get(site) ?? 0) + 1);
      if (at > a.slaDue) breaches++;
    } else if (abandoned[i]) {
      left++;
      waits.push(a.patienceMs);
    } else if (a.slaDue < end) breaches++;
  });
  waits.sort((x, y) => x - y);
  const share = (x: number, of: number) => (of > 0 ? x / of : 0);
  return {
    name,
    offered,
    answered,
    abandoned: left,
    unanswered: offered - answered - left,
    serviceLevel: share(withinTarget, offered),
    abandonment: share(left, offered),
    avgWaitSeconds: share(
      waits.reduce((s, w) => s + w, 0),
      waits.length * SEC,
    ),
    p90WaitSeconds: waits.length > 0 ? (waits[Math.ceil(0.9 * waits.length) - 1] as number) / SEC : 0,
    languageMatch: share(matched, answered),
    costPerContact: share(cost, answered),
    slaBreaches: breaches,
    sites: [...sites.values()].map((s) => ({
      siteId: s.id,
      name: s.name,
      contacts: contactsAt.get(s.id) ?? 0,
      occupancy: share(busyMs.get(s.id) ?? 0, openMs.get(s.id) ?? 0),
    })),
    subsidiaries: [...bySub]
      .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
      .map(([id, b]) => ({
        id,
        offered: b.offered,
        serviceLevel: share(b.within, b.offered),
        abandonment: share(b.left, b.offered),
      })),
  };
}

/**
 * Plays the period's traffic against each policy, the same contacts for all (same arrival
 * times, languages, channels, handling times and patience), and measures each. Pure and
 * deterministic: the same world, options and seed give the same result.
 */
export function simulate(world: SimWorld, options: SimulationOptions): SimulationResult {
  if (!Number.isSafeInteger(options.seed)) throw invalid('seed', 'must be a whole number');
  if (!(options.days >= 1 && Number.isInteger(options.days)))
    throw invalid('days', 'must be a whole number ≥ 1');
  if (!(options.volume >= 0) || !Number.isFinite(options.volume))
    throw invalid('volume', 'must be a number ≥ 0');
  const arrivals = generateArrivals(world, options);
  return {
    seed: options.seed,
    start: new Date(options.start).toISOString(),
    days: options.days,
    volume: options.volume,
    contacts: arrivals.length,
    policies: (options.policies ?? POLICIES).map((p) => runPolicy(p, world, arrivals, options)),
  };
}
