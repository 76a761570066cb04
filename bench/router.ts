/**
 * The pure router on one core: a generated world of 10,000 agents over 12 sites, 40
 * languages and 200 skills, held at 5,000 waiting items while arrivals and
 * completions interleave (each arrival asks "which agent?", each completion "which item
 * next for this agent?": both are decisions). Beside it, a naive router that scans every
 * agent for each arrival and every waiting item for each completion, with the same
 * rules and the same score, on the same sequence, so the ratio shows.
 *
 * The end-to-end figure (two Relais processes on PostgreSQL) is `npm run bench -- assign`.
 *
 *   npm run bench -- router [--ops 400000] [--naive-ops 20000] [--seed 7]
 */
import { parseArgs } from 'node:util';
import { isSiteOpen } from '../src/organisation/index.ts';
import {
  type Agent,
  DEFAULT_WEIGHTS,
  type Decision,
  Router,
  type RoutingSite,
  type RoutingWorld,
  type SkillRequirement,
  type Tier,
  type WorkItem,
} from '../src/routing/index.ts';
import type { SiteCalendar } from '../src/store/index.ts';
import { log, machine } from './_relais.ts';

const { values } = parseArgs({
  args: process.argv.slice(3),
  options: {
    ops: { type: 'string', default: '400000' },
    'naive-ops': { type: 'string', default: '20000' },
    seed: { type: 'string', default: '7' },
    agents: { type: 'string', default: '10000' },
    waiting: { type: 'string', default: '5000' },
    'skip-naive': { type: 'boolean', default: false },
  },
});
const OPS = Number(values.ops);
const NAIVE_OPS = Number(values['naive-ops']);
const AGENTS = Number(values.agents);
const WAITING = Number(values.waiting);
const SITES = 12;
const LANGUAGES = 40;
const SKILLS = 200;
const SUBSIDIARIES = 8;
const WARMUP = 50_000;

/** mulberry32 (Tommy Ettinger, public domain): the same seed, the same world. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = rng(Number(values.seed));
const int = (n: number): number => Math.floor(random() * n);
/** Zipf-like: low indexes far more often, as a few languages and skills carry most traffic. */
const skewed = (n: number): number => Math.min(n - 1, Math.floor(n * random() ** 2.2));
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)] as T;

// ---- the world ----------------------------------------------------------------------------

const ZONES = [
  'Europe/Paris',
  'Africa/Casablanca',
  'Europe/Bucharest',
  'America/Paramaribo',
  'Africa/Dakar',
  'Indian/Antananarivo',
  'Africa/Cairo',
  'Europe/Lisbon',
  'Asia/Manila',
  'Europe/Madrid',
  'Africa/Tunis',
  'America/Mexico_City',
];
const days = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const AROUND_THE_CLOCK: SiteCalendar = {
  weekly: Object.fromEntries(days.map((d) => [d, [{ start: '00:00', end: '24:00' }]])),
  holidays: [],
  exceptions: [],
};
const SPLIT_DAY: SiteCalendar = {
  weekly: Object.fromEntries(
    days.map((d) => [
      d,
      [
        { start: '06:00', end: '13:00' },
        { start: '13:30', end: '23:00' },
      ],
    ]),
  ),
  holidays: [{ date: '2026-12-25', name: 'Christmas' }],
  exceptions: [],
};
const NOW0 = Date.parse('2026-11-23T10:00:00Z'); // a Monday; open where the calendars say so
const subsidiaryIds = Array.from({ length: SUBSIDIARIES }, (_, i) => `sub${i}`);
const sites: RoutingSite[] = ZONES.slice(0, SITES).map((timeZone, i) => ({
  id: `site${i}`,
  timeZone,
  calendar: i % 3 === 0 ? AROUND_THE_CLOCK : SPLIT_DAY,
  subsidiaryIds: subsidiaryIds.filter((_, s) => (s + i) % 3 !== 0),
  costPerContact: 200 + int(900),
  qualityIndex: 60 + int(40),
  alwaysOpenFor: i === 1 ? ['sub1'] : [],
}));
const world: RoutingWorld = {
  sites,
  subsidiaries: subsidiaryIds.map((id, i) => ({
    id,
    fallbacks: i === 2 ? [{ language: 'l39', fallback: 'l0', afterSeconds: 120 }] : [],
  })),
  queues: sites.map((s) => ({
    id: `home-${s.id}`,
    rings: [
      { afterSeconds: 0, sites: [s.id], optionalSkills: 'all' as const },
      { afterSeconds: 60, sites: null, optionalSkills: 'none' as const },
    ],
  })),
};
const TIERS: Tier[] = [
  'level1',
  'level1',
  'level1',
  'level1',
  'level1',
  'level1',
  'level1',
  'level2',
  'level2',
  'expert',
];
const CHANNELS = ['chat', 'chat', 'email', 'voice'];

const agents: Agent[] = Array.from({ length: AGENTS }, (_, i) => {
  const langs = new Set([`l${skewed(LANGUAGES)}`]);
  while (random() < 0.6 && langs.size < 3) langs.add(`l${skewed(LANGUAGES)}`);
  // Skills come by team: 40 product lines of 5 skills each; an agent knows one or two lines.
  const skills = new Map<string, number>();
  const lines = new Set([skewed(SKILLS / 5)]);
  if (random() < 0.4) lines.add(skewed(SKILLS / 5));
  for (const line of lines) for (let k = 0; k < 5; k++) skills.set(`k${line * 5 + k}`, 1 + int(5));
  return {
    id: `a${i}`,
    siteId: `site${int(SITES)}`,
    languages: [...langs].map((tag) => ({ tag, proficiency: 2 + int(4) })),
    skills: [...skills].map(([name, proficiency]) => ({ name, proficiency })),
    tier: pick(TIERS),
    capacity: { perChannel: { chat: 3, email: 2, voice: 1 }, total: 3 },
    presence: random() < 0.9 ? 'available' : pick(['busy', 'away', 'offline'] as const),
    shift: null,
  };
});

/** Agents who can take work at the start: available, at a site open then. */
const servers = agents.filter((a) => {
  const site = sites.find((s) => s.id === a.siteId) as RoutingSite;
  return a.presence === 'available' && isSiteOpen(site.calendar, site.timeZone, new Date(NOW0));
});

/** An item some agent of the world could serve: its language, skills it has, its tier, a subsidiary its site serves. */
function makeItem(n: number, now: number): WorkItem {
  const like = servers[int(servers.length)] as Agent;
  const site = sites.find((s) => s.id === like.siteId) as RoutingSite;
  // One skill of a product line the agent knows (sometimes none), at a level most of that team has.
  const req: SkillRequirement[] = [];
  if (random() < 0.85) req.push({ name: pick(like.skills).name, minProficiency: 1 + int(2) });
  const opt = random() < 0.3 ? [{ name: pick(like.skills).name, minProficiency: 3 }] : [];
  return {
    id: `i${n}`,
    subsidiaryId: pick(site.subsidiaryIds.length > 0 ? site.subsidiaryIds : subsidiaryIds),
    channel: pick(CHANNELS),
    language: pick(like.languages).tag,
    requiredSkills: req,
    optionalSkills: opt,
    tier: like.tier,
    priority: pick(['low', 'normal', 'normal', 'normal', 'high', 'urgent'] as const),
    slaDueAt: random() < 0.8 ? now + 60_000 + int(3_600_000) : null,
    segment: pick(['consumer', 'business', null]),
    preferredAgentId: random() < 0.2 ? `a${int(AGENTS)}` : null,
    arrivedAt: now,
    queueId: random() < 0.5 ? `home-${site.id}` : undefined,
  };
}

// ---- the naive baseline ---------------------------------------------------------------------

interface NaiveAgent {
  agent: Agent;
  langs: Map<string, number>;
  skills: Map<string, number>;
  load: number;
  byChannel: Map<string, number>;
  lastFreedAt: number;
}
interface NaiveItem {
  item: WorkItem;
  queuedAt: number;
  seq: number;
  agent: NaiveAgent | null;
}
const RANK = { low: 0, normal: 1, high: 2, urgent: 3 } as const;

/** The same hard rules and the same score, with no index: every agent for each arrival, every waiting item for each completion. */
class NaiveRouter {
  readonly agents: NaiveAgent[];
  readonly waiting: NaiveItem[] = [];
  readonly items = new Map<string, NaiveItem>();
  private readonly siteById = new Map(sites.map((s) => [s.id, s]));
  private readonly open = new Map<string, { minute: number; open: boolean }>();
  private readonly queues = new Map((world.queues ?? []).map((q) => [q.id, q]));
  private readonly cheapest = Math.min(...sites.map((s) => s.costPerContact));
  private readonly assignedBySub = new Map<string, Map<string, number>>();
  private seq = 0;

  constructor(list: Agent[], now: number) {
    this.agents = list.map((agent) => ({
      agent,
      langs: new Map(agent.languages.map((l) => [l.tag, l.proficiency])),
      skills: new Map(agent.skills.map((s) => [s.name, s.proficiency])),
      load: 0,
      byChannel: new Map(),
      lastFreedAt: now,
    }));
  }

  private isOpen(site: RoutingSite, sub: string, now: number): boolean {
    if (site.alwaysOpenFor?.includes(sub)) return true;
    const minute = Math.floor(now / 60_000);
    const c = this.open.get(site.id);
    if (c?.minute === minute) return c.open;
    const open = isSiteOpen(site.calendar, site.timeZone, new Date(minute * 60_000));
    this.open.set(site.id, { minute, open });
    return open;
  }

  private eligible(a: NaiveAgent, s: NaiveItem, now: number): string | null {
    const item = s.item;
    const ag = a.agent;
    if (ag.presence !== 'available' || ag.tier !== item.tier || a.load >= ag.capacity.total) return null;
    if ((a.byChannel.get(item.channel) ?? 0) >= (ag.capacity.perChannel[item.channel] ?? 0)) return null;
    const site = this.siteById.get(ag.siteId) as RoutingSite;
    if (!site.subsidiaryIds.includes(item.subsidiaryId)) return null;
    let lang: string | null = a.langs.has(item.language) ? item.language : null;
    if (!lang) {
      const f = world.subsidiaries
        .find((x) => x.id === item.subsidiaryId)
        ?.fallbacks?.find((x) => x.language === item.language);
      if (f && now - s.queuedAt >= f.afterSeconds * 1000 && a.langs.has(f.fallback)) lang = f.fallback;
    }
    if (!lang) return null;
    const rings = item.queueId ? (this.queues.get(item.queueId)?.rings ?? []) : [];
    let ring = rings[0];
    for (const r of rings) if (r.afterSeconds * 1000 <= now - s.queuedAt) ring = r;
    if (ring?.sites && !ring.sites.includes(site.id)) return null;
    if (!this.isOpen(site, item.subsidiaryId, now)) return null;
    for (const r of item.requiredSkills) if ((a.skills.get(r.name) ?? 0) < r.minProficiency) return null;
    if (ring?.optionalSkills === 'all')
      for (const r of item.optionalSkills) if ((a.skills.get(r.name) ?? 0) < r.minProficiency) return null;
    return lang;
  }

  private score(a: NaiveAgent, s: NaiveItem, lang: string, now: number): number {
    const site = this.siteById.get(a.agent.siteId) as RoutingSite;
    const bySite = this.assignedBySub.get(s.item.subsidiaryId);
    let total = 0;
    for (const n of bySite?.values() ?? []) total += n;
    const serving = sites.filter((x) => x.subsidiaryIds.includes(s.item.subsidiaryId)).length;
    let p = a.langs.get(lang) ?? 0;
    for (const r of s.item.requiredSkills) p += a.skills.get(r.name) ?? 0;
    const w = DEFAULT_WEIGHTS;
    return (
      w.cost * Math.min(1, this.cheapest / site.costPerContact) +
      w.quality * (site.qualityIndex / 100) +
      w.share * ((1 + 1 / serving - (total > 0 ? (bySite?.get(site.id) ?? 0) / total : 0)) / 2) +
      w.proficiency * (p / (5 * (1 + s.item.requiredSkills.length))) +
      w.fairness *
        (0.5 * Math.min(1, (now - a.lastFreedAt) / 600_000) + 0.5 * (1 - a.load / a.agent.capacity.total)) +
      w.preferred * (s.item.preferredAgentId === a.agent.id ? 1 : 0)
    );
  }

  private take(a: NaiveAgent, s: NaiveItem): void {
    s.agent = a;
    a.load += 1;
    a.byChannel.set(s.item.channel, (a.byChannel.get(s.item.channel) ?? 0) + 1);
    let bySite = this.assignedBySub.get(s.item.subsidiaryId);
    if (!bySite) {
      bySite = new Map();
      this.assignedBySub.set(s.item.subsidiaryId, bySite);
    }
    bySite.set(a.agent.siteId, (bySite.get(a.agent.siteId) ?? 0) + 1);
  }

  submit(item: WorkItem, now: number): boolean {
    const s: NaiveItem = { item, queuedAt: now, seq: this.seq++, agent: null };
    this.items.set(item.id, s);
    let best: NaiveAgent | null = null;
    let bestScore = Number.NEGATIVE_INFINITY;
    for (const a of this.agents) {
      const lang = this.eligible(a, s, now);
      if (!lang) continue;
      const score = this.score(a, s, lang, now);
      if (score > bestScore) {
        best = a;
        bestScore = score;
      }
    }
    if (best) this.take(best, s);
    else this.waiting.push(s);
    return best !== null;
  }

  /** Completion; returns the id of the waiting item the agent takes next, if any. */
  release(itemId: string, now: number): string | null {
    const s = this.items.get(itemId) as NaiveItem;
    const a = s.agent as NaiveAgent;
    this.items.delete(itemId);
    a.load -= 1;
    a.byChannel.set(s.item.channel, (a.byChannel.get(s.item.channel) ?? 1) - 1);
    a.lastFreedAt = now;
    let best = -1;
    for (let i = 0; i < this.waiting.length; i++) {
      const w = this.waiting[i] as NaiveItem;
      const b = best >= 0 ? (this.waiting[best] as NaiveItem) : null;
      if (b && !ahead(w, b)) continue;
      if (this.eligible(a, w, now)) best = i;
    }
    if (best < 0) return null;
    const [w] = this.waiting.splice(best, 1);
    this.take(a, w as NaiveItem);
    return (w as NaiveItem).item.id;
  }
}

const ahead = (a: NaiveItem, b: NaiveItem): boolean =>
  RANK[a.item.priority] !== RANK[b.item.priority]
    ? RANK[a.item.priority] > RANK[b.item.priority]
    : (a.item.slaDueAt ?? Infinity) !== (b.item.slaDueAt ?? Infinity)
      ? (a.item.slaDueAt ?? Infinity) < (b.item.slaDueAt ?? Infinity)
      : a.item.arrivedAt !== b.item.arrivedAt
        ? a.item.arrivedAt < b.item.arrivedAt
        : a.seq < b.seq;

// ---- the run ---------------------------------------------------------------------------------

interface Figures {
  decisions: number;
  decisionsPerSecond: number;
  p50Us: number;
  p99Us: number;
  maxUs: number;
  assigned: number;
  waitingAtEnd: number;
}

function percentile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

function figures(lat: Float64Array, assigned: number, waitingAtEnd: number): Figures {
  const total = lat.reduce((s, x) => s + x, 0);
  const sorted = lat.slice().sort();
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    decisions: lat.length,
    decisionsPerSecond: Math.round(lat.length / (total / 1e6)),
    p50Us: round(percentile(sorted, 0.5)),
    p99Us: round(percentile(sorted, 0.99)),
    maxUs: round(sorted[sorted.length - 1] ?? 0),
    assigned,
    waitingAtEnd,
  };
}

/** What a router answers in the run: the ids of the items it just gave to agents. */
interface Driver {
  submit(item: WorkItem, now: number): string[];
  release(itemId: string, now: number): string[];
  waiting(): number;
  tick(now: number): string[];
}

/**
 * Fill the world until the agents are busy and WAITING items wait, then interleave an
 * arrival and a completion, one simulated millisecond apart, with a tick every simulated
 * second (the service calls it periodically; it is timed apart from the decisions).
 */
function run(name: string, driver: Driver, ops: number, warmup: number) {
  const held: string[] = [];
  const heldIndex = new Map<string, number>();
  const hold = (ids: string[]) => {
    for (const id of ids) {
      heldIndex.set(id, held.length);
      held.push(id);
    }
  };
  const unhold = (id: string) => {
    const i = heldIndex.get(id) as number;
    const last = held.pop() as string;
    if (last !== id) {
      held[i] = last;
      heldIndex.set(last, i);
    }
    heldIndex.delete(id);
  };
  const draw = rng(Number(values.seed) + 1);
  let now = NOW0;
  let next = 0;
  const t0 = performance.now();
  while (driver.waiting() < WAITING) hold(driver.submit(arrival(next++, now), now));
  log(
    `${name}: filled — ${held.length} assigned, ${driver.waiting()} waiting, ${Math.round(performance.now() - t0)} ms`,
  );
  const lat = new Float64Array(ops);
  const arrivals: number[] = [];
  const completions: number[] = [];
  let assigned = 0;
  let ticks = 0;
  let tickMs = 0;
  for (let op = 0; op < warmup + ops; op++) {
    now += 1;
    if (now % 1000 === 0) {
      const t = performance.now();
      const placed = driver.tick(now);
      tickMs += performance.now() - t;
      ticks++;
      hold(placed);
    }
    let t: number;
    let placed: string[];
    // Arrivals and completions alternate; an arrival gives way to a completion while more than 110 % of WAITING wait.
    const arriving = held.length === 0 || (op % 2 === 0 && driver.waiting() <= WAITING * 1.1);
    if (arriving) {
      const item = arrival(next++, now);
      t = performance.now();
      placed = driver.submit(item, now);
      t = performance.now() - t;
    } else {
      const id = held[Math.floor(draw() * held.length)] as string;
      unhold(id);
      t = performance.now();
      placed = driver.release(id, now);
      t = performance.now() - t;
    }
    hold(placed);
    if (op >= warmup) {
      lat[op - warmup] = t * 1000;
      (arriving ? arrivals : completions).push(t * 1000);
      assigned += placed.length;
    }
    if (op > 0 && op % 100_000 === 0)
      log(`${name}: ${op} decisions, ${driver.waiting()} waiting, ${held.length} held`);
  }
  const median = (xs: number[]) =>
    Math.round((xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0) * 100) / 100;
  const p99 = (xs: number[]) => Math.round((xs[Math.floor(xs.length * 0.99)] ?? 0) * 100) / 100;
  return {
    ...figures(lat, assigned, driver.waiting()),
    arrival: { p50Us: median(arrivals), p99Us: p99(arrivals) },
    completion: { p50Us: median(completions), p99Us: p99(completions) },
    ticks,
    tickMeanMs: ticks > 0 ? Math.round((tickMs / ticks) * 1000) / 1000 : 0,
  };
}

/** The n-th arrival: items are drawn once, then reused with a fresh id and arrival time. */
const DRAWN = Array.from({ length: 100_000 }, (_, n) => makeItem(n, NOW0));
function arrival(n: number, now: number): WorkItem {
  const item = DRAWN[n % DRAWN.length] as WorkItem;
  return n < DRAWN.length && now === NOW0
    ? item
    : {
        ...item,
        id: `i${n}`,
        arrivedAt: now,
        slaDueAt: item.slaDueAt === null ? null : now + (item.slaDueAt - NOW0),
      };
}

const placedOf = (ds: Decision[]): string[] => {
  const out: string[] = [];
  for (const d of ds) if (d.kind === 'assigned') out.push(d.itemId);
  return out;
};

log(
  `world: ${AGENTS} agents, ${SITES} sites, ${LANGUAGES} languages, ${SKILLS} skills, ${WAITING} waiting; seed ${values.seed}`,
);

const router = new Router(world);
for (const a of agents) router.upsertAgent(a, NOW0);
const engine = run(
  'engine',
  {
    submit: (item, now) => {
      const d = router.submit(item, now);
      return d.kind === 'assigned' ? [d.itemId] : [];
    },
    release: (id, now) => placedOf(router.release(id, now)),
    waiting: () => router.waitingSize,
    tick: (now) => placedOf(router.tick(now)),
  },
  OPS,
  WARMUP,
);
log(`engine: ${JSON.stringify(engine)}`);
const reasons: Record<string, number> = {};
for (const w of router.waitingItems()) reasons[w.reason.code] = (reasons[w.reason.code] ?? 0) + 1;
log(`engine: why items wait at the end: ${JSON.stringify(reasons)}`);

const naive = new NaiveRouter(agents, NOW0);
const baseline = values['skip-naive']
  ? null
  : run(
      'naive',
      {
        submit: (item, now) => (naive.submit(item, now) ? [item.id] : []),
        release: (id, now) => {
          const taken = naive.release(id, now);
          return taken ? [taken] : [];
        },
        waiting: () => naive.waiting.length,
        tick: () => [],
      },
      NAIVE_OPS,
      Math.min(WARMUP, NAIVE_OPS / 10),
    );
if (baseline) log(`naive: ${JSON.stringify(baseline)}`);

console.log(
  JSON.stringify({
    benchmark: 'router',
    date: new Date().toISOString(),
    machine: machine(),
    world: {
      agents: AGENTS,
      sites: SITES,
      languages: LANGUAGES,
      skills: SKILLS,
      waiting: WAITING,
      seed: Number(values.seed),
    },
    engine,
    naive: baseline,
    speedup: baseline && {
      decisionsPerSecond: Math.round((engine.decisionsPerSecond / baseline.decisionsPerSecond) * 10) / 10,
      p99: Math.round((baseline.p99Us / engine.p99Us) * 10) / 10,
    },
    targets: { decisionsPerSecond: 100_000, p99Us: 1000 },
  }),
);
