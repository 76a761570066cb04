import { describe, expect, it } from 'vitest';
import type { SiteCalendar } from '../store/index.ts';
import { Router } from './engine.ts';
import type { Agent, Assignment, Decision, RoutingSite, RoutingWorld, WorkItem } from './types.ts';

const at = (iso: string): number => Date.parse(iso);
const SEC = 1000;

// The demo world's calendars, as sites carry them (hours in the site's own time zone).
const weekdays = (shifts: SiteCalendar['weekly']['mon']) =>
  Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, shifts])) as SiteCalendar['weekly'];
const PARIS: SiteCalendar = {
  weekly: {
    ...weekdays([
      { start: '08:00', end: '12:30' },
      { start: '13:30', end: '20:00' },
    ]),
    sat: [{ start: '09:00', end: '17:00' }],
  },
  holidays: [
    { date: '2026-11-11', name: 'Armistice 1918' },
    { date: '2026-12-25', name: 'Noël' },
  ],
  exceptions: [
    { date: '2026-12-24', intervals: [{ start: '08:00', end: '14:00' }], reason: 'Veille de Noël' },
  ],
};
const CASABLANCA: SiteCalendar = {
  weekly: {
    ...weekdays([{ start: '08:00', end: '20:00' }]),
    sat: [{ start: '08:00', end: '20:00' }],
    sun: [{ start: '09:00', end: '17:00' }],
  },
  holidays: [{ date: '2026-11-18', name: 'Fête de l’Indépendance' }],
  exceptions: [],
};
const PARAMARIBO: SiteCalendar = {
  weekly: Object.fromEntries(
    ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [{ start: '22:00', end: '06:00' }]]),
  ),
  holidays: [
    { date: '2026-11-25', name: 'Onafhankelijkheidsdag' },
    { date: '2026-12-25', name: 'Eerste Kerstdag' },
  ],
  exceptions: [],
};
const DAKAR: SiteCalendar = {
  weekly: {
    ...weekdays([
      { start: '08:00', end: '13:00' },
      { start: '15:00', end: '19:00' },
    ]),
  },
  holidays: [],
  exceptions: [],
};

const SITES: RoutingSite[] = [
  {
    id: 'paris',
    timeZone: 'Europe/Paris',
    calendar: PARIS,
    subsidiaryIds: ['FR', 'FRQ'],
    costPerContact: 900,
    qualityIndex: 90,
  },
  {
    id: 'casablanca',
    timeZone: 'Africa/Casablanca',
    calendar: CASABLANCA,
    subsidiaryIds: ['FR', 'FRQ'],
    costPerContact: 400,
    qualityIndex: 80,
  },
  {
    id: 'paramaribo',
    timeZone: 'America/Paramaribo',
    calendar: PARAMARIBO,
    subsidiaryIds: ['FR'],
    costPerContact: 500,
    qualityIndex: 75,
  },
  {
    id: 'dakar',
    timeZone: 'Africa/Dakar',
    calendar: DAKAR,
    subsidiaryIds: ['SN'],
    costPerContact: 300,
    qualityIndex: 80,
  },
];

const WORLD: RoutingWorld = {
  sites: SITES,
  subsidiaries: [
    { id: 'FR' },
    { id: 'FRQ', weights: { cost: 0, quality: 1, share: 0, proficiency: 0, fairness: 0, preferred: 0 } },
    { id: 'SN', fallbacks: [{ language: 'wo', fallback: 'fr', afterSeconds: 120 }] },
  ],
  queues: [
    {
      id: 'fr-chat',
      rings: [
        { afterSeconds: 0, sites: ['paris'], optionalSkills: 'all' },
        { afterSeconds: 30, sites: null, optionalSkills: 'none' },
      ],
    },
    { id: 'paris-only', rings: [{ afterSeconds: 0, sites: ['paris'], optionalSkills: 'none' }] },
    { id: 'night', rings: [{ afterSeconds: 0, sites: ['paramaribo'], optionalSkills: 'none' }] },
  ],
};

// Monday 23 November 2026, 10:00 in Paris and Casablanca, 06:00 in Paramaribo (closed).
const MON_10 = at('2026-11-23T09:00:00Z');

const agent = (id: string, siteId: string, over: Partial<Agent> = {}): Agent => ({
  id,
  siteId,
  languages: [{ tag: 'fr', proficiency: 5 }],
  skills: [],
  tier: 'level1',
  capacity: { perChannel: { chat: 3, email: 2, voice: 1 }, total: 3 },
  presence: 'available',
  shift: null,
  ...over,
});

const item = (id: string, over: Partial<WorkItem> = {}): WorkItem => ({
  id,
  subsidiaryId: 'FR',
  channel: 'chat',
  language: 'fr',
  requiredSkills: [],
  optionalSkills: [],
  tier: 'level1',
  priority: 'normal',
  slaDueAt: null,
  segment: null,
  preferredAgentId: null,
  arrivedAt: MON_10,
  ...over,
});

function routerWith(agents: Agent[], now = MON_10, world: RoutingWorld = WORLD): Router {
  const router = new Router(world);
  for (const a of agents) router.upsertAgent(a, now);
  return router;
}

function assigned(d: Decision | undefined): Assignment {
  if (d?.kind !== 'assigned') throw new Error(`expected an assignment, got ${JSON.stringify(d)}`);
  return d;
}

describe('language first', () => {
  it('never offers an item to an agent who does not speak its language', () => {
    const router = routerWith([
      agent('fr1', 'casablanca'),
      agent('ar1', 'casablanca', { languages: [{ tag: 'ar', proficiency: 5 }], presence: 'away' }),
    ]);
    const d = router.submit(item('i1', { language: 'ar' }), MON_10);
    expect(d).toMatchObject({ kind: 'waiting', reason: { code: 'all_agents_busy' } });
    expect(router.assigneeOf('i1')).toBeNull();
    // The Arabic speaker comes back: they take it, the French speaker never did.
    const [taken] = router.setPresence('ar1', 'available', MON_10 + 5 * SEC);
    expect(assigned(taken)).toMatchObject({
      itemId: 'i1',
      agentId: 'ar1',
      language: 'ar',
      fallbackLanguage: false,
    });
  });

  it('keeps an item whose language no site speaks waiting with a reason, never dropped', () => {
    const router = routerWith([agent('fr1', 'casablanca')]);
    const d = router.submit(item('i1', { language: 'nl' }), MON_10);
    expect(d).toMatchObject({ kind: 'waiting', reason: { code: 'language_not_served' } });
    expect(router.reasonFor('i1')?.message).toContain('speaks nl');
    router.tick(MON_10 + 3600 * SEC);
    expect(router.waitingItems().map((w) => [w.item.id, w.reason.code])).toEqual([
      ['i1', 'language_not_served'],
    ]);
  });

  it('falls back to the subsidiary’s configured language only after the wait, and says so', () => {
    const router = routerWith([agent('fr-dkr', 'dakar')]);
    const d = router.submit(item('w1', { subsidiaryId: 'SN', language: 'wo' }), MON_10);
    expect(d).toMatchObject({ kind: 'waiting', reason: { code: 'language_not_served' } });
    expect(router.reasonFor('w1')?.message).toContain('fr is accepted after 120 s');
    expect(router.tick(MON_10 + 119 * SEC)).toEqual([]);
    const [taken] = router.tick(MON_10 + 120 * SEC);
    expect(assigned(taken)).toMatchObject({
      itemId: 'w1',
      agentId: 'fr-dkr',
      language: 'fr',
      fallbackLanguage: true,
    });
  });

  it('gives a fallback item to a fallback speaker who frees capacity, and prefers a real speaker before the wait', () => {
    const router = routerWith([
      agent('fr-dkr', 'dakar', { capacity: { perChannel: { chat: 1 }, total: 1 } }),
      agent('wo-dkr', 'dakar', { languages: [{ tag: 'wo', proficiency: 4 }], presence: 'away' }),
    ]);
    assigned(router.submit(item('busy', { subsidiaryId: 'SN' }), MON_10));
    router.submit(item('w1', { subsidiaryId: 'SN', language: 'wo' }), MON_10);
    router.tick(MON_10 + 150 * SEC); // the fallback is acceptable now, but the French speaker is full
    const [next] = router.release('busy', MON_10 + 160 * SEC);
    expect(assigned(next)).toMatchObject({ itemId: 'w1', agentId: 'fr-dkr', fallbackLanguage: true });

    router.submit(item('w2', { subsidiaryId: 'SN', language: 'wo' }), MON_10 + 170 * SEC);
    const [wolof] = router.setPresence('wo-dkr', 'available', MON_10 + 171 * SEC);
    expect(assigned(wolof)).toMatchObject({
      itemId: 'w2',
      agentId: 'wo-dkr',
      language: 'wo',
      fallbackLanguage: false,
    });
  });
});

describe('rings that widen', () => {
  const agents = [
    agent('paris-billing', 'paris', { skills: [{ name: 'billing', proficiency: 4 }] }),
    agent('casa-fibre', 'casablanca', {
      skills: [
        { name: 'billing', proficiency: 4 },
        { name: 'fibre', proficiency: 3 },
      ],
    }),
    agent('casa-weak', 'casablanca', {
      skills: [
        { name: 'billing', proficiency: 2 },
        { name: 'fibre', proficiency: 5 },
      ],
    }),
  ];
  const needs = {
    queueId: 'fr-chat',
    requiredSkills: [{ name: 'billing', minProficiency: 3 }],
    optionalSkills: [{ name: 'fibre', minProficiency: 2 }],
  };

  it('relaxes sites and optional skills after the configured wait, never the required skills', () => {
    const router = routerWith(agents);
    const d = router.submit(item('i1', needs), MON_10);
    // Ring 0: Paris only, fibre demanded; the Paris agent has no fibre.
    expect(d).toMatchObject({ kind: 'waiting', reason: { code: 'no_agent_with_skills' } });
    expect(router.tick(MON_10 + 29 * SEC)).toEqual([]);
    const [taken] = router.tick(MON_10 + 30 * SEC);
    const a = assigned(taken);
    expect(a.ring).toBe(1);
    expect(a.agentId).not.toBe('casa-weak');
    expect(a.agentId).toBe('casa-fibre'); // cheaper site, same proficiency
  });

  it('never gives work to an agent below a required skill, however long it waits', () => {
    const router = routerWith(agents);
    router.submit(
      item('hard', { ...needs, requiredSkills: [{ name: 'billing', minProficiency: 5 }] }),
      MON_10,
    );
    for (let t = 1; t <= 20; t++) expect(router.tick(MON_10 + t * 60 * SEC)).toEqual([]);
    expect(router.reasonFor('hard')).toMatchObject({ code: 'no_agent_with_skills' });
    expect(router.reasonFor('hard')?.message).toContain('billing ≥ 5');
  });

  it('refuses a queue whose later ring narrows the sites or demands again a dropped skill', () => {
    const bad = (rings: NonNullable<RoutingWorld['queues']>[number]['rings']) => () =>
      new Router({ ...WORLD, queues: [{ id: 'q', rings }] });
    expect(
      bad([
        { afterSeconds: 0, sites: null, optionalSkills: 'none' },
        { afterSeconds: 30, sites: ['paris'], optionalSkills: 'none' },
      ]),
    ).toThrow(/keeps every site/);
    expect(
      bad([
        { afterSeconds: 0, sites: ['paris'], optionalSkills: 'none' },
        { afterSeconds: 30, sites: null, optionalSkills: 'all' },
      ]),
    ).toThrow(/optional skill/);
    expect(bad([{ afterSeconds: 10, sites: null, optionalSkills: 'none' }])).toThrow(
      /first ring starts at 0/,
    );
  });
});

describe('open now', () => {
  it('follows a split shift in the site’s time zone', () => {
    const router = routerWith([agent('p1', 'paris')]);
    const lunch = at('2026-11-23T11:45:00Z'); // 12:45 in Paris
    const d = router.submit(item('i1', { queueId: 'paris-only' }), lunch);
    expect(d).toMatchObject({ kind: 'waiting', reason: { code: 'no_site_open' } });
    expect(router.tick(at('2026-11-23T12:29:00Z'))).toEqual([]);
    const [taken] = router.tick(at('2026-11-23T12:30:00Z')); // 13:30 in Paris
    expect(assigned(taken)).toMatchObject({ itemId: 'i1', agentId: 'p1', trigger: 'tick' });
  });

  it('keeps a night shift open past midnight, and a holiday closes the night that starts on it', () => {
    const router = routerWith([agent('n1', 'paramaribo'), agent('n2', 'paramaribo')]);
    // 00:30 on Wednesday 25 November in Paramaribo: Tuesday’s shift, which started before the holiday.
    const d = router.submit(item('i1', { queueId: 'night' }), at('2026-11-25T03:30:00Z'));
    expect(assigned(d).siteId).toBe('paramaribo');
    // 00:30 on Thursday 26: the night shift would have started on the holiday.
    const closed = router.submit(item('i2', { queueId: 'night' }), at('2026-11-26T03:30:00Z'));
    expect(closed).toMatchObject({ kind: 'waiting', reason: { code: 'no_site_open' } });
  });

  it('closes on a holiday: Christmas in Paris sends French work elsewhere or makes it wait', () => {
    const router = routerWith([agent('p1', 'paris')]);
    const christmas = at('2026-12-25T10:00:00Z');
    expect(router.submit(item('i1', { queueId: 'paris-only' }), christmas)).toMatchObject({
      reason: { code: 'no_site_open' },
    });
    // Christmas Eve runs on its short day: open at 13:00, closed at 14:30.
    const eve = routerWith([agent('p1', 'paris')]);
    expect(eve.submit(item('e1', { queueId: 'paris-only' }), at('2026-12-24T12:00:00Z')).kind).toBe(
      'assigned',
    );
    expect(eve.submit(item('e2', { queueId: 'paris-only' }), at('2026-12-24T13:30:00Z')).kind).toBe(
      'waiting',
    );
  });

  it('sends work to a site configured 24/7 for the subsidiary, and only for it', () => {
    const world: RoutingWorld = {
      sites: [
        ...SITES,
        {
          id: 'always',
          timeZone: 'Europe/Lisbon',
          calendar: { weekly: { mon: [{ start: '09:00', end: '10:00' }] }, holidays: [], exceptions: [] },
          subsidiaryIds: ['FR', 'FRQ'],
          costPerContact: 1200,
          qualityIndex: 70,
          alwaysOpenFor: ['FR'],
        },
      ],
      subsidiaries: WORLD.subsidiaries,
    };
    const sundayNight = at('2026-11-22T23:00:00Z');
    const router = routerWith([agent('a1', 'always'), agent('p1', 'paris')], sundayNight, world);
    expect(assigned(router.submit(item('i1'), sundayNight)).agentId).toBe('a1');
    expect(router.submit(item('q1', { subsidiaryId: 'FRQ' }), sundayNight)).toMatchObject({
      reason: { code: 'no_site_open' },
    });
  });
});

describe('the bestshore score', () => {
  it('returns every part, and by default the cheaper site wins at similar quality', () => {
    const router = routerWith([agent('p1', 'paris'), agent('c1', 'casablanca')]);
    const a = assigned(router.submit(item('i1'), MON_10));
    expect(a.agentId).toBe('c1');
    expect(a.score.parts.map((p) => p.name)).toEqual([
      'cost',
      'quality',
      'share',
      'proficiency',
      'fairness',
      'preferred',
    ]);
    const cost = a.score.parts.find((p) => p.name === 'cost');
    // The cheapest site of the world (Dakar, 300) over Casablanca's 400.
    expect(cost).toMatchObject({ value: 0.75, weight: 0.3 });
    expect(a.score.total).toBeCloseTo(
      a.score.parts.reduce((sum, p) => sum + p.contribution, 0),
      12,
    );
    for (const p of a.score.parts) expect(p.contribution).toBeCloseTo(p.value * p.weight, 12);
  });

  it('keeps a reserve at another subsidiary’s only site: dearer for others’ work once it fills up', () => {
    // Dakar is the cheapest site and Senegal's only one; here it may also take French work.
    const sites = SITES.map((s) => (s.id === 'dakar' ? { ...s, subsidiaryIds: ['SN', 'FR'] } : s));
    // Cost alone decides here, so each step shows the reserve at work.
    const costOnly = { cost: 1, quality: 0, share: 0, proficiency: 0, fairness: 0, preferred: 0 };
    const world = {
      ...WORLD,
      sites,
      subsidiaries: WORLD.subsidiaries.map((s) => (s.id === 'FR' ? { ...s, weights: costOnly } : s)),
    };
    const reserved = routerWith([agent('d1', 'dakar'), agent('c1', 'casablanca')], MON_10, world);
    // Dakar has room to spare (its one agent takes 3 chats): French work goes there at its price.
    const first = assigned(reserved.submit(item('f1'), MON_10));
    expect(first.agentId).toBe('d1');
    expect(first.score.parts.find((p) => p.name === 'cost')?.value).toBe(1);
    expect(assigned(reserved.submit(item('f2'), MON_10)).agentId).toBe('d1');
    // Two of three chats taken: less than the reserve (35 %) is free, so for France Dakar now
    // counts 300 × 2 = 600 and Casablanca (400) is cheaper.
    const third = assigned(reserved.submit(item('f3'), MON_10));
    expect(third.agentId).toBe('c1');
    // For Senegal, its own site keeps its price and takes the last chat.
    const sn = assigned(reserved.submit(item('s1', { subsidiaryId: 'SN' }), MON_10));
    expect(sn.agentId).toBe('d1');
    expect(sn.score.parts.find((p) => p.name === 'cost')?.value).toBe(1);
    // Without a premium the cheapest site is filled with French work.
    const plain = routerWith([agent('d1', 'dakar'), agent('c1', 'casablanca')], MON_10, {
      ...world,
      soleSitePremium: 0,
    });
    for (const id of ['f1', 'f2', 'f3']) expect(assigned(plain.submit(item(id), MON_10)).agentId).toBe('d1');
    expect(() => new Router({ ...world, soleSiteReserve: 1.5 })).toThrow(/soleSiteReserve/);
  });

  it('follows the subsidiary’s weights: quality only sends the same item to Paris', () => {
    const router = routerWith([agent('p1', 'paris'), agent('c1', 'casablanca')]);
    const a = assigned(router.submit(item('q1', { subsidiaryId: 'FRQ' }), MON_10));
    expect(a.agentId).toBe('p1');
    expect(a.score.parts.find((p) => p.name === 'quality')).toMatchObject({
      value: 0.9,
      weight: 1,
      contribution: 0.9,
    });
    expect(a.score.parts.find((p) => p.name === 'cost')?.weight).toBe(0);
  });

  it('uses the plan’s target shares: a site behind its share gains', () => {
    const world: RoutingWorld = {
      ...WORLD,
      subsidiaries: [
        {
          id: 'FR',
          weights: { cost: 0, quality: 0, share: 1, proficiency: 0, fairness: 0, preferred: 0 },
          targetShares: { paris: 0.5, casablanca: 0.5 },
        },
      ],
    };
    const many = { capacity: { perChannel: { chat: 10 }, total: 10 } };
    const router = routerWith([agent('p1', 'paris', many), agent('c1', 'casablanca', many)], MON_10, world);
    const sites = [1, 2, 3, 4].map((n) => assigned(router.submit(item(`s${n}`), MON_10)).siteId);
    expect(sites.filter((s) => s === 'paris')).toHaveLength(2);
    expect(sites.filter((s) => s === 'casablanca')).toHaveLength(2);
  });

  it('prefers the agent who helped this customer last', () => {
    const router = routerWith([agent('c1', 'casablanca'), agent('c2', 'casablanca')]);
    const a = assigned(router.submit(item('i1', { preferredAgentId: 'c2' }), MON_10));
    expect(a.agentId).toBe('c2');
    expect(a.score.parts.find((p) => p.name === 'preferred')?.value).toBe(1);
  });

  it('is fair between two equal agents: load first, then idle time', () => {
    const router = routerWith([agent('c1', 'casablanca'), agent('c2', 'casablanca')]);
    const first = assigned(router.submit(item('i1'), MON_10)).agentId;
    const second = assigned(router.submit(item('i2'), MON_10)).agentId;
    expect(new Set([first, second])).toEqual(new Set(['c1', 'c2']));
    // c2 frees first, c1 later: c2 has been idle longer and takes the next item.
    router.release(first === 'c2' ? 'i1' : 'i2', MON_10 + 10 * SEC);
    router.release(first === 'c1' ? 'i1' : 'i2', MON_10 + 100 * SEC);
    expect(assigned(router.submit(item('i3'), MON_10 + 110 * SEC)).agentId).toBe('c2');
  });
});

describe('capacity, presence, shifts', () => {
  it('respects capacity per channel and in total', () => {
    const router = routerWith([
      agent('c1', 'casablanca', { capacity: { perChannel: { chat: 2, email: 2 }, total: 3 } }),
    ]);
    assigned(router.submit(item('c-1'), MON_10));
    assigned(router.submit(item('c-2'), MON_10));
    expect(router.submit(item('c-3'), MON_10)).toMatchObject({ reason: { code: 'all_agents_busy' } });
    assigned(router.submit(item('e-1', { channel: 'email' }), MON_10));
    expect(router.submit(item('e-2', { channel: 'email' }), MON_10).kind).toBe('waiting'); // total reached
    expect(router.submit(item('v-1', { channel: 'voice' }), MON_10).kind).toBe('waiting'); // no voice at all
    expect(router.loadOf('c1')).toEqual({ total: 3, perChannel: { chat: 2, email: 1 } });
    // A chat ends: the next chat in line comes in (the email waited too but arrived later).
    const [next] = router.release('c-1', MON_10 + 60 * SEC);
    expect(assigned(next).itemId).toBe('c-3');
  });

  it('gives work only to available agents; becoming available pulls the first waiting item', () => {
    const router = routerWith([agent('c1', 'casablanca', { presence: 'away' })]);
    expect(router.submit(item('i1'), MON_10).kind).toBe('waiting');
    router.setPresence('c1', 'busy', MON_10 + SEC);
    expect(router.assigneeOf('i1')).toBeNull();
    const [taken] = router.setPresence('c1', 'available', MON_10 + 2 * SEC);
    expect(assigned(taken)).toMatchObject({ itemId: 'i1', agentId: 'c1', trigger: 'agent_free' });
  });

  it('gives no work outside the agent’s shift', () => {
    const router = routerWith([
      agent('c1', 'casablanca', { shift: [{ from: MON_10 + 3600 * SEC, to: MON_10 + 8 * 3600 * SEC }] }),
    ]);
    expect(router.submit(item('i1'), MON_10).kind).toBe('waiting');
    expect(router.submit(item('i2'), MON_10 + 3600 * SEC).kind).toBe('assigned');
  });

  it('hands out waiting work by priority, then SLA due time, then arrival', () => {
    const router = routerWith([
      agent('c1', 'casablanca', { capacity: { perChannel: { chat: 1 }, total: 1 } }),
    ]);
    assigned(router.submit(item('busy'), MON_10));
    router.submit(item('normal-early', { arrivedAt: MON_10 - 60 * SEC }), MON_10);
    router.submit(item('high-late-due', { priority: 'high', slaDueAt: MON_10 + 900 * SEC }), MON_10);
    router.submit(item('high-soon-due', { priority: 'high', slaDueAt: MON_10 + 300 * SEC }), MON_10);
    router.submit(item('urgent', { priority: 'urgent' }), MON_10);
    expect(router.waitingItems().map((w) => w.item.id)).toEqual([
      'urgent',
      'high-soon-due',
      'high-late-due',
      'normal-early',
    ]);
    const order: string[] = [];
    let holding = 'busy';
    for (let n = 1; n <= 4; n++) {
      const [d] = router.release(holding, MON_10 + n * SEC);
      holding = assigned(d).itemId;
      order.push(holding);
    }
    expect(order).toEqual(['urgent', 'high-soon-due', 'high-late-due', 'normal-early']);
  });
});

describe('escalation and identity', () => {
  it('re-queues an escalated item with its new tier, keeping its arrival; the freed agent takes the next one', () => {
    const router = routerWith([
      agent('l1', 'casablanca', { capacity: { perChannel: { chat: 1 }, total: 1 } }),
      agent('l2', 'paris', { tier: 'level2' }),
    ]);
    assigned(router.submit(item('i1', { arrivedAt: MON_10 - 300 * SEC }), MON_10));
    router.submit(item('i2'), MON_10);
    const [escalated, next] = router.escalate('i1', 'level2', MON_10 + 60 * SEC);
    expect(assigned(escalated)).toMatchObject({ itemId: 'i1', agentId: 'l2', trigger: 'escalation' });
    expect(assigned(next)).toMatchObject({ itemId: 'i2', agentId: 'l1' });
    const [again] = router.escalate('i1', 'expert', MON_10 + 120 * SEC);
    expect(again).toMatchObject({ kind: 'waiting', reason: { code: 'no_agent_of_tier' } });
    expect(router.waitingItems()[0]?.item).toMatchObject({
      id: 'i1',
      tier: 'expert',
      arrivedAt: MON_10 - 300 * SEC,
    });
  });

  it('refuses an item already held: it is never assigned twice', () => {
    const router = routerWith([agent('c1', 'casablanca'), agent('c2', 'casablanca')]);
    assigned(router.submit(item('i1'), MON_10));
    expect(() => router.submit(item('i1'), MON_10)).toThrow(/never assigned twice/);
    expect(router.loadOf('c1').total + router.loadOf('c2').total).toBe(1);
  });

  it('refuses bad configuration with a clear message', () => {
    const router = routerWith([]);
    expect(() => router.upsertAgent(agent('mute', 'paris', { languages: [] }), MON_10)).toThrow(
      /speaks at least one language/,
    );
    expect(() => router.upsertAgent(agent('lost', 'atlantis'), MON_10)).toThrow(/unknown site atlantis/);
    const never: RoutingSite = {
      id: 'never',
      timeZone: 'Europe/Paris',
      calendar: { weekly: {}, holidays: [], exceptions: [] },
      subsidiaryIds: ['FR'],
      costPerContact: 1,
      qualityIndex: 1,
    };
    expect(() => new Router({ sites: [never], subsidiaries: [] })).toThrow(/calendar never opens/);
    expect(
      () =>
        new Router({
          sites: [{ ...never, id: 'x', timeZone: 'Mars/Olympus', calendar: PARIS }],
          subsidiaries: [],
        }),
    ).toThrow(/unknown time zone/);
  });
});

describe('restoring assignments held in the store', () => {
  it('counts a restored assignment as load; releasing it pulls the next waiting item', () => {
    const router = routerWith([
      agent('c1', 'casablanca', { capacity: { perChannel: { chat: 1, email: 1 }, total: 2 } }),
    ]);
    router.restoreAssignment(item('held', { arrivedAt: MON_10 - 600 * SEC }), 'c1', MON_10);
    expect(router.loadOf('c1')).toEqual({ total: 1, perChannel: { chat: 1 } });
    expect(router.assigneeOf('held')).toBe('c1');
    // The chat slot is taken: the next chat waits; an email still fits.
    expect(router.submit(item('next'), MON_10)).toMatchObject({ reason: { code: 'all_agents_busy' } });
    expect(assigned(router.submit(item('mail', { channel: 'email' }), MON_10)).agentId).toBe('c1');
    const [pulled] = router.release('held', MON_10 + 60 * SEC);
    expect(assigned(pulled)).toMatchObject({ itemId: 'next', agentId: 'c1', trigger: 'agent_free' });
    expect(router.loadOf('c1')).toEqual({ total: 2, perChannel: { chat: 1, email: 1 } });
  });

  it('lets a restored assignment be escalated like any other', () => {
    const router = routerWith([agent('c1', 'casablanca'), agent('l2', 'paris', { tier: 'level2' })]);
    router.restoreAssignment(item('held'), 'c1', MON_10);
    const [escalated] = router.escalate('held', 'level2', MON_10 + SEC);
    expect(assigned(escalated)).toMatchObject({ itemId: 'held', agentId: 'l2' });
    expect(router.loadOf('c1').total).toBe(0);
  });

  it('respects capacity in total and per channel, and refuses what it does not know', () => {
    const router = routerWith([
      agent('c1', 'casablanca', { capacity: { perChannel: { chat: 2, email: 2 }, total: 3 } }),
    ]);
    router.restoreAssignment(item('h1'), 'c1', MON_10);
    router.restoreAssignment(item('h2'), 'c1', MON_10);
    expect(() => router.restoreAssignment(item('h3'), 'c1', MON_10)).toThrow(
      /agent c1 holds 2 of 3 \(2 of 2 on chat\): restoring h3 would exceed their capacity/,
    );
    router.restoreAssignment(item('e1', { channel: 'email' }), 'c1', MON_10);
    expect(() => router.restoreAssignment(item('e2', { channel: 'email' }), 'c1', MON_10)).toThrow(
      /would exceed their capacity/,
    );
    expect(() => router.restoreAssignment(item('v1', { channel: 'voice' }), 'c1', MON_10)).toThrow(
      /would exceed/,
    );
    expect(router.loadOf('c1')).toEqual({ total: 3, perChannel: { chat: 2, email: 1 } });
    expect(() => router.restoreAssignment(item('x'), 'ghost', MON_10)).toThrow(/agent ghost was not found/);
    expect(() => router.restoreAssignment(item('h1'), 'c1', MON_10)).toThrow(/never assigned twice/);
    expect(() => router.restoreAssignment(item('y', { subsidiaryId: 'XX' }), 'c1', MON_10)).toThrow(
      /unknown subsidiary XX/,
    );
    expect(() => router.restoreAssignment(item('z', { queueId: 'nope' }), 'c1', MON_10)).toThrow(
      /unknown queue nope/,
    );
    // Nothing refused was counted.
    expect(router.loadOf('c1').total).toBe(3);
    expect(() => router.assigneeOf('h3')).toThrow(/not found/);
  });

  it('counts restored assignments in the site shares', () => {
    const world: RoutingWorld = {
      ...WORLD,
      subsidiaries: [
        {
          id: 'FR',
          weights: { cost: 0, quality: 0, share: 1, proficiency: 0, fairness: 0, preferred: 0 },
          targetShares: { paris: 0.5, casablanca: 0.5 },
        },
      ],
    };
    const many = { capacity: { perChannel: { chat: 10 }, total: 10 } };
    const router = routerWith([agent('p1', 'paris', many), agent('c1', 'casablanca', many)], MON_10, world);
    for (const n of [1, 2, 3]) router.restoreAssignment(item(`old${n}`), 'p1', MON_10);
    // Paris already has its half and more: the next three go to Casablanca.
    const sites = [1, 2, 3].map((n) => assigned(router.submit(item(`s${n}`), MON_10)).siteId);
    expect(sites).toEqual(['casablanca', 'casablanca', 'casablanca']);
  });
});
