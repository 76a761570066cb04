import { describe, expect, it } from 'vitest';
import {
  engineRings,
  policyIssues,
  queueIssues,
  RoutingPolicyInput,
  type SiteFacts,
  subsidiaryPolicy,
} from './config.ts';

const SN = { id: 'sn', code: 'SN' };
const dakar = '0193a000-0000-7000-8000-000000000001';
const casa = '0193a000-0000-7000-8000-000000000002';
const paris = '0193a000-0000-7000-8000-000000000003';
const sites: SiteFacts[] = [
  { id: dakar, code: 'DKR', subsidiaryIds: ['sn'], languages: ['fr', 'wo'] },
  { id: casa, code: 'CAS', subsidiaryIds: ['sn', 'ma'], languages: ['fr', 'ar'] },
  { id: paris, code: 'PAR', subsidiaryIds: ['fr'], languages: ['fr', 'en'] },
];
const policy = (input: unknown) => RoutingPolicyInput.parse(input);
const paths = (issues: Array<{ path: string }>) => issues.map((i) => i.path);

describe('routing policy checks', () => {
  it('accepts weights, a fallback a serving site speaks and shares that add up to at most 1', () => {
    const input = policy({
      weights: { cost: 0, quality: 1 },
      fallbacks: [{ language: 'wo', fallback: 'fr', afterSeconds: 120 }],
      targetShares: { [dakar]: 0.6, [casa]: 0.4 },
    });
    expect(policyIssues(SN, input, sites)).toEqual([]);
  });

  it('names every field at fault', () => {
    const issues = policyIssues(
      SN,
      policy({
        weights: { cost: -1 },
        fallbacks: [
          { language: 'wo', fallback: 'wo', afterSeconds: 60 },
          { language: 'ff', fallback: 'en', afterSeconds: 60 },
          { language: 'wo', fallback: 'fr', afterSeconds: 60 },
        ],
        targetShares: { [dakar]: 1.5, [casa]: 0.5, [paris]: 0.1 },
      }),
      sites,
    );
    expect(issues).toEqual([
      { path: 'weights.cost', message: 'a weight is ≥ 0 (got -1)' },
      { path: 'fallbacks.0.fallback', message: 'wo falls back to itself: a fallback names another language' },
      // English is spoken in Paris, which does not serve Senegal.
      { path: 'fallbacks.1.fallback', message: 'no site serving SN speaks en' },
      { path: 'fallbacks.2.language', message: 'wo has a fallback already (fallbacks.0)' },
      { path: `targetShares.${dakar}`, message: 'a share is between 0 and 1 (got 1.5)' },
      { path: `targetShares.${paris}`, message: 'site PAR does not serve SN' },
    ]);
  });

  it('refuses shares that add up to more than 1', () => {
    const issues = policyIssues(SN, policy({ targetShares: { [dakar]: 0.7, [casa]: 0.5 } }), sites);
    expect(issues).toEqual([{ path: 'targetShares', message: 'the shares add up to 1.2; at most 1' }]);
  });

  it('gives the router only shares of sites that still serve the subsidiary; none means equal shares', () => {
    const row = { weights: { cost: 1 }, fallbacks: [], target_shares: { dakar: 0.5, paris: 0.5 } };
    expect(subsidiaryPolicy('sn', row, new Set(['dakar', 'casa']))).toEqual({
      id: 'sn',
      weights: { cost: 1 },
      fallbacks: [],
      targetShares: { dakar: 0.5 },
    });
    expect(
      subsidiaryPolicy('sn', { ...row, target_shares: {} }, new Set(['dakar'])).targetShares,
    ).toBeUndefined();
  });
});

const billing = { name: 'billing', minProficiency: 2 };
const vip = { name: 'vip', minProficiency: 1 };
const french = { name: 'french_native', minProficiency: 1 };

describe('queue checks', () => {
  it('dropSkills and rings that say nothing about skills become what each ring still demands', () => {
    expect(
      engineRings(
        [vip, french],
        [
          { afterSeconds: 0, sites: [dakar] },
          { afterSeconds: 30, sites: null, dropSkills: ['vip'] },
          { afterSeconds: 60, sites: null },
          { afterSeconds: 90, sites: null, dropSkills: ['french_native'] },
        ],
      ),
    ).toEqual([
      { afterSeconds: 0, sites: [dakar], optionalSkills: 'all' },
      { afterSeconds: 30, sites: null, optionalSkills: ['french_native'] },
      { afterSeconds: 60, sites: null, optionalSkills: ['french_native'] },
      { afterSeconds: 90, sites: null, optionalSkills: 'none' },
    ]);
  });

  it('a ring that drops a required skill is refused: required skills never relax', () => {
    const issues = queueIssues(
      SN,
      {
        requiredSkills: [billing],
        optionalSkills: [vip],
        rings: [
          { afterSeconds: 0, sites: [dakar] },
          { afterSeconds: 30, sites: null, dropSkills: ['vip'] },
          { afterSeconds: 60, sites: null, dropSkills: ['billing'] },
        ],
      },
      sites,
    );
    expect(issues).toEqual([
      {
        path: 'rings.2.dropSkills.0',
        message: 'ring 2 drops required skill billing; required skills never relax',
      },
    ]);
  });

  it('names rings that start too early, sites that do not serve the subsidiary, and rings that narrow', () => {
    const issues = queueIssues(
      SN,
      {
        requiredSkills: [],
        optionalSkills: [vip],
        rings: [
          { afterSeconds: 10, sites: [dakar, paris] },
          { afterSeconds: 10, sites: [casa], optionalSkills: 'none' },
          { afterSeconds: 20, sites: [casa, dakar], optionalSkills: 'all' },
        ],
      },
      sites,
    );
    expect(paths(issues)).toEqual([
      'rings.0.afterSeconds',
      'rings.0.sites.1',
      'rings.1.afterSeconds',
      'rings.1.sites',
      'rings.1.sites',
      'rings.2.optionalSkills',
    ]);
    expect(issues[1]?.message).toBe('site PAR does not serve SN');
    expect(issues[2]?.message).toBe(
      'ring 1 starts at 10 s, not after ring 0 (10 s): each ring starts later than the one before',
    );
    expect(issues[3]?.message).toBe('ring 1 leaves out site DKR of ring 0: rings only widen');
    expect(issues[5]?.message).toBe('ring 2 demands vip again, which ring 1 dropped: rings only widen');
  });

  it('a ring names only the queue’s optional skills, and a skill is required or optional, not both', () => {
    const issues = queueIssues(
      SN,
      {
        requiredSkills: [billing],
        optionalSkills: [billing, vip],
        rings: [{ afterSeconds: 0, sites: null, optionalSkills: ['billing', 'spanish'] }],
      },
      sites,
    );
    expect(issues).toEqual([
      { path: 'optionalSkills.0.name', message: 'billing is a required skill already' },
      {
        path: 'rings.0.optionalSkills.0',
        message: 'ring 0 lists required skill billing as optional; required skills never relax',
      },
      {
        path: 'rings.0.optionalSkills.1',
        message: "ring 0 names spanish, which is not one of the queue's optional skills",
      },
    ]);
  });
});
