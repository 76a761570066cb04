import { describe, expect, it } from 'vitest';
import type { SiteCalendar } from '../store/index.ts';
import {
  type ChannelProfile,
  curveFromCsv,
  type SimulationOptions,
  type SimWorld,
  simulate,
} from './simulate.ts';
import type { Agent } from './types.ts';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const ALWAYS: SiteCalendar = {
  weekly: Object.fromEntries(DAYS.map((d) => [d, [{ start: '00:00', end: '24:00' }]])),
  holidays: [],
  exceptions: [],
};
// Open on Sundays only: closed all through a simulated Monday.
const SUNDAYS: SiteCalendar = {
  weekly: { sun: [{ start: '09:00', end: '17:00' }] },
  holidays: [],
  exceptions: [],
};

const CHAT_ONLY: ChannelProfile[] = [
  {
    channel: 'chat',
    share: 1,
    targetSeconds: 60,
    serviceMeanSeconds: 300,
    serviceSdSeconds: 120,
    patienceMeanSeconds: 300,
  },
];

const agent = (id: string, siteId: string, languages: string[]): Agent => ({
  id,
  siteId,
  languages: languages.map((tag) => ({ tag, proficiency: 5 })),
  skills: [],
  tier: 'level1',
  capacity: { perChannel: { chat: 2 }, total: 2 },
  presence: 'available',
  shift: null,
});

/** Half the customers write in English; only the dear site speaks it. */
function world(calendar: SiteCalendar = ALWAYS): SimWorld {
  return {
    sites: [
      {
        id: 'cheap',
        name: 'Cheap',
        timeZone: 'Africa/Casablanca',
        calendar,
        subsidiaryIds: ['X'],
        costPerContact: 100,
        qualityIndex: 85,
      },
      {
        id: 'dear',
        name: 'Dear',
        timeZone: 'Europe/Paris',
        calendar,
        subsidiaryIds: ['X'],
        costPerContact: 400,
        qualityIndex: 90,
      },
    ],
    subsidiaries: [{ id: 'X', timeZone: 'Europe/Paris', share: 1, languages: { fr: 0.5, en: 0.5 } }],
    agents: [
      agent('c1', 'cheap', ['fr']),
      agent('c2', 'cheap', ['fr']),
      agent('c3', 'cheap', ['fr']),
      agent('d1', 'dear', ['fr', 'en']),
      agent('d2', 'dear', ['fr', 'en']),
      agent('d3', 'dear', ['fr', 'en']),
    ],
  };
}

const options = (over: Partial<SimulationOptions> = {}): SimulationOptions => ({
  seed: 7,
  start: Date.parse('2026-11-23T00:00:00Z'), // a Monday
  days: 1,
  volume: 300,
  channels: CHAT_ONLY,
  drainHours: 2,
  ...over,
});

const policy = (r: ReturnType<typeof simulate>, name: string) => {
  const p = r.policies.find((x) => x.name === name);
  if (!p) throw new Error(`no ${name}`);
  return p;
};

describe('the routing simulator', () => {
  it('gives the same result for the same seed, and other traffic for another seed', () => {
    const a = simulate(world(), options());
    expect(simulate(world(), options())).toEqual(a);
    expect(a.contacts).toBeGreaterThan(200);
    const b = simulate(world(), options({ seed: 8 }));
    expect(b.contacts).not.toBe(a.contacts);
  });

  it('round-robin hands English speakers to agents who do not speak English; the router never does', () => {
    const r = simulate(world(), options());
    expect(policy(r, 'round-robin').languageMatch).toBeLessThan(0.9);
    expect(policy(r, 'skills-only').languageMatch).toBe(1);
    expect(policy(r, 'bestshore').languageMatch).toBe(1);
  });

  it('bestshore answers at the cheaper site where it can, so a contact costs less', () => {
    const r = simulate(world(), options());
    const rr = policy(r, 'round-robin');
    const best = policy(r, 'bestshore');
    expect(best.costPerContact).toBeLessThan(rr.costPerContact);
    expect(best.sites.find((s) => s.siteId === 'cheap')?.contacts).toBeGreaterThan(
      rr.sites.find((s) => s.siteId === 'cheap')?.contacts ?? 0,
    );
  });

  it("a subsidiary's own weights reach the router: quality first sends work to the better, dearer site", () => {
    const quality = world();
    (quality.subsidiaries[0] as SimWorld['subsidiaries'][number]).weights = { cost: 0, quality: 1 };
    const dear = (w: SimWorld) =>
      policy(simulate(w, options()), 'bestshore').sites.find((s) => s.siteId === 'dear')?.contacts ?? 0;
    expect(dear(quality)).toBeGreaterThan(dear(world()));
  });

  it('customers abandon when no site is open, and nothing is answered', () => {
    const r = simulate(world(SUNDAYS), options({ drainHours: 0 }));
    for (const p of r.policies) {
      expect(p.answered).toBe(0);
      expect(p.abandoned).toBeGreaterThan(0);
      expect(p.abandoned + p.unanswered).toBe(p.offered);
      expect(p.serviceLevel).toBe(0);
      expect(p.sites.every((s) => s.occupancy === 0)).toBe(true);
    }
  });

  it('metrics add up: every contact answered, abandoned or still waiting, each answer at one site', () => {
    const r = simulate(world(), options({ volume: 2000 }));
    for (const p of r.policies) {
      expect(p.offered).toBe(r.contacts);
      expect(p.answered + p.abandoned + p.unanswered).toBe(p.offered);
      expect(p.sites.reduce((s, x) => s + x.contacts, 0)).toBe(p.answered);
      expect(p.serviceLevel).toBeLessThanOrEqual(p.answered / p.offered);
      expect(p.abandonment).toBeCloseTo(p.abandoned / p.offered, 10);
      expect(p.p90WaitSeconds).toBeGreaterThanOrEqual(0);
      for (const s of p.sites) expect(s.occupancy).toBeLessThanOrEqual(1);
    }
  });

  it('reads an intraday curve from a CSV and refuses a malformed one, naming the line', () => {
    const csv = 'rownames,DateTime,Calls\n1,2003-03-03T07:00:00Z,10\n2,2003-03-03T07:05:00Z,30\n';
    const curve = curveFromCsv(csv);
    expect(curve.slots[84]).toBe(10);
    expect(curve.slots[85]).toBe(30);
    expect(curve.slots[0]).toBe(0);
    expect(() => curveFromCsv('a,b\n1,2')).toThrow(
      /line 1: expected a header with the columns DateTime and Calls/,
    );
    expect(() => curveFromCsv(`${csv}3,2003-03-03T07:10:00Z,many\n`)).toThrow(/line 4: Calls "many"/);
    expect(() => curveFromCsv(`${csv}3,yesterday,4\n`)).toThrow(/line 4: DateTime "yesterday"/);
  });
});
