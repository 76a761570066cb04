import { describe, expect, it } from 'vitest';
import { DomainError } from '../core/index.ts';
import { parsePlanInput, planAside, sampleInstance, solvePlan } from './index.ts';

describe('planning in a worker thread', () => {
  const input = parsePlanInput(sampleInstance({ days: 1, subsidiaries: ['FR', 'BE'] }));

  it('gives the plan solvePlan gives, and the main thread keeps running while it solves', async () => {
    let ticks = 0;
    const timer = setInterval(() => {
      ticks++;
    }, 20);
    const aside = await planAside(input, null).finally(() => clearInterval(timer));
    const here = await solvePlan(input);
    expect(aside.scenarios).toBeNull();
    expect(aside.plan.status).toBe('planned');
    expect(aside.plan.totals.cost).toBeCloseTo(here.totals.cost, 6);
    expect(aside.plan.shares).toEqual(here.shares);
    expect(ticks).toBeGreaterThan(0);
  });

  it('compares the scenarios and brings a refusal back as the same error', async () => {
    const { plan, scenarios } = await planAside(input, [{ kind: 'site_cost', site: 'CAS', factor: 1.1 }]);
    expect(plan.placement).toBe('bestshore');
    expect(scenarios?.map((r) => r.name)).toEqual([
      'bestshore',
      'all onshore',
      'all offshore',
      'CAS cost +10%',
    ]);
    const refused = await planAside(input, [{ kind: 'site_cost', site: 'NOPE', factor: 1.1 }]).catch(
      (e) => e,
    );
    expect(refused).toBeInstanceOf(DomainError);
    expect(refused.issues).toEqual([{ path: 'whatIf.site', message: 'no site NOPE in the plan' }]);
  });
});
