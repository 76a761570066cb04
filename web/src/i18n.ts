import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';

/** The interface languages, each shown in its own name in the picker. */
export const LANGUAGES = ['fr', 'en', 'ar', 'zh-Hans', 'es', 'pt', 'ro', 'nl'] as const;
export type Language = (typeof LANGUAGES)[number];

/**
 * The catalogs, one folder per area of the app (`locales/<area>/<language>.json`): each
 * area's keys live under its own top-level names, merged here into one catalog per language.
 */
const CATALOGS = import.meta.glob<Record<string, unknown>>('./locales/*/*.json', {
  eager: true,
  import: 'default',
});

function catalogOf(language: Language): Record<string, unknown> {
  const catalog: Record<string, unknown> = {};
  for (const [path, words] of Object.entries(CATALOGS)) {
    if (path.endsWith(`/${language}.json`)) Object.assign(catalog, words);
  }
  return catalog;
}

const RIGHT_TO_LEFT = new Set(['ar']);
const STORED = 'relais.language';

/** The supported language a tag asks for (`zh`, `zh-CN` → zh-Hans; `fr-BE` → fr), or undefined. */
export function supported(tag: string | null | undefined): Language | undefined {
  if (!tag) return undefined;
  const exact = LANGUAGES.find((l) => l.toLowerCase() === tag.toLowerCase());
  if (exact) return exact;
  const primary = tag.split('-')[0]?.toLowerCase();
  if (primary === 'zh') return 'zh-Hans';
  return LANGUAGES.find((l) => l === primary);
}

/** `?lang=` first, then the agent's last choice, then the browser's languages, then English. */
function initialLanguage(): Language {
  const asked = supported(new URLSearchParams(window.location.search).get('lang'));
  if (asked) return asked;
  const stored = supported(window.localStorage.getItem(STORED));
  if (stored) return stored;
  for (const tag of navigator.languages ?? []) {
    const found = supported(tag);
    if (found) return found;
  }
  return 'en';
}

/** The page's language and direction follow the interface language. */
function applyToDocument(language: string): void {
  document.documentElement.lang = language;
  document.documentElement.dir = RIGHT_TO_LEFT.has(language) ? 'rtl' : 'ltr';
}

export async function startI18n(): Promise<void> {
  await i18next.use(initReactI18next).init({
    resources: Object.fromEntries(LANGUAGES.map((l) => [l, { translation: catalogOf(l) }])),
    lng: initialLanguage(),
    fallbackLng: 'en',
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  applyToDocument(i18next.language);
  i18next.on('languageChanged', applyToDocument);
}

/** The agent picks the interface language: kept for their next visit. */
export async function chooseLanguage(language: Language): Promise<void> {
  window.localStorage.setItem(STORED, language);
  await i18next.changeLanguage(language);
}

/** A language's name in that language (Intl, no catalog needed): "français", "العربية", "中文（简体）". */
export function nativeName(language: string): string {
  return new Intl.DisplayNames([language], { type: 'language' }).of(language) ?? language;
}
