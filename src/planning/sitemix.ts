// The site mix: which site takes which part of each interval's work, at the least cost that
// still meets the service level, the languages, the tiers, the opening hours, the seats and the
// rules. A mixed-integer program solved with HiGHS; docs/planning.md explains the model.
import highsPackage, { type Highs } from 'highs';
import { openIntervals } from '../organisation/index.ts';
import type { PlanInput, PlanSegment, PlanSite, PlanSubsidiary } from './sitemix-input.ts';
import { requiredAgents, type StaffingInput } from './staffing.ts';

/** Where work may go, beyond the rules: everywhere (bestshore), or only on or only off shore. */
export type Placement = 'bestshore' | 'onshore' | 'offshore';

export interface SolveOptions {
  placement?: Placement;
  /** Stop the branch and bound when the incumbent is within this share of the bound. */
  relativeGap?: number;
  timeLimitSeconds?: number;
  /** The greedy baseline instead of the program: each interval's work on the cheapest open site. */
  method?: 'mip' | 'greedy';
}

export type ReasonCode =
  | 'no_site_language'
  | 'no_site_tier'
  | 'onshore_rule'
  | 'residency_rule'
  | 'placement'
  | 'closed'
  | 'seats'
  | 'partner_min'
  | 'partner_max'
  | 'quality';

/** Why there is no plan (or what a plan strains): a constraint, where and when, in words. */
export interface PlanReason {
  code: ReasonCode;
  message: string;
  subsidiary?: string;
  language?: string;
  tier?: string;
  channel?: string;
  site?: string;
  /** The partner a share rule names. */
  partner?: string;
  from?: string;
  to?: string;
  figures?: Record<string, number>;
}

export interface StaffRow {
  siteId: string;
  site: string;
  interval: number;
  start: string;
  subsidiary: string;
  language: string;
  tier: string;
  channel: string;
  contacts: number;
  /** Productive agents (whole for live work; the workload for deferred work). */
  agents: number;
  /** Agents to schedule once the site's shrinkage is taken. */
  scheduled: number;
}

export interface SiteSummary {
  id: string;
  code: string;
  name: string;
  country: string;
  operator: 'in_house' | 'partner';
  partnerName: string | null;
  cost: number;
  agentHours: number;
  contacts: number;
  share: number;
  peakScheduled: number;
  seats: number;
}

export interface PlanTotals {
  cost: number;
  agentHours: number;
  scheduledHours: number;
  contacts: number;
  /** Live contacts answered within their target time, weighted by volume (0–1). */
  serviceLevel: number | null;
  /** Live contacts abandoned, where a patience was given (0–1). */
  abandonment: number | null;
  /** Average quality index of the sites, weighted by agent hours. */
  quality: number | null;
  /** Share of the contacts handled in their subsidiary's country. */
  onshoreShare: number;
  /** Live contacts arriving while no site that may take them is open, answered at the next opening. */
  waitedForOpening: number;
}

export interface SolverFacts {
  method: 'highs-mip' | 'greedy';
  status: string;
  seconds: number;
  /** Relative gap between the plan's program cost and HiGHS's proven bound (0 when proved optimal). */
  gap: number | null;
  columns: number;
  rows: number;
  integers: number;
}

export interface PlanResult {
  status: 'planned' | 'no_plan';
  placement: Placement;
  reasons: PlanReason[];
  warnings: PlanReason[];
  currency: string;
  start: string;
  intervalMinutes: number;
  intervals: number;
  totals: PlanTotals;
  sites: SiteSummary[];
  staff: StaffRow[];
  /** Per subsidiary, each site's share of its contacts: the router's target shares. */
  shares: Record<string, Record<string, number>>;
  solver: SolverFacts;
}

// ---- preparing the instance -------------------------------------------------------------

interface Prepared {
  input: PlanInput;
  placement: Placement;
  hours: number;
  intervalSeconds: number;
  startMs: number;
  /** Cost per productive hour of each site, in the plan's currency. */
  rate: number[];
  /** open[site][interval] for the site's own calendar. */
  open: boolean[][];
  subsidiary: Map<string, PlanSubsidiary>;
  /** For each segment, the sites allowed to take it (languages, tier, rules, placement). */
  eligible: number[][];
  /** Each segment's contacts per interval once live work arriving while closed has waited for the opening. */
  volumes: number[][];
  staticReasons: PlanReason[];
  warnings: PlanReason[];
  /** Live contacts that arrive while no site that may take them is open and wait for the next opening. */
  waited: number;
}

const tierWords: Record<string, string> = {
  level1: 'level 1',
  level2: 'level 2',
  expert: 'expert',
  back_office: 'back office',
};

const languageNames = new Intl.DisplayNames(['en'], { type: 'language' });
const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });
const languageName = (tag: string): string => {
  try {
    return languageNames.of(tag) ?? tag;
  } catch {
    return tag;
  }
};
const countryName = (code: string): string => regionNames.of(code) ?? code;
const primary = (tag: string): string => tag.split('-')[0]?.toLowerCase() ?? tag;

const speaks = (site: PlanSite, segment: PlanSegment): boolean =>
  site.languages.some(
    (l) =>
      (l.tag === segment.language || primary(l.tag) === primary(segment.language)) &&
      l.proficiency >= segment.minProficiency,
  );

function openMatrix(input: PlanInput, startMs: number): boolean[][] {
  const stepMs = input.intervalMinutes * 60_000;
  const endMs = startMs + stepMs * input.intervals;
  return input.sites.map((site) => {
    const open = new Array<boolean>(input.intervals).fill(false);
    for (const span of openIntervals(site.calendar, site.timeZone, new Date(startMs), new Date(endMs))) {
      const first = Math.ceil((span.start.getTime() - startMs) / stepMs);
      const last = Math.floor((span.end.getTime() - startMs) / stepMs) - 1;
      for (let t = Math.max(0, first); t <= Math.min(input.intervals - 1, last); t++) open[t] = true;
    }
    return open;
  });
}

function describeSegment(segment: PlanSegment, subsidiary: PlanSubsidiary | undefined) {
  return {
    subsidiary: subsidiary?.code ?? segment.subsidiaryId,
    language: segment.language,
    tier: segment.tier,
    channel: segment.channel,
  };
}

/** The sites that may take a segment, and, when none may, why in words. */
function eligibility(
  input: PlanInput,
  placement: Placement,
  segment: PlanSegment,
): { sites: number[]; reason?: PlanReason } {
  const subsidiary = input.subsidiaries.find((s) => s.id === segment.subsidiaryId);
  const who = describeSegment(segment, subsidiary);
  const lang = languageName(segment.language);
  const tier = tierWords[segment.tier] ?? segment.tier;
  const serving = input.sites
    .map((site, i) => ({ site, i }))
    .filter(({ site }) => site.subsidiaryIds.includes(segment.subsidiaryId));
  const speaking = serving.filter(({ site }) => speaks(site, segment));
  if (speaking.length === 0)
    return {
      sites: [],
      reason: {
        code: 'no_site_language',
        ...who,
        message: `no site serving ${who.subsidiary} speaks ${lang} at proficiency ${segment.minProficiency} or more`,
      },
    };
  const tiered = speaking.filter(({ site }) => site.tiers.includes(segment.tier));
  if (tiered.length === 0)
    return {
      sites: [],
      reason: {
        code: 'no_site_tier',
        ...who,
        message: `no site serving ${who.subsidiary} that speaks ${lang} takes ${tier} work`,
      },
    };
  const country = subsidiary?.country ?? '';
  let allowed = tiered;
  if (input.rules.onshoreTiers.includes(segment.tier)) {
    allowed = allowed.filter(({ site }) => site.country === country);
    if (allowed.length === 0)
      return {
        sites: [],
        reason: {
          code: 'onshore_rule',
          ...who,
          message: `${tier} work of ${who.subsidiary} stays in ${countryName(country)}, and no site there speaks ${lang} at ${tier}`,
        },
      };
  }
  const residency = input.rules.residency.find((r) => r.subsidiaryId === segment.subsidiaryId);
  if (residency) {
    allowed = allowed.filter(({ site }) => residency.countries.includes(site.country));
    if (allowed.length === 0)
      return {
        sites: [],
        reason: {
          code: 'residency_rule',
          ...who,
          message: `${who.subsidiary}'s data stays in ${residency.countries.map(countryName).join(', ')}, and no site there speaks ${lang} at ${tier}`,
        },
      };
  }
  if (placement !== 'bestshore') {
    const keepsOnshore = input.rules.onshoreTiers.includes(segment.tier);
    allowed = allowed.filter(({ site }) =>
      placement === 'onshore' ? site.country === country : keepsOnshore || site.country !== country,
    );
    if (allowed.length === 0)
      return {
        sites: [],
        reason: {
          code: 'placement',
          ...who,
          message:
            placement === 'onshore'
              ? `no site in ${countryName(country)} speaks ${lang} at ${tier}`
              : `no site outside ${countryName(country)} speaks ${lang} at ${tier}`,
        },
      };
  }
  return { sites: allowed.map(({ i }) => i) };
}

function prepare(input: PlanInput, placement: Placement): Prepared {
  const startMs = new Date(input.start).getTime();
  const staticReasons: PlanReason[] = [];
  const eligible = input.segments.map((segment) => {
    const found = eligibility(input, placement, segment);
    if (found.reason && segment.volumes.some((v) => v > 0)) staticReasons.push(found.reason);
    return found.sites;
  });
  const prepared: Prepared = {
    input,
    placement,
    hours: input.intervalMinutes / 60,
    intervalSeconds: input.intervalMinutes * 60,
    startMs,
    rate: input.sites.map((s) =>
      s.cost.currency === input.currency
        ? s.cost.amount
        : s.cost.amount * (input.rates[s.cost.currency] ?? 1),
    ),
    open: openMatrix(input, startMs),
    subsidiary: new Map(input.subsidiaries.map((s) => [s.id, s])),
    eligible,
    volumes: input.segments.map((s) => s.volumes),
    staticReasons,
    warnings: [],
    waited: 0,
  };
  if (input.rules.outOfHours === 'wait') waitForOpening(prepared);
  return prepared;
}

/**
 * Live work arriving while no site that may take it is open waits for the next opening, as the
 * closed notice tells the customer; it is staffed then. What would wait past the period's end is
 * the next period's work. A segment whose sites never open in the period stays unplaceable.
 */
function waitForOpening(p: Prepared): void {
  const step = p.intervalSeconds * 1000;
  p.input.segments.forEach((segment, g) => {
    const sites = p.eligible[g] ?? [];
    if (segment.target.kind !== 'live' || sites.length === 0) return;
    const open = segment.volumes.map((_, t) => sites.some((s) => openFor(p, s, segment, t)));
    if (!open.includes(true)) return;
    const volumes = [...segment.volumes];
    const closedIntervals: number[] = [];
    let carried = 0;
    let waited = 0;
    for (let t = 0; t < volumes.length; t++) {
      if (!open[t]) {
        if ((volumes[t] ?? 0) > 0) closedIntervals.push(t);
        carried += volumes[t] ?? 0;
        waited += volumes[t] ?? 0;
        volumes[t] = 0;
      } else if (carried > 0) {
        volumes[t] = (volumes[t] ?? 0) + carried;
        carried = 0;
      }
    }
    p.volumes[g] = volumes;
    if (waited <= 0) return;
    p.waited += waited;
    const subsidiary = p.subsidiary.get(segment.subsidiaryId);
    const zone = subsidiary?.timeZone ?? 'UTC';
    const [first] = runs(closedIntervals);
    const example = first
      ? ` (first ${spanWords(p.startMs + first[0] * step, p.startMs + (first[1] + 1) * step, zone)}, ${zone} time)`
      : '';
    p.warnings.push({
      code: 'closed',
      ...describeSegment(segment, subsidiary),
      figures: { contacts: round(waited) },
      message: `${round(waited, 1)} ${languageName(segment.language)} ${segment.channel} contacts of ${subsidiary?.code ?? segment.subsidiaryId} at ${tierWords[segment.tier] ?? segment.tier} arrive while no site that may take them is open${example}; they wait for the next opening`,
    });
  });
}

const openFor = (p: Prepared, site: number, segment: PlanSegment, t: number): boolean =>
  p.open[site]?.[t] === true || p.input.sites[site]?.alwaysOpenFor.includes(segment.subsidiaryId) === true;

function staffingInput(p: Prepared, segment: PlanSegment, contacts: number): StaffingInput {
  const target = segment.target;
  if (target.kind !== 'live') throw new Error('deferred work is not staffed by Erlang');
  return {
    contacts,
    intervalSeconds: p.intervalSeconds,
    handlingSeconds: segment.ahtSeconds,
    target: { level: target.serviceLevel, withinSeconds: target.withinSeconds },
    ...(target.patienceSeconds !== undefined ? { patienceSeconds: target.patienceSeconds } : {}),
    maxOccupancy: p.input.rules.maxOccupancy,
    concurrency: target.concurrency,
  };
}

// ---- times in words ---------------------------------------------------------------------

const dayFormat = new Map<string, Intl.DateTimeFormat>();
function wallClock(ms: number, timeZone: string): { day: string; time: string } {
  let f = dayFormat.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      weekday: 'long',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    dayFormat.set(timeZone, f);
  }
  const parts = f.formatToParts(new Date(ms));
  const get = (type: string) => parts.find((x) => x.type === type)?.value ?? '';
  return { day: get('weekday'), time: `${get('hour')}:${get('minute')}` };
}

/** "Sunday 02:00–06:00", or "Saturday 22:00 – Sunday 06:00" across midnight, in a time zone. */
function spanWords(fromMs: number, toMs: number, timeZone: string): string {
  const a = wallClock(fromMs, timeZone);
  const b = wallClock(toMs, timeZone);
  if (a.day === b.day || (b.time === '00:00' && toMs - fromMs <= 86_400_000))
    return `${a.day} ${a.time}–${b.time === '00:00' ? '24:00' : b.time}`;
  return `${a.day} ${a.time} – ${b.day} ${b.time}`;
}

/** Consecutive intervals, as [first, last] runs. */
function runs(intervals: number[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const t of [...intervals].sort((x, y) => x - y)) {
    const last = out[out.length - 1];
    if (last && last[1] === t - 1) last[1] = t;
    else out.push([t, t]);
  }
  return out;
}

const MAX_REASONS_PER_KIND = 12;

function closedReasons(p: Prepared, segment: PlanSegment, sites: number[], closed: number[]): PlanReason[] {
  const subsidiary = p.subsidiary.get(segment.subsidiaryId);
  const zone = subsidiary?.timeZone ?? 'UTC';
  const who = describeSegment(segment, subsidiary);
  const step = p.intervalSeconds * 1000;
  const zoneWords = zone === 'UTC' ? 'UTC' : `${zone} time`;
  const siteCodes = sites.map((s) => p.input.sites[s]?.code).join(', ');
  return runs(closed)
    .slice(0, MAX_REASONS_PER_KIND)
    .map(([first, last]) => {
      const from = p.startMs + first * step;
      const to = p.startMs + (last + 1) * step;
      return {
        code: 'closed',
        ...who,
        from: new Date(from).toISOString(),
        to: new Date(to).toISOString(),
        message: `no open site speaks ${languageName(segment.language)} at ${tierWords[segment.tier] ?? segment.tier} for ${who.subsidiary} ${segment.channel} on ${spanWords(from, to, zone)} (${zoneWords}; ${siteCodes || 'no site'} closed)`,
      };
    });
}

// ---- the program ------------------------------------------------------------------------

/** A slack that makes a hard constraint elastic: its use means no plan, and says why. */
const PENALTY = 1e6;
/** Per contact and interval in a backlog: small against any wage, enough to break ties early. */
const WAITING_COST = 1e-4;

class Program {
  cost: number[] = [];
  lower: number[] = [];
  upper: number[] = [];
  integer: number[] = [];
  rowLower: number[] = [];
  rowUpper: number[] = [];
  starts: number[] = [0];
  indices: number[] = [];
  values: number[] = [];
  integers = 0;

  column(cost: number, lower: number, upper: number, integer = false): number {
    this.cost.push(cost);
    this.lower.push(lower);
    this.upper.push(upper);
    this.integer.push(integer ? 1 : 0);
    if (integer) this.integers++;
    return this.cost.length - 1;
  }

  row(lower: number, upper: number, columns: number[], coefficients: number[]): number {
    for (let k = 0; k < columns.length; k++) {
      const value = coefficients[k] ?? 0;
      if (value === 0) continue;
      this.indices.push(columns[k] ?? 0);
      this.values.push(value);
    }
    this.starts.push(this.indices.length);
    this.rowLower.push(lower);
    this.rowUpper.push(upper);
    return this.rowLower.length - 1;
  }
}

/** One site's part of one live segment in one interval. */
interface LiveCell {
  site: number;
  segment: number;
  t: number;
  /** Share of the interval's contacts (column). */
  x: number;
  /** Takes part at all (binary column), when the pool has a fixed part. */
  u: number | null;
  /** Agents per unit of share and the fixed agents (the whole pool's safety staff). */
  slope: number;
  fixed: number;
}

interface DeferredCell {
  site: number;
  segment: number;
  t: number;
  /** Contacts handled (column). */
  h: number;
  /** Agents per contact handled in the interval. */
  agentsPerContact: number;
}

interface Slacks {
  seats: Array<{ site: number; t: number; column: number }>;
  partnerMin: Array<{ name: string; column: number; share: number }>;
  partnerMax: Array<{ name: string; column: number; share: number }>;
  quality: number | null;
}

/** How the work is placed: a share per live cell and contacts per deferred cell. */
interface Placed {
  live: Array<{ cell: LiveCell; share: number }>;
  deferred: Array<{ cell: DeferredCell; contacts: number }>;
}

interface Built {
  program: Program;
  live: LiveCell[];
  deferred: DeferredCell[];
  slacks: Slacks;
  closed: PlanReason[];
  totalContacts: number;
}

function build(p: Prepared): Built {
  const program = new Program();
  const { input } = p;
  const live: LiveCell[] = [];
  const deferred: DeferredCell[] = [];
  const closed: PlanReason[] = [];
  const slacks: Slacks = { seats: [], partnerMin: [], partnerMax: [], quality: null };
  // Per site and interval, the columns and agents-per-unit that occupy seats.
  const seatTerms = new Map<number, { columns: number[]; heads: number[] }>();
  const seatKey = (s: number, t: number) => s * input.intervals + t;
  const addSeat = (s: number, t: number, column: number, agents: number) => {
    const shrink = input.sites[s]?.shrinkage ?? 0;
    let entry = seatTerms.get(seatKey(s, t));
    if (!entry) {
      entry = { columns: [], heads: [] };
      seatTerms.set(seatKey(s, t), entry);
    }
    entry.columns.push(column);
    entry.heads.push(agents / (1 - shrink));
  };
  let totalContacts = 0;

  input.segments.forEach((segment, g) => {
    const sites = p.eligible[g] ?? [];
    if (sites.length === 0) return;
    const unreachable: number[] = [];
    const volumes = p.volumes[g] ?? segment.volumes;
    if (segment.target.kind === 'live') {
      volumes.forEach((volume, t) => {
        if (volume <= 0) return;
        const open = sites.filter((s) => openFor(p, s, segment, t));
        if (open.length === 0) {
          unreachable.push(t);
          return;
        }
        totalContacts += volume;
        const pool = requiredAgents(staffingInput(p, segment, volume));
        const k = segment.target.kind === 'live' ? segment.target.concurrency : 1;
        const linear = Math.min(pool.agents, pool.traffic / k / input.rules.maxOccupancy);
        const fixed = pool.agents - linear;
        const columns: number[] = [];
        for (const s of open) {
          const rate = (p.rate[s] ?? 0) * p.hours;
          const x = program.column(linear * rate, 0, 1);
          const u = fixed > 1e-9 ? program.column(fixed * rate, 0, 1, true) : null;
          if (u !== null) program.row(-Infinity, 0, [x, u], [1, -1]);
          live.push({ site: s, segment: g, t, x, u, slope: linear, fixed });
          addSeat(s, t, x, linear);
          if (u !== null) addSeat(s, t, u, fixed);
          columns.push(x);
        }
        program.row(
          1,
          1,
          columns,
          columns.map(() => 1),
        );
      });
    } else {
      const window = Math.max(1, Math.floor((segment.target.withinHours * 60) / input.intervalMinutes));
      const agentsPerContact = segment.ahtSeconds / p.intervalSeconds / input.rules.maxOccupancy;
      // What is left at the end is the next period's work: valued at the cheapest site that may take it.
      const carryCost = Math.min(...sites.map((s) => p.rate[s] ?? 0)) * agentsPerContact * p.hours;
      // The deadline counts business hours: the intervals in which a site that may take the work is open.
      const open = volumes.map((_, t) => sites.some((s) => openFor(p, s, segment, t)));
      if (!open.includes(true)) {
        const waiting = volumes.flatMap((v, t) => (v > 0 ? [t] : []));
        if (waiting.length > 0) closed.push(...closedReasons(p, segment, sites, waiting));
        return;
      }
      const opened: number[] = [];
      open.forEach((o, t) => {
        opened.push((opened[t - 1] ?? 0) + (o ? 1 : 0));
      });
      let previous: number | null = null;
      let arrivedInWindow = 0;
      let oldest = 0;
      volumes.forEach((volume, t) => {
        totalContacts += volume;
        arrivedInWindow += volume;
        while (oldest < t && (opened[t] ?? 0) - (opened[oldest] ?? 0) >= window) {
          arrivedInWindow -= volumes[oldest] ?? 0;
          oldest++;
        }
        // Backlog carried = backlog before + arrivals − handled; nothing older than the window may stay in it.
        const last = t === input.intervals - 1;
        // A hair of cost on waiting: among plans of equal cost, work is handled as soon as it may be.
        const backlog = program.column(last ? carryCost : WAITING_COST, 0, arrivedInWindow);
        const columns = [backlog];
        const coefficients = [1];
        if (previous !== null) {
          columns.push(previous);
          coefficients.push(-1);
        }
        for (const s of sites) {
          if (!openFor(p, s, segment, t)) continue;
          const h = program.column(agentsPerContact * (p.rate[s] ?? 0) * p.hours, 0, Infinity);
          deferred.push({ site: s, segment: g, t, h, agentsPerContact });
          addSeat(s, t, h, agentsPerContact);
          columns.push(h);
          coefficients.push(1);
        }
        program.row(volume, volume, columns, coefficients);
        previous = backlog;
      });
    }
    if (unreachable.length > 0) closed.push(...closedReasons(p, segment, sites, unreachable));
  });

  for (const [key, terms] of seatTerms) {
    const s = Math.floor(key / input.intervals);
    const t = key % input.intervals;
    const over = program.column(PENALTY, 0, Infinity);
    program.row(-Infinity, input.sites[s]?.seats ?? 0, [...terms.columns, over], [...terms.heads, -1]);
    slacks.seats.push({ site: s, t, column: over });
  }

  // Contacts each column handles, for partner shares; agent hours, for quality.
  const contactsOf = (cells: { live: LiveCell[]; deferred: DeferredCell[] }) => {
    const columns: number[] = [];
    const values: number[] = [];
    for (const c of cells.live) {
      columns.push(c.x);
      values.push(p.volumes[c.segment]?.[c.t] ?? 0);
    }
    for (const c of cells.deferred) {
      columns.push(c.h);
      values.push(1);
    }
    return { columns, values };
  };
  for (const partner of input.rules.partners) {
    const mine = (s: number) => input.sites[s]?.partnerName === partner.name;
    const terms = contactsOf({
      live: live.filter((c) => mine(c.site)),
      deferred: deferred.filter((c) => mine(c.site)),
    });
    if (partner.minShare !== undefined && partner.minShare > 0) {
      const short = program.column(PENALTY, 0, Infinity);
      program.row(
        partner.minShare * totalContacts,
        Infinity,
        [...terms.columns, short],
        [...terms.values, 1],
      );
      slacks.partnerMin.push({ name: partner.name, column: short, share: partner.minShare });
    }
    if (partner.maxShare !== undefined && partner.maxShare < 1) {
      const excess = program.column(PENALTY, 0, Infinity);
      program.row(
        -Infinity,
        partner.maxShare * totalContacts,
        [...terms.columns, excess],
        [...terms.values, -1],
      );
      slacks.partnerMax.push({ name: partner.name, column: excess, share: partner.maxShare });
    }
  }
  const minQuality = input.rules.minQuality;
  if (minQuality !== undefined) {
    const columns: number[] = [];
    const values: number[] = [];
    const margin = (s: number) => (input.sites[s]?.qualityIndex ?? 0) - minQuality;
    for (const c of live) {
      columns.push(c.x);
      values.push(margin(c.site) * c.slope * p.hours);
      if (c.u !== null) {
        columns.push(c.u);
        values.push(margin(c.site) * c.fixed * p.hours);
      }
    }
    for (const c of deferred) {
      columns.push(c.h);
      values.push(margin(c.site) * c.agentsPerContact * p.hours);
    }
    const short = program.column(PENALTY, 0, Infinity);
    program.row(0, Infinity, [...columns, short], [...values, 1]);
    slacks.quality = short;
  }
  return { program, live, deferred, slacks, closed, totalContacts };
}

// ---- solving ----------------------------------------------------------------------------

// The package's types describe its CommonJS build; imported as a module its default is the loader.
const loadHighs = highsPackage as unknown as typeof highsPackage.default;
let highsLoading: Promise<Highs> | undefined;
/** HiGHS, loaded once per process (the WebAssembly module is about 3 MB). */
export function highs(): Promise<Highs> {
  highsLoading ??= loadHighs();
  return highsLoading;
}

interface Solved {
  values: Float64Array;
  status: string;
  gap: number | null;
  seconds: number;
}

const statusNames: Record<number, string> = {
  7: 'optimal',
  8: 'infeasible',
  13: 'time_limit',
};

function runModel(
  h: Highs,
  program: Program,
  bounds: { lower: number[]; upper: number[] },
  integer: boolean,
  options: SolveOptions,
): { values: Float64Array; code: number; objective: number; gap: number | null } {
  const model = h.createModel({
    numCols: program.cost.length,
    numRows: program.rowLower.length,
    colCost: program.cost,
    colLower: bounds.lower,
    colUpper: bounds.upper.map((u) => (u === Infinity ? h.infinity : u)),
    rowLower: program.rowLower.map((l) => (l === -Infinity ? -h.infinity : l)),
    rowUpper: program.rowUpper.map((u) => (u === Infinity ? h.infinity : u)),
    matrix: {
      format: 'csr',
      numRows: program.rowLower.length,
      numCols: program.cost.length,
      starts: Int32Array.from(program.starts),
      indices: Int32Array.from(program.indices),
      values: Float64Array.from(program.values),
    },
    ...(integer ? { integrality: Int32Array.from(program.integer) } : {}),
  });
  try {
    model.options.set({
      output_flag: false,
      mip_rel_gap: options.relativeGap ?? 0.005,
      time_limit: options.timeLimitSeconds ?? 60,
    });
    model.run();
    const code = model.getModelStatus();
    const gap = integer ? Number(model.info.get('mip_gap')) : null;
    return {
      values: model.getSolution().colValue,
      code,
      objective: model.getObjectiveValue(),
      gap: gap !== null && Number.isFinite(gap) ? Math.max(0, gap) : null,
    };
  } finally {
    model.dispose();
  }
}

/**
 * Solves the program in two steps. The relaxation (each site's fixed charge taken in proportion
 * to its share: the whole pool's efficiency wherever the work goes) is a lower bound on every
 * plan's cost, and most of its intervals already sit whole on one site. Where it splits a pool,
 * branch and bound decides among the sites the relaxation used, the other pools held as the
 * relaxation left them and the deferred work free to move. The gap reported is against the
 * relaxation's bound: proven, if pessimistic.
 */
function solveProgram(h: Highs, built: Built, options: SolveOptions): Solved {
  const { program } = built;
  const started = performance.now();
  if (program.cost.length === 0) return { values: new Float64Array(0), status: 'empty', gap: 0, seconds: 0 };
  const seconds = () => (performance.now() - started) / 1000;
  const name = (code: number) => statusNames[code] ?? `status_${code}`;
  const relaxed = runModel(h, program, program, false, options);
  if (relaxed.code !== 7 || program.integers === 0)
    return {
      values: relaxed.values,
      status: name(relaxed.code),
      gap: relaxed.code === 7 ? 0 : null,
      seconds: seconds(),
    };
  // The pools the relaxation split; every other live part keeps the relaxation's values.
  const value = (column: number) => relaxed.values[column] ?? 0;
  const isFractional = (v: number) => v > 1e-6 && v < 1 - 1e-6;
  const split = new Set<string>();
  for (const cell of built.live)
    if (cell.u !== null && isFractional(value(cell.u))) split.add(`${cell.segment}:${cell.t}`);
  if (split.size === 0) return { values: relaxed.values, status: 'optimal', gap: 0, seconds: seconds() };
  const lower = [...program.lower];
  const upper = [...program.upper];
  for (const cell of built.live) {
    if (split.has(`${cell.segment}:${cell.t}`)) {
      if (cell.u !== null && value(cell.u) < 1e-6) upper[cell.u] = 0;
      continue;
    }
    const x = Math.min(1, Math.max(0, value(cell.x)));
    lower[cell.x] = x;
    upper[cell.x] = x;
    if (cell.u !== null) {
      const u = Math.round(value(cell.u));
      lower[cell.u] = u;
      upper[cell.u] = u;
    }
  }
  const remaining = Math.max(1, (options.timeLimitSeconds ?? 60) - seconds());
  const whole = runModel(h, program, { lower, upper }, true, { ...options, timeLimitSeconds: remaining });
  if (whole.code !== 7 && whole.code !== 13)
    return { values: relaxed.values, status: name(whole.code), gap: null, seconds: seconds() };
  const gap = whole.objective > 0 ? Math.max(0, (whole.objective - relaxed.objective) / whole.objective) : 0;
  return { values: whole.values, status: name(whole.code), gap, seconds: seconds() };
}

/** The greedy baseline: each interval's live work whole on the cheapest open site with seats left. */
function greedy(p: Prepared, built: Built): Placed {
  const { input } = p;
  const heads = new Map<number, number>();
  const key = (s: number, t: number) => s * input.intervals + t;
  const seatsLeft = (s: number, t: number) => (input.sites[s]?.seats ?? 0) - (heads.get(key(s, t)) ?? 0);
  const take = (s: number, t: number, agents: number) =>
    heads.set(key(s, t), (heads.get(key(s, t)) ?? 0) + agents / (1 - (input.sites[s]?.shrinkage ?? 0)));
  const byRate = (a: { site: number }, b: { site: number }) => (p.rate[a.site] ?? 0) - (p.rate[b.site] ?? 0);
  const placed: Placed = { live: [], deferred: [] };
  const groups = new Map<string, LiveCell[]>();
  for (const cell of built.live) {
    const k = `${cell.segment}:${cell.t}`;
    const list = groups.get(k) ?? [];
    list.push(cell);
    groups.set(k, list);
  }
  for (const cells of groups.values()) {
    cells.sort(byRate);
    const need = (c: LiveCell) => (c.slope + c.fixed) / (1 - (input.sites[c.site]?.shrinkage ?? 0));
    const chosen = cells.find((c) => seatsLeft(c.site, c.t) >= need(c)) ?? cells[0];
    if (!chosen) continue;
    take(chosen.site, chosen.t, chosen.slope + chosen.fixed);
    placed.live.push({ cell: chosen, share: 1 });
  }
  // Deferred work: as it arrives, on the cheapest open site; what arrives while all are closed waits for the next opening.
  const bySegment = new Map<number, DeferredCell[]>();
  for (const cell of built.deferred) {
    const list = bySegment.get(cell.segment) ?? [];
    list.push(cell);
    bySegment.set(cell.segment, list);
  }
  for (const [g, cells] of bySegment) {
    const volumes = input.segments[g]?.volumes ?? [];
    let backlog = 0;
    for (let t = 0; t < input.intervals; t++) {
      backlog += volumes[t] ?? 0;
      const open = cells.filter((c) => c.t === t).sort(byRate);
      for (const c of open) {
        if (backlog <= 0) break;
        const room = seatsLeft(c.site, t) * (1 - (input.sites[c.site]?.shrinkage ?? 0));
        const contacts = Math.min(backlog, Math.max(0, room / c.agentsPerContact));
        if (contacts <= 0) continue;
        take(c.site, t, contacts * c.agentsPerContact);
        placed.deferred.push({ cell: c, contacts });
        backlog -= contacts;
      }
    }
  }
  return placed;
}

function placedFromSolution(built: Built, values: Float64Array): Placed {
  return {
    live: built.live.map((cell) => ({ cell, share: values[cell.x] ?? 0 })).filter((c) => c.share > 1e-6),
    deferred: built.deferred
      .map((cell) => ({ cell, contacts: values[cell.h] ?? 0 }))
      .filter((c) => c.contacts > 1e-6),
  };
}

function slackReasons(p: Prepared, built: Built, values: Float64Array): PlanReason[] {
  const reasons: PlanReason[] = [];
  const { input } = p;
  const used = (column: number) => (values[column] ?? 0) > 1e-6;
  const step = p.intervalSeconds * 1000;
  const bySite = new Map<number, number[]>();
  for (const s of built.slacks.seats)
    if (used(s.column)) bySite.set(s.site, [...(bySite.get(s.site) ?? []), s.t]);
  for (const [s, intervals] of bySite) {
    const site = input.sites[s];
    if (!site) continue;
    for (const [first, last] of runs(intervals).slice(0, MAX_REASONS_PER_KIND)) {
      let peak = 0;
      for (const slack of built.slacks.seats)
        if (slack.site === s && slack.t >= first && slack.t <= last)
          peak = Math.max(peak, values[slack.column] ?? 0);
      const from = p.startMs + first * step;
      const to = p.startMs + (last + 1) * step;
      reasons.push({
        code: 'seats',
        site: site.code,
        from: new Date(from).toISOString(),
        to: new Date(to).toISOString(),
        figures: { seats: site.seats, needed: Math.ceil(site.seats + peak) },
        message: `${site.name} would need ${Math.ceil(site.seats + peak)} seats on ${spanWords(from, to, site.timeZone)} (${site.timeZone} time); it has ${site.seats}, and no other site that may take the work has room`,
      });
    }
  }
  for (const s of built.slacks.partnerMin)
    if (used(s.column)) {
      const reached = s.share - (values[s.column] ?? 0) / Math.max(1, built.totalContacts);
      reasons.push({
        code: 'partner_min',
        partner: s.name,
        figures: { minShare: s.share, reachable: Math.max(0, reached) },
        message: `${s.name} must take at least ${pct(s.share)} of the contacts, but the work its sites may take (languages, tiers, hours, seats) reaches only ${pct(Math.max(0, reached))}`,
      });
    }
  for (const s of built.slacks.partnerMax)
    if (used(s.column))
      reasons.push({
        code: 'partner_max',
        partner: s.name,
        figures: { maxShare: s.share },
        message: `${s.name} may take at most ${pct(s.share)} of the contacts, but the other sites cannot take the rest (languages, tiers, hours, seats)`,
      });
  if (built.slacks.quality !== null && used(built.slacks.quality))
    reasons.push({
      code: 'quality',
      figures: { minQuality: input.rules.minQuality ?? 0 },
      message: `the sites that can take the work cannot reach the minimum quality index of ${input.rules.minQuality} on average`,
    });
  return reasons;
}

/** Channels of one language and tier often fail for the same reason: say it once. */
const distinctMessages = (reasons: PlanReason[]): PlanReason[] => {
  const seen = new Set<string>();
  return reasons.filter((r) => !seen.has(r.message) && seen.add(r.message));
};

const pct = (share: number) => `${Math.round(share * 1000) / 10}%`;
const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

/** The plan as people read it: whole agents per site recomputed by Erlang on each site's own share. */
function describe(p: Prepared, placed: Placed, solver: SolverFacts, reasons: PlanReason[]): PlanResult {
  const { input } = p;
  const step = p.intervalSeconds * 1000;
  const staff: StaffRow[] = [];
  const siteCost = new Array<number>(input.sites.length).fill(0);
  const siteHours = new Array<number>(input.sites.length).fill(0);
  const siteContacts = new Array<number>(input.sites.length).fill(0);
  const scheduledAt = new Map<number, number>();
  const shares: Record<string, Record<string, number>> = {};
  const subsidiaryContacts = new Map<string, number>();
  let served = 0;
  let answered = 0;
  let abandonedWeight = 0;
  let abandoned = 0;
  let onshore = 0;
  let qualityHours = 0;

  const record = (s: number, segment: PlanSegment, t: number, contacts: number, agents: number) => {
    const site = input.sites[s];
    if (!site) return;
    const scheduled = agents / (1 - site.shrinkage);
    const subsidiary = p.subsidiary.get(segment.subsidiaryId);
    staff.push({
      siteId: site.id,
      site: site.code,
      interval: t,
      start: new Date(p.startMs + t * step).toISOString(),
      subsidiary: subsidiary?.code ?? segment.subsidiaryId,
      language: segment.language,
      tier: segment.tier,
      channel: segment.channel,
      contacts: round(contacts),
      agents: round(agents),
      scheduled: round(scheduled),
    });
    siteCost[s] = (siteCost[s] ?? 0) + agents * (p.rate[s] ?? 0) * p.hours;
    siteHours[s] = (siteHours[s] ?? 0) + agents * p.hours;
    siteContacts[s] = (siteContacts[s] ?? 0) + contacts;
    qualityHours += agents * p.hours * site.qualityIndex;
    const key = s * input.intervals + t;
    scheduledAt.set(key, (scheduledAt.get(key) ?? 0) + scheduled);
    const bySite = shares[segment.subsidiaryId] ?? {};
    bySite[site.id] = (bySite[site.id] ?? 0) + contacts;
    shares[segment.subsidiaryId] = bySite;
    subsidiaryContacts.set(
      segment.subsidiaryId,
      (subsidiaryContacts.get(segment.subsidiaryId) ?? 0) + contacts,
    );
    if (site.country === subsidiary?.country) onshore += contacts;
  };

  for (const { cell, share } of placed.live) {
    const segment = input.segments[cell.segment];
    if (!segment) continue;
    const contacts = (p.volumes[cell.segment]?.[cell.t] ?? 0) * share;
    const result = requiredAgents(staffingInput(p, segment, contacts));
    record(cell.site, segment, cell.t, contacts, result.agents);
    served += contacts;
    answered += contacts * result.serviceLevel;
    if (segment.target.kind === 'live' && segment.target.patienceSeconds !== undefined) {
      abandonedWeight += contacts;
      abandoned += contacts * (result.probAbandon ?? 0);
    }
  }
  for (const { cell, contacts } of placed.deferred) {
    const segment = input.segments[cell.segment];
    if (!segment) continue;
    record(cell.site, segment, cell.t, contacts, contacts * cell.agentsPerContact);
  }

  const warnings: PlanReason[] = [...p.warnings];
  const peak = new Array<number>(input.sites.length).fill(0);
  const overBySite = new Map<number, number[]>();
  for (const [key, scheduled] of scheduledAt) {
    const s = Math.floor(key / input.intervals);
    peak[s] = Math.max(peak[s] ?? 0, scheduled);
    if (scheduled > (input.sites[s]?.seats ?? 0) + 1e-6)
      overBySite.set(s, [...(overBySite.get(s) ?? []), key % input.intervals]);
  }
  for (const [s, intervals] of overBySite) {
    const site = input.sites[s];
    if (!site) continue;
    const spans = runs(intervals);
    warnings.push({
      code: 'seats',
      site: site.code,
      figures: { seats: site.seats, intervals: intervals.length },
      message: `${site.name}: whole agents, rounded up per language and tier, take more than its ${site.seats} seats in ${intervals.length} interval(s), first on ${spanWords(p.startMs + (spans[0]?.[0] ?? 0) * step, p.startMs + ((spans[0]?.[1] ?? 0) + 1) * step, site.timeZone)}`,
    });
  }

  for (const [subsidiaryId, bySite] of Object.entries(shares)) {
    const total = subsidiaryContacts.get(subsidiaryId) ?? 0;
    for (const siteId of Object.keys(bySite))
      bySite[siteId] = total > 0 ? round((bySite[siteId] ?? 0) / total, 4) : 0;
  }

  const totalContacts = siteContacts.reduce((a, b) => a + b, 0);
  const agentHours = siteHours.reduce((a, b) => a + b, 0);
  const sites: SiteSummary[] = input.sites.map((site, s) => ({
    id: site.id,
    code: site.code,
    name: site.name,
    country: site.country,
    operator: site.operator,
    partnerName: site.partnerName,
    cost: round(siteCost[s] ?? 0),
    agentHours: round(siteHours[s] ?? 0),
    contacts: round(siteContacts[s] ?? 0),
    share: totalContacts > 0 ? round((siteContacts[s] ?? 0) / totalContacts, 4) : 0,
    peakScheduled: round(peak[s] ?? 0),
    seats: site.seats,
  }));
  const scheduledHours = input.sites.reduce(
    (sum, site, s) => sum + (siteHours[s] ?? 0) / (1 - site.shrinkage),
    0,
  );
  return {
    status: reasons.length === 0 ? 'planned' : 'no_plan',
    placement: p.placement,
    reasons,
    warnings,
    currency: input.currency,
    start: new Date(p.startMs).toISOString(),
    intervalMinutes: input.intervalMinutes,
    intervals: input.intervals,
    totals: {
      cost: round(siteCost.reduce((a, b) => a + b, 0)),
      agentHours: round(agentHours),
      scheduledHours: round(scheduledHours),
      contacts: round(totalContacts),
      serviceLevel: served > 0 ? round(answered / served, 4) : null,
      abandonment: abandonedWeight > 0 ? round(abandoned / abandonedWeight, 4) : null,
      quality: agentHours > 0 ? round(qualityHours / agentHours, 1) : null,
      onshoreShare: totalContacts > 0 ? round(onshore / totalContacts, 4) : 0,
      waitedForOpening: round(p.waited),
    },
    sites,
    staff,
    shares,
    solver,
  };
}

/**
 * Places the work on the sites. The program: for every interval and live segment, each
 * allowed open site takes a share x (the shares sum to 1); its agents are the pool's offered
 * load over the occupancy cap times x, plus the pool's safety staff (Erlang) as a fixed charge
 * when it takes any part (binary u ≥ x) — exact when one site takes the whole pool, and on the
 * safe side when it is split. Deferred work is handled from a backlog that must not hold
 * anything older than its deadline. Seats, partner shares and the quality floor are rows; every
 * hard row has a penalised slack, so that an impossible plan still solves and the slacks used
 * say why. The plan is then described with whole agents recomputed by Erlang on each site's share.
 */
export async function solvePlan(input: PlanInput, options: SolveOptions = {}): Promise<PlanResult> {
  const placement = options.placement ?? 'bestshore';
  const p = prepare(input, placement);
  const built = build(p);
  const started = performance.now();
  let placed: Placed;
  let solver: SolverFacts;
  let reasons = distinctMessages([...p.staticReasons, ...built.closed]);
  if (options.method === 'greedy') {
    placed = greedy(p, built);
    solver = {
      method: 'greedy',
      status: 'done',
      seconds: (performance.now() - started) / 1000,
      gap: null,
      columns: built.program.cost.length,
      rows: built.program.rowLower.length,
      integers: 0,
    };
  } else {
    const solved = solveProgram(await highs(), built, options);
    placed = placedFromSolution(built, solved.values);
    reasons = distinctMessages([...reasons, ...slackReasons(p, built, solved.values)]);
    solver = {
      method: 'highs-mip',
      status: solved.status,
      seconds: round(solved.seconds, 3),
      gap: solved.gap === null ? null : round(solved.gap, 5),
      columns: built.program.cost.length,
      rows: built.program.rowLower.length,
      integers: built.program.integers,
    };
  }
  return describe(p, placed, solver, reasons);
}
