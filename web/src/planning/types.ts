// Plans as the API returns them (GET /api/plans/{id}; docs/api.md, "Plans").

export type PlanStatus = 'planned' | 'no_plan';

/** Why there is no plan, or what a plan strains: a stable code and the fields it concerns. */
export interface PlanReason {
  code: string;
  /** In English: the page words it from the code and the fields instead. */
  message: string;
  subsidiary?: string;
  language?: string;
  tier?: string;
  channel?: string;
  site?: string;
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
  agents: number;
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

export interface PlanResult {
  status: PlanStatus;
  reasons: PlanReason[];
  warnings: PlanReason[];
  currency: string;
  start: string;
  intervalMinutes: number;
  intervals: number;
  totals: {
    cost: number;
    agentHours: number;
    scheduledHours: number;
    contacts: number;
    serviceLevel: number | null;
    abandonment: number | null;
    quality: number | null;
    onshoreShare: number;
    waitedForOpening: number;
  };
  sites: SiteSummary[];
  staff: StaffRow[];
  shares: Record<string, Record<string, number>>;
}

export type WhatIf =
  | { kind: 'site_cost'; site: string; factor: number }
  | { kind: 'volume'; factor: number; from?: string; to?: string; subsidiary?: string }
  | { kind: 'new_language'; subsidiary: string; language: string; like: string; share: number }
  | { kind: 'new_site'; site: { code: string } };

export interface Scenario {
  kind: 'bestshore' | 'onshore' | 'offshore' | 'what_if';
  whatIf?: WhatIf;
  status: PlanStatus;
  cost: number;
  againstBestshore: number | null;
  serviceLevel: number | null;
  abandonment: number | null;
  quality: number | null;
  onshoreShare: number;
  /** Why it has no plan (plans made before this field have none). */
  details?: PlanReason[];
}

export interface PlanSummary {
  id: string;
  createdAt: string;
  createdBy: string;
  start: string;
  weeks: number;
  intervalMinutes: number;
  intervals: number;
  subsidiaryIds: string[];
  status: PlanStatus;
  currency: string;
  cost: number;
  appliedAt: string | null;
  appliedBy: string | null;
}

export interface Plan extends PlanSummary {
  result: PlanResult;
  scenarios: Scenario[];
}

/** What `POST /api/plans` takes, as the form fills it. */
export interface PlanRequest {
  start: string;
  weeks: number;
  intervalMinutes: number;
  rules: { onshoreTiers: string[]; minQuality?: number };
  whatIfs: WhatIf[];
}
