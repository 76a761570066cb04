import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The planning page words every reason, warning, scenario and status the planner gives from its
 * code, in every language: a code without words would show the server's English instead.
 */
const CATALOGS = new URL('../../web/src/locales/planning/', import.meta.url).pathname;

/** src/planning/sitemix.ts, ReasonCode. */
const REASON_CODES = [
  'no_site_language',
  'no_site_tier',
  'onshore_rule',
  'residency_rule',
  'placement',
  'closed',
  'seats',
  'partner_min',
  'partner_max',
  'quality',
];
/** The reasons that are also warnings, with other words (what a plan strains). */
const WARNING_CODES = ['closed', 'seats'];
/** src/planning/plans.ts, PlanScenarioView.kind (a what-if is named from its own kind). */
const SCENARIO_KINDS = [
  'bestshore',
  'onshore',
  'offshore',
  'whatIf',
  'siteCost',
  'volume',
  'newLanguage',
  'newSite',
];

type Tree = { [key: string]: string | Tree };
const at = (tree: Tree, path: string): unknown =>
  path.split('.').reduce<unknown>((node, key) => (node as Tree | undefined)?.[key], tree);

describe('the planning page’s catalogs', () => {
  const files = readdirSync(CATALOGS).filter((f) => f.endsWith('.json'));

  it('exist for the eight interface languages', () => {
    expect(files.map((f) => f.slice(0, -5)).sort()).toEqual([
      'ar',
      'en',
      'es',
      'fr',
      'nl',
      'pt',
      'ro',
      'zh-Hans',
    ]);
  });

  for (const file of files)
    it(`${file} words every reason, warning, scenario and status`, () => {
      const tree = JSON.parse(readFileSync(join(CATALOGS, file), 'utf8')) as Tree;
      const keys = [
        ...REASON_CODES.map((c) => `planning.reason.${c}`),
        ...WARNING_CODES.map((c) => `planning.warning.${c}`),
        ...SCENARIO_KINDS.map((k) => `planning.scenario.${k}`),
        ...['planned', 'no_plan'].flatMap((s) => [`planning.status.${s}`, `planning.outcome.${s}`]),
      ];
      for (const key of keys) expect(typeof at(tree, key), `${file}: ${key}`).toBe('string');
    });

  it('the page knows the same reason codes', () => {
    const page = readFileSync(new URL('../../web/src/planning/Reasons.tsx', import.meta.url), 'utf8');
    for (const code of REASON_CODES) expect(page).toContain(`'${code}'`);
  });
});
