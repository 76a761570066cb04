import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Actor,
  type Channel,
  type Context,
  DomainError,
  newId,
  permissionsOf,
  type Role,
  type Scope,
  SYSTEM_ACTOR,
  type Tier,
} from '../core/index.ts';
import { auditRow, type Db } from '../store/index.ts';
import { createFixture, type Fixture, freshStore } from '../testing/index.ts';
import { contactsBySegment, forecastFromHistory, readContactHistory } from './index.ts';

// A history of January 2025 written as Relais writes it: conversations, their messages, the
// router's assignments and escalations, and the audit rows that record reopening and escalating.
// Paris and Casablanca are both at UTC+1 in those weeks.

const MINUTE = 60_000;
const START = new Date('2025-02-03T00:00:00Z'); // a Monday
const NOW = new Date('2025-03-01T12:00:00Z');
const at = (iso: string) => new Date(iso);
const plus = (d: Date, minutes: number) => new Date(d.getTime() + minutes * MINUTE);

let store: Awaited<ReturnType<typeof freshStore>>;
let db: Db;
let f: Fixture;

interface Talk {
  subsidiary: 'fr' | 'ma';
  channel: Channel;
  language: string;
  tier: Tier;
  createdAt: Date;
}

async function conversation(talk: Talk): Promise<string> {
  const id = newId();
  const subsidiaryId = f.subsidiaries[talk.subsidiary].id;
  const customerId = talk.subsidiary === 'fr' ? f.customers.frAtCasablanca.id : f.customers.maAtCasablanca.id;
  await db
    .insertInto('conversations')
    .values({
      id,
      subsidiary_id: subsidiaryId,
      customer_id: customerId,
      site_id: f.sites.casablanca.id,
      assignee_id: null,
      channel: talk.channel,
      channels: [talk.channel],
      subject: 'history',
      language: talk.language,
      tier: talk.tier,
      required_skills: [],
      priority: 'normal',
      status: 'closed',
      first_response_due_at: null,
      resolution_due_at: null,
      first_responded_at: null,
      resolved_at: null,
      last_message_at: talk.createdAt,
      created_at: talk.createdAt,
      updated_at: talk.createdAt,
    })
    .execute();
  await message(id, subsidiaryId, { direction: 'inbound', channel: talk.channel, at: talk.createdAt });
  return id;
}

async function message(
  conversationId: string,
  subsidiaryId: string,
  m: { direction: 'inbound' | 'outbound'; channel: Channel; at: Date; agentId?: string; raw?: unknown },
): Promise<string> {
  const id = newId();
  await db
    .insertInto('messages')
    .values({
      id,
      conversation_id: conversationId,
      subsidiary_id: subsidiaryId,
      direction: m.direction,
      channel: m.channel,
      author_kind: m.direction === 'inbound' ? 'customer' : 'agent',
      author_id: m.agentId ?? null,
      text: 'text',
      raw: m.raw === undefined ? null : JSON.stringify(m.raw),
      raw_media_type: m.raw === undefined ? null : 'application/json',
      attachments: '[]',
      language: null,
      delivery_status: m.direction === 'inbound' ? 'received' : 'delivered',
      external_id: null,
      created_at: m.at,
    })
    .execute();
  return id;
}

async function decision(
  conversationId: string,
  subsidiaryId: string,
  d: { kind: 'assigned' | 'escalated'; tier: Tier; at: Date; agentId?: string },
): Promise<void> {
  await db
    .insertInto('routing_decisions')
    .values({
      id: newId(),
      conversation_id: conversationId,
      subsidiary_id: subsidiaryId,
      kind: d.kind,
      trigger: d.kind === 'assigned' ? 'arrival' : 'escalation',
      tier: d.tier,
      agent_id: d.agentId ?? null,
      site_id: f.sites.casablanca.id,
      ring: null,
      language: null,
      score_total: null,
      score_parts: '[]',
      reason_code: null,
      reason: null,
      actor_id: null,
      at: d.at,
    })
    .execute();
}

async function audit(conversationId: string, subsidiaryId: string, action: string, changes: unknown) {
  await db
    .insertInto('audit_log')
    .values(
      auditRow(SYSTEM_ACTOR, undefined, {
        action,
        entity: 'conversation',
        entityId: conversationId,
        subsidiaryId,
        changes,
      }),
    )
    .execute();
}

const actor = (role: Role, scope: Scope): Actor => ({
  kind: 'user',
  id: newId(),
  role,
  scope,
  permissions: new Set(permissionsOf(role)),
});
const ctxOf = (a: Actor): Context => ({ actor: a, now: NOW });

beforeAll(async () => {
  store = await freshStore();
  db = store.db;
  f = await createFixture(db);
  const fr = f.subsidiaries.fr.id;
  const ma = f.subsidiaries.ma.id;
  const agent = f.agents.casablanca.id;

  // France, chat in French: five arrivals on Monday 27 January, each taken by the router a minute
  // later and answered in a ten-minute sitting; the customer's next message two hours later is
  // another sitting.
  for (const time of ['08:10', '08:20', '08:40', '09:10', '09:20']) {
    const arrived = at(`2025-01-27T${time}:00Z`);
    const id = await conversation({
      subsidiary: 'fr',
      channel: 'chat',
      language: 'fr',
      tier: 'level1',
      createdAt: arrived,
    });
    const assigned = plus(arrived, 1);
    await decision(id, fr, { kind: 'assigned', tier: 'level1', at: assigned, agentId: agent });
    await message(id, fr, { direction: 'outbound', channel: 'chat', at: plus(assigned, 4), agentId: agent });
    await message(id, fr, { direction: 'inbound', channel: 'chat', at: plus(assigned, 6) });
    await message(id, fr, { direction: 'outbound', channel: 'chat', at: plus(assigned, 10), agentId: agent });
    await message(id, fr, { direction: 'inbound', channel: 'chat', at: plus(assigned, 130) });
    await message(id, fr, {
      direction: 'outbound',
      channel: 'chat',
      at: plus(assigned, 135),
      agentId: agent,
    });
  }

  // France, email: arrived at level 1 on Tuesday 28 January 10:05 Paris, escalated to level 2 at 11:15.
  const escalated = await conversation({
    subsidiary: 'fr',
    channel: 'email',
    language: 'fr',
    tier: 'level2',
    createdAt: at('2025-01-28T09:05:00Z'),
  });
  await decision(escalated, fr, {
    kind: 'assigned',
    tier: 'level1',
    at: at('2025-01-28T09:06:00Z'),
    agentId: agent,
  });
  await message(escalated, fr, {
    direction: 'outbound',
    channel: 'email',
    at: at('2025-01-28T09:16:00Z'),
    agentId: agent,
  });
  await decision(escalated, fr, { kind: 'escalated', tier: 'level2', at: at('2025-01-28T10:15:00Z') });
  await audit(escalated, fr, 'escalate', { from: 'level1', to: 'level2', reason: 'needs an expert' });

  // France, chat in English: arrived 20 January, a follow-up that reopened nothing, then resolved
  // and reopened on 29 January 14:45 Paris by a WhatsApp message.
  const reopened = await conversation({
    subsidiary: 'fr',
    channel: 'chat',
    language: 'en',
    tier: 'level1',
    createdAt: at('2025-01-20T13:00:00Z'),
  });
  const followUp = await message(reopened, fr, {
    direction: 'inbound',
    channel: 'chat',
    at: at('2025-01-20T13:05:00Z'),
  });
  await audit(reopened, fr, 'add_message', { messageId: followUp, direction: 'inbound', channel: 'chat' });
  const reopening = await message(reopened, fr, {
    direction: 'inbound',
    channel: 'whatsapp',
    at: at('2025-01-29T13:45:00Z'),
  });
  await audit(reopened, fr, 'add_message', {
    messageId: reopening,
    direction: 'inbound',
    channel: 'whatsapp',
    status: 'open',
  });

  // France, just inside the history (00:30 on its first local day, 9 December) and just outside it.
  await conversation({
    subsidiary: 'fr',
    channel: 'chat',
    language: 'fr',
    tier: 'level1',
    createdAt: at('2024-12-08T23:30:00Z'),
  });
  await conversation({
    subsidiary: 'fr',
    channel: 'chat',
    language: 'fr',
    tier: 'level1',
    createdAt: at('2024-12-08T22:30:00Z'),
  });
  await conversation({
    subsidiary: 'fr',
    channel: 'chat',
    language: 'fr',
    tier: 'level1',
    createdAt: at('2025-02-03T08:00:00Z'),
  });

  // Morocco, calls in Arabic on Monday 27 January at 11:00 local, each ended with its duration.
  for (const [i, seconds] of [100, 200, 300, 400, 500].entries()) {
    const arrived = at(`2025-01-27T10:0${i}:00Z`);
    const id = await conversation({
      subsidiary: 'ma',
      channel: 'voice',
      language: 'ar',
      tier: 'level1',
      createdAt: arrived,
    });
    await message(id, ma, {
      direction: 'inbound',
      channel: 'voice',
      at: plus(arrived, seconds / 60),
      raw: { event: 'ended', callId: `call-${i}`, durationSeconds: seconds },
    });
  }
});

afterAll(async () => {
  await store?.close();
});

describe('contact history from the store', () => {
  const read = (a: Actor, intervalMinutes = 30) =>
    readContactHistory(db, ctxOf(a), { until: START, days: 56, intervalMinutes });

  it('counts new conversations, escalations and reopenings per segment and local interval', async () => {
    const history = await read(SYSTEM_ACTOR);
    const fr = f.subsidiaries.fr.id;
    const ma = f.subsidiaries.ma.id;
    const at = (subsidiaryId: string, language: string, channel: string, tier: string) =>
      history.counts
        .filter(
          (c) =>
            c.subsidiaryId === subsidiaryId &&
            c.language === language &&
            c.channel === channel &&
            c.tier === tier,
        )
        .map(
          (c) =>
            `${c.date} ${String(Math.floor(c.minute / 60)).padStart(2, '0')}:${String(c.minute % 60).padStart(2, '0')} ${c.contacts}`,
        )
        .sort();
    expect(at(fr, 'fr', 'chat', 'level1')).toEqual([
      '2024-12-09 00:30 1',
      '2025-01-27 09:00 2',
      '2025-01-27 09:30 1',
      '2025-01-27 10:00 2',
    ]);
    // Level-1 work when it arrived, level-2 work when it was escalated.
    expect(at(fr, 'fr', 'email', 'level1')).toEqual(['2025-01-28 10:00 1']);
    expect(at(fr, 'fr', 'email', 'level2')).toEqual(['2025-01-28 11:00 1']);
    // A follow-up on an open conversation is not a contact; the message that reopened it is.
    expect(at(fr, 'en', 'chat', 'level1')).toEqual(['2025-01-20 14:00 1']);
    expect(at(fr, 'en', 'whatsapp', 'level1')).toEqual(['2025-01-29 14:30 1']);
    expect(at(ma, 'ar', 'voice', 'level1')).toEqual(['2025-01-27 11:00 5']);
    expect(history.counts.reduce((s, c) => s + c.contacts, 0)).toBe(15);
    expect(history.subsidiaries.map((s) => [s.code, s.firstDay, s.lastDay])).toEqual([
      ['FR', '2024-12-09', '2025-02-02'],
      ['MA', '2024-12-09', '2025-02-02'],
    ]);
    expect(history.from.toISOString()).toBe('2024-12-08T23:00:00.000Z');
    expect(history.to.toISOString()).toBe('2025-02-02T23:00:00.000Z');
  });

  it('counts in hours as well as in quarter-hours', async () => {
    const hourly = contactsBySegment(await read(SYSTEM_ACTOR, 60));
    const quarterly = contactsBySegment(await read(SYSTEM_ACTOR, 15));
    const totals = (rows: typeof hourly) =>
      Object.fromEntries(rows.map((r) => [`${r.language} ${r.channel} ${r.tier}`, r.contacts]));
    expect(totals(hourly)).toEqual(totals(quarterly));
    expect(totals(hourly)['fr chat level1']).toBe(6);
  });

  it('measures handling time from call durations and from agents’ sittings, when measured often enough', async () => {
    const history = await read(SYSTEM_ACTOR);
    const aht = Object.fromEntries(
      history.handlingTimes.map((h) => [`${h.language} ${h.channel} ${h.tier}`, [h.ahtSeconds, h.samples]]),
    );
    // Assignment to the agent's last reply before the two-hour pause: ten minutes, five times.
    expect(aht['fr chat level1']).toEqual([600, 5]);
    // The platform's call durations: 100 … 500 seconds.
    expect(aht['ar voice level1']).toEqual([300, 5]);
    // One sitting is not enough to say.
    expect(aht['fr email level1']).toBeUndefined();
    expect(history.handlingTimes).toHaveLength(2);
  });

  it('shows a subsidiary account only its own subsidiary, and refuses a site account', async () => {
    const fr = f.subsidiaries.fr.id;
    const ma = f.subsidiaries.ma.id;
    const frAdmin = actor('admin', { kind: 'subsidiary', subsidiaryId: fr });
    const maSupervisor = actor('supervisor', { kind: 'subsidiary', subsidiaryId: ma });
    const frHistory = await read(frAdmin);
    expect(new Set(frHistory.counts.map((c) => c.subsidiaryId))).toEqual(new Set([fr]));
    expect(frHistory.subsidiaries.map((s) => s.code)).toEqual(['FR']);
    expect(frHistory.handlingTimes.map((h) => h.subsidiaryId)).toEqual([fr]);
    const maHistory = await read(maSupervisor);
    expect(new Set(maHistory.counts.map((c) => c.subsidiaryId))).toEqual(new Set([ma]));
    expect(maHistory.counts.reduce((s, c) => s + c.contacts, 0)).toBe(5);

    const frForecast = await forecastFromHistory(db, ctxOf(frAdmin), {
      start: START,
      weeks: 1,
      intervalMinutes: 30,
    });
    expect(new Set(frForecast.segments.map((s) => s.subsidiaryId))).toEqual(new Set([fr]));
    expect(frForecast.history.contacts).toBe(10);

    const siteAdmin = actor('admin', { kind: 'site', siteId: f.sites.casablanca.id });
    await expect(read(siteAdmin)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(
      forecastFromHistory(db, ctxOf(siteAdmin), { start: START, weeks: 1, intervalMinutes: 30 }),
    ).rejects.toMatchObject({ code: 'forbidden' });
  });
});

describe('forecast from history', () => {
  it('gives every segment of the history one volume per interval of the weeks ahead', async () => {
    const set = await forecastFromHistory(db, ctxOf(SYSTEM_ACTOR), {
      start: START,
      weeks: 2,
      intervalMinutes: 30,
    });
    expect(set.start).toBe('2025-02-03T00:00:00.000Z');
    expect(set.intervalMinutes).toBe(30);
    expect(set.intervals).toBe(2 * 7 * 48);
    expect(set.history).toEqual({
      from: '2024-12-08T23:00:00.000Z',
      to: '2025-02-02T23:00:00.000Z',
      contacts: 15,
    });
    expect(set.method).toMatch(/top-down/);
    const keys = set.segments.map(
      (s) => `${s.subsidiaryId === f.subsidiaries.fr.id ? 'FR' : 'MA'} ${s.channel} ${s.language} ${s.tier}`,
    );
    expect(keys).toEqual([
      'FR chat en level1',
      'FR chat fr level1',
      'FR email fr level1',
      'FR email fr level2',
      'FR whatsapp en level1',
      'MA voice ar level1',
    ]);
    for (const segment of set.segments) {
      expect(segment.volumes).toHaveLength(set.intervals);
      expect(segment.volumes.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
    }
    const aht = Object.fromEntries(
      set.segments.map((s) => [`${s.channel} ${s.language} ${s.tier}`, s.ahtSeconds]),
    );
    expect(aht).toMatchObject({ 'chat fr level1': 600, 'voice ar level1': 300, 'email fr level2': null });
    // Morocco's calls: five on one Monday of eight, at 11:00 local; too few for the methods, so
    // each interval is its mean on the same weekday: 5 ÷ 8 on Mondays at 10:00 UTC, nothing else.
    const voice = set.segments.find((s) => s.channel === 'voice');
    const busy = (voice?.volumes ?? []).flatMap((v, i) =>
      v > 0 ? [`${new Date(START.getTime() + i * 30 * MINUTE).toISOString()} ${v}`] : [],
    );
    expect(busy).toEqual(['2025-02-03T10:00:00.000Z 0.625', '2025-02-10T10:00:00.000Z 0.625']);
  });

  it('refuses bad options, naming the field, and a history without contacts', async () => {
    const attempt = (options: Partial<Parameters<typeof forecastFromHistory>[2]>) =>
      forecastFromHistory(db, ctxOf(SYSTEM_ACTOR), {
        start: START,
        weeks: 1,
        intervalMinutes: 30,
        ...options,
      }).then(
        () => 'accepted',
        (error: unknown) =>
          error instanceof DomainError ? `${error.code} ${error.issues[0]?.path}` : String(error),
      );
    expect(await attempt({ weeks: 0 })).toBe('validation_failed weeks');
    expect(await attempt({ weeks: 9 })).toBe('validation_failed weeks');
    expect(await attempt({ weeks: 1.5 })).toBe('validation_failed weeks');
    expect(await attempt({ intervalMinutes: 25 })).toBe('validation_failed intervalMinutes');
    expect(await attempt({ intervalMinutes: 5 })).toBe('validation_failed intervalMinutes');
    expect(await attempt({ historyWeeks: 0 })).toBe('validation_failed historyWeeks');
    expect(await attempt({ start: new Date('2025-02-03T00:10:00Z') })).toBe('validation_failed start');
    expect(await attempt({ start: new Date('nonsense') })).toBe('validation_failed start');
    expect(await attempt({ start: new Date('2020-01-06T00:00:00Z') })).toBe('validation_failed historyWeeks');
    expect(await attempt({ intervalMinutes: 60, weeks: 8 })).toBe('accepted');
  });
});
