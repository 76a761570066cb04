import { describe, expect, it } from 'vitest';
import { DomainError } from '../core/index.ts';
import {
  applyWhatIf,
  compareScenarios,
  type PlanInputRaw,
  type PlanResult,
  parsePlanInput,
  requiredAgents,
  sampleInstance,
  solvePlan,
} from './index.ts';

// A Monday in Paris (UTC+1 in winter): 2026-11-30T00:00 local is 2026-11-29T23:00Z.
const MONDAY = '2026-11-29T23:00:00.000Z';
const everyDay = (shifts: Array<{ start: string; end: string }>) => ({
  weekly: { mon: shifts, tue: shifts, wed: shifts, thu: shifts, fri: shifts, sat: shifts, sun: shifts },
  holidays: [],
  exceptions: [],
});

type Site = PlanInputRaw['sites'][number];
const site = (over: Partial<Site> & Pick<Site, 'id' | 'code' | 'country'>): Site => ({
  name: over.code,
  operator: 'in_house',
  timeZone: 'Europe/Paris',
  calendar: everyDay([{ start: '08:00', end: '20:00' }]),
  languages: [{ tag: 'fr', proficiency: 5 }],
  tiers: ['level1', 'level2'],
  subsidiaryIds: ['fr'],
  cost: { amount: 40, currency: 'EUR' },
  qualityIndex: 85,
  seats: 200,
  shrinkage: 0.3,
  ...over,
});

const paris = site({
  id: 'par',
  code: 'PAR',
  country: 'FR',
  cost: { amount: 48, currency: 'EUR' },
  qualityIndex: 90,
});
const casablanca = site({
  id: 'cas',
  code: 'CAS',
  country: 'MA',
  operator: 'partner',
  partnerName: 'Atlas',
  timeZone: 'Africa/Casablanca',
  calendar: everyDay([{ start: '07:00', end: '23:00' }]),
  languages: [
    { tag: 'fr', proficiency: 5 },
    { tag: 'ar', proficiency: 5 },
  ],
  tiers: ['level1'],
  cost: { amount: 180, currency: 'MAD' },
  qualityIndex: 80,
});

type Segment = PlanInputRaw['segments'][number];
const voice = (volumes: number[], over: Partial<Segment> = {}): Segment => ({
  subsidiaryId: 'fr',
  language: 'fr',
  channel: 'voice',
  tier: 'level1',
  volumes,
  ahtSeconds: 300,
  target: { kind: 'live', serviceLevel: 0.8, withinSeconds: 20 },
  ...over,
});

/** Hours of one day from Paris midnight, 30-minute intervals. */
const day = (perInterval: (t: number) => number) => Array.from({ length: 48 }, (_, t) => perInterval(t));
const businessHours = (t: number) => (t >= 20 && t < 36 ? 40 : 0); // 10:00–18:00 Paris

function plan(over: Partial<PlanInputRaw>): PlanInputRaw {
  return {
    start: MONDAY,
    intervalMinutes: 30,
    intervals: 48,
    currency: 'EUR',
    rates: { MAD: 0.092 },
    subsidiaries: [{ id: 'fr', code: 'FR', country: 'FR', timeZone: 'Europe/Paris' }],
    sites: [paris, casablanca],
    segments: [voice(day(businessHours))],
    rules: { onshoreTiers: ['level2'], residency: [], partners: [], maxOccupancy: 1, outOfHours: 'refuse' },
    ...over,
  };
}

const solve = (raw: PlanInputRaw, options = {}) => solvePlan(parsePlanInput(raw), options);
const siteShare = (result: PlanResult, code: string) => result.sites.find((s) => s.code === code)?.share ?? 0;
const rowsAt = (result: PlanResult, code: string) => result.staff.filter((r) => r.site === code);

describe('the site mix', () => {
  it('puts level-1 work on the cheaper site and costs it at whole agents by Erlang', async () => {
    const result = await solve(plan({}));
    expect(result.status).toBe('planned');
    expect(siteShare(result, 'CAS')).toBe(1);
    const agents = requiredAgents({
      contacts: 40,
      intervalSeconds: 1800,
      handlingSeconds: 300,
      target: { level: 0.8, withinSeconds: 20 },
      maxOccupancy: 1,
    }).agents;
    // 16 half-hours at Casablanca's 180 MAD × 0.092 an hour.
    expect(result.totals.cost).toBeCloseTo(16 * agents * 0.5 * 180 * 0.092, 1);
    expect(result.totals.serviceLevel).toBeGreaterThanOrEqual(0.8);
    expect(result.shares).toEqual({ fr: { cas: 1 } });
    expect(result.solver.method).toBe('highs-mip');
    expect(result.solver.gap).toBeLessThanOrEqual(0.005);
  });

  it('keeps level-2 work onshore and the cheap site out of tiers it does not serve', async () => {
    const result = await solve(plan({ segments: [voice(day(businessHours), { tier: 'level2' })] }));
    expect(result.status).toBe('planned');
    expect(siteShare(result, 'PAR')).toBe(1);
  });

  it('never puts more agents in a site than it has seats, and spills the rest onto the next cheapest', async () => {
    const small = { ...casablanca, seats: 8 };
    const result = await solve(plan({ sites: [paris, small] }));
    expect(result.status).toBe('planned');
    expect(siteShare(result, 'CAS')).toBeGreaterThan(0);
    expect(siteShare(result, 'PAR')).toBeGreaterThan(0);
    const peakAtCas = Math.max(...rowsAt(result, 'CAS').map((r) => r.scheduled));
    expect(peakAtCas).toBeLessThanOrEqual(8);
  });

  it("reads each site's opening hours in its own time zone", async () => {
    // Paramaribo (UTC−3) opens 05:00–09:00 its time: 09:00–13:00 in Paris. Cheapest, so it takes those hours.
    const paramaribo = site({
      id: 'pbm',
      code: 'PBM',
      country: 'SR',
      timeZone: 'America/Paramaribo',
      calendar: everyDay([{ start: '05:00', end: '09:00' }]),
      cost: { amount: 10, currency: 'EUR' },
    });
    const result = await solve(plan({ sites: [paris, paramaribo] }));
    const hours = rowsAt(result, 'PBM').map((r) => r.interval);
    expect(Math.min(...hours)).toBe(20); // 10:00 Paris, the first interval with work
    expect(Math.max(...hours)).toBe(25); // 12:30–13:00 Paris, Paramaribo's last
    expect(rowsAt(result, 'PAR').every((r) => r.interval >= 26)).toBe(true);
  });

  it('says in words when no open site speaks a language at a tier, and when', async () => {
    // Wolof level-2 calls on a Sunday night, 02:00–06:00 Paris, and only Paris speaks Wolof.
    const sunday = 6 * 48;
    const volumes = Array.from({ length: 7 * 48 }, (_, t) => (t >= sunday + 4 && t < sunday + 12 ? 2 : 0));
    const result = await solve(
      plan({
        intervals: 7 * 48,
        sites: [{ ...paris, languages: [{ tag: 'wo', proficiency: 5 }] }, casablanca],
        segments: [voice(volumes, { language: 'wo', tier: 'level2' })],
      }),
    );
    expect(result.status).toBe('no_plan');
    expect(result.reasons).toHaveLength(1);
    expect(result.reasons[0]).toMatchObject({
      code: 'closed',
      language: 'wo',
      tier: 'level2',
      subsidiary: 'FR',
    });
    expect(result.reasons[0]?.message).toContain('no open site speaks Wolof at level 2');
    expect(result.reasons[0]?.message).toContain('Sunday 02:00–06:00 (Europe/Paris time');
  });

  it('lets live work that arrives while closed wait for the opening when the rules say so', async () => {
    const early = day((t) => (t === 10 ? 5 : businessHours(t))); // 05:00 Paris: every site is closed
    const refused = await solve(plan({ segments: [voice(early)] }));
    expect(refused.status).toBe('no_plan');
    const waited = await solve(
      plan({
        segments: [voice(early)],
        rules: { onshoreTiers: ['level2'], residency: [], partners: [], maxOccupancy: 1, outOfHours: 'wait' },
      }),
    );
    expect(waited.status).toBe('planned');
    expect(waited.totals.waitedForOpening).toBe(5);
    expect(waited.totals.contacts).toBeCloseTo(16 * 40 + 5, 6);
    expect(waited.warnings[0]?.code).toBe('closed');
  });

  it('names the language no site speaks, the onshore rule and the residency rule', async () => {
    const result = await solve(
      plan({
        subsidiaries: [
          { id: 'fr', code: 'FR', country: 'FR', timeZone: 'Europe/Paris' },
          { id: 'de', code: 'DE', country: 'DE', timeZone: 'Europe/Berlin' },
        ],
        sites: [paris, { ...casablanca, subsidiaryIds: ['fr', 'de'], tiers: ['level1', 'level2'] }],
        segments: [
          voice(day(businessHours), { language: 'pt' }),
          voice(day(businessHours), { subsidiaryId: 'de', language: 'ar', tier: 'level2' }),
          voice(day(businessHours), { subsidiaryId: 'de', language: 'ar' }),
        ],
        rules: {
          onshoreTiers: ['level2'],
          residency: [{ subsidiaryId: 'de', countries: ['DE', 'FR'] }],
          partners: [],
          maxOccupancy: 1,
          outOfHours: 'refuse',
        },
      }),
    );
    expect(result.status).toBe('no_plan');
    expect(result.reasons.map((r) => r.code)).toEqual(['no_site_language', 'onshore_rule', 'residency_rule']);
    expect(result.reasons[0]?.message).toBe('no site serving FR speaks Portuguese at proficiency 3 or more');
    expect(result.reasons[1]?.message).toContain('level 2 work of DE stays in Germany');
    expect(result.reasons[2]?.message).toContain("DE's data stays in Germany, France");
  });

  it("holds a partner's maximum share and says when its minimum cannot be reached", async () => {
    const capped = await solve(
      plan({
        rules: {
          onshoreTiers: [],
          residency: [],
          partners: [{ name: 'Atlas', maxShare: 0.4 }],
          maxOccupancy: 1,
          outOfHours: 'refuse',
        },
      }),
    );
    expect(capped.status).toBe('planned');
    expect(siteShare(capped, 'CAS')).toBeLessThanOrEqual(0.4 + 1e-6);
    expect(siteShare(capped, 'CAS')).toBeGreaterThan(0.3);

    const impossible = await solve(
      plan({
        segments: [voice(day(businessHours), { tier: 'level2' })],
        rules: {
          onshoreTiers: [],
          residency: [],
          partners: [{ name: 'Atlas', minShare: 0.3 }],
          maxOccupancy: 1,
          outOfHours: 'refuse',
        },
      }),
    );
    expect(impossible.status).toBe('no_plan');
    expect(impossible.reasons[0]?.code).toBe('partner_min');
    expect(impossible.reasons[0]?.message).toContain('Atlas must take at least 30%');
  });

  it('meets a quality floor by moving work to better sites, and says when no mix can', async () => {
    const floor = (minQuality: number) =>
      plan({
        rules: {
          onshoreTiers: [],
          residency: [],
          partners: [],
          maxOccupancy: 1,
          outOfHours: 'refuse',
          minQuality,
        },
      });
    const mixed = await solve(floor(86));
    expect(mixed.status).toBe('planned');
    expect(mixed.totals.quality).toBeGreaterThanOrEqual(86 - 0.5);
    expect(siteShare(mixed, 'PAR')).toBeGreaterThan(0);
    const impossible = await solve(floor(95));
    expect(impossible.reasons.map((r) => r.code)).toEqual(['quality']);
  });

  it('clears deferred work within its deadline in business hours, on the cheapest open site', async () => {
    // Email all day long, due within 4 business hours; both sites closed at night.
    const email: Segment = {
      ...voice(day(() => 6)),
      channel: 'email',
      target: { kind: 'deferred', withinHours: 4 },
    };
    const result = await solve(plan({ segments: [email] }));
    expect(result.status).toBe('planned');
    expect(siteShare(result, 'CAS')).toBe(1);
    const handled = result.staff.reduce((sum, r) => sum + r.contacts, 0);
    // What arrives in the last hours is carried to the next day, never more than its window.
    expect(handled).toBeGreaterThan(48 * 6 - 8 * 6 - 1);
    expect(handled).toBeLessThanOrEqual(48 * 6 + 1e-6);
    // Night arrivals wait for 07:00 in Casablanca (UTC+1 like Paris: interval 14), and go first.
    expect(Math.min(...result.staff.map((r) => r.interval))).toBe(14);
  });

  it('costs no more than the greedy cheapest-open-site baseline, nor than all onshore', async () => {
    const input = parsePlanInput(sampleInstance({ days: 1, subsidiaries: ['FR', 'BE'] }));
    input.rules.minQuality = undefined;
    input.rules.partners = [];
    const best = await solvePlan(input);
    const greedy = await solvePlan(input, { method: 'greedy' });
    expect(best.status).toBe('planned');
    expect(best.totals.cost).toBeLessThanOrEqual(greedy.totals.cost + 1e-6);
    const { rows } = await compareScenarios(input);
    const onshore = rows.find((r) => r.name === 'all onshore');
    expect(onshore?.status).toBe('planned');
    expect(onshore?.againstBestshore).toBeGreaterThan(1);
    for (const shares of Object.values(best.shares))
      expect(Object.values(shares).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
  });

  it('applies what-ifs to a copy: a dearer site, more volume', async () => {
    const input = parsePlanInput(plan({}));
    const dearer = applyWhatIf(input, { kind: 'site_cost', site: 'CAS', factor: 1.1 });
    expect(dearer.sites[1]?.cost.amount).toBeCloseTo(198, 6);
    expect(input.sites[1]?.cost.amount).toBe(180);
    const peak = applyWhatIf(input, { kind: 'volume', factor: 1.5, from: '2026-11-30T11:00:00Z' });
    expect(peak.segments[0]?.volumes[23]).toBe(40);
    expect(peak.segments[0]?.volumes[24]).toBe(60);
    expect(() => applyWhatIf(input, { kind: 'site_cost', site: 'XYZ', factor: 2 })).toThrow(/no site XYZ/);
  });
});

describe('bad plan input', () => {
  const refusal = (raw: unknown): string[] => {
    try {
      parsePlanInput(raw);
    } catch (error) {
      if (error instanceof DomainError) return error.issues.map((i) => `${i.path}: ${i.message}`);
      throw error;
    }
    return [];
  };

  it('names the field of each problem', () => {
    expect(refusal(plan({ segments: [voice(day((t) => (t === 3 ? -1 : 0)))] }))).toEqual([
      'segments.0.volumes.3: a volume is 0 or more',
    ]);
    expect(
      refusal(
        plan({
          segments: [
            voice(day(businessHours), { target: { kind: 'live', serviceLevel: 1.2, withinSeconds: 20 } }),
          ],
        }),
      ),
    ).toEqual(['segments.0.target.serviceLevel: a service-level target is at most 100% (write 0.8 for 80%)']);
    expect(refusal(plan({ segments: [voice(day(businessHours), { ahtSeconds: 0 })] }))).toEqual([
      'segments.0.ahtSeconds: handling time must be above 0 seconds',
    ]);
    expect(refusal(plan({ sites: [{ ...paris, timeZone: 'Mars/Olympus_Mons' }] }))[0]).toMatch(
      /^sites\.0\.timeZone: must be an IANA time zone/,
    );
    expect(refusal(plan({ intervalMinutes: 7 }))).toEqual([
      'intervalMinutes: must divide the day (15, 30 or 60, say)',
    ]);
    expect(refusal(plan({ intervals: 40 }))).toEqual([
      'segments.0.volumes: has 48 values; the plan has 40 intervals',
    ]);
    expect(refusal(plan({ rates: {} }))).toEqual(['rates.MAD: no rate converts MAD (site CAS) into EUR']);
  });
});
