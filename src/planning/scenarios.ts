// Scenarios: the same work planned all onshore, all offshore and bestshore, and what-ifs
// (a site's cost, a new site, a new language, a volume peak), compared side by side.
import { invalid } from '../core/index.ts';
import { type Placement, type PlanReason, type PlanResult, type SolveOptions, solvePlan } from './sitemix.ts';
import { type PlanInput, PlanSite, parsePlanInput } from './sitemix-input.ts';

export type WhatIf =
  | { kind: 'site_cost'; site: string; factor: number }
  | { kind: 'new_site'; site: PlanSite }
  | { kind: 'new_language'; subsidiary: string; language: string; like: string; share: number }
  | { kind: 'volume'; factor: number; from?: string; to?: string; subsidiary?: string };

export interface Scenario {
  name: string;
  placement: Placement;
  whatIf?: WhatIf;
}

export interface ScenarioRow {
  name: string;
  placement: Placement;
  status: PlanResult['status'];
  cost: number;
  /** Cost against the bestshore plan of the same work (1.12 = 12% dearer); null without one. */
  againstBestshore: number | null;
  serviceLevel: number | null;
  abandonment: number | null;
  quality: number | null;
  onshoreShare: number;
  agentHours: number;
  /** Why there is no plan, first reasons in words. */
  reasons: string[];
  /** The same reasons with their codes and fields, to word them in another language. */
  details: PlanReason[];
  seconds: number;
}

export const DEFAULT_SCENARIOS: Scenario[] = [
  { name: 'bestshore', placement: 'bestshore' },
  { name: 'all onshore', placement: 'onshore' },
  { name: 'all offshore', placement: 'offshore' },
];

/** Applies a what-if to a copy of the input; a what-if naming what does not exist is refused. */
export function applyWhatIf(input: PlanInput, whatIf: WhatIf): PlanInput {
  const copy: PlanInput = structuredClone(input);
  switch (whatIf.kind) {
    case 'site_cost': {
      const site = copy.sites.find((s) => s.code === whatIf.site || s.id === whatIf.site);
      if (!site) throw invalid('whatIf.site', `no site ${whatIf.site} in the plan`);
      if (!(whatIf.factor > 0)) throw invalid('whatIf.factor', 'a cost factor is above 0');
      site.cost = { ...site.cost, amount: site.cost.amount * whatIf.factor };
      return copy;
    }
    case 'new_site': {
      const parsed = PlanSite.safeParse(whatIf.site);
      if (!parsed.success)
        throw invalid(
          `whatIf.site.${parsed.error.issues[0]?.path.join('.')}`,
          parsed.error.issues[0]?.message ?? '',
        );
      copy.sites.push(parsed.data);
      return parsePlanInput(copy);
    }
    case 'new_language': {
      const subsidiary = copy.subsidiaries.find(
        (s) => s.code === whatIf.subsidiary || s.id === whatIf.subsidiary,
      );
      if (!subsidiary) throw invalid('whatIf.subsidiary', `no subsidiary ${whatIf.subsidiary} in the plan`);
      const like = copy.segments.filter(
        (s) => s.subsidiaryId === subsidiary.id && s.language === whatIf.like,
      );
      if (like.length === 0)
        throw invalid(
          'whatIf.like',
          `${subsidiary.code} has no ${whatIf.like} work to model ${whatIf.language} on`,
        );
      if (!(whatIf.share > 0 && whatIf.share <= 10))
        throw invalid('whatIf.share', 'a share of volume above 0');
      for (const segment of like)
        copy.segments.push({
          ...segment,
          language: whatIf.language,
          volumes: segment.volumes.map((v) => v * whatIf.share),
        });
      return parsePlanInput(copy);
    }
    case 'volume': {
      if (!(whatIf.factor >= 0)) throw invalid('whatIf.factor', 'a volume factor is 0 or more');
      const start = Date.parse(copy.start);
      const step = copy.intervalMinutes * 60_000;
      const from = whatIf.from ? Date.parse(whatIf.from) : Number.NEGATIVE_INFINITY;
      const to = whatIf.to ? Date.parse(whatIf.to) : Number.POSITIVE_INFINITY;
      if (Number.isNaN(from)) throw invalid('whatIf.from', 'must be a date or an instant');
      if (Number.isNaN(to)) throw invalid('whatIf.to', 'must be a date or an instant');
      const subsidiary = whatIf.subsidiary
        ? copy.subsidiaries.find((s) => s.code === whatIf.subsidiary || s.id === whatIf.subsidiary)
        : undefined;
      if (whatIf.subsidiary && !subsidiary)
        throw invalid('whatIf.subsidiary', `no subsidiary ${whatIf.subsidiary} in the plan`);
      for (const segment of copy.segments) {
        if (subsidiary && segment.subsidiaryId !== subsidiary.id) continue;
        segment.volumes = segment.volumes.map((v, t) => {
          const at = start + t * step;
          return at >= from && at < to ? v * whatIf.factor : v;
        });
      }
      return copy;
    }
  }
}

/** "Casablanca +10%", "new site PBM2", … — a what-if in a few words, for the table. */
export function whatIfName(whatIf: WhatIf): string {
  switch (whatIf.kind) {
    case 'site_cost': {
      const change = Math.round((whatIf.factor - 1) * 1000) / 10;
      return `${whatIf.site} cost ${change >= 0 ? '+' : ''}${change}%`;
    }
    case 'new_site':
      return `new site ${whatIf.site.code}`;
    case 'new_language':
      return `new language ${whatIf.language} in ${whatIf.subsidiary}`;
    case 'volume': {
      const change = Math.round((whatIf.factor - 1) * 1000) / 10;
      const when = whatIf.from ? ` from ${whatIf.from}${whatIf.to ? ` to ${whatIf.to}` : ''}` : '';
      return `volume ${change >= 0 ? '+' : ''}${change}%${whatIf.subsidiary ? ` in ${whatIf.subsidiary}` : ''}${when}`;
    }
  }
}

const row = (name: string, result: PlanResult, bestshore: PlanResult | null): ScenarioRow => ({
  name,
  placement: result.placement,
  status: result.status,
  cost: result.totals.cost,
  againstBestshore:
    bestshore && bestshore.status === 'planned' && result.status === 'planned' && bestshore.totals.cost > 0
      ? Math.round((result.totals.cost / bestshore.totals.cost) * 1000) / 1000
      : null,
  serviceLevel: result.totals.serviceLevel,
  abandonment: result.totals.abandonment,
  quality: result.totals.quality,
  onshoreShare: result.totals.onshoreShare,
  agentHours: result.totals.agentHours,
  reasons: result.reasons.slice(0, 3).map((r) => r.message),
  details: result.reasons.slice(0, 3),
  seconds: result.solver.seconds,
});

/**
 * Plans each scenario and compares them. Each what-if is planned bestshore and compared with the
 * bestshore plan of the unchanged work; all onshore and all offshore likewise.
 */
export async function compareScenarios(
  input: PlanInput,
  whatIfs: WhatIf[] = [],
  options: SolveOptions = {},
): Promise<{ rows: ScenarioRow[]; bestshore: PlanResult }> {
  const bestshore = await solvePlan(input, { ...options, placement: 'bestshore' });
  const rows: ScenarioRow[] = [row('bestshore', bestshore, bestshore)];
  for (const scenario of DEFAULT_SCENARIOS.slice(1)) {
    const result = await solvePlan(input, { ...options, placement: scenario.placement });
    rows.push(row(scenario.name, result, bestshore));
  }
  for (const whatIf of whatIfs) {
    const result = await solvePlan(applyWhatIf(input, whatIf), { ...options, placement: 'bestshore' });
    rows.push(row(whatIfName(whatIf), result, bestshore));
  }
  return { rows, bestshore };
}
