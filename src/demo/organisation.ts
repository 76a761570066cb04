import { newId } from '../core/index.ts';
import { Calendar } from '../organisation/index.ts';
import type { ChannelCapacity, LanguageSkill, NamedSkill, NewRow, SiteCalendar } from '../store/index.ts';
import { SITE_CALENDARS, type SiteKey } from './calendars.ts';
import { arabicOf, asciiSlug, latinOf, NAMES, type Name, type NameCountry } from './names.ts';
import type { Random } from './random.ts';

/** The demo group's organisation: five subsidiaries, seven sites, their teams, agents and demo users. */

export type SubsidiaryCode = 'FR' | 'MA' | 'SN' | 'MG' | 'EG';
export type TierName = NewRow<'agents'>['tier'];
export type Role = NewRow<'users'>['role'];

export interface SubsidiarySpec {
  code: SubsidiaryCode;
  name: string;
  country: string;
  languages: string[];
  defaultLanguage: string;
  timeZone: string;
  currency: string;
  dataRegion: string;
}

export const SUBSIDIARIES: readonly SubsidiarySpec[] = [
  {
    code: 'FR',
    name: 'Relais Telecom France',
    country: 'FR',
    languages: ['fr'],
    defaultLanguage: 'fr',
    timeZone: 'Europe/Paris',
    currency: 'EUR',
    dataRegion: 'eu-west',
  },
  {
    code: 'MA',
    name: 'Relais Telecom Maroc',
    country: 'MA',
    languages: ['ar', 'fr'],
    defaultLanguage: 'ar',
    timeZone: 'Africa/Casablanca',
    currency: 'MAD',
    dataRegion: 'af-north',
  },
  {
    code: 'SN',
    name: 'Relais Telecom Sénégal',
    country: 'SN',
    languages: ['fr', 'wo'],
    defaultLanguage: 'fr',
    timeZone: 'Africa/Dakar',
    currency: 'XOF',
    dataRegion: 'af-west',
  },
  {
    code: 'MG',
    name: 'Relais Telecom Madagascar',
    country: 'MG',
    languages: ['mg', 'fr'],
    defaultLanguage: 'mg',
    timeZone: 'Indian/Antananarivo',
    currency: 'MGA',
    dataRegion: 'af-east',
  },
  {
    code: 'EG',
    name: 'Relais Telecom Egypt',
    country: 'EG',
    languages: ['ar', 'en'],
    defaultLanguage: 'ar',
    timeZone: 'Africa/Cairo',
    currency: 'EGP',
    dataRegion: 'me-north',
  },
];

interface TeamSpec {
  name: string;
  tier: TierName;
  /** A language the team works in, when the site splits its floor by language. */
  language?: string;
}

export interface SiteSpec {
  key: SiteKey;
  code: string;
  name: string;
  country: string;
  operator: 'in_house' | 'partner';
  partnerName: string | null;
  timeZone: string;
  languages: LanguageSkill[];
  skills: string[];
  tiers: TierName[];
  serves: SubsidiaryCode[];
  costPerHourMinor: number;
  qualityIndex: number;
  seats: number;
  teams: TeamSpec[];
  agents: number;
  names: NameCountry;
  /** Locales of the people who work there, the first the most common. */
  locales: string[];
}

const lang = (tag: string, proficiency: number): LanguageSkill => ({ tag, proficiency });

export const SITES: readonly SiteSpec[] = [
  {
    key: 'paris',
    code: 'PAR',
    name: 'Paris',
    country: 'FR',
    operator: 'in_house',
    partnerName: null,
    timeZone: 'Europe/Paris',
    languages: [lang('fr', 5), lang('en', 4)],
    skills: ['technical', 'fibre', 'mobile', 'billing', 'retention', 'complaints'],
    tiers: ['level2', 'expert'],
    serves: ['FR'],
    costPerHourMinor: 4200,
    qualityIndex: 92,
    seats: 60,
    teams: [
      { name: 'Niveau 2 Fibre et Mobile', tier: 'level2' },
      { name: 'Experts', tier: 'expert' },
    ],
    agents: 10,
    names: 'FR',
    locales: ['fr'],
  },
  {
    key: 'casablanca',
    code: 'CAS',
    name: 'Casablanca',
    country: 'MA',
    operator: 'partner',
    partnerName: 'Atlas Contact',
    timeZone: 'Africa/Casablanca',
    languages: [lang('fr', 5), lang('ar', 5), lang('en', 3)],
    skills: ['billing', 'technical', 'mobile', 'fibre', 'roaming', 'sales'],
    tiers: ['level1', 'level2'],
    serves: ['FR', 'MA'],
    costPerHourMinor: 1500,
    qualityIndex: 85,
    seats: 200,
    teams: [
      { name: 'Plateau France', tier: 'level1', language: 'fr' },
      { name: 'Plateau Maroc', tier: 'level1', language: 'ar' },
      { name: 'Niveau 2', tier: 'level2' },
    ],
    agents: 20,
    names: 'MA',
    locales: ['fr', 'ar'],
  },
  {
    key: 'bucharest',
    code: 'BUH',
    name: 'Bucharest',
    country: 'RO',
    operator: 'partner',
    partnerName: 'Carpathia BPO',
    timeZone: 'Europe/Bucharest',
    languages: [lang('fr', 4), lang('ro', 5), lang('en', 4)],
    skills: ['billing', 'technical', 'fibre', 'complaints', 'retention'],
    tiers: ['level1', 'back_office'],
    serves: ['FR'],
    costPerHourMinor: 1900,
    qualityIndex: 88,
    seats: 120,
    teams: [
      { name: 'Echipa Franța', tier: 'level1' },
      { name: 'Back office', tier: 'back_office' },
    ],
    agents: 16,
    names: 'RO',
    locales: ['ro', 'fr'],
  },
  {
    key: 'paramaribo',
    code: 'PBM',
    name: 'Paramaribo',
    country: 'SR',
    operator: 'partner',
    partnerName: 'Suriname Nearshore',
    timeZone: 'America/Paramaribo',
    languages: [lang('nl', 5), lang('fr', 3), lang('en', 4)],
    skills: ['billing', 'technical', 'mobile'],
    tiers: ['level1'],
    serves: ['FR'],
    costPerHourMinor: 1400,
    qualityIndex: 80,
    seats: 40,
    teams: [{ name: 'Nachtploeg Frankrijk', tier: 'level1' }],
    agents: 7,
    names: 'SR',
    locales: ['nl'],
  },
  {
    key: 'dakar',
    code: 'DKR',
    name: 'Dakar',
    country: 'SN',
    operator: 'in_house',
    partnerName: null,
    timeZone: 'Africa/Dakar',
    languages: [lang('fr', 5), lang('wo', 5)],
    skills: ['billing', 'mobile', 'roaming', 'sales', 'technical', 'complaints'],
    tiers: ['level1', 'level2'],
    serves: ['SN'],
    costPerHourMinor: 1100,
    qualityIndex: 86,
    seats: 80,
    teams: [
      { name: 'Dakar Niveau 1', tier: 'level1' },
      { name: 'Dakar Niveau 2', tier: 'level2' },
    ],
    agents: 9,
    names: 'SN',
    locales: ['fr'],
  },
  {
    key: 'antananarivo',
    code: 'TNR',
    name: 'Antananarivo',
    country: 'MG',
    operator: 'in_house',
    partnerName: null,
    timeZone: 'Indian/Antananarivo',
    languages: [lang('mg', 5), lang('fr', 5)],
    skills: ['billing', 'mobile', 'technical', 'fibre', 'sales'],
    tiers: ['level1', 'level2'],
    serves: ['MG', 'FR'],
    costPerHourMinor: 900,
    qualityIndex: 84,
    seats: 90,
    teams: [
      { name: 'Tana Niveau 1', tier: 'level1' },
      { name: 'Tana Niveau 2', tier: 'level2' },
    ],
    agents: 9,
    names: 'MG',
    locales: ['fr'],
  },
  {
    key: 'cairo',
    code: 'CAI',
    name: 'Cairo',
    country: 'EG',
    operator: 'in_house',
    partnerName: null,
    timeZone: 'Africa/Cairo',
    languages: [lang('ar', 5), lang('en', 4)],
    skills: ['billing', 'mobile', 'technical', 'roaming', 'retention', 'complaints', 'sales'],
    tiers: ['level1', 'level2', 'expert'],
    serves: ['EG'],
    costPerHourMinor: 1000,
    qualityIndex: 87,
    seats: 150,
    teams: [
      { name: 'Cairo Level 1', tier: 'level1' },
      { name: 'Cairo Level 2', tier: 'level2' },
      { name: 'Cairo Experts', tier: 'expert' },
    ],
    agents: 9,
    names: 'EG',
    locales: ['ar', 'en'],
  },
];

export const DEMO_PASSWORD = 'relais-demo';

export interface DemoUserSpec {
  email: string;
  displayName: string;
  role: Role;
  locale: string;
  scope: { kind: 'group' } | { kind: 'subsidiary'; code: SubsidiaryCode } | { kind: 'site'; key: SiteKey };
  note: string;
  agent?: DemoAgentSpec;
}

export interface DemoAgentSpec {
  givenName: Name;
  tier: TierName;
  languages: LanguageSkill[];
  skills: NamedSkill[];
  capacity: ChannelCapacity;
}

const DIGITAL: ChannelCapacity = { perChannel: { chat: 3, email: 2 }, total: 5 };
const MESSAGING: ChannelCapacity = {
  perChannel: { whatsapp: 3, chat: 2, sms: 2, social: 2, email: 2 },
  total: 5,
};
const VOICE: ChannelCapacity = { perChannel: { voice: 1 }, total: 1 };
const BACK_OFFICE: ChannelCapacity = { perChannel: { email: 4, mail: 4 }, total: 6 };

export const DEMO_USERS: readonly DemoUserSpec[] = [
  {
    email: 'admin@relais.example',
    displayName: 'Hélène Garnier',
    role: 'admin',
    locale: 'en',
    scope: { kind: 'group' },
    note: 'group administrator: every subsidiary and site',
  },
  {
    email: 'analyst@relais.example',
    displayName: 'Karim Haddad',
    role: 'analyst',
    locale: 'en',
    scope: { kind: 'group' },
    note: 'customer-experience director: reads everything, changes nothing',
  },
  {
    email: 'admin.fr@relais.example',
    displayName: 'Sophie Lambert',
    role: 'admin',
    locale: 'fr',
    scope: { kind: 'subsidiary', code: 'FR' },
    note: 'administrator of Relais Telecom France',
  },
  {
    email: 'supervisor.ma@relais.example',
    displayName: 'Nadia Alaoui',
    role: 'supervisor',
    locale: 'fr',
    scope: { kind: 'subsidiary', code: 'MA' },
    note: 'supervisor of Relais Telecom Maroc: its customers and conversations',
  },
  {
    email: 'supervisor.casablanca@relais.example',
    displayName: 'Youssef Tazi',
    role: 'supervisor',
    locale: 'fr',
    scope: { kind: 'site', key: 'casablanca' },
    note: 'supervisor at the partner site Casablanca (Atlas Contact): only what is routed there',
  },
  {
    email: 'agent.paris@relais.example',
    displayName: 'Claire Dubois',
    role: 'agent',
    locale: 'fr',
    scope: { kind: 'site', key: 'paris' },
    note: 'level-2 agent in Paris, French and English',
    agent: {
      givenName: 'Claire',
      tier: 'level2',
      languages: [lang('fr', 5), lang('en', 4)],
      skills: [
        { name: 'technical', proficiency: 4 },
        { name: 'fibre', proficiency: 5 },
        { name: 'billing', proficiency: 3 },
      ],
      capacity: DIGITAL,
    },
  },
  {
    email: 'agent.casablanca@relais.example',
    displayName: 'Salma Bennani',
    role: 'agent',
    locale: 'fr',
    scope: { kind: 'site', key: 'casablanca' },
    note: 'level-1 agent at the partner site Casablanca, French and Arabic',
    agent: {
      givenName: ['Salma', 'سلمى'],
      tier: 'level1',
      languages: [lang('fr', 5), lang('ar', 5)],
      skills: [
        { name: 'billing', proficiency: 4 },
        { name: 'mobile', proficiency: 3 },
        { name: 'technical', proficiency: 3 },
      ],
      capacity: MESSAGING,
    },
  },
  {
    email: 'agent.cairo@relais.example',
    displayName: 'Omar Hassan',
    role: 'agent',
    locale: 'ar',
    scope: { kind: 'site', key: 'cairo' },
    note: 'level-1 agent in Cairo, Arabic and English',
    agent: {
      givenName: ['Omar', 'عمر'],
      tier: 'level1',
      languages: [lang('ar', 5), lang('en', 4)],
      skills: [
        { name: 'billing', proficiency: 4 },
        { name: 'mobile', proficiency: 4 },
        { name: 'roaming', proficiency: 3 },
      ],
      capacity: MESSAGING,
    },
  },
];

/** A site as the rest of the world builder needs it. */
export interface BuiltSite {
  spec: SiteSpec;
  id: string;
  calendar: SiteCalendar;
  subsidiaryIds: string[];
}

/** An agent as the conversation builder needs it. */
export interface BuiltAgent {
  id: string;
  siteKey: SiteKey;
  givenName: string;
  /** The given name in Arabic script, to sign messages written in Arabic. */
  givenNameArabic?: string;
  tier: TierName;
  languages: LanguageSkill[];
  /** What the agent can hold at once: the demo's history never assigns them more. */
  capacity: ChannelCapacity;
  demoEmail?: string;
}

export interface OrganisationRows {
  group: NewRow<'groups'>;
  subsidiaries: NewRow<'subsidiaries'>[];
  sites: NewRow<'sites'>[];
  teams: NewRow<'teams'>[];
  users: NewRow<'users'>[];
  agents: NewRow<'agents'>[];
  builtSites: BuiltSite[];
  builtAgents: BuiltAgent[];
  subsidiaryIds: Map<SubsidiaryCode, string>;
}

const TIER_WEIGHT: Record<TierName, number> = { level1: 6, level2: 3, expert: 1, back_office: 2 };

function agentLanguages(rng: Random, site: SiteSpec, served: ReadonlySet<string>): LanguageSkill[] {
  const out: LanguageSkill[] = [];
  for (const { tag, proficiency } of site.languages) {
    // A language the site's customers speak is a hiring requirement; the others vary.
    const required = served.has(tag) || proficiency >= 5;
    if (!required && !rng.chance(proficiency >= 4 ? 0.85 : 0.6)) continue;
    const low = required ? Math.max(3, proficiency - 1) : Math.max(1, proficiency - 1);
    out.push({ tag, proficiency: rng.int(low, Math.max(low, proficiency)) });
  }
  return out;
}

function capacityFor(rng: Random, tier: TierName): ChannelCapacity {
  if (tier === 'back_office') return BACK_OFFICE;
  return rng.weighted<ChannelCapacity>([
    [VOICE, 45],
    [DIGITAL, 40],
    [MESSAGING, 15],
  ]);
}

/** Build the group, subsidiaries, sites, teams, users and agents. */
export function buildOrganisation(rng: Random, now: Date, passwordHash: string): OrganisationRows {
  const group: NewRow<'groups'> = { id: newId(), name: 'Relais Telecom Group', created_at: now };
  const subsidiaryIds = new Map<SubsidiaryCode, string>();
  const subsidiaries = SUBSIDIARIES.map((s): NewRow<'subsidiaries'> => {
    const id = newId();
    subsidiaryIds.set(s.code, id);
    return {
      id,
      group_id: group.id,
      code: s.code,
      name: s.name,
      country: s.country,
      languages: s.languages,
      default_language: s.defaultLanguage,
      time_zone: s.timeZone,
      currency: s.currency,
      data_region: s.dataRegion,
      created_at: now,
      updated_at: now,
    };
  });
  const subsidiaryId = (code: SubsidiaryCode): string => {
    const id = subsidiaryIds.get(code);
    if (!id) throw new Error(`no demo subsidiary ${code}`);
    return id;
  };

  const builtSites: BuiltSite[] = [];
  const sites: NewRow<'sites'>[] = [];
  const teams: NewRow<'teams'>[] = [];
  const teamIds = new Map<SiteKey, Array<{ id: string; spec: TeamSpec }>>();
  for (const spec of SITES) {
    const id = newId();
    // Fail here, not in a user's browser, if a demo calendar stops matching the schema.
    const calendar = Calendar.parse(SITE_CALENDARS[spec.key]()) as SiteCalendar;
    const ids = spec.serves.map(subsidiaryId);
    builtSites.push({ spec, id, calendar, subsidiaryIds: ids });
    sites.push({
      id,
      group_id: group.id,
      code: spec.code,
      name: spec.name,
      country: spec.country,
      operator: spec.operator,
      partner_name: spec.partnerName,
      time_zone: spec.timeZone,
      calendar: JSON.stringify(calendar),
      languages: JSON.stringify(spec.languages),
      skills: spec.skills,
      tiers: spec.tiers,
      subsidiary_ids: ids,
      cost_per_hour_minor: spec.costPerHourMinor,
      cost_currency: 'EUR',
      quality_index: spec.qualityIndex,
      seats: spec.seats,
      created_at: now,
      updated_at: now,
    });
    const siteTeams = spec.teams.map((t) => ({ id: newId(), spec: t }));
    teamIds.set(spec.key, siteTeams);
    for (const t of siteTeams)
      teams.push({ id: t.id, site_id: id, name: t.spec.name, created_at: now, updated_at: now });
  }
  const siteOf = (key: SiteKey): BuiltSite => {
    const site = builtSites.find((s) => s.spec.key === key);
    if (!site) throw new Error(`no demo site ${key}`);
    return site;
  };
  const teamFor = (key: SiteKey, tier: TierName, languages: LanguageSkill[]): string | null => {
    const candidates = (teamIds.get(key) ?? []).filter((t) => t.spec.tier === tier);
    const byLanguage = candidates.filter(
      (t) =>
        t.spec.language === undefined ||
        languages.some((l) => l.tag === t.spec.language && l.proficiency >= 4),
    );
    const pool = byLanguage.length > 0 ? byLanguage : candidates;
    return pool.length > 0 ? rng.pick(pool).id : null;
  };

  const users: NewRow<'users'>[] = [];
  const agents: NewRow<'agents'>[] = [];
  const builtAgents: BuiltAgent[] = [];
  const emails = new Set<string>();

  const addAgent = (
    userId: string,
    siteKey: SiteKey,
    givenName: Name,
    agent: DemoAgentSpec,
    demoEmail?: string,
  ) => {
    const id = newId();
    agents.push({
      id,
      user_id: userId,
      site_id: siteOf(siteKey).id,
      team_id: teamFor(siteKey, agent.tier, agent.languages),
      tier: agent.tier,
      languages: JSON.stringify(agent.languages),
      skills: JSON.stringify(agent.skills),
      capacity: JSON.stringify(agent.capacity),
      presence: 'offline',
      presence_since: now,
      created_at: now,
      updated_at: now,
    });
    builtAgents.push({
      id,
      siteKey,
      givenName: latinOf(givenName),
      ...(arabicOf(givenName) ? { givenNameArabic: arabicOf(givenName) } : {}),
      tier: agent.tier,
      languages: agent.languages,
      capacity: agent.capacity,
      ...(demoEmail ? { demoEmail } : {}),
    });
  };

  for (const demo of DEMO_USERS) {
    const id = newId();
    emails.add(demo.email);
    const scope = demo.scope;
    users.push({
      id,
      email: demo.email,
      display_name: demo.displayName,
      password_hash: passwordHash,
      locale: demo.locale,
      role: demo.role,
      scope_kind: scope.kind,
      subsidiary_id: scope.kind === 'subsidiary' ? subsidiaryId(scope.code) : null,
      site_id: scope.kind === 'site' ? siteOf(scope.key).id : null,
      created_at: now,
      updated_at: now,
    });
    if (demo.agent && scope.kind === 'site') {
      addAgent(id, scope.key, demo.agent.givenName, demo.agent, demo.email);
    }
  }

  for (const site of builtSites) {
    const spec = site.spec;
    const served = new Set(
      SUBSIDIARIES.filter((s) => spec.serves.includes(s.code)).flatMap((s) => s.languages),
    );
    const already = builtAgents.filter((a) => a.siteKey === spec.key).length;
    const pool = NAMES[spec.names];
    for (let i = already; i < spec.agents; i++) {
      const givenName = rng.pick(pool.given);
      const given = latinOf(givenName);
      const family = latinOf(rng.pick(pool.family));
      const base = `${asciiSlug(given)}.${asciiSlug(family)}@${spec.key}.relais.example`;
      let email = base;
      for (let n = 2; emails.has(email); n++) email = base.replace('@', String(n).concat('@'));
      emails.add(email);
      const tier = rng.weighted(spec.tiers.map((t) => [t, TIER_WEIGHT[t]] as const));
      const languages = agentLanguages(rng, spec, served);
      const skills = rng
        .sample(spec.skills, rng.int(2, Math.min(4, spec.skills.length)))
        .map((name) => ({ name, proficiency: rng.int(2, 5) }));
      const userId = newId();
      users.push({
        id: userId,
        email,
        display_name: `${given} ${family}`,
        password_hash: passwordHash,
        locale: rng.chance(0.8) ? (spec.locales[0] ?? 'en') : (spec.locales.at(-1) ?? 'en'),
        role: 'agent',
        scope_kind: 'site',
        subsidiary_id: null,
        site_id: site.id,
        created_at: now,
        updated_at: now,
      });
      addAgent(userId, spec.key, givenName, {
        givenName,
        tier,
        languages,
        skills,
        capacity: capacityFor(rng, tier),
      });
    }
  }

  return { group, subsidiaries, sites, teams, users, agents, builtSites, builtAgents, subsidiaryIds };
}
