import type { Score, ScorePart, ScorePartName, ScoreWeights } from './types.ts';

/**
 * Default weights: cost first (bestshore), then quality, the plan's shares, proficiency,
 * fairness and the preferred agent. A subsidiary overrides any of them.
 */
export const DEFAULT_WEIGHTS: Readonly<ScoreWeights> = {
  cost: 0.3,
  quality: 0.2,
  share: 0.15,
  proficiency: 0.15,
  fairness: 0.1,
  preferred: 0.1,
};

export const SCORE_PARTS: readonly ScorePartName[] = [
  'cost',
  'quality',
  'share',
  'proficiency',
  'fairness',
  'preferred',
];

/** What one candidate brings, each part a value between 0 and 1 (see docs/routing.md). */
export type PartValues = Record<ScorePartName, number>;

const clamp01 = (x: number): number => (x < 0 ? 0 : x > 1 ? 1 : x);

/** Cost: the cheapest site's cost per contact over this site's, 1 for the cheapest. */
export const costValue = (siteCost: number, cheapest: number): number =>
  siteCost <= 0 ? 1 : clamp01(cheapest / siteCost);

/** Quality: the site's quality index (0–100) as 0–1. */
export const qualityValue = (qualityIndex: number): number => clamp01(qualityIndex / 100);

/**
 * Share: how far the site is below its target share of the subsidiary's contacts,
 * (1 + target − actual) / 2 — 0.5 on target, above when behind, below when ahead.
 */
export const shareValue = (target: number, actual: number): number => clamp01((1 + target - actual) / 2);

/**
 * Fairness: half idle time (since the agent last freed capacity, full at `horizonMs`),
 * half free capacity (1 − load / total).
 */
export const fairnessValue = (idleMs: number, horizonMs: number, load: number, total: number): number =>
  0.5 * clamp01(idleMs / horizonMs) + 0.5 * (total > 0 ? clamp01(1 - load / total) : 0);

/** The weighted sum, without building the parts: what candidates are compared on. */
export function scoreTotal(v: PartValues, w: ScoreWeights): number {
  return (
    v.cost * w.cost +
    v.quality * w.quality +
    v.share * w.share +
    v.proficiency * w.proficiency +
    v.fairness * w.fairness +
    v.preferred * w.preferred
  );
}

/** The score with its parts, for the decision a supervisor reads. */
export function scoreWithParts(v: PartValues, w: ScoreWeights): Score {
  const parts: ScorePart[] = SCORE_PARTS.map((name) => ({
    name,
    value: v[name],
    weight: w[name],
    contribution: v[name] * w[name],
  }));
  return { total: scoreTotal(v, w), parts };
}
