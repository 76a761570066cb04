import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSiteOpen } from '../organisation/index.ts';
import type { SiteCalendar } from '../store/index.ts';
import { Router } from './engine.ts';
import type { Agent, Decision, Presence, RoutingSite, RoutingWorld, Tier, WorkItem } from './types.ts';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const CALENDARS: SiteCalendar[] = [
  {
    weekly: Object.fromEntries(
      DAYS.slice(0, 5).map((d) => [
        d,
        [
          { start: '08:00', end: '12:30' },
          { start: '13:30', end: '20:00' },
        ],
      ]),
    ),
    holidays: [{ date: '2026-11-25', name: 'holiday' }],
    exceptions: [],
  },
  {
    weekly: Object.fromEntries(DAYS.map((d) => [d, [{ start: '22:00', end: '06:00' }]])),
    holidays: [{ date: '2026-11-24', name: 'holiday' }],
    exceptions: [],
  },
  { weekly: { mon: [{ start: '09:00', end: '10:00' }] }, holidays: [], exceptions: [] },
];
const ZONES = ['Europe/Paris', 'America/Paramaribo', 'Indian/Antananarivo'];
const LANGS = ['fr', 'wo', 'ar'];
const SKILLS = ['x', 'y'];
const TIERS: Tier[] = ['level1', 'level2', 'expert', 'back_office'];
const PRESENCES: Presence[] = ['available', 'busy', 'away', 'offline'];
// Mostly available agents and the two common tiers, so that assignments happen often.
const presenceArb = fc.oneof(
  { weight: 4, arbitrary: fc.constant<Presence>('available') },
  { weight: 1, arbitrary: fc.constantFrom(...PRESENCES) },
);
const tierArb = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom<Tier>('level1', 'level2') },
  { weight: 1, arbitrary: fc.constantFrom(...TIERS) },
);
const CHANNELS = ['chat', 'email'];
const START = Date.parse('2026-11-23T06:00:00Z');
const FALLBACK_AFTER = 60_000;
const RING_AFTER = 30_000;

const subset = <T>(xs: T[]) => fc.subarray(xs);
const skillList = fc.array(
  fc.record({ name: fc.constantFrom(...SKILLS), proficiency: fc.integer({ min: 1, max: 5 }) }),
  {
    maxLength: 2,
  },
);

const siteArb = (i: number) =>
  fc
    .record({
      calendar: fc.integer({ min: 0, max: CALENDARS.length - 1 }),
      zone: fc.constantFrom(...ZONES),
      subsidiaryIds: fc.constantFrom(['A', 'B'], ['A', 'B'], ['A'], ['B'], []),
      alwaysOpenFor: subset(['A', 'B']),
      costPerContact: fc.integer({ min: 100, max: 1000 }),
      qualityIndex: fc.integer({ min: 0, max: 100 }),
    })
    .map(
      (s): RoutingSite => ({
        id: `s${i}`,
        timeZone: s.zone,
        calendar: CALENDARS[s.calendar] as SiteCalendar,
        subsidiaryIds: [...s.subsidiaryIds],
        alwaysOpenFor: s.alwaysOpenFor,
        costPerContact: s.costPerContact,
        qualityIndex: s.qualityIndex,
      }),
    );

const agentArb = (i: number) =>
  fc
    .record({
      site: fc.integer({ min: 0, max: 2 }),
      languages: fc.uniqueArray(fc.constantFrom(...LANGS), { minLength: 1, maxLength: 2 }),
      skills: skillList,
      tier: tierArb,
      chat: fc.integer({ min: 0, max: 3 }),
      email: fc.integer({ min: 0, max: 2 }),
      total: fc.integer({ min: 0, max: 4 }),
      presence: presenceArb,
      shift: fc.option(
        fc.record({ from: fc.integer({ min: 0, max: 6 }), hours: fc.integer({ min: 1, max: 8 }) }),
      ),
    })
    .map(
      (a): Agent => ({
        id: `a${i}`,
        siteId: `s${a.site}`,
        languages: a.languages.map((tag) => ({ tag, proficiency: 3 })),
        skills: [...new Map(a.skills.map((s) => [s.name, s])).values()],
        tier: a.tier,
        capacity: { perChannel: { chat: a.chat, email: a.email }, total: a.total },
        presence: a.presence,
        shift: a.shift
          ? [
              {
                from: START + a.shift.from * 3_600_000,
                to: START + (a.shift.from + a.shift.hours) * 3_600_000,
              },
            ]
          : null,
      }),
    );

const itemArb = fc.record({
  subsidiaryId: fc.constantFrom('A', 'B'),
  channel: fc.constantFrom(...CHANNELS),
  language: fc.constantFrom(...LANGS, 'nl'),
  required: fc.array(
    fc.record({ name: fc.constantFrom(...SKILLS), minProficiency: fc.integer({ min: 1, max: 3 }) }),
    {
      maxLength: 1,
    },
  ),
  optional: fc.array(
    fc.record({ name: fc.constantFrom(...SKILLS), minProficiency: fc.integer({ min: 1, max: 3 }) }),
    {
      maxLength: 1,
    },
  ),
  tier: tierArb,
  priority: fc.constantFrom('low', 'normal', 'high', 'urgent' as const),
  queued: fc.boolean(),
  preferred: fc.option(fc.integer({ min: 0, max: 9 })),
});

const opArb = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('submit' as const), item: itemArb }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('release' as const), pick: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('presence' as const),
      pick: fc.nat(),
      presence: fc.constantFrom(...PRESENCES),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('escalate' as const),
      pick: fc.nat(),
      tier: tierArb,
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('withdraw' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('tick' as const) }) },
);

const worldArb = fc.record({
  sites: fc.tuple(siteArb(0), siteArb(1), siteArb(2)),
  agents: fc
    .integer({ min: 2, max: 12 })
    .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => agentArb(i)))),
  ops: fc.array(fc.record({ op: opArb, advance: fc.integer({ min: 0, max: 20 * 60_000 }) }), {
    minLength: 20,
    maxLength: 60,
  }),
});

interface Held {
  item: WorkItem;
  queuedAt: number;
  agentId: string | null;
}

describe('the router, whatever the world', () => {
  const seen = { assigned: 0, fallback: 0, widened: 0 };

  it('never breaks language, skills, tier, capacity, presence, shift or opening hours; never assigns twice; every waiting item has a reason', () => {
    fc.assert(
      fc.property(worldArb, ({ sites, agents, ops }) => {
        const world: RoutingWorld = {
          sites,
          subsidiaries: [
            { id: 'A', fallbacks: [{ language: 'wo', fallback: 'fr', afterSeconds: FALLBACK_AFTER / 1000 }] },
            { id: 'B' },
          ],
          queues: [
            {
              id: 'q',
              rings: [
                { afterSeconds: 0, sites: ['s0'], optionalSkills: 'all' },
                { afterSeconds: RING_AFTER / 1000, sites: null, optionalSkills: 'none' },
              ],
            },
          ],
        };
        const router = new Router(world);
        const agentById = new Map<string, Agent>();
        const load = new Map<string, Map<string, number>>();
        const held = new Map<string, Held>();
        let now = START;
        let seq = 0;

        const check = (d: Decision): void => {
          const h = held.get(d.itemId);
          expect(h, `decision for unknown item ${d.itemId}`).toBeDefined();
          if (!h) return;
          if (d.kind === 'waiting') {
            expect(h.agentId).toBeNull();
            return;
          }
          expect(h.agentId, `${d.itemId} assigned twice`).toBeNull();
          seen.assigned += 1;
          if (d.fallbackLanguage) seen.fallback += 1;
          if (d.ring > 0) seen.widened += 1;
          const a = agentById.get(d.agentId) as Agent;
          const site = sites.find((s) => s.id === a.siteId) as RoutingSite;
          const item = h.item;
          expect(a.presence).toBe('available');
          expect(a.tier).toBe(item.tier);
          const speaks = a.languages.some((l) => l.tag === item.language);
          if (!speaks) {
            expect(item.subsidiaryId === 'A' && item.language === 'wo').toBe(true);
            expect(now - h.queuedAt).toBeGreaterThanOrEqual(FALLBACK_AFTER);
            expect(a.languages.some((l) => l.tag === 'fr')).toBe(true);
            expect(d).toMatchObject({ fallbackLanguage: true, language: 'fr' });
          } else expect(d.fallbackLanguage).toBe(false);
          const skill = (name: string) => a.skills.find((s) => s.name === name)?.proficiency ?? 0;
          for (const r of item.requiredSkills) expect(skill(r.name)).toBeGreaterThanOrEqual(r.minProficiency);
          if (item.queueId === 'q' && now - h.queuedAt < RING_AFTER) {
            expect(site.id).toBe('s0');
            for (const r of item.optionalSkills)
              expect(skill(r.name)).toBeGreaterThanOrEqual(r.minProficiency);
          }
          expect(site.subsidiaryIds).toContain(item.subsidiaryId);
          const open =
            (site.alwaysOpenFor ?? []).includes(item.subsidiaryId) ||
            isSiteOpen(site.calendar, site.timeZone, new Date(Math.floor(now / 60_000) * 60_000));
          expect(open).toBe(true);
          if (a.shift) expect(a.shift.some((w) => w.from <= now && now < w.to)).toBe(true);
          const l = load.get(a.id) ?? new Map<string, number>();
          l.set(item.channel, (l.get(item.channel) ?? 0) + 1);
          load.set(a.id, l);
          const total = [...l.values()].reduce((s, n) => s + n, 0);
          expect(total).toBeLessThanOrEqual(a.capacity.total);
          expect(l.get(item.channel)).toBeLessThanOrEqual(a.capacity.perChannel[item.channel] ?? 0);
          h.agentId = a.id;
        };
        const free = (h: Held): void => {
          if (!h.agentId) return;
          const l = load.get(h.agentId);
          l?.set(h.item.channel, (l.get(h.item.channel) ?? 1) - 1);
          h.agentId = null;
        };

        for (const a of agents) {
          agentById.set(a.id, a);
          router.upsertAgent(a, now).forEach(check);
        }
        for (const { op, advance } of ops) {
          now += advance;
          const list = [...held.values()];
          if (op.kind === 'submit') {
            const item: WorkItem = {
              id: `i${seq++}`,
              subsidiaryId: op.item.subsidiaryId,
              channel: op.item.channel,
              language: op.item.language,
              requiredSkills: op.item.required,
              optionalSkills: op.item.optional,
              tier: op.item.tier,
              priority: op.item.priority,
              slaDueAt: null,
              segment: null,
              preferredAgentId: op.item.preferred === null ? null : `a${op.item.preferred}`,
              arrivedAt: now,
              queueId: op.item.queued ? 'q' : undefined,
            };
            held.set(item.id, { item, queuedAt: now, agentId: null });
            check(router.submit(item, now));
          } else if (op.kind === 'release') {
            const assignedNow = list.filter((h) => h.agentId);
            const h = assignedNow[op.pick % Math.max(1, assignedNow.length)];
            if (!h) continue;
            free(h);
            held.delete(h.item.id);
            router.release(h.item.id, now).forEach(check);
          } else if (op.kind === 'presence') {
            const a = agents[op.pick % Math.max(1, agents.length)];
            if (!a) continue;
            const updated = { ...a, presence: op.presence };
            agentById.set(a.id, updated);
            router.setPresence(a.id, op.presence, now).forEach(check);
          } else if (op.kind === 'escalate') {
            const h = list[op.pick % Math.max(1, list.length)];
            if (!h) continue;
            free(h);
            h.item = { ...h.item, tier: op.tier };
            h.queuedAt = now;
            router.escalate(h.item.id, op.tier, now).forEach(check);
          } else if (op.kind === 'withdraw') {
            const waiting = list.filter((h) => !h.agentId);
            const h = waiting[op.pick % Math.max(1, waiting.length)];
            if (!h) continue;
            held.delete(h.item.id);
            router.withdraw(h.item.id);
          } else router.tick(now).forEach(check);

          const waiting = [...held.values()].filter((h) => !h.agentId);
          expect(router.waitingSize).toBe(waiting.length);
          for (const h of waiting) {
            expect(router.assigneeOf(h.item.id)).toBeNull();
            expect(router.reasonFor(h.item.id)?.message.length).toBeGreaterThan(0);
          }
          for (const h of held.values()) if (h.agentId) expect(router.assigneeOf(h.item.id)).toBe(h.agentId);
        }
      }),
      { numRuns: 300 },
    );
    // The worlds are not vacuous: assignments, fallbacks and widened rings all happen.
    expect(seen.assigned).toBeGreaterThan(50);
    expect(seen.fallback).toBeGreaterThan(0);
    expect(seen.widened).toBeGreaterThan(0);
  });
});
