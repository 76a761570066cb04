import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { newId } from '../core/index.ts';
import type { Approach, ContactWindow, NewRow } from '../store/index.ts';
import { arabicOf, asciiSlug, latinOf, NAMES, type NameCountry } from './names.ts';
import type { SubsidiaryCode } from './organisation.ts';
import type { Random } from './random.ts';

/** Demo customers: names, identities, consent and preferences plausible for each country. */

type Consent = NewRow<'customers'>['consent_level'];
export type ChannelName = 'email' | 'chat' | 'sms' | 'social' | 'whatsapp' | 'voice' | 'mail';

interface CustomerProfile {
  code: SubsidiaryCode;
  country: string;
  timeZone: string;
  share: number;
  languages: ReadonlyArray<readonly [string, number]>;
  names: NameCountry;
  /** Of the customers who write Arabic, the share whose name is kept in Arabic script. */
  arabicScript: number;
  /** Mail domains under the reserved `.example` top-level domain: no demo mail reaches a real person. */
  emailDomains: readonly string[];
  /** Mobile ranges: E.164 prefix and the number of digits that follow it. */
  mobiles: ReadonlyArray<readonly [prefix: string, digits: number]>;
  emailShare: number;
  whatsappShare: number;
  facebookShare: number;
  channels: ReadonlyArray<readonly [ChannelName, number]>;
  /** ISO weekdays (1 = Monday … 7 = Sunday) of the working week. */
  workDays: readonly number[];
  formalShare: number;
  notes: readonly string[];
}

const FR_NOTES = [
  'Client malentendant : privilégier l’écrit.',
  'Préfère être rappelé en fin de journée.',
  'Client professionnel (artisan), ligne critique pour son activité.',
];

export const CUSTOMER_PROFILES: readonly CustomerProfile[] = [
  {
    code: 'FR',
    country: 'FR',
    timeZone: 'Europe/Paris',
    share: 0.4,
    languages: [['fr', 1]],
    names: 'FR',
    arabicScript: 0,
    emailDomains: [
      'orange.fr.example',
      'free.fr.example',
      'laposte.fr.example',
      'sfr.fr.example',
      'webmail.example',
    ],
    mobiles: [
      ['+336', 8],
      ['+337', 8],
    ],
    emailShare: 0.92,
    whatsappShare: 0.25,
    facebookShare: 0.08,
    channels: [
      ['email', 30],
      ['voice', 25],
      ['chat', 25],
      ['sms', 8],
      ['social', 7],
      ['whatsapp', 4],
      ['mail', 1],
    ],
    workDays: [1, 2, 3, 4, 5],
    formalShare: 0.85,
    notes: FR_NOTES,
  },
  {
    code: 'MA',
    country: 'MA',
    timeZone: 'Africa/Casablanca',
    share: 0.2,
    languages: [
      ['ar', 55],
      ['fr', 45],
    ],
    names: 'MA',
    arabicScript: 0.4,
    emailDomains: ['menara.ma.example', 'mail.ma.example', 'webmail.example'],
    mobiles: [
      ['+2126', 8],
      ['+2127', 8],
    ],
    emailShare: 0.75,
    whatsappShare: 0.7,
    facebookShare: 0.15,
    channels: [
      ['whatsapp', 35],
      ['voice', 25],
      ['chat', 12],
      ['email', 12],
      ['social', 10],
      ['sms', 5],
      ['mail', 1],
    ],
    workDays: [1, 2, 3, 4, 5],
    formalShare: 0.75,
    notes: FR_NOTES,
  },
  {
    code: 'SN',
    country: 'SN',
    timeZone: 'Africa/Dakar',
    share: 0.15,
    languages: [
      ['fr', 65],
      ['wo', 35],
    ],
    names: 'SN',
    arabicScript: 0,
    emailDomains: ['orange.sn.example', 'mail.sn.example', 'webmail.example'],
    mobiles: [
      ['+22170', 7],
      ['+22175', 7],
      ['+22176', 7],
      ['+22177', 7],
      ['+22178', 7],
    ],
    emailShare: 0.6,
    whatsappShare: 0.75,
    facebookShare: 0.1,
    channels: [
      ['whatsapp', 35],
      ['voice', 30],
      ['sms', 15],
      ['social', 10],
      ['email', 8],
      ['chat', 2],
    ],
    workDays: [1, 2, 3, 4, 5],
    formalShare: 0.6,
    notes: FR_NOTES,
  },
  {
    code: 'MG',
    country: 'MG',
    timeZone: 'Indian/Antananarivo',
    share: 0.1,
    languages: [
      ['mg', 60],
      ['fr', 40],
    ],
    names: 'MG',
    arabicScript: 0,
    emailDomains: ['moov.mg.example', 'mail.mg.example', 'webmail.example'],
    mobiles: [
      ['+26132', 7],
      ['+26133', 7],
      ['+26134', 7],
    ],
    emailShare: 0.55,
    whatsappShare: 0.4,
    facebookShare: 0.12,
    channels: [
      ['voice', 35],
      ['sms', 25],
      ['whatsapp', 15],
      ['social', 12],
      ['email', 10],
      ['chat', 3],
    ],
    workDays: [1, 2, 3, 4, 5],
    formalShare: 0.7,
    notes: FR_NOTES,
  },
  {
    code: 'EG',
    country: 'EG',
    timeZone: 'Africa/Cairo',
    share: 0.15,
    languages: [
      ['ar', 80],
      ['en', 20],
    ],
    names: 'EG',
    arabicScript: 0.75,
    emailDomains: ['link.eg.example', 'mail.eg.example', 'webmail.example'],
    mobiles: [
      ['+2010', 8],
      ['+2011', 8],
      ['+2012', 8],
      ['+2015', 8],
    ],
    emailShare: 0.7,
    whatsappShare: 0.7,
    facebookShare: 0.18,
    channels: [
      ['whatsapp', 30],
      ['voice', 30],
      ['social', 15],
      ['chat', 10],
      ['email', 10],
      ['sms', 5],
    ],
    workDays: [7, 1, 2, 3, 4],
    formalShare: 0.7,
    notes: ['Hard of hearing: prefers written channels.', 'Business line (small shop): outages are urgent.'],
  },
];

/** A customer as the conversation builder needs it. */
export interface BuiltCustomer {
  id: string;
  code: SubsidiaryCode;
  subsidiaryId: string;
  language: string;
  /** How an agent greets them: the given name, in Arabic script when they write Arabic. */
  greeting: string;
  displayName: string;
  timeZone: string;
  createdAt: Date;
  email?: string;
  phone?: string;
  whatsapp?: string;
  facebook?: string;
}

export interface CustomerRows {
  customers: NewRow<'customers'>[];
  identities: NewRow<'customer_identities'>[];
  consents: NewRow<'consent_events'>[];
  built: BuiltCustomer[];
}

const YEAR_MS = 365.25 * 24 * 3600 * 1000;

/** Exact counts per subsidiary for `total` customers (largest remainder), in random order. */
function subsidiaryOrder(rng: Random, total: number): SubsidiaryCode[] {
  const raw = CUSTOMER_PROFILES.map((p) => ({ code: p.code, exact: p.share * total }));
  const counts = raw.map((r) => ({
    code: r.code,
    n: Math.floor(r.exact),
    rest: r.exact - Math.floor(r.exact),
  }));
  let missing = total - counts.reduce((s, c) => s + c.n, 0);
  for (const c of [...counts].sort((a, b) => b.rest - a.rest)) {
    if (missing-- <= 0) break;
    c.n += 1;
  }
  return rng.sample(
    counts.flatMap((c) => Array.from({ length: c.n }, () => c.code)),
    total,
  );
}

function uniqueMobile(rng: Random, profile: CustomerProfile, used: Set<string>): string {
  for (let attempt = 0; attempt < 100; attempt++) {
    const [prefix, digits] = rng.pick(profile.mobiles);
    const candidate = prefix + rng.digits(digits);
    if (used.has(candidate)) continue;
    const parsed = parsePhoneNumberFromString(candidate);
    if (parsed?.isValid() && parsed.country === profile.country) {
      used.add(candidate);
      return candidate;
    }
  }
  throw new Error(`could not find a free valid mobile number for ${profile.country}`);
}

function uniqueEmail(
  rng: Random,
  profile: CustomerProfile,
  given: string,
  family: string,
  used: Set<string>,
): string {
  const g = asciiSlug(given);
  const f = asciiSlug(family);
  const local = rng.weighted([
    [`${g}.${f}`, 40],
    [`${g.slice(0, 1)}.${f}`, 15],
    [`${g}${f}`, 15],
    [`${f}.${g}`, 10],
    [`${g}.${f}${rng.int(60, 99)}`, 10],
    [`${g}_${f}${rng.int(1, 30)}`, 10],
  ]);
  const domain = rng.pick(profile.emailDomains);
  let email = `${local}@${domain}`;
  for (let n = 2; used.has(email); n++) email = `${local}${n}@${domain}`;
  used.add(email);
  return email;
}

function contactWindows(rng: Random, profile: CustomerProfile): ContactWindow[] {
  const work = [...profile.workDays];
  // Saturday is a day off everywhere here (in Egypt the weekend is Friday and Saturday).
  const saturday = [6];
  return rng.weighted<ContactWindow[]>([
    [[], 40],
    [[{ days: work, start: '09:00', end: '18:00' }], 30],
    [
      [
        { days: work, start: '18:00', end: '21:00' },
        { days: saturday, start: '10:00', end: '13:00' },
      ],
      20,
    ],
    [[{ days: work, start: '08:00', end: '12:00' }], 10],
  ]);
}

function preferredChannels(rng: Random, profile: CustomerProfile, has: Set<ChannelName>): string[] {
  if (rng.chance(0.12)) return [];
  const available = profile.channels.filter(([c]) => has.has(c));
  const chosen: string[] = [];
  const wanted = rng.int(1, 3);
  for (let i = 0; i < wanted && available.length > 0; i++) {
    const c = rng.weighted(available);
    chosen.push(c);
    available.splice(
      available.findIndex(([x]) => x === c),
      1,
    );
  }
  return chosen;
}

/** Build `count` customers spread over the subsidiaries, created over the three years before `now`. */
export function buildCustomers(
  rng: Random,
  now: Date,
  count: number,
  subsidiaryIds: ReadonlyMap<SubsidiaryCode, string>,
): CustomerRows {
  const customers: NewRow<'customers'>[] = [];
  const identities: NewRow<'customer_identities'>[] = [];
  const consents: NewRow<'consent_events'>[] = [];
  const built: BuiltCustomer[] = [];
  const usedEmails = new Map<SubsidiaryCode, Set<string>>();
  const usedPhones = new Set<string>();
  const usedFacebook = new Set<string>();
  const start = now.getTime() - 3 * YEAR_MS;
  const step = (3 * YEAR_MS) / Math.max(1, count);

  subsidiaryOrder(rng, count).forEach((code, i) => {
    const profile = CUSTOMER_PROFILES.find((p) => p.code === code);
    const subsidiaryId = subsidiaryIds.get(code);
    if (!profile || !subsidiaryId) throw new Error(`no demo subsidiary ${code}`);
    const id = newId();
    // Ascending creation times, so that ids (time-ordered, assigned in this order) follow them.
    const createdAt = new Date(Math.floor(start + (i + rng.next()) * step));
    const language = rng.weighted(profile.languages);
    const pool = NAMES[profile.names];
    const givenName = rng.pick(pool.given);
    const familyName = rng.pick(pool.family);
    const arabic = language === 'ar' && rng.chance(profile.arabicScript);
    const given = (arabic ? arabicOf(givenName) : undefined) ?? latinOf(givenName);
    const family = (arabic ? arabicOf(familyName) : undefined) ?? latinOf(familyName);
    const consent = rng.weighted<Consent>([
      ['service', 68],
      ['personalised', 15],
      ['marketing', 12],
      ['none', 5],
    ]);

    const customer: BuiltCustomer = {
      id,
      code,
      subsidiaryId,
      language,
      greeting: (language === 'ar' ? arabicOf(givenName) : undefined) ?? given,
      displayName: `${given} ${family}`,
      timeZone: profile.timeZone,
      createdAt,
    };
    const has = new Set<ChannelName>(['chat', 'mail']);
    const identity = (kind: NewRow<'customer_identities'>['kind'], value: string) =>
      identities.push({
        id: newId(),
        customer_id: id,
        subsidiary_id: subsidiaryId,
        kind,
        value,
        created_at: createdAt,
      });

    if (rng.chance(profile.emailShare)) {
      const used = usedEmails.get(code) ?? new Set<string>();
      usedEmails.set(code, used);
      customer.email = uniqueEmail(rng, profile, latinOf(givenName), latinOf(familyName), used);
      identity('email', customer.email);
      has.add('email');
    }
    if (rng.chance(0.9)) {
      customer.phone = uniqueMobile(rng, profile, usedPhones);
      identity('phone', customer.phone);
      has.add('voice');
      has.add('sms');
      if (rng.chance(profile.whatsappShare)) {
        customer.whatsapp = customer.phone;
        identity('whatsapp', customer.phone);
        has.add('whatsapp');
      }
    }
    if (rng.chance(profile.facebookShare)) {
      let facebook: string;
      do facebook = `1000${rng.digits(11)}`;
      while (usedFacebook.has(facebook));
      usedFacebook.add(facebook);
      customer.facebook = facebook;
      identity('facebook', facebook);
      has.add('social');
    }

    const approach: Approach = { formality: rng.chance(profile.formalShare) ? 'formal' : 'informal' };
    if (rng.chance(0.04)) approach.notes = rng.pick(profile.notes);
    customers.push({
      id,
      subsidiary_id: subsidiaryId,
      display_name: customer.displayName,
      given_name: given,
      family_name: family,
      language,
      country: profile.country,
      time_zone: profile.timeZone,
      consent_level: consent,
      preferred_channels: preferredChannels(rng, profile, has),
      contact_windows: JSON.stringify(contactWindows(rng, profile)),
      approach: JSON.stringify(approach),
      created_at: createdAt,
      updated_at: createdAt,
    });
    consents.push({
      id: newId(),
      customer_id: id,
      subsidiary_id: subsidiaryId,
      level: consent,
      source: 'signup',
      note: null,
      recorded_by: 'system',
      recorded_at: createdAt,
    });
    built.push(customer);
  });
  return { customers, identities, consents, built };
}
