import { describe, expect, it } from 'vitest';
import { simulate } from '../routing/index.ts';
import { demoSimWorld } from './simulate.ts';

describe('a week of the demo world (docs/routing.md, "Simulator")', () => {
  it('bestshore answers for less per contact than round-robin, at no lower service level, always in the customer’s language', () => {
    const result = simulate(demoSimWorld(), {
      seed: 1,
      start: Date.parse('2026-11-23T00:00:00Z'),
      days: 7,
      volume: 4000,
      policies: ['round-robin', 'bestshore'],
    });
    const [rr, best] = result.policies;
    if (!rr || !best) throw new Error('both policies ran');
    expect(best.costPerContact).toBeLessThan(rr.costPerContact * 0.98);
    expect(best.serviceLevel).toBeGreaterThanOrEqual(rr.serviceLevel);
    expect(best.languageMatch).toBe(1);
    expect(rr.languageMatch).toBeLessThan(1);
  });
});
