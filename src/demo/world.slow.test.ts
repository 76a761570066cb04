import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { parsePhoneNumberFromString as parseStrict } from 'libphonenumber-js/max';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../core/index.ts';
import { Calendar, isSiteOpen } from '../organisation/index.ts';
import { type Db, migrate, openStore, type Store } from '../store/index.ts';
import { clearWorld, createDemoWorld, type DemoWorldSummary, demoSignIns } from './index.ts';

const NOW = new Date('2026-03-02T10:00:00Z');
const SEED = 20_260_302;

describe('the demo world', () => {
  let store: Store;
  let db: Db;
  let summary: DemoWorldSummary;

  beforeAll(async () => {
    store = await openStore({ kind: 'embedded' });
    db = store.db;
    await migrate(db);
    summary = await createDemoWorld(db, { seed: SEED, now: NOW });
  }, 120_000);

  afterAll(async () => {
    await store?.close();
  });

  const count = async (
    table: 'subsidiaries' | 'sites' | 'agents' | 'customers' | 'conversations' | 'messages',
  ) =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('has the promised size, and the summary says so', async () => {
    expect(await count('subsidiaries')).toBe(5);
    expect(await count('sites')).toBe(7);
    const agents = await count('agents');
    expect(agents).toBeGreaterThanOrEqual(70);
    expect(agents).toBeLessThanOrEqual(90);
    expect(await count('customers')).toBe(10_000);
    const conversations = await count('conversations');
    expect(conversations).toBeGreaterThanOrEqual(300);
    expect(conversations).toBeLessThanOrEqual(500);
    expect(summary).toMatchObject({
      subsidiaries: 5,
      sites: 7,
      agents,
      customers: 10_000,
      conversations,
      messages: await count('messages'),
    });
  });

  it('gives every subsidiary a default language among its languages', async () => {
    const rows = await db.selectFrom('subsidiaries').selectAll().execute();
    expect(rows.map((r) => r.code).sort()).toEqual(['EG', 'FR', 'MA', 'MG', 'SN']);
    for (const r of rows) expect(r.languages).toContain(r.default_language);
  });

  it('gives every site a calendar that passes the Calendar schema, with a night shift and split shifts', async () => {
    const sites = await db.selectFrom('sites').selectAll().execute();
    for (const site of sites) {
      const parsed = Calendar.safeParse(site.calendar);
      expect(parsed.success, `${site.name}: ${parsed.error?.message}`).toBe(true);
      expect(site.calendar.holidays.some((h) => h.date.startsWith('2026'))).toBe(true);
      expect(site.calendar.holidays.some((h) => h.date.startsWith('2027'))).toBe(true);
    }
    const byName = new Map(sites.map((s) => [s.name, s]));
    const paramaribo = byName.get('Paramaribo');
    const paris = byName.get('Paris');
    const cairo = byName.get('Cairo');
    if (!paramaribo || !paris || !cairo) throw new Error('a demo site is missing');
    // Tuesday 3 March 2026, 03:00 in Paramaribo (UTC−3): the night shift that began on Monday.
    expect(isSiteOpen(paramaribo.calendar, paramaribo.time_zone, new Date('2026-03-03T06:00:00Z'))).toBe(
      true,
    );
    // Paris at 13:00 local on a weekday: the lunch break between two shifts.
    expect(isSiteOpen(paris.calendar, paris.time_zone, new Date('2026-03-03T12:00:00Z'))).toBe(false);
    expect(isSiteOpen(paris.calendar, paris.time_zone, new Date('2026-03-03T13:00:00Z'))).toBe(true);
    // Cairo is closed on Fridays and open on Sundays (outside Ramadan).
    expect(isSiteOpen(cairo.calendar, cairo.time_zone, new Date('2026-04-17T09:00:00Z'))).toBe(false);
    expect(isSiteOpen(cairo.calendar, cairo.time_zone, new Date('2026-04-19T09:00:00Z'))).toBe(true);
  });

  it('only has phone numbers that are valid E.164 mobiles of the subsidiary’s country', async () => {
    const phones = await db
      .selectFrom('customer_identities')
      .innerJoin('subsidiaries', 'subsidiaries.id', 'customer_identities.subsidiary_id')
      .select(['customer_identities.value', 'subsidiaries.country'])
      .where('customer_identities.kind', 'in', ['phone', 'whatsapp'])
      .execute();
    expect(phones.length).toBeGreaterThan(8_000);
    const wrong = phones.filter(({ value, country }) => {
      const parsed = parsePhoneNumberFromString(value);
      const strict = parseStrict(value);
      return (
        !/^\+[1-9]\d{7,14}$/.test(value) ||
        !parsed?.isValid() ||
        parsed.number !== value ||
        parsed.country !== country.trim() ||
        !strict?.isValid()
      );
    });
    expect(wrong).toEqual([]);
  });

  it('gives most customers an email address, in lower case and unique within the subsidiary', async () => {
    const emails = await db
      .selectFrom('customer_identities')
      .select(['value', 'subsidiary_id'])
      .where('kind', '=', 'email')
      .execute();
    expect(emails.length).toBeGreaterThan(7_000);
    for (const e of emails) expect(e.value).toMatch(/^[a-z0-9._]+@[a-z0-9.-]+\.example$/);
    expect(new Set(emails.map((e) => `${e.subsidiary_id} ${e.value}`)).size).toBe(emails.length);
  });

  it('records each customer’s current consent as the latest consent event', async () => {
    const rows = await db
      .selectFrom('customers')
      .innerJoin('consent_events', 'consent_events.customer_id', 'customers.id')
      .select(['customers.consent_level', 'consent_events.level'])
      .execute();
    expect(rows).toHaveLength(10_000);
    expect(rows.every((r) => r.consent_level === r.level)).toBe(true);
  });

  it('writes Egyptian and some Moroccan names in Arabic script', async () => {
    const rows = await db
      .selectFrom('customers')
      .innerJoin('subsidiaries', 'subsidiaries.id', 'customers.subsidiary_id')
      .select(['subsidiaries.code', 'customers.display_name'])
      .where('subsidiaries.code', 'in', ['EG', 'MA'])
      .execute();
    const arabic = (code: string) => {
      const of = rows.filter((r) => r.code === code);
      return of.filter((r) => /\p{Script=Arabic}/u.test(r.display_name)).length / of.length;
    };
    expect(arabic('EG')).toBeGreaterThan(0.4);
    expect(arabic('MA')).toBeGreaterThan(0.1);
    expect(arabic('MA')).toBeLessThan(0.5);
  });

  it('creates the demo sign-ins with their roles and scopes, all with the demo password', async () => {
    const signIns = demoSignIns();
    expect(summary.signIns).toEqual(signIns);
    const users = await db
      .selectFrom('users')
      .leftJoin('subsidiaries', 'subsidiaries.id', 'users.subsidiary_id')
      .leftJoin('sites', 'sites.id', 'users.site_id')
      .leftJoin('agents', 'agents.user_id', 'users.id')
      .select([
        'users.email',
        'users.role',
        'users.scope_kind',
        'users.password_hash',
        'subsidiaries.code as subsidiary',
        'sites.name as site',
        'agents.id as agent_id',
        'agents.tier',
      ])
      .where(
        'users.email',
        'in',
        signIns.map((s) => s.email),
      )
      .execute();
    const scopeOf = (u: (typeof users)[number]) =>
      u.scope_kind === 'group'
        ? 'group'
        : u.scope_kind === 'subsidiary'
          ? `subsidiary ${u.subsidiary}`
          : `site ${u.site}`;
    expect(
      users
        .map((u) => ({ email: u.email, role: u.role, scope: scopeOf(u) }))
        .sort((a, b) => a.email.localeCompare(b.email)),
    ).toEqual(
      signIns
        .map((s) => ({ email: s.email, role: s.role, scope: s.scope }))
        .sort((a, b) => a.email.localeCompare(b.email)),
    );
    const byEmail = new Map(users.map((u) => [u.email, u]));
    expect(byEmail.get('admin@relais.example')).toMatchObject({ role: 'admin', scope_kind: 'group' });
    expect(byEmail.get('analyst@relais.example')).toMatchObject({ role: 'analyst', scope_kind: 'group' });
    expect(byEmail.get('admin.fr@relais.example')).toMatchObject({ role: 'admin', subsidiary: 'FR' });
    expect(byEmail.get('supervisor.ma@relais.example')).toMatchObject({
      role: 'supervisor',
      subsidiary: 'MA',
    });
    expect(byEmail.get('supervisor.casablanca@relais.example')).toMatchObject({
      role: 'supervisor',
      site: 'Casablanca',
    });
    expect(byEmail.get('agent.paris@relais.example')).toMatchObject({
      role: 'agent',
      site: 'Paris',
      tier: 'level2',
    });
    expect(byEmail.get('agent.casablanca@relais.example')).toMatchObject({
      site: 'Casablanca',
      tier: 'level1',
    });
    expect(byEmail.get('agent.cairo@relais.example')).toMatchObject({ site: 'Cairo', tier: 'level1' });
    for (const u of users) expect(u.agent_id !== null).toBe(u.role === 'agent');
    const hash = byEmail.get('admin@relais.example')?.password_hash;
    expect(hash && (await verifyPassword('relais-demo', hash))).toBe(true);
  });

  it('never assigns an agent more than they can hold, in total or on a channel', async () => {
    const agents = await db.selectFrom('agents').select(['id', 'capacity']).execute();
    const held = await db
      .selectFrom('conversations')
      .select(['assignee_id', 'channel'])
      .where('status', '=', 'assigned')
      .execute();
    for (const agent of agents) {
      const mine = held.filter((c) => c.assignee_id === agent.id);
      expect(mine.length, agent.id).toBeLessThanOrEqual(agent.capacity.total);
      for (const channel of new Set(mine.map((c) => c.channel)))
        expect(
          mine.filter((c) => c.channel === channel).length,
          `${agent.id} ${channel}`,
        ).toBeLessThanOrEqual(agent.capacity.perChannel[channel] ?? 0);
    }
    expect(held.length).toBeGreaterThan(0);
  });

  it('gives the demo agents conversations of their own, at their own site', async () => {
    for (const email of [
      'agent.paris@relais.example',
      'agent.casablanca@relais.example',
      'agent.cairo@relais.example',
    ]) {
      const rows = await db
        .selectFrom('conversations')
        .innerJoin('agents', 'agents.id', 'conversations.assignee_id')
        .innerJoin('users', 'users.id', 'agents.user_id')
        .select(['conversations.status', 'conversations.site_id', 'agents.site_id as agent_site'])
        .where('users.email', '=', email)
        .execute();
      expect(rows.length, email).toBeGreaterThanOrEqual(3);
      expect(rows.some((r) => r.status === 'assigned')).toBe(true);
      for (const r of rows) expect(r.site_id).toBe(r.agent_site);
    }
  });

  it('routes French conversations to both Casablanca and Bucharest, and every conversation to a site that serves it', async () => {
    const rows = await db
      .selectFrom('conversations')
      .innerJoin('subsidiaries', 'subsidiaries.id', 'conversations.subsidiary_id')
      .innerJoin('sites', 'sites.id', 'conversations.site_id')
      .select([
        'subsidiaries.code',
        'sites.name as site',
        'sites.subsidiary_ids',
        'sites.languages as site_languages',
        'conversations.subsidiary_id',
        'conversations.language',
      ])
      .execute();
    const french = new Set(rows.filter((r) => r.code === 'FR').map((r) => r.site));
    expect(french).toContain('Casablanca');
    expect(french).toContain('Bucharest');
    for (const r of rows) {
      expect(r.subsidiary_ids).toContain(r.subsidiary_id);
      expect(r.site_languages.some((l) => l.tag === r.language && l.proficiency >= 3)).toBe(true);
    }
  });

  it('keeps conversations, messages and clocks consistent', async () => {
    const conversations = await db.selectFrom('conversations').selectAll().execute();
    const messages = await db.selectFrom('messages').selectAll().orderBy('id').execute();
    const customers = new Map(
      (await db.selectFrom('customers').select(['id', 'subsidiary_id', 'language']).execute()).map((c) => [
        c.id,
        c,
      ]),
    );
    const agents = new Map(
      (await db.selectFrom('agents').select(['id', 'site_id']).execute()).map((a) => [a.id, a]),
    );
    const statuses = new Set(conversations.map((c) => c.status));
    expect([...statuses].sort()).toEqual(['assigned', 'closed', 'open', 'pending', 'resolved']);
    expect(new Set(conversations.map((c) => c.channel)).size).toBeGreaterThanOrEqual(6);
    const sixtyDaysAgo = NOW.getTime() - 60 * 24 * 3600 * 1000;
    for (const c of conversations) {
      const own = messages.filter((m) => m.conversation_id === c.id);
      expect(own.length).toBeGreaterThanOrEqual(1);
      expect(own.length).toBeLessThanOrEqual(6);
      expect(own[0]?.direction).toBe('inbound');
      expect(own[0]?.created_at.getTime()).toBe(c.created_at.getTime());
      expect(c.created_at.getTime()).toBeGreaterThanOrEqual(sixtyDaysAgo);
      expect(c.last_message_at.getTime()).toBe(own.at(-1)?.created_at.getTime());
      expect(c.last_message_at.getTime()).toBeLessThan(NOW.getTime());
      expect([...c.channels].sort()).toEqual([...new Set(own.map((m) => m.channel))].sort());
      expect(c.channels).toContain(c.channel);
      expect(customers.get(c.customer_id)).toMatchObject({
        subsidiary_id: c.subsidiary_id,
        language: c.language,
      });
      const firstOut = own.find((m) => m.direction === 'outbound');
      expect(c.first_responded_at?.getTime() ?? null).toBe(firstOut?.created_at.getTime() ?? null);
      if (c.status === 'open') expect(c.assignee_id).toBeNull();
      else expect(agents.get(c.assignee_id ?? '')?.site_id).toBe(c.site_id);
      if (c.status === 'resolved' || c.status === 'closed') {
        expect(c.resolved_at).not.toBeNull();
        expect(c.resolved_at?.getTime()).toBeGreaterThanOrEqual(c.last_message_at.getTime());
      } else {
        expect(c.resolved_at).toBeNull();
      }
      for (const m of own) {
        expect(m.subsidiary_id).toBe(c.subsidiary_id);
        expect(m.delivery_status).toBe(m.direction === 'inbound' ? 'received' : 'delivered');
        if (m.direction === 'outbound') expect(m.author_id).toBe(c.assignee_id);
        if (m.raw !== null) {
          expect(m.channel).toBe('email');
          expect(m.raw_media_type).toBe('message/rfc822');
          expect(m.raw).toMatch(/^From: .+\r\nTo: .+\r\nSubject: /);
          expect(m.raw).toContain(`Message-ID: <${m.external_id}>`);
        }
      }
    }
    expect(messages.some((m) => m.raw !== null)).toBe(true);
  });

  it('refuses to build a second world on top of the first, and writes nothing', async () => {
    await expect(
      createDemoWorld(db, { seed: 1, now: NOW, customers: 10, conversations: 1 }),
    ).rejects.toMatchObject({
      code: 'conflict',
    });
    expect(await count('customers')).toBe(10_000);
    await expect(createDemoWorld(db, { seed: 1, now: NOW, customers: -1 })).rejects.toMatchObject({
      code: 'validation_failed',
    });
  });

  it('empties every table but the migrations with clearWorld', async () => {
    await clearWorld(db);
    for (const table of [
      'groups',
      'users',
      'customers',
      'consent_events',
      'conversations',
      'messages',
    ] as const) {
      const row = await db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(row.n), table).toBe(0);
    }
    const migrations = await db.selectFrom('schema_migrations').selectAll().execute();
    expect(migrations.length).toBeGreaterThan(0);
  });

  it('builds the same world from the same seed', async () => {
    const names = async () => {
      await clearWorld(db);
      await createDemoWorld(db, { seed: 7, now: NOW, customers: 300, conversations: 40 });
      const customers = await db.selectFrom('customers').select('display_name').orderBy('id').execute();
      const agents = await db.selectFrom('users').select('display_name').orderBy('id').execute();
      const conversations = await db
        .selectFrom('conversations')
        .select(['subject', 'status', 'channel', 'created_at'])
        .orderBy('id')
        .execute();
      return { customers: customers.map((c) => c.display_name), agents, conversations };
    };
    const first = await names();
    const second = await names();
    expect(first.customers).toHaveLength(300);
    expect(second).toEqual(first);
  }, 60_000);
});
