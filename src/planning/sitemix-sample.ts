// A multinational's week, generated: ten sites on three continents, seven subsidiaries, twelve
// languages, three tiers and three channels. The benchmark plans it; tests plan smaller cuts of it.
import type { Channel, Tier } from '../core/index.ts';
import type { PlanInputRaw } from './sitemix-input.ts';

type Shifts = Array<{ start: string; end: string }>;
const days = (weekdays: Shifts, saturday: Shifts, sunday: Shifts) => ({
  weekly: {
    mon: weekdays,
    tue: weekdays,
    wed: weekdays,
    thu: weekdays,
    fri: weekdays,
    sat: saturday,
    sun: sunday,
  },
  holidays: [],
  exceptions: [],
});
const h = (start: string, end: string) => [{ start, end }];
const onshoreHours = days(h('07:00', '22:00'), h('07:00', '22:00'), h('07:00', '22:00'));

const SUBSIDIARIES = [
  { id: 'sub-fr', code: 'FR', country: 'FR', timeZone: 'Europe/Paris', languages: ['fr', 'ar', 'wo', 'en'] },
  { id: 'sub-be', code: 'BE', country: 'BE', timeZone: 'Europe/Brussels', languages: ['nl', 'fr'] },
  { id: 'sub-de', code: 'DE', country: 'DE', timeZone: 'Europe/Berlin', languages: ['de', 'pl', 'it', 'en'] },
  { id: 'sub-es', code: 'ES', country: 'ES', timeZone: 'Europe/Madrid', languages: ['es'] },
  { id: 'sub-pt', code: 'PT', country: 'PT', timeZone: 'Europe/Lisbon', languages: ['pt'] },
  { id: 'sub-ro', code: 'RO', country: 'RO', timeZone: 'Europe/Bucharest', languages: ['ro'] },
  { id: 'sub-cn', code: 'CN', country: 'CN', timeZone: 'Asia/Shanghai', languages: ['zh'] },
] as const;

const ALL = SUBSIDIARIES.map((s) => s.id);
const tiers = (...t: Tier[]) => t;
const langs = (spec: string) =>
  spec.split(' ').map((pair) => {
    const [tag = '', level = '3'] = pair.split(':');
    return { tag, proficiency: Number(level) };
  });

const SITES: PlanInputRaw['sites'] = [
  {
    id: 'site-par',
    code: 'PAR',
    name: 'Paris',
    country: 'FR',
    operator: 'in_house',
    timeZone: 'Europe/Paris',
    calendar: onshoreHours,
    languages: langs('fr:5 en:4 ar:4 wo:4 de:3 es:3'),
    tiers: tiers('level1', 'level2', 'expert'),
    subsidiaryIds: ALL,
    cost: { amount: 48, currency: 'EUR' },
    qualityIndex: 88,
    seats: 260,
  },
  {
    id: 'site-bru',
    code: 'BRU',
    name: 'Brussels',
    country: 'BE',
    operator: 'in_house',
    timeZone: 'Europe/Brussels',
    calendar: onshoreHours,
    languages: langs('nl:5 fr:5 en:4 de:3'),
    tiers: tiers('level1', 'level2', 'expert'),
    subsidiaryIds: ALL,
    cost: { amount: 50, currency: 'EUR' },
    qualityIndex: 89,
    seats: 160,
  },
  {
    id: 'site-ber',
    code: 'BER',
    name: 'Berlin',
    country: 'DE',
    operator: 'in_house',
    timeZone: 'Europe/Berlin',
    calendar: onshoreHours,
    languages: langs('de:5 en:5 pl:4 it:4 nl:3'),
    tiers: tiers('level1', 'level2', 'expert'),
    subsidiaryIds: ALL,
    cost: { amount: 52, currency: 'EUR' },
    qualityIndex: 90,
    seats: 260,
  },
  {
    id: 'site-mad',
    code: 'MAD',
    name: 'Madrid',
    country: 'ES',
    operator: 'in_house',
    timeZone: 'Europe/Madrid',
    calendar: onshoreHours,
    languages: langs('es:5 en:4 pt:3 it:3'),
    tiers: tiers('level1', 'level2', 'expert'),
    subsidiaryIds: ALL,
    cost: { amount: 36, currency: 'EUR' },
    qualityIndex: 86,
    seats: 160,
  },
  {
    id: 'site-lis',
    code: 'LIS',
    name: 'Lisbon',
    country: 'PT',
    operator: 'in_house',
    timeZone: 'Europe/Lisbon',
    calendar: onshoreHours,
    languages: langs('pt:5 es:4 en:4 fr:3'),
    tiers: tiers('level1', 'level2', 'expert'),
    subsidiaryIds: ALL,
    cost: { amount: 30, currency: 'EUR' },
    qualityIndex: 87,
    seats: 140,
  },
  {
    id: 'site-buh',
    code: 'BUH',
    name: 'Bucharest',
    country: 'RO',
    operator: 'partner',
    partnerName: 'Carpathia BPO',
    timeZone: 'Europe/Bucharest',
    calendar: onshoreHours,
    languages: langs('ro:5 fr:4 en:5 it:4 de:4'),
    tiers: tiers('level1', 'level2', 'expert'),
    subsidiaryIds: ALL,
    cost: { amount: 110, currency: 'RON' },
    qualityIndex: 84,
    seats: 220,
  },
  {
    id: 'site-cas',
    code: 'CAS',
    name: 'Casablanca',
    country: 'MA',
    operator: 'partner',
    partnerName: 'Atlas Contact',
    timeZone: 'Africa/Casablanca',
    calendar: days(h('07:00', '23:00'), h('07:00', '23:00'), h('08:00', '20:00')),
    languages: langs('fr:5 ar:5 en:3 es:4'),
    tiers: tiers('level1', 'level2'),
    subsidiaryIds: ALL,
    cost: { amount: 190, currency: 'MAD' },
    qualityIndex: 82,
    seats: 300,
  },
  {
    id: 'site-dkr',
    code: 'DKR',
    name: 'Dakar',
    country: 'SN',
    operator: 'partner',
    partnerName: 'Teranga Services',
    timeZone: 'Africa/Dakar',
    calendar: days(h('08:00', '20:00'), h('08:00', '20:00'), []),
    languages: langs('wo:5 fr:5 en:3'),
    tiers: tiers('level1', 'level2'),
    subsidiaryIds: ALL,
    cost: { amount: 9000, currency: 'XOF' },
    qualityIndex: 78,
    seats: 120,
  },
  {
    id: 'site-pbm',
    code: 'PBM',
    name: 'Paramaribo',
    country: 'SR',
    operator: 'partner',
    partnerName: 'Atlas Contact',
    timeZone: 'America/Paramaribo',
    calendar: days(h('12:00', '23:00'), h('12:00', '23:00'), h('12:00', '20:00')),
    languages: langs('nl:5 en:4 fr:3'),
    tiers: tiers('level1'),
    subsidiaryIds: ALL,
    cost: { amount: 24, currency: 'USD' },
    qualityIndex: 80,
    seats: 80,
  },
  {
    id: 'site-szx',
    code: 'SZX',
    name: 'Shenzhen',
    country: 'CN',
    operator: 'in_house',
    timeZone: 'Asia/Shanghai',
    calendar: onshoreHours,
    languages: langs('zh:5 en:4'),
    tiers: tiers('level1', 'level2', 'expert'),
    subsidiaryIds: ALL,
    cost: { amount: 120, currency: 'CNY' },
    qualityIndex: 83,
    seats: 120,
  },
];

/** Contacts a day per subsidiary and language (weekdays; Saturday 60%, Sunday 25%). */
const DAILY: Record<string, number> = {
  'FR:fr': 5200,
  'FR:ar': 700,
  'FR:wo': 260,
  'FR:en': 420,
  'BE:nl': 1500,
  'BE:fr': 1100,
  'DE:de': 3600,
  'DE:pl': 380,
  'DE:it': 300,
  'DE:en': 500,
  'ES:es': 2400,
  'PT:pt': 1300,
  'RO:ro': 900,
  'CN:zh': 1800,
};
const TIER_SHARE: Record<string, number> = { level1: 0.72, level2: 0.23, expert: 0.05 };
const CHANNELS: Array<{ channel: Channel; share: number }> = [
  { channel: 'voice', share: 0.5 },
  { channel: 'chat', share: 0.3 },
  { channel: 'email', share: 0.2 },
];
const AHT: Record<string, number> = { voice: 330, chat: 540, email: 420 };

/** Share of a day's live contacts in each hour, local time: morning and afternoon peaks, 07:00–22:00. */
function hourWeight(hour: number): number {
  if (hour < 7 || hour >= 22) return 0;
  const morning = Math.exp(-((hour - 10.5) ** 2) / 4);
  const afternoon = 0.8 * Math.exp(-((hour - 15) ** 2) / 6);
  return 0.08 + morning + afternoon;
}

function localHourAndDay(ms: number, timeZone: string): { hour: number; weekday: string } {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    hourCycle: 'h23',
    weekday: 'short',
  }).formatToParts(new Date(ms));
  return {
    hour: Number(parts.find((p) => p.type === 'hour')?.value ?? 0),
    weekday: parts.find((p) => p.type === 'weekday')?.value ?? 'Mon',
  };
}

export interface SampleOptions {
  /** Days from Monday 2026-11-30 (7 for the benchmark's 336 half-hours). */
  days?: number;
  intervalMinutes?: number;
  /** Volume multiplier. */
  scale?: number;
  /** Keep only these subsidiary codes. */
  subsidiaries?: string[];
}

/** The sample week as a plan input; volumes follow each subsidiary's local day. */
export function sampleInstance(options: SampleOptions = {}): PlanInputRaw {
  const intervalMinutes = options.intervalMinutes ?? 30;
  const dayCount = options.days ?? 7;
  const intervals = (dayCount * 1440) / intervalMinutes;
  const start = Date.parse('2026-11-29T23:00:00Z'); // Monday 00:00 in Paris
  const keep = options.subsidiaries;
  const subsidiaries = SUBSIDIARIES.filter((s) => !keep || keep.includes(s.code));
  const segments: PlanInputRaw['segments'] = [];
  for (const subsidiary of subsidiaries) {
    // Live volumes follow the local day; email arrives around the clock.
    const weights: number[] = [];
    for (let t = 0; t < intervals; t++) {
      const { hour, weekday } = localHourAndDay(start + t * intervalMinutes * 60_000, subsidiary.timeZone);
      const dayFactor = weekday === 'Sat' ? 0.6 : weekday === 'Sun' ? 0.25 : 1;
      const w = hourWeight(hour) * dayFactor;
      weights.push(w);
    }
    // A weekday's weights add up to this: each hour counted once per interval in it.
    let weekdayMass = 0;
    for (let hour = 0; hour < 24; hour++) weekdayMass += (hourWeight(hour) * 60) / intervalMinutes;
    for (const language of subsidiary.languages) {
      const daily = (DAILY[`${subsidiary.code}:${language}`] ?? 0) * (options.scale ?? 1);
      for (const tier of ['level1', 'level2', 'expert'] as const) {
        for (const { channel, share } of CHANNELS) {
          const perDay = daily * (TIER_SHARE[tier] ?? 0) * share;
          const volumes =
            channel === 'email'
              ? weights.map((_, t) => {
                  const { weekday } = localHourAndDay(
                    start + t * intervalMinutes * 60_000,
                    subsidiary.timeZone,
                  );
                  const f = weekday === 'Sat' ? 0.6 : weekday === 'Sun' ? 0.25 : 1;
                  return Math.round(((perDay * f) / (1440 / intervalMinutes)) * 100) / 100;
                })
              : weights.map((w) => Math.round(((perDay * w) / weekdayMass) * 100) / 100);
          segments.push({
            subsidiaryId: subsidiary.id,
            language,
            channel,
            tier,
            volumes,
            ahtSeconds: AHT[channel] ?? 300,
            target:
              channel === 'email'
                ? { kind: 'deferred', withinHours: tier === 'level1' ? 24 : 48 }
                : channel === 'chat'
                  ? {
                      kind: 'live',
                      serviceLevel: 0.8,
                      withinSeconds: 60,
                      patienceSeconds: 180,
                      concurrency: 2,
                    }
                  : { kind: 'live', serviceLevel: 0.8, withinSeconds: 20, patienceSeconds: 120 },
            minProficiency: tier === 'level1' ? 3 : 4,
          });
        }
      }
    }
  }
  return {
    start: new Date(start).toISOString(),
    intervalMinutes,
    intervals,
    currency: 'EUR',
    rates: { RON: 0.2, MAD: 0.092, XOF: 0.001524, USD: 0.92, CNY: 0.128 },
    subsidiaries: subsidiaries.map(({ languages: _l, ...s }) => s),
    sites: SITES.map((site) => ({
      ...site,
      subsidiaryIds: site.subsidiaryIds.filter((id) => subsidiaries.some((s) => s.id === id)),
    })),
    segments,
    rules: {
      onshoreTiers: ['expert'],
      residency: subsidiaries.some((s) => s.id === 'sub-de')
        ? [{ subsidiaryId: 'sub-de', countries: ['DE', 'FR', 'BE', 'ES', 'PT', 'RO'] }]
        : [],
      minQuality: 84,
      partners: [{ name: 'Atlas Contact', maxShare: 0.35 }],
      maxOccupancy: 0.85,
    },
  };
}
