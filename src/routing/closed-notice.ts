import i18next from 'i18next';
import { isSiteOpen, openIntervals } from '../organisation/index.ts';
import type { SiteCalendar } from '../store/index.ts';
import ar from './locales/ar.json' with { type: 'json' };
import en from './locales/en.json' with { type: 'json' };
import es from './locales/es.json' with { type: 'json' };
import fr from './locales/fr.json' with { type: 'json' };
import nl from './locales/nl.json' with { type: 'json' };
import pt from './locales/pt.json' with { type: 'json' };
import ro from './locales/ro.json' with { type: 'json' };
import zhHans from './locales/zh-Hans.json' with { type: 'json' };

/**
 * The automatic reply a customer gets on a written channel when their conversation waits
 * because no site that could take it is open: when it opens again, in their language and
 * time zone. Pure: sites, work and `now` in, the opening and the text out.
 */

/** A site as the notice sees it. */
export interface NoticeSite {
  calendar: SiteCalendar;
  timeZone: string;
  subsidiaryIds: readonly string[];
  /** Subsidiaries whose work the site takes at any hour. */
  alwaysOpenFor: readonly string[];
  /** Language tags the site speaks. */
  languages: readonly string[];
  tiers: readonly string[];
}

/** What waits: the subsidiary, the conversation's language and tier. */
export interface NoticeWork {
  subsidiaryId: string;
  language: string;
  tier: string;
}

/** How far ahead an opening is looked for: past a long holiday. Beyond it, no notice. */
export const NOTICE_HORIZON_MS = 31 * 24 * 3_600_000;

const primary = (tag: string): string => tag.split('-')[0]?.toLowerCase() ?? '';

/** A site speaking `fr` serves `fr-FR`; `zh-Hans` and `zh-Hant` stay apart. */
function speaks(site: NoticeSite, language: string): boolean {
  const wanted = language.toLowerCase();
  return site.languages.some((tag) => {
    const own = tag.toLowerCase();
    return own === wanted || (!own.includes('-') && own === primary(wanted));
  });
}

/**
 * The first instant after `now` at which a site that serves the subsidiary, speaks the
 * language and works the tier opens. Null when there is nothing to announce: such a site
 * is open now or open around the clock for the subsidiary, or none opens within
 * NOTICE_HORIZON_MS (or none exists).
 */
export function firstOpening(sites: readonly NoticeSite[], work: NoticeWork, now: Date): Date | null {
  const eligible = sites.filter(
    (s) =>
      s.subsidiaryIds.includes(work.subsidiaryId) && speaks(s, work.language) && s.tiers.includes(work.tier),
  );
  if (eligible.some((s) => s.alwaysOpenFor.includes(work.subsidiaryId))) return null;
  if (eligible.some((s) => isSiteOpen(s.calendar, s.timeZone, now))) return null;
  const until = new Date(now.getTime() + NOTICE_HORIZON_MS);
  let first: number | null = null;
  for (const site of eligible) {
    const start = openIntervals(site.calendar, site.timeZone, now, until)[0]?.start.getTime();
    if (start !== undefined && (first === null || start < first)) first = start;
  }
  return first === null ? null : new Date(first);
}

/** The catalogs, by language. A language without one falls back as NOTICE_FALLBACKS says. */
export const NOTICE_CATALOGS = { ar, en, es, fr, nl, pt, ro, 'zh-Hans': zhHans } as const;

/** Languages written in another's catalog: Wolof and Malagasy customers get French, Chinese gets Simplified. */
export const NOTICE_FALLBACKS: Readonly<Record<string, readonly string[]>> = {
  wo: ['fr'],
  mg: ['fr'],
  zh: ['zh-Hans'],
  default: ['en'],
};

const i18n = i18next.createInstance();
void i18n.init({
  initAsync: false,
  resources: Object.fromEntries(
    Object.entries(NOTICE_CATALOGS).map(([lng, catalog]) => [lng, { notices: catalog }]),
  ),
  ns: ['notices'],
  defaultNS: 'notices',
  fallbackLng: NOTICE_FALLBACKS as Record<string, string[]>,
  interpolation: { escapeValue: false },
});

const hasCatalog = (tag: string): tag is keyof typeof NOTICE_CATALOGS => Object.hasOwn(NOTICE_CATALOGS, tag);

/** The catalog a notice in `language` is written from: the tag, its primary language, their fallback, English. */
export function noticeLanguage(language: string): keyof typeof NOTICE_CATALOGS {
  const base = primary(language);
  const exact = Object.keys(NOTICE_CATALOGS).find((k) => k.toLowerCase() === language.toLowerCase());
  const candidates = [
    exact ?? '',
    base,
    ...(NOTICE_FALLBACKS[base] ?? []),
    ...(NOTICE_FALLBACKS.default ?? []),
  ];
  return candidates.find(hasCatalog) ?? 'en';
}

/** Whether Intl knows the time zone. */
export function isTimeZone(timeZone: string): boolean {
  if (!timeZone) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** "lundi 23 novembre à 07:00 (heure d’Europe centrale)": the instant in the zone, written for the language. */
export function formatOpening(opensAt: Date, timeZone: string, language: string): string {
  const lng = noticeLanguage(language);
  const time = new Intl.DateTimeFormat(lng, {
    timeZone,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    hour: '2-digit',
    minute: '2-digit',
  }).format(opensAt);
  const zone =
    new Intl.DateTimeFormat(lng, { timeZone, timeZoneName: 'longGeneric' })
      .formatToParts(opensAt)
      .find((p) => p.type === 'timeZoneName')?.value ?? timeZone;
  return i18n.t('closedNotice.when', { lng, time, zone });
}

/** The notice's text and the catalog language it is written in. */
export function closedNoticeText(
  language: string,
  opensAt: Date,
  timeZone: string,
): { language: string; text: string } {
  const lng = noticeLanguage(language);
  const when = formatOpening(opensAt, timeZone, lng);
  const text = [
    i18n.t('closedNotice.greeting', { lng }),
    i18n.t('closedNotice.body', { lng, when }),
    i18n.t('closedNotice.automatic', { lng }),
  ].join('\n\n');
  return { language: lng, text };
}
