import type { SiteCalendar } from '../store/index.ts';

/** Instants are milliseconds since the epoch: the caller passes `now`, the engine never reads a clock. */
export type Instant = number;

export type Tier = 'level1' | 'level2' | 'expert' | 'back_office';
export type Presence = 'available' | 'busy' | 'away' | 'offline';
export type Priority = 'low' | 'normal' | 'high' | 'urgent';

/** A skill an item needs, with the least proficiency (1–5) that will do. */
export interface SkillRequirement {
  name: string;
  minProficiency: number;
}

/** One contact (or back-office task) waiting for an agent. */
export interface WorkItem {
  id: string;
  subsidiaryId: string;
  channel: string;
  /** BCP 47 tag of the customer's language. Never relaxed. */
  language: string;
  /** Never relaxed. */
  requiredSkills: SkillRequirement[];
  /** Demanded by the early rings of the item's queue, dropped by later ones. */
  optionalSkills: SkillRequirement[];
  tier: Tier;
  priority: Priority;
  /** When the SLA clock says the item is due (first response or resolution); null when none runs. */
  slaDueAt: Instant | null;
  segment: string | null;
  /** The last agent who helped this customer, if any. */
  preferredAgentId: string | null;
  /** When the contact arrived; kept across escalations. */
  arrivedAt: Instant;
  /**
   * When it entered its current queue (arrival, or its last escalation), for an item
   * submitted again to a new router; missing means now. Rings and fallbacks count from it.
   */
  queuedAt?: Instant | undefined;
  /** The queue whose rings apply; none means one ring: every site serving the subsidiary, optional skills not demanded. */
  queueId?: string | undefined;
}

/** An agent as the router sees them. Load is kept by the engine from its own assignments. */
export interface Agent {
  id: string;
  siteId: string;
  /** Language tags with proficiency 1–5. An agent with none is refused. */
  languages: Array<{ tag: string; proficiency: number }>;
  skills: Array<{ name: string; proficiency: number }>;
  tier: Tier;
  capacity: { perChannel: Partial<Record<string, number>>; total: number };
  presence: Presence;
  /** Scheduled working windows [from, to); null means the site's opening hours alone decide. */
  shift: Array<{ from: Instant; to: Instant }> | null;
}

/** A site as the router sees it: where it is, when it is open, what a contact there costs and how well it is served. */
export interface RoutingSite {
  id: string;
  timeZone: string;
  calendar: SiteCalendar;
  /** Subsidiaries whose work this site may take. */
  subsidiaryIds: string[];
  /** Cost of one contact at this site, in minor units of one currency shared by all sites. */
  costPerContact: number;
  /** 0–100, as sites carry it. */
  qualityIndex: number;
  /** Subsidiaries for which this site takes work at any hour, whatever its calendar says. */
  alwaysOpenFor?: string[] | undefined;
}

/** One ring of a queue: from `afterSeconds` of waiting on, these sites and these optional skills. */
export interface Ring {
  afterSeconds: number;
  /** Site ids; null means every site serving the item's subsidiary. */
  sites: string[] | null;
  /** Which of the item's optional skills this ring still demands: all, none, or those named. */
  optionalSkills: 'all' | 'none' | string[];
}

/** A queue: rings that widen as an item waits (Genesys' bullseye, Salesforce's skill dropping). */
export interface QueuePolicy {
  id: string;
  rings: Ring[];
}

/** A language a subsidiary accepts in place of another after a wait, e.g. French for Wolof after 120 s. */
export interface LanguageFallback {
  language: string;
  fallback: string;
  afterSeconds: number;
}

/** The score's weights (any non-negative numbers; they need not add up to one). */
export interface ScoreWeights {
  cost: number;
  quality: number;
  share: number;
  proficiency: number;
  fairness: number;
  preferred: number;
}

export interface SubsidiaryPolicy {
  id: string;
  fallbacks?: LanguageFallback[] | undefined;
  weights?: Partial<ScoreWeights> | undefined;
  /** The plan's target share of this subsidiary's contacts per site (0–1). Missing: equal shares over its sites. */
  targetShares?: Record<string, number> | undefined;
}

/** Everything the engine is configured with; checked when the engine is made. */
export interface RoutingWorld {
  sites: RoutingSite[];
  subsidiaries: SubsidiaryPolicy[];
  queues?: QueuePolicy[] | undefined;
  /**
   * How much dearer a site counts for other subsidiaries' work when it is the only site
   * serving some subsidiary and its free capacity is down to the reserve: its cost per
   * contact × (1 + premium). Default 1 (twice).
   */
  soleSitePremium?: number | undefined;
  /**
   * The share (0–1) of such a site's capacity kept for its own subsidiary: once less than
   * this is free (for the item's tier, in total or on its channel), the premium applies.
   * Default 0.35.
   */
  soleSiteReserve?: number | undefined;
  /** Idle time after which an agent counts as fully rested for fairness (default 600 s). */
  fairnessHorizonSeconds?: number | undefined;
}

export type ScorePartName = keyof ScoreWeights;

/** One part of the score: its value (0–1), its weight and what it added. */
export interface ScorePart {
  name: ScorePartName;
  value: number;
  weight: number;
  contribution: number;
}

export interface Score {
  total: number;
  parts: ScorePart[];
}

/** Why an item waits. Every waiting item has one. */
export type WaitCode =
  | 'no_site_serves_subsidiary'
  | 'language_not_served'
  | 'no_site_open'
  | 'no_agent_of_tier'
  | 'no_agent_with_skills'
  | 'all_agents_busy';

export interface WaitReason {
  code: WaitCode;
  message: string;
}

export type Trigger = 'arrival' | 'agent_free' | 'tick' | 'escalation';

/** The engine's answer about one item: who takes it and why, or why it waits. */
export type Decision =
  | {
      kind: 'assigned';
      itemId: string;
      agentId: string;
      siteId: string;
      at: Instant;
      trigger: Trigger;
      /** Index of the queue ring that was in force. */
      ring: number;
      /** The language the agent serves the item in. */
      language: string;
      /** True when that is the subsidiary's fallback, not the customer's language. */
      fallbackLanguage: boolean;
      score: Score;
    }
  | { kind: 'waiting'; itemId: string; at: Instant; trigger: Trigger; reason: WaitReason };

export type Assignment = Extract<Decision, { kind: 'assigned' }>;
