// Names of languages, countries, currencies and time zones come from Intl, in the admin's
// interface language: no catalog holds them.

/** Languages an administrator may add (ISO 639-1, plus the scripts of Chinese); a stored tag outside it still shows. */
const LANGUAGE_TAGS = (
  'af am ar as az be bg bm bn bo br bs ca cs cy da de dz el en eo es et eu fa ff fi fo fr fy ga gd gl gu ha ' +
  'he hi hr ht hu hy id ig is it ja jv ka kk km kn ko ku ky lb lg ln lo lt lu lv mg mi mk ml mn mr ms mt my ' +
  'nb ne nl nn no ny om or pa pl ps pt qu rm rn ro ru rw sa sd se sg si sk sl sn so sq sr su sv sw ta te tg ' +
  'th ti tk tl tn to tr ts tt ug uk ur uz vi wo xh yi yo zh-Hans zh-Hant zu'
).split(' ');

const cache = new Map<string, Intl.DisplayNames>();
function names(locale: string, type: Intl.DisplayNamesType): Intl.DisplayNames {
  const key = `${locale}/${type}`;
  let found = cache.get(key);
  if (!found) {
    found = new Intl.DisplayNames([locale], { type, fallback: 'code' });
    cache.set(key, found);
  }
  return found;
}

const nameOf = (locale: string, type: Intl.DisplayNamesType, code: string): string => {
  try {
    return names(locale, type).of(code) ?? code;
  } catch {
    return code;
  }
};

export const languageName = (locale: string, tag: string): string => nameOf(locale, 'language', tag);
export const countryName = (locale: string, code: string): string => nameOf(locale, 'region', code);
export const currencyName = (locale: string, code: string): string => nameOf(locale, 'currency', code);

export interface Choice {
  value: string;
  label: string;
}

const sorted = (locale: string, choices: Choice[]): Choice[] =>
  choices.sort((a, b) => a.label.localeCompare(b.label, locale));

/** The languages to choose from, named in the admin's language; `keep` are tags already stored. */
export function languageChoices(locale: string, keep: readonly string[] = []): Choice[] {
  const tags = new Set([...LANGUAGE_TAGS, ...keep]);
  return sorted(
    locale,
    [...tags].map((tag) => ({ value: tag, label: `${languageName(locale, tag)} (${tag})` })),
  );
}

let regionCodes: string[] | undefined;
/** The ISO 3166-1 alpha-2 codes this browser knows a name for. */
function knownRegions(): string[] {
  if (!regionCodes) {
    const probe = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
    const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
    regionCodes = [];
    for (const a of letters)
      for (const b of letters) {
        const code = `${a}${b}`;
        // Codes the browser names only as groups (EU, UN) or private use (Q…, X…, ZZ) are no countries.
        if (/^(Q[M-Z]|X.|ZZ|EU|EZ|UN|AA)$/.test(code)) continue;
        if (probe.of(code) !== undefined) regionCodes.push(code);
      }
  }
  return regionCodes;
}

export function countryChoices(locale: string, keep: readonly string[] = []): Choice[] {
  const codes = new Set([...knownRegions(), ...keep]);
  return sorted(
    locale,
    [...codes].map((code) => ({ value: code, label: `${countryName(locale, code)} (${code})` })),
  );
}

export function currencyChoices(locale: string, keep: readonly string[] = []): Choice[] {
  const codes = new Set([...Intl.supportedValuesOf('currency'), ...keep]);
  return sorted(
    locale,
    [...codes].map((code) => ({ value: code, label: `${currencyName(locale, code)} (${code})` })),
  );
}

/** Every IANA time zone the browser knows, in its own name (`Africa/Casablanca`). */
export function timeZoneChoices(keep: readonly string[] = []): string[] {
  const zones = new Set([...Intl.supportedValuesOf('timeZone'), ...keep]);
  return [...zones].sort();
}

/** How many minor units a currency has (EUR 2, JPY 0, TND 3). */
export function minorDigits(currency: string): number {
  try {
    return (
      new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ??
      2
    );
  } catch {
    return 2;
  }
}

/** Integer minor units shown as money in the admin's locale. */
export function formatMoney(locale: string, amountMinor: number, currency: string): string {
  const digits = minorDigits(currency);
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(amountMinor / 10 ** digits);
  } catch {
    return `${amountMinor} ${currency}`;
  }
}

/** An instant (ISO string) as a date and time in the admin's locale. */
export function formatInstant(locale: string, iso: string | null | undefined): string {
  if (!iso) return '';
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

/** A calendar date (YYYY-MM-DD, no time zone) in the admin's locale. */
export function formatDate(locale: string, date: string): string {
  const at = new Date(`${date}T12:00:00Z`);
  if (Number.isNaN(at.getTime())) return date;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(at);
}

export const formatNumber = (locale: string, n: number, options?: Intl.NumberFormatOptions): string =>
  new Intl.NumberFormat(locale, options).format(n);

/** A list of words joined as the locale joins them ("French, Arabic and English"). */
export const formatList = (locale: string, words: string[]): string =>
  new Intl.ListFormat(locale, { style: 'short', type: 'conjunction' }).format(words);

/** The weekday names of the locale, Monday first (the calendar's order). */
export function weekdayName(locale: string, index: number): string {
  // 2024-01-01 was a Monday.
  return new Intl.DateTimeFormat(locale, { weekday: 'long', timeZone: 'UTC' }).format(
    new Date(Date.UTC(2024, 0, 1 + index, 12)),
  );
}
