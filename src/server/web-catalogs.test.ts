import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { Channel } from '../core/index.ts';
import { TIERS } from '../routing/index.ts';

/** Every reason the router gives for waiting (src/routing/types.ts, WaitCode). */
const WAIT_CODES = [
  'no_site_serves_subsidiary',
  'language_not_served',
  'no_site_open',
  'no_agent_of_tier',
  'no_agent_with_skills',
  'all_agents_busy',
];

/**
 * The web app's words: every language has every key (with the plural forms its grammar
 * needs and the same placeholders), every key the code uses exists, and no text is
 * written into the components instead of a catalog.
 */
const WEB = new URL('../../web/src/', import.meta.url).pathname;
const LOCALES = join(WEB, 'locales');
const PLURAL = /_(zero|one|two|few|many|other)$/;

type Tree = { [key: string]: string | Tree };
const flatten = (tree: Tree, prefix = ''): Record<string, string> =>
  Object.fromEntries(
    Object.entries(tree).flatMap(([k, v]) =>
      typeof v === 'string' ? [[`${prefix}${k}`, v]] : Object.entries(flatten(v, `${prefix}${k}.`)),
    ),
  );
/** Each area of the app has its folder of catalogs (`locales/<area>/<language>.json`). */
const AREAS = readdirSync(LOCALES, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name);
const areaCatalogs = AREAS.map((area) => ({
  area,
  languages: Object.fromEntries(
    readdirSync(join(LOCALES, area))
      .filter((f) => f.endsWith('.json'))
      .map((f) => [f.slice(0, -5), JSON.parse(readFileSync(join(LOCALES, area, f), 'utf8')) as Tree]),
  ),
}));
const catalogs: Record<string, Record<string, string>> = {};
for (const { languages } of areaCatalogs) {
  for (const [language, tree] of Object.entries(languages)) {
    catalogs[language] = { ...catalogs[language], ...flatten(tree) };
  }
}
const english = catalogs.en as Record<string, string>;
const baseKeys = (c: Record<string, string>) => new Set(Object.keys(c).map((k) => k.replace(PLURAL, '')));
const placeholders = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}
const code = sources(WEB).map((path) => ({ path, text: readFileSync(path, 'utf8') }));

describe('the web app’s catalogs', () => {
  it('has the eight interface languages, in every area', () => {
    expect(Object.keys(catalogs).sort()).toEqual(['ar', 'en', 'es', 'fr', 'nl', 'pt', 'ro', 'zh-Hans']);
    for (const { area, languages } of areaCatalogs) {
      expect(Object.keys(languages).sort(), area).toEqual([
        'ar',
        'en',
        'es',
        'fr',
        'nl',
        'pt',
        'ro',
        'zh-Hans',
      ]);
    }
  });

  it('keeps each top-level name in one area: areas merge without overwriting each other', () => {
    const owner = new Map<string, string>();
    for (const { area, languages } of areaCatalogs) {
      for (const name of Object.keys(languages.en ?? {})) {
        expect(owner.get(name), `${name} in ${area}`).toBeUndefined();
        owner.set(name, area);
      }
    }
  });

  it('gives every language every key, its plural forms and the same placeholders, none empty', () => {
    const keys = baseKeys(english);
    for (const [language, catalog] of Object.entries(catalogs)) {
      expect([...baseKeys(catalog)].sort(), language).toEqual([...keys].sort());
      const categories = new Intl.PluralRules(language).resolvedOptions().pluralCategories;
      for (const key of keys) {
        const plural = Object.keys(english).some((k) => k.startsWith(`${key}_`) && PLURAL.test(k));
        const forms = plural ? categories.map((c) => `${key}_${c}`) : [key];
        for (const form of forms) {
          expect(catalog[form], `${language}: ${form}`).toBeTruthy();
          const reference = english[form] ?? english[`${key}_other`] ?? '';
          expect(placeholders(catalog[form] ?? ''), `${language}: ${form}`).toEqual(
            form.endsWith('_zero') || form.endsWith('_one') || form.endsWith('_two')
              ? expect.any(Array)
              : placeholders(reference),
          );
        }
      }
    }
  });

  it('has every key the code asks for, including those built from channels, presences and statuses', () => {
    const keys = baseKeys(english);
    for (const { path, text } of code)
      for (const m of text.matchAll(/\bt\(\s*'([^']+)'/g))
        expect(keys.has(m[1] as string), `${path}: ${m[1]}`).toBe(true);
    for (const channel of Channel.options) expect(keys.has(`channel.${channel}`), channel).toBe(true);
    for (const presence of ['available', 'busy', 'away', 'offline'])
      expect(keys.has(`presence.${presence}`), presence).toBe(true);
    for (const status of ['open', 'assigned', 'pending', 'resolved', 'closed'])
      expect(keys.has(`status.${status}`), status).toBe(true);
    for (const tier of TIERS) expect(keys.has(`tier.${tier}`), tier).toBe(true);
    for (const code of WAIT_CODES) expect(keys.has(`waitReason.${code}`), code).toBe(true);
    for (const link of ['connecting', 'live', 'lost'])
      expect(keys.has(`queues.link.${link}`), link).toBe(true);
  });

  it('finds no text written into a component instead of a catalog', () => {
    const found: string[] = [];
    const readable = new Set(['aria-label', 'title', 'placeholder', 'alt']);
    for (const { path, text } of code.filter((c) => c.path.endsWith('.tsx'))) {
      const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
      const visit = (node: ts.Node): void => {
        // Text between tags, and the attributes a person reads, when written out as letters.
        if (ts.isJsxText(node) && /\p{L}/u.test(node.text)) found.push(`${path}: "${node.text.trim()}"`);
        if (
          ts.isJsxAttribute(node) &&
          readable.has(node.name.getText(file)) &&
          node.initializer &&
          ts.isStringLiteral(node.initializer) &&
          /\p{L}/u.test(node.initializer.text)
        )
          found.push(`${path}: ${node.name.getText(file)}="${node.initializer.text}"`);
        ts.forEachChild(node, visit);
      };
      visit(file);
    }
    expect(found).toEqual([]);
  });
});
