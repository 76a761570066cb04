// The resources the admin pages read and write, as the API returns them (see /docs).

export const TIERS = ['level1', 'level2', 'expert', 'back_office'] as const;
export type Tier = (typeof TIERS)[number];

export const CHANNELS = ['email', 'chat', 'sms', 'social', 'whatsapp', 'voice', 'mail'] as const;
export type Channel = (typeof CHANNELS)[number];

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface Shift {
  start: string;
  end: string;
}

export interface Calendar {
  weekly: Partial<Record<Weekday, Shift[]>>;
  holidays: Array<{ date: string; name: string }>;
  exceptions: Array<{ date: string; intervals: Shift[]; reason?: string }>;
}

export interface LanguageProficiency {
  tag: string;
  proficiency: number;
}

interface Versioned {
  id: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface Subsidiary extends Versioned {
  code: string;
  name: string;
  country: string;
  languages: string[];
  defaultLanguage: string;
  timeZone: string;
  currency: string;
  dataRegion: string;
}

export interface Site extends Versioned {
  code: string;
  name: string;
  country: string;
  operator: 'in_house' | 'partner';
  partnerName: string | null;
  timeZone: string;
  calendar: Calendar;
  languages: LanguageProficiency[];
  skills: string[];
  tiers: Tier[];
  subsidiaryIds: string[];
  alwaysOpenFor: string[];
  costPerHour: { amountMinor: number; currency: string };
  qualityIndex: number;
  seats: number;
}

export interface Team extends Versioned {
  siteId: string;
  name: string;
}

export interface Agent extends Versioned {
  userId: string;
  siteId: string;
  teamId: string | null;
  displayName: string;
  email: string;
  locale: string;
  tier: Tier;
  languages: LanguageProficiency[];
  skills: Array<{ name: string; proficiency: number }>;
  capacity: { perChannel: Partial<Record<Channel, number>>; total: number };
  presence: string;
}

export interface Endpoint extends Versioned {
  subsidiaryId: string;
  channel: Channel;
  address: string;
  name: string;
  active: boolean;
  settings: Record<string, unknown>;
  hasSecret: boolean;
}

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;

export interface SlaTarget {
  channel?: Channel;
  priority?: (typeof PRIORITIES)[number];
  tier?: Tier;
  firstResponseSeconds: number;
  resolutionSeconds: number;
  clock: 'business' | 'always';
  atRisk: number;
}

export interface SlaPolicyView {
  subsidiaryId: string;
  policy: { targets: SlaTarget[] };
  businessHours: { calendar: Calendar; timeZone: string };
  isDefault: boolean;
  version: number;
  updatedAt: string | null;
}

export const WEIGHTS = ['cost', 'quality', 'share', 'proficiency', 'fairness', 'preferred'] as const;
export type WeightName = (typeof WEIGHTS)[number];

export interface RoutingPolicyView {
  subsidiaryId: string;
  weights: Partial<Record<WeightName, number>>;
  effectiveWeights: Record<WeightName, number>;
  fallbacks: Array<{ language: string; fallback: string; afterSeconds: number }>;
  targetShares: Record<string, number>;
  isDefault: boolean;
  version: number;
  updatedAt: string | null;
}

export interface SkillNeed {
  name: string;
  minProficiency: number;
}

export interface Ring {
  afterSeconds: number;
  sites: string[] | null;
  optionalSkills?: 'all' | 'none' | string[];
  dropSkills?: string[];
}

export interface RoutingQueue extends Versioned {
  subsidiaryId: string;
  name: string;
  requiredSkills: SkillNeed[];
  optionalSkills: SkillNeed[];
  rings: Ring[];
}
