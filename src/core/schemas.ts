import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { z } from 'zod';

/** Shared field schemas: one definition of what a valid time zone, language or country is. */

const zones = new Set(Intl.supportedValuesOf('timeZone'));
// Intl lists canonical zones only; aliases such as UTC and Etc/UTC are valid IANA names too.
const isTimeZone = (value: string): boolean => {
  if (zones.has(value)) return true;
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return value.includes('/') || value === 'UTC';
  } catch {
    return false;
  }
};

export const TimeZone = z
  .string()
  .refine(isTimeZone, { message: 'must be an IANA time zone such as Africa/Casablanca' });

/** A BCP 47 language tag, canonicalised (`fr-fr` becomes `fr-FR`). */
export const LanguageTag = z
  .string()
  .min(2)
  .max(35)
  .transform((value, ctx) => {
    try {
      const [canonical] = Intl.getCanonicalLocales(value);
      if (canonical) return canonical;
    } catch {
      // reported below
    }
    ctx.addIssue({ code: 'custom', message: 'must be a BCP 47 language tag such as fr, ar-MA or zh-Hans' });
    return z.NEVER;
  });

const regionNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
export const CountryCode = z
  .string()
  .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code in capitals, such as MA')
  .refine(
    (code) => {
      try {
        return regionNames.of(code) !== undefined;
      } catch {
        // Intl throws on malformed codes; zod runs this refinement even when the regex failed.
        return false;
      }
    },
    { message: 'is not a known country code' },
  );

const currencies = new Set(Intl.supportedValuesOf('currency'));
export const CurrencyCode = z
  .string()
  .refine((code) => currencies.has(code), { message: 'must be an ISO 4217 currency code such as EUR' });

export const Proficiency = z.number().int().min(1).max(5);

export const Tier = z.enum(['level1', 'level2', 'expert', 'back_office']);
export type Tier = z.infer<typeof Tier>;

export const Channel = z.enum(['email', 'chat', 'sms', 'social', 'whatsapp', 'voice', 'mail']);
export type Channel = z.infer<typeof Channel>;

export const SkillName = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,62}$/, 'must be lower-case letters, digits, - or _');

/** `HH:MM` on a 24-hour clock; `24:00` allowed as an end. */
export const ClockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'must be HH:MM');

export const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine(
    (d) =>
      !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d),
    {
      message: 'is not a real date',
    },
  );

/** Normalise a phone number to E.164 using the country as the default region. */
export function toE164(input: string, defaultCountry?: string): string | undefined {
  const parsed = parsePhoneNumberFromString(
    input,
    defaultCountry ? { defaultCountry: defaultCountry as never } : undefined,
  );
  if (!parsed?.isValid()) return undefined;
  return parsed.number;
}

export const Id = z.uuid({ message: 'must be a UUID' });

/** Free text that people type: trimmed, never empty. */
export const Text = (max: number) => z.string().trim().min(1).max(max);

/** A refinement for lists whose items must not repeat by some key (languages, skills…). */
export const distinctBy =
  <T>(key: (t: T) => string, what: string) =>
  (items: T[], ctx: z.RefinementCtx) => {
    const seen = new Set<string>();
    for (const item of items) {
      const k = key(item);
      if (seen.has(k)) ctx.addIssue({ code: 'custom', message: `${what} ${k} is listed twice` });
      seen.add(k);
    }
  };

/** An instant with its offset, in years PostgreSQL and people both handle (1900–9999). */
export const Instant = z.iso.datetime({ offset: true }).refine(
  (value) => {
    const year = new Date(value).getUTCFullYear();
    return year >= 1900 && year <= 9999;
  },
  { message: 'must be a date-time between the years 1900 and 9999' },
);
